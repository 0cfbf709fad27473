// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfsig exec: run an unmodified libbpf-based program with the LD_PRELOAD
 * library appending signatures to its program loads.
 */
#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

/* The preload library: $BPFSIG_PRELOAD, else next to the executable
 * (build tree: ../preload/, installed: ../lib/, Debian: ../lib/bpfsig/). */
int find_preload(char *buf, size_t len)
{
	static const char *const rel[] = {
		"../preload/libbpfsig-preload.so",
		"../lib/libbpfsig-preload.so",
		"../lib/x86_64-linux-gnu/libbpfsig-preload.so",
		"../lib/bpfsig/libbpfsig-preload.so",
	};
	char exe[PATH_MAX], *dir;
	const char *env = getenv("BPFSIG_PRELOAD");
	ssize_t n;
	size_t i;

	if (env) {
		if (access(env, R_OK)) {
			p_err("%s ($BPFSIG_PRELOAD): %s", env, strerror(errno));
			return -1;
		}
		snprintf(buf, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		p_err("/proc/self/exe: %s", strerror(errno));
		return -1;
	}
	exe[n] = 0;
	dir = dirname(exe);
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(buf, len, "%s/%s", dir, rel[i]);
		if (!access(buf, R_OK))
			return 0;
	}
	p_err("libbpfsig-preload.so not found next to %s (set BPFSIG_PRELOAD)",
	      dir);
	return -1;
}

static int exec_help(void)
{
	fprintf(stderr,
		"Usage: %s exec [--sigs FILE]... [--strict] [--report FILE] -- CMD [ARGS]...\n"
		"\n"
		"Run CMD (any libbpf-based program: bpftool, iproute2, skeletons)\n"
		"with libbpfsig-preload.so in LD_PRELOAD. Every BPF_PROG_LOAD whose\n"
		"statement matches a signature in the FILEs (signed objects or\n"
		"bundles; colon-separated in $BPFSIG_SIGS) gets it appended; other\n"
		"loads pass unsigned and are reported on stderr (--strict: refused\n"
		"with ENOKEY instead). A load the kernel's bpfsig refuses is reported\n"
		"on stderr with the reason and errno, before the loader's own message.\n"
		"At exit, the loads without a matching signature are listed again, with\n"
		"what became of each (also appended to FILE with --report FILE): a\n"
		"loader that falls back to another mode when a load is refused does\n"
		"not do so silently. Sign such loads with 'bpfsig record'.\n",
		bin_name);
	return 0;
}

/* @name = @val, then ":" and the old value if there is one: 0 or -1 */
int env_prepend(const char *name, const char *val)
{
	const char *old = getenv(name);
	char *s;
	int err;

	if (!old || !*old)
		return setenv(name, val, 1);
	if (asprintf(&s, "%s:%s", val, old) < 0)
		return -1;
	err = setenv(name, s, 1);
	free(s);
	return err;
}

struct exec_args {
	char *sigs;		/* --sigs FILEs, colon-separated */
	const char *report;	/* --report FILE */
	bool strict;
	bool help;
	int cmd;		/* index of the command in argv */
};

/*
 * --sigs FILE: read now, so that a typo, a damaged bundle or an unsigned
 * manifest fails before the command runs
 */
static int add_sigs(struct exec_args *a, const char *path)
{
	struct bpfsig_sigset *set = bpfsig_sigset__new();
	char *s;
	int err;

	err = set ? bpfsig_sigset__add_file(set, path) : -ENOMEM;
	bpfsig_sigset__free(set);
	if (err == -ENOEXEC && file_is_manifest(path) == 1) {
		p_err("%s: an unsigned manifest of recorded loads: sign it first (bpfsig sign --key KEY --cert CERT %s)",
		      path, path);
		return 1;
	}
	if (err) {
		p_err("%s: %s", path, err == -ENOEXEC ?
		      "neither a signed BPF object nor a signature bundle" :
		      err == -EBADMSG ? "malformed signatures (truncated or damaged)" :
		      strerror(-err));
		return 1;
	}
	if (asprintf(&s, "%s%s%s", a->sigs ?: "", a->sigs ? ":" : "",
		     path) < 0)
		return 1;
	free(a->sigs);
	a->sigs = s;
	return 0;
}

/* Options into @a: 0, 1 (failure, printed) or EXIT_USAGE (printed). */
static int parse_exec_args(int argc, char **argv, struct exec_args *a)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--sigs") && i + 1 < argc) {
			if (add_sigs(a, argv[++i]))
				return 1;
		} else if (!strcmp(argv[i], "--report") && i + 1 < argc) {
			a->report = argv[++i];
		} else if (!strcmp(argv[i], "--strict")) {
			a->strict = true;
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			a->help = true;
			return 0;
		} else {
			p_usage("exec: unexpected '%s' (put the command after --)",
				argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		p_usage("exec: no command given after --");
		return EXIT_USAGE;
	}
	if (!a->sigs && !getenv("BPFSIG_SIGS")) {
		p_usage("exec: no signatures: give --sigs FILE or set BPFSIG_SIGS");
		return EXIT_USAGE;
	}
	a->cmd = i;
	return 0;
}

static int run(char **argv, const struct exec_args *a)
{
	char preload[PATH_MAX];
	int err;

	if (find_preload(preload, sizeof(preload)))
		return 1;
	if ((a->sigs && env_prepend("BPFSIG_SIGS", a->sigs)) ||
	    (a->strict && setenv("BPFSIG_STRICT", "1", 1)) ||
	    (a->report && setenv("BPFSIG_REPORT", a->report, 1)) ||
	    env_prepend("LD_PRELOAD", preload))
		return 1;
	if (json_output) {
		jsonw_destroy(&json_wtr);
		json_output = false;
	}
	fflush(NULL);
	execvp(argv[0], argv);
	err = errno;
	p_err("%s: %s", argv[0], strerror(err));
	return err == ENOENT ? 127 : 126;
}

int do_exec(int argc, char **argv)
{
	struct exec_args a = {};
	int ret;

	if (argc >= 1 && !strcmp(argv[0], "help"))
		return exec_help();
	ret = parse_exec_args(argc, argv, &a);
	if (!ret)
		ret = a.help ? exec_help() : run(argv + a.cmd, &a);
	free(a.sigs);
	return ret;
}
