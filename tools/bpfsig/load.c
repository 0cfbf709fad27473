// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfsig load: load a signed object with libbpf, signatures attached to
 * every program load; bpfsig exec: run an unmodified libbpf-based program
 * with the LD_PRELOAD library doing the same.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "main.h"
#include "object.h"

static int load_help(void)
{
	fprintf(stderr,
		"Usage: %s load [--sigs FILE]... [--btf FILE] [--allow-unsigned]\n"
		"                [--pinmaps MAP_DIR] OBJ [PIN_DIR]\n"
		"\n"
		"Open OBJ with libbpf and load all its programs, appending to every\n"
		"BPF_PROG_LOAD libbpf makes (its feature probes included) the matching\n"
		"signature from OBJ's .bpfsig section and/or the --sigs bundles. A\n"
		"program without a matching signature is an error naming it, unless\n"
		"--allow-unsigned (then the kernel decides). With PIN_DIR (on a BPF fs)\n"
		"the programs are pinned there, as 'bpftool prog loadall' does;\n"
		"otherwise they are unloaded when bpfsig exits. With --pinmaps the\n"
		"object's maps are pinned in MAP_DIR (as 'bpftool prog loadall ...\n"
		"pinmaps MAP_DIR' does), so that they outlive bpfsig too.\n"
		"--btf: kernel BTF for CO-RE (default: the running kernel's).\n",
		bin_name);
	return 0;
}

int do_load(int argc, char **argv)
{
	static const struct option options[] = {
		{ "sigs",		required_argument,	NULL,	'S' },
		{ "btf",		required_argument,	NULL,	'B' },
		{ "allow-unsigned",	no_argument,		NULL,	'U' },
		{ "pinmaps",		required_argument,	NULL,	'M' },
		{ "help",		no_argument,		NULL,	'h' },
		{ 0 }
	};
	BPFSIG_OPTS(bpfsig_load_opts, lopts);
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	const char **sigs, *path, *pin = NULL, *pinmaps = NULL;
	struct bpf_program *prog;
	struct bpf_object *obj = NULL;
	int opt, err, is_elf, ret = EXIT_USAGE, n = 0;

	if (argc >= 1 && !strcmp(argv[0], "help"))
		return load_help();
	sigs = calloc(argc + 1, sizeof(*sigs));
	if (!sigs)
		return 1;
	optind = 0;
	while ((opt = getopt_long(argc + 1, argv - 1, "h", options,
				  NULL)) >= 0) {
		switch (opt) {
		case 'S':
			sigs[lopts.sig_path_cnt++] = optarg;
			break;
		case 'B':
			oopts.btf_custom_path = optarg;
			break;
		case 'U':
			lopts.allow_unsigned = true;
			break;
		case 'M':
			pinmaps = optarg;
			break;
		case 'h':
			ret = load_help();
			goto out;
		default:
			p_usage("load: bad option");
			goto out;
		}
	}
	if (optind > argc || argc - optind + 1 > 2 || optind == argc + 1) {
		p_usage("load: expected OBJ [PIN_DIR]");
		goto out;
	}
	path = argv[optind - 1];
	if (optind < argc)
		pin = argv[optind];
	ret = 1;
	is_elf = file_is_elf(path);
	if (is_elf <= 0) {
		if (!is_elf)
			p_err("%s: not an ELF object", path);
		goto out;
	}
	obj = bpf_object__open_file(path, &oopts);
	if (!obj) {
		p_err("%s: libbpf cannot open the object: %s", path,
		      strerror(errno));
		goto out;
	}
	bpf_object__for_each_program(prog, obj)
		n++;
	if (!n) {
		p_err("%s: object has no BPF programs", path);
		goto out;
	}
	lopts.sig_paths = sigs;
	if (!lopts.sig_path_cnt)
		lopts.obj_path = path;
	err = bpfsig_object__load(obj, &lopts);
	if (err) {
		p_err("%s: load failed: %s", path,
		      err == -ENOKEY ? "a program has no matching signature" :
		      strerror(-err));
		goto out;
	}
	if (pinmaps) {
		err = bpf_object__pin_maps(obj, pinmaps);
		if (err) {
			p_err("%s: cannot pin maps: %s", pinmaps,
			      strerror(-err));
			goto out;
		}
	}
	if (pin) {
		err = bpf_object__pin_programs(obj, pin);
		if (err) {
			p_err("%s: cannot pin programs: %s", pin,
			      strerror(-err));
			if (pinmaps)
				bpf_object__unpin_maps(obj, pinmaps);
			goto out;
		}
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", path);
		jsonw_name(json_wtr, "programs");
		jsonw_start_array(json_wtr);
	}
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__fd(prog) < 0)
			continue;
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_string_field(json_wtr, "name",
					   bpf_program__name(prog));
			jsonw_int_field(json_wtr, "fd", bpf_program__fd(prog));
			jsonw_end_object(json_wtr);
		} else {
			printf("%s: loaded %s%s%s\n", path,
			       bpf_program__name(prog), pin ? " pinned in " : "",
			       pin ? pin : "");
		}
	}
	if (json_output) {
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
	}
	ret = 0;
