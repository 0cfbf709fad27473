// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfsig load: load a signed object with libbpf, signatures attached to
 * every program load.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "main.h"

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

struct load_args {
	const char *path, *pin, *pinmaps;
	struct bpfsig_load_opts lopts;
	const char **sigs;	/* room for one per argument */
	const char *btf;
};

static const struct option load_options[] = {
	{ "sigs",		required_argument,	NULL,	'S' },
	{ "btf",		required_argument,	NULL,	'B' },
	{ "allow-unsigned",	no_argument,		NULL,	'U' },
	{ "pinmaps",		required_argument,	NULL,	'M' },
	{ "help",		no_argument,		NULL,	'h' },
	{ 0 }
};

/* One option into @args: 0, or EXIT_USAGE (printed). */
static int load_option(int opt, void *args)
{
	struct load_args *a = args;

	switch (opt) {
	case 'S':
		a->sigs[a->lopts.sig_path_cnt++] = optarg;
		break;
	case 'B':
		a->btf = optarg;
		break;
	case 'U':
		a->lopts.allow_unsigned = true;
		break;
	case 'M':
		a->pinmaps = optarg;
		break;
	default:
		p_usage("load: bad option");
		return EXIT_USAGE;
	}
	return 0;
}

/* Options, OBJ and PIN_DIR into @a: 0, OPT_HELP, or EXIT_USAGE. */
static int parse_load_args(int argc, char **argv, struct load_args *a)
{
	int err;

	err = parse_options(argc, argv, "h", load_options, load_option, a);
	if (err)
		return err;
	if (optind > argc || argc - optind + 1 > 2 || optind == argc + 1) {
		p_usage("load: expected OBJ [PIN_DIR]");
		return EXIT_USAGE;
	}
	a->path = argv[optind - 1];
	if (optind < argc)
		a->pin = argv[optind];
	a->lopts.sig_paths = a->sigs;
	if (!a->lopts.sig_path_cnt)
		a->lopts.obj_path = a->path;
	return 0;
}

/* libbpf's view of the object: NULL (printed) if it has no programs */
static struct bpf_object *open_object(const struct load_args *a)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .btf_custom_path = a->btf);
	struct bpf_object *obj;
	int is_elf;

	is_elf = file_is_elf(a->path);
	if (is_elf <= 0) {
		if (!is_elf)
			p_err("%s: not an ELF object", a->path);
		return NULL;
	}
	obj = bpf_object__open_file(a->path, &oopts);
	if (!obj) {
		p_err("%s: libbpf cannot open the object: %s", a->path,
		      strerror(errno));
		return NULL;
	}
	if (!bpf_object__next_program(obj, NULL)) {
		p_err("%s: object has no BPF programs", a->path);
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

/* Pin the maps (--pinmaps), then the programs (PIN_DIR): 0 or -1. */
static int pin_object(struct bpf_object *obj, const struct load_args *a)
{
	int err;

	if (a->pinmaps) {
		err = bpf_object__pin_maps(obj, a->pinmaps);
		if (err) {
			p_err("%s: cannot pin maps: %s", a->pinmaps,
			      strerror(-err));
			return -1;
		}
	}
	if (a->pin) {
		err = bpf_object__pin_programs(obj, a->pin);
		if (err) {
			p_err("%s: cannot pin programs: %s", a->pin,
			      strerror(-err));
			if (a->pinmaps)
				bpf_object__unpin_maps(obj, a->pinmaps);
			return -1;
		}
	}
	return 0;
}

static void show_loaded(struct bpf_object *obj, const struct load_args *a)
{
	struct bpf_program *prog;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", a->path);
		jsonw_name(json_wtr, "programs");
		jsonw_start_array(json_wtr);
	}
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__fd(prog) < 0)
			continue;
		if (!json_output) {
			printf("%s: loaded %s%s%s\n", a->path,
			       bpf_program__name(prog),
			       a->pin ? " pinned in " : "", a->pin ?: "");
			continue;
		}
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "name", bpf_program__name(prog));
		jsonw_int_field(json_wtr, "fd", bpf_program__fd(prog));
		jsonw_end_object(json_wtr);
	}
	if (json_output) {
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
	}
}

static int load_object(const struct load_args *a)
{
	struct bpf_object *obj;
	int err, ret = 1;

	obj = open_object(a);
	if (!obj)
		return 1;
	err = bpfsig_object__load(obj, &a->lopts);
	if (err) {
		p_err("%s: load failed: %s", a->path,
		      err == -ENOKEY ? "a program has no matching signature" :
		      strerror(-err));
	} else if (!pin_object(obj, a)) {
		show_loaded(obj, a);
		ret = 0;
	}
	bpf_object__close(obj);
	return ret;
}

int do_load(int argc, char **argv)
{
	struct load_args a = { .lopts.sz = sizeof(a.lopts) };
	int ret;

	a.sigs = calloc(argc + 1, sizeof(*a.sigs));
	if (!a.sigs)
		return 1;
	ret = parse_load_args(argc, argv, &a);
	if (ret == OPT_HELP)
		ret = load_help();
	else if (!ret)
		ret = load_object(&a);
	free(a.sigs);
	return ret;
}
