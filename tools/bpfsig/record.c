// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfsig record: run an unmodified loader where it may load, record every
 * BPF_PROG_LOAD it makes (through the preload library, as 'bpfsig exec'
 * runs it), and write an unsigned manifest of them, or with --key/--cert a
 * signature bundle for 'bpfsig exec --sigs'. Also listing a manifest
 * (show) and signing one (sign).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#include "main.h"
#include "manifest.h"

#define MAX_RUNS 100

struct record_args {
	const char *out, *key_path, *cert_path;
	struct bpfsig_sign_opts sopts;
	unsigned int runs;
	char **cmd;
};

static int record_help(void)
{
	fprintf(stderr,
		"Usage: %s record [--out FILE] [--runs N] [--key KEY --cert CERT [--hash ALGO]]\n"
		"                 -- CMD [ARGS]...\n"
		"\n"
		"Run CMD N times (default 1) with libbpfsig-preload.so in LD_PRELOAD,\n"
		"as 'bpfsig exec' does, and record every BPF_PROG_LOAD it makes: type,\n"
		"expected attach type, canonical instructions, name, the command line\n"
		"and the order. The loads go to the kernel unchanged: record where they\n"
		"may load (bpfsig in permissive mode, or not loaded; not under enforce).\n"
		"Without --key, FILE (default bpfsig-record.manifest) is an unsigned\n"
		"manifest that 'bpfsig sign' signs later, elsewhere; with --key/--cert,\n"
		"FILE (default bpfsig-record.sig) is a signature bundle for\n"
		"'bpfsig exec --sigs FILE -- CMD'. An existing FILE is added to.\n"
		"A load that differs between runs (or from the one FILE holds) is\n"
		"not reproducible: named, with the instructions that differ, left out\n"
		"of FILE, and the exit status is 1.\n",
		bin_name);
	return 0;
}

static const struct option record_options[] = {
	{ "out",	required_argument,	NULL,	'o' },
	{ "key",	required_argument,	NULL,	'k' },
	{ "cert",	required_argument,	NULL,	'c' },
	{ "hash",	required_argument,	NULL,	'H' },
	{ "runs",	required_argument,	NULL,	'n' },
	{ "help",	no_argument,		NULL,	'h' },
	{ 0 }
};

static int record_option(int opt, void *args)
{
	struct record_args *a = args;
	char *end;
	long n;

	switch (opt) {
	case 'o':
		a->out = optarg;
		break;
	case 'k':
		a->key_path = optarg;
		break;
	case 'c':
		a->cert_path = optarg;
		break;
	case 'H':
		return hash_option(optarg, &a->sopts);
	case 'n':
		n = strtol(optarg, &end, 10);
		if (*end || n < 1 || n > MAX_RUNS) {
			p_usage("record: --runs takes 1..%d, not '%s'",
				MAX_RUNS, optarg);
			return EXIT_USAGE;
		}
		a->runs = n;
		break;
	default:
		p_usage("record: bad option");
		return EXIT_USAGE;
	}
	return 0;
}

/* bpfsig in enforce mode here: what would be recorded is the fallback */
static int check_mode(void)
{
	char mode[32];

	/* no module, or cannot tell (root only): record */
	if (secfs_read("mode", mode, sizeof(mode)) || strcmp(mode, "enforce"))
		return 0;
	p_err("record: bpfsig is in enforce mode here: the loader's unsigned loads would be refused and it would take its fallback path; record in permissive mode ('bpfsig mode permissive') or on a build host");
	return 1;
}

/* A manifest file into @m: 0, or 1 (printed: "@path: reason") */
static int read_manifest(const char *path, struct bpfsig_manifest *m)
{
	const char *why;
	size_t len;
	void *buf;
	int err;

	if (read_file(path, &buf, &len))
		return 1;
	err = bpfsig_manifest_parse(m, buf, len, &why);
	free(buf);
	if (err == -ENOEXEC)
		p_err("%s: not a manifest of recorded loads", path);
	else if (err)
		p_err("%s: malformed manifest: %s", path, why ?: strerror(-err));
	return err ? 1 : 0;
}