out:
	bpf_object__close(obj);
	free(sigs);
	return ret;
}

/* The preload library: $BPFSIG_PRELOAD, else next to the executable
 * (build tree: ../preload/, installed: ../lib/, Debian: ../lib/bpfsig/). */
static int find_preload(char *buf, size_t len)
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
		"Usage: %s exec [--sigs FILE]... [--strict] -- CMD [ARGS]...\n"
		"\n"
		"Run CMD (any libbpf-based program: bpftool, iproute2, skeletons)\n"
		"with libbpfsig-preload.so in LD_PRELOAD. Every BPF_PROG_LOAD whose\n"
		"statement matches a signature in the FILEs (signed objects or\n"
		"bundles; colon-separated in $BPFSIG_SIGS) gets it appended; other\n"
		"loads pass unsigned and are reported on stderr (--strict: refused\n"
		"with ENOKEY instead).\n",
		bin_name);
	return 0;
}

int do_exec(int argc, char **argv)
{
	char preload[PATH_MAX], *env = NULL, *ld = NULL, *tmp;
	const char *old;
	bool strict = false;
	int i;

	if (argc >= 1 && !strcmp(argv[0], "help"))
		return exec_help();
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--sigs") && i + 1 < argc) {
			i++;
			if (access(argv[i], R_OK)) {
				p_err("%s: %s", argv[i], strerror(errno));
				return 1;
			}
			if (asprintf(&tmp, "%s%s%s", env ? env : "",
				     env ? ":" : "", argv[i]) < 0)
				return 1;
			free(env);
			env = tmp;
		} else if (!strcmp(argv[i], "--strict")) {
			strict = true;
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			return exec_help();
		} else {
			p_usage("exec: unexpected '%s' (put the command after --)",
				argv[i]);
			free(env);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		p_usage("exec: no command given after --");
		free(env);
		return EXIT_USAGE;
	}
	if (!env && !getenv("BPFSIG_SIGS")) {
		p_usage("exec: no signatures: give --sigs FILE or set BPFSIG_SIGS");
		return EXIT_USAGE;
	}
	if (find_preload(preload, sizeof(preload))) {
		free(env);
		return 1;
	}
	if (env) {
		old = getenv("BPFSIG_SIGS");
		if (old && *old) {
			if (asprintf(&tmp, "%s:%s", env, old) < 0)
				return 1;
			free(env);
			env = tmp;
		}
		setenv("BPFSIG_SIGS", env, 1);
	}
	if (strict)
		setenv("BPFSIG_STRICT", "1", 1);
	old = getenv("LD_PRELOAD");
	if (asprintf(&ld, "%s%s%s", preload, old && *old ? ":" : "",
		     old ? old : "") < 0)
		return 1;
	setenv("LD_PRELOAD", ld, 1);
	if (json_output)
		jsonw_destroy(&json_wtr);
	fflush(NULL);
	execvp(argv[i], argv + i);
	p_err("%s: %s", argv[i], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