/* The existing bundle @path into @set, every signature verifying with @key */
static int read_bundle(const char *path, const struct bpfsig_key *key,
		       struct bpfsig_sigset *set)
{
	const struct bpfsig_record *r;
	size_t i;
	int err;

	err = bpfsig_sigset__add_file(set, path);
	if (err) {
		p_err("%s: %s; nothing changed", path,
		      err == -ENOEXEC ? "exists and is not a signature bundle" :
		      err == -EBADMSG ? "malformed signature bundle (truncated or damaged)" :
		      strerror(-err));
		return 1;
	}
	for (i = 0; i < bpfsig_sigset__cnt(set); i++) {
		r = bpfsig_sigset__record(set, i);
		err = bpfsig_verify_appendix(key, r->appendix, r->appendix_len);
		if (err) {
			p_err("%s: signature %zu ('%s') does not verify with %s: %s; nothing changed",
			      path, i + 1, r->name, key->cert_path ?: "the certificate",
			      bpfsig_strerror(err));
			return 1;
		}
	}
	return 0;
}

/* Run the command once, recording into @m: 0, or 1 (printed) */
static int record_run(const struct record_args *a, unsigned int run,
		      struct bpfsig_manifest *m)
{
	char cap[] = "/tmp/bpfsig-record.XXXXXX", preload[4096];
	size_t len, bad;
	void *buf = NULL;
	void (*sigint)(int), (*sigquit)(int);
	int fd, status, err, ret = 1;
	pid_t pid;

	if (find_preload(preload, sizeof(preload)))
		return 1;
	fd = mkstemp(cap);
	if (fd < 0) {
		p_err("record: capture file: %s", strerror(errno));
		return 1;
	}
	close(fd);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		p_err("record: fork: %s", strerror(errno));
		goto out;
	}
	if (!pid) {
		if (setenv("BPFSIG_RECORD", cap, 1) ||
		    env_prepend("LD_PRELOAD", preload))
			_exit(126);
		execvp(a->cmd[0], a->cmd);
		fprintf(stderr, "Error: %s: %s\n", a->cmd[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	/* as system(3): ^C stops the loader, and this run with it */
	sigint = signal(SIGINT, SIG_IGN);
	sigquit = signal(SIGQUIT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	signal(SIGINT, sigint);
	signal(SIGQUIT, sigquit);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (WIFEXITED(status))
			p_err("record: %s exited with status %d in run %u: nothing written (a failing run does not show what the loader loads when it works)",
			      a->cmd[0], WEXITSTATUS(status), run);
		else
			p_err("record: %s was killed by signal %d in run %u: nothing written",
			      a->cmd[0], WTERMSIG(status), run);
		goto out;
	}
	if (read_file(cap, &buf, &len))
		goto out;
	err = bpfsig_manifest_add_entries(m, buf, len, &bad);
	if (err) {
		p_err("record: the capture of run %u is damaged at byte %zu: %s",
		      run, bad, strerror(-err));
		goto out;
	}
	ret = 0;
out:
	free(buf);
	unlink(cap);
	return ret;
}

static bool same_load(const struct bpfsig_mf_entry *x,
		      const struct bpfsig_mf_entry *y)
{
	return x->seq == y->seq && x->prog_type == y->prog_type &&
	       x->expected_attach_type == y->expected_attach_type &&
	       !strcmp(x->name, y->name) && !strcmp(x->loader, y->loader);
}

static bool same_insns(const struct bpfsig_mf_entry *x,
		       const struct bpfsig_mf_entry *y)
{
	return x->insn_cnt == y->insn_cnt &&
	       !memcmp(x->insns, y->insns, (size_t)x->insn_cnt * 8);
}

/* "not reproducible" for @x and @y, the same load with other instructions */
static void not_reproducible(const struct bpfsig_mf_entry *x,
			     const struct bpfsig_mf_entry *y)
{
	char list[128] = "", tb[16];
	size_t off = 0, shown = 0;
	__u32 i;

	for (i = 0; i < x->insn_cnt && x->insn_cnt == y->insn_cnt; i++) {
		if (!memcmp(&x->insns[i], &y->insns[i], 8))
			continue;
		if (shown++ == 8) {
			snprintf(list + off, sizeof(list) - off, ", ...");
			break;
		}
		off += snprintf(list + off, sizeof(list) - off, "%s%u",
				off ? ", " : "", i);
	}
	if (x->insn_cnt != y->insn_cnt)
		p_err("not reproducible: cannot be signed ahead: '%s' (type %s, load %u of %s): %u instructions in one run, %u in another",
		      x->name, prog_type_str(x->prog_type, tb, sizeof(tb)),
		      x->seq, x->loader, x->insn_cnt, y->insn_cnt);
	else
		p_err("not reproducible: cannot be signed ahead: '%s' (type %s, load %u of %s): instruction%s %s of %u differ%s between runs",
		      x->name, prog_type_str(x->prog_type, tb, sizeof(tb)),
		      x->seq, x->loader, shown > 1 ? "s" : "", list,
		      x->insn_cnt, shown > 1 ? "" : "s");
}

/*
 * Merge @in into @out: the same load (loader, place, name, types) with the
 * same instructions counts one more run; with other instructions it is not
 * reproducible (printed once, flagged in @bad). 0 or -ENOMEM.
 */
static int merge(struct bpfsig_manifest *out, bool *bad,
		 const struct bpfsig_manifest *in)
{
	size_t i, j;
	int err;

	for (i = 0; i < in->cnt; i++) {
		for (j = 0; j < out->cnt; j++)
			if (same_load(&out->e[j], &in->e[i]))
				break;
		if (j == out->cnt) {
			err = bpfsig_manifest_add(out, &in->e[i]);
			if (err)
				return err;
		} else if (same_insns(&out->e[j], &in->e[i])) {
			out->e[j].runs += in->e[i].runs;
		} else if (!bad[j]) {
			not_reproducible(&out->e[j], &in->e[i]);
			bad[j] = true;
		}
	}
	return 0;
}

/* The entries of @m not flagged in @bad, into @good: 0 or -ENOMEM */
static int keep_good(const struct bpfsig_manifest *m, const bool *bad,
		     struct bpfsig_manifest *good)
{
	size_t i;
	int err;

	for (i = 0; i < m->cnt; i++) {
		if (bad[i])
			continue;
		err = bpfsig_manifest_add(good, &m->e[i]);
		if (err)
			return err;
	}
	return 0;
}

/* Loads the kernel refused while recording: the loader's path may differ */
static void warn_failed(const struct bpfsig_manifest *m, size_t from)
{
	char tb[16];
	size_t i, n = 0;

	for (i = from; i < m->cnt; i++) {
		if (!m->e[i].err)
			continue;
		n++;
		p_info("warning: load %u '%s' (type %s) failed while recording: %s (%s)",
		       m->e[i].seq, m->e[i].name,
		       prog_type_str(m->e[i].prog_type, tb, sizeof(tb)),
		       bpfsig_errno_name(m->e[i].err) ?: "error",
		       strerror(m->e[i].err));
	}
	if (n)
		p_info("warning: the loader may have taken another path than where its loads succeed: record where they do (bpfsig in permissive mode or not loaded, with the loader's privileges)");
}

/* All runs into @all (after what @out_path holds): 0, or 1 (printed) */
static int record_all(const struct record_args *a, struct bpfsig_manifest *all,
		      bool **badp, size_t *recorded)
{
	struct bpfsig_manifest run = {};
	unsigned int r;
	bool *bad;
	size_t before;

	*recorded = 0;
	for (r = 1; r <= a->runs; r++) {
		if (record_run(a, r, &run))
			goto fail;
		*recorded += run.cnt;
		before = all->cnt;
		bad = realloc(*badp, (all->cnt + run.cnt + 1) * sizeof(*bad));
		if (!bad)
			goto fail;
		*badp = bad;
		memset(bad + before, 0, (run.cnt + 1) * sizeof(*bad));
		if (merge(all, bad, &run))
			goto fail;
		warn_failed(all, before);
		bpfsig_manifest_clear(&run);
	}
	return 0;
fail:
	bpfsig_manifest_clear(&run);
	return 1;
}

static void show_recorded(const struct record_args *a, size_t recorded,
			  size_t bad, size_t total)
{
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", a->out);
		jsonw_uint_field(json_wtr, "runs", a->runs);
		jsonw_uint_field(json_wtr, "loads", recorded);
		jsonw_uint_field(json_wtr, "not_reproducible", bad);
		jsonw_uint_field(json_wtr, "entries", total);
		jsonw_bool_field(json_wtr, "signed", !!a->key_path);
		jsonw_end_object(json_wtr);
		return;
	}
	p_info("%s: recorded %zu load%s in %u run%s of %s, %zu not reproducible; it now holds %zu %s",
	       a->out, recorded, recorded == 1 ? "" : "s", a->runs,
	       a->runs == 1 ? "" : "s", a->cmd[0], bad, total,
	       a->key_path ? "signatures" : "entries");
}

static int record(struct record_args *a)
{
	struct bpfsig_manifest all = {}, good = {};
	struct bpfsig_sigset *set = NULL;
	struct bpfsig_key *key = NULL;
	size_t recorded, nbad = 0, i, total;
	bool *bad = calloc(1, sizeof(*bad));
	int err, ret = 1;

	if (!bad || check_mode())
		goto out;
	if (a->key_path) {
		key = load_key(a->key_path, a->cert_path);
		set = key ? bpfsig_sigset__new() : NULL;
		if (!set || (!access(a->out, F_OK) &&
			     read_bundle(a->out, key, set)))
			goto out;
	} else if (!access(a->out, F_OK)) {
		if (read_manifest(a->out, &all))
			goto out;
		free(bad);
		bad = calloc(all.cnt + 1, sizeof(*bad));
		if (!bad)
			goto out;
	}
	if (record_all(a, &all, &bad, &recorded))
		goto out;
	if (!recorded) {
		p_err("record: %s made no BPF_PROG_LOAD that could be seen (a static executable, or one that does not call bpf(2) through libc's syscall(), cannot be recorded): nothing written",
		      a->cmd[0]);
		goto out;
	}
	for (i = 0; i < all.cnt; i++)
		nbad += bad[i];
	if (keep_good(&all, bad, &good))
		goto out;
	if (key) {
		err = bpfsig_manifest_sign(&good, key, &a->sopts, set);
		err = err ?: bpfsig_sigset__write_bundle(set, a->out);
		total = bpfsig_sigset__cnt(set);
	} else {
		err = bpfsig_manifest_write(&good, a->out);
		total = good.cnt;
	}
	if (err) {
		p_err("%s: cannot write: %s", a->out, strerror(-err));
		goto out;
	}
	show_recorded(a, recorded, nbad, total);
	if (nbad)
		p_err("record: %zu load%s not reproducible, left out of %s: sign %s with a trusted loader, or fix what changes between runs",
		      nbad, nbad == 1 ? "" : "s", a->out,
		      nbad == 1 ? "it" : "them");
	ret = nbad ? 1 : 0;
out:
	bpfsig_manifest_clear(&all);
	bpfsig_manifest_clear(&good);
	bpfsig_sigset__free(set);
	bpfsig_key__free(key);
	free(bad);
	return ret;
}

int do_record(int argc, char **argv)
{
	struct record_args a = { .sopts.sz = sizeof(a.sopts), .runs = 1 };
	int ret;

	ret = parse_options(argc, argv, "+o:k:c:H:n:h", record_options,
			    record_option, &a);
	if (ret == OPT_HELP)
		return record_help();
	if (ret)
		return ret;
	if (optind > argc) {
		p_usage("record: no command given after --");
		return EXIT_USAGE;
	}
	if (!!a.key_path != !!a.cert_path) {
		p_usage("record: --key and --cert go together");
		return EXIT_USAGE;
	}
	a.cmd = argv + optind - 1;
	if (!a.out)
		a.out = a.key_path ? "bpfsig-record.sig" : "bpfsig-record.manifest";
	return record(&a);
}

/* ---- show and sign: a manifest ---------------------------------------- */

static void show_entry(const struct bpfsig_mf_entry *e, size_t i)
{
	char tb[16], ab[64];

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "name", e->name);
		jsonw_string_field(json_wtr, "prog_type",
				   prog_type_str(e->prog_type, tb, sizeof(tb)));
		jsonw_uint_field(json_wtr, "expected_attach_type",
				 e->expected_attach_type);
		jsonw_uint_field(json_wtr, "insn_cnt", e->insn_cnt);
		jsonw_string_field(json_wtr, "loader", e->loader);
		jsonw_uint_field(json_wtr, "load", e->seq);
		jsonw_uint_field(json_wtr, "runs", e->runs);
		jsonw_string_field(json_wtr, "recorded_errno",
				   e->err ? bpfsig_errno_name(e->err) ?: "error" : "");
		jsonw_end_object(json_wtr);
		return;
	}
	printf("[%zu] '%s'\n\ttype %s  attach %s  insns %u\n", i + 1, e->name,
	       prog_type_str(e->prog_type, tb, sizeof(tb)),
	       attach_type_str(e->expected_attach_type, ab, sizeof(ab)),
	       e->insn_cnt);
	printf("\tfrom: load %u of %s, in %u run%s%s%s\n", e->seq, e->loader,
	       e->runs, e->runs == 1 ? "" : "s",
	       e->err ? "; refused when recorded: " : "",
	       e->err ? bpfsig_errno_name(e->err) ?: strerror(e->err) : "");
}

int show_manifest(const char *path)
{
	struct bpfsig_manifest m = {};
	size_t i;

	if (read_manifest(path, &m))
		return 1;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", path);
		jsonw_string_field(json_wtr, "kind", "manifest");
		jsonw_name(json_wtr, "entries");
		jsonw_start_array(json_wtr);
	} else {
		printf("%s: manifest of recorded loads (unsigned): %zu entries\n",
		       path, m.cnt);
	}
	for (i = 0; i < m.cnt; i++)
		show_entry(&m.e[i], i);
	if (json_output) {
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
	}
	bpfsig_manifest_clear(&m);
	return 0;
}

int sign_manifest(const char *path, const char *out,
		  const struct bpfsig_key *key,
		  const struct bpfsig_sign_opts *opts)
{
	struct bpfsig_manifest m = {};
	struct bpfsig_sigset *set = NULL;
	int err, ret = 1;

	if (read_manifest(path, &m))
		return 1;
	set = bpfsig_sigset__new();
	err = set ? bpfsig_manifest_sign(&m, key, opts, set) : -ENOMEM;
	if (err) {
		p_err("%s: signing failed: %s", path, strerror(-err));
		goto out;
	}
	err = bpfsig_sigset__write_bundle(set, out);
	if (err) {
		p_err("%s: cannot write signatures: %s", out, strerror(-err));
		goto out;
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", out);
		jsonw_uint_field(json_wtr, "signatures", bpfsig_sigset__cnt(set));
		jsonw_end_object(json_wtr);
	} else if (verbose) {
		printf("%s: %zu signatures of the loads of %s\n", out,
		       bpfsig_sigset__cnt(set), path);
	}
	ret = 0;
out:
	bpfsig_sigset__free(set);
	bpfsig_manifest_clear(&m);
	return ret;
}
