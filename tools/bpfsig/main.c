// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfsig: sign eBPF programs for the bpfsig kernel module, verify them,
 * load them, and manage the module's keyring and policy.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "main.h"

#ifndef BPFSIG_VERSION_STR
#define BPFSIG_VERSION_STR "0.1"
#endif

const char *bin_name;
bool json_output;
bool verbose;
json_writer_t *json_wtr;

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (json_output) {
		char *msg = NULL;

		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "error", msg ? msg : fmt);
		jsonw_end_object(json_wtr);
		free(msg);
	}
	va_end(ap);
	/* always on stderr too, so scripts using -j still see the reason */
	va_start(ap, fmt);
	fprintf(stderr, "Error: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (json_output)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void p_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "Error: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry '%s help' or '%s COMMAND help'.\n", bin_name,
		bin_name);
	va_end(ap);
}

static int lib_print(enum bpfsig_print_level level, const char *fmt,
		     va_list args)
{
	if (level == BPFSIG_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	/* libbpf's info lines (e.g. "skipping unrecognized data section
	 * .bpfsig") are noise here: shown with -d only */
	if (level != LIBBPF_WARN && !verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int argc, char **argv))
{
	size_t len;
	int i, match = -1;

	if (argc < 1)
		return help(argc, argv);
	len = strlen(argv[0]);
	/* bpftool-style: unique prefixes are accepted */
	for (i = 0; cmds[i].name; i++) {
		if (!strcmp(argv[0], cmds[i].name))
			return cmds[i].func(argc - 1, argv + 1);
		if (!strncmp(argv[0], cmds[i].name, len)) {
			if (match >= 0) {
				p_usage("ambiguous command '%s'", argv[0]);
				return EXIT_USAGE;
			}
			match = i;
		}
	}
	if (match >= 0)
		return cmds[match].func(argc - 1, argv + 1);
	p_usage("unknown command '%s'", argv[0]);
	return EXIT_USAGE;
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (json_output) {
		jsonw_null(json_wtr);
		return 0;
	}
	fprintf(stderr,
		"Usage: %s [OPTIONS] COMMAND ...\n"
		"       %s help\n"
		"\n"
		"COMMAND := { keygen | sign | verify | show | load | exec | record |\n"
		"             key | loader | status | mode | lock | revoke | version }\n"
		"\n"
		"  keygen [--bits 2048|3072|4096] [--subject CN] [--days N] -o PREFIX\n"
		"  sign   --key KEY --cert CERT [--hash ALGO] --type PROG_TYPE\n"
		"         [--attach-type ATTACH] [-o OUT] RAWFILE\n"
		"  sign   --key KEY --cert CERT [--hash ALGO] [--btf FILE]...\n"
		"         [--kconfig FILE] [--detached OUT.sig | -o OUT] OBJ\n"
		"  sign   --key KEY --cert CERT [--hash ALGO] [-o BUNDLE] MANIFEST\n"
		"  verify --cert CERT [--type PROG_TYPE [--attach-type ATTACH]] RAWFILE\n"
		"  verify --cert CERT [--btf FILE]... [--sigs FILE]... [--kconfig FILE] OBJ\n"
		"  show   FILE\n"
		"  load   [--sigs FILE]... [--btf FILE] [--allow-unsigned]\n"
		"         [--pinmaps MAP_DIR] OBJ [PIN_DIR]\n"
		"  exec   [--sigs FILE]... [--strict] [--report FILE] -- CMD [ARGS]...\n"
		"  record [--out FILE] [--runs N] [--key KEY --cert CERT [--hash ALGO]]\n"
		"         -- CMD [ARGS]...\n"
		"  key    { add CERT | list | remove ID }\n"
		"  loader { sign | add | list | remove } (see 'loader help')\n"
		"  status\n"
		"  mode   { off | permissive | enforce }\n"
		"  lock\n"
		"  revoke DIGEST_HEX\n"
		"\n"
		"OPTIONS := { -j|--json | -p|--pretty | -d|--debug | -h|--help |\n"
		"             -V|--version }\n"
		"ALGO := { sha256 | sha384 | sha512 }\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n"
		"See '%s COMMAND help' and bpfsig(8).\n",
		bin_name, bin_name, bin_name);
	return 0;
}

static int do_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "version", BPFSIG_VERSION_STR);
		jsonw_string_field(json_wtr, "libbpf_version",
				   libbpf_version_string());
		jsonw_end_object(json_wtr);
	} else {
		printf("%s v%s\nusing libbpf %s\n", bin_name,
		       BPFSIG_VERSION_STR, libbpf_version_string());
	}
	return 0;
}

static const struct cmd cmds[] = {
	{ "help",	do_help },
	{ "keygen",	do_keygen },
	{ "sign",	do_sign },
	{ "verify",	do_verify },
	{ "show",	do_show },
	{ "load",	do_load },
	{ "exec",	do_exec },
	{ "record",	do_record },
	{ "key",	do_key },
	{ "loader",	do_loader },
	{ "status",	do_status },
	{ "mode",	do_mode },
	{ "lock",	do_lock },
	{ "revoke",	do_revoke },
	{ "version",	do_version },
	{ 0 }
};

static const struct option global_options[] = {
	{ "json",	no_argument,	NULL,	'j' },
	{ "pretty",	no_argument,	NULL,	'p' },
	{ "debug",	no_argument,	NULL,	'd' },
	{ "help",	no_argument,	NULL,	'h' },
	{ "version",	no_argument,	NULL,	'V' },
	{ 0 }
};

struct global_opts {
	bool pretty, version, help;
};

/* The options before the command: 0, or EXIT_USAGE (printed). */
static int parse_global(int argc, char **argv, struct global_opts *g)
{
	int opt;

	/* '+': stop at the first non-option (the command) */
	while ((opt = getopt_long(argc, argv, "+jpdhV", global_options,
				  NULL)) >= 0) {
		switch (opt) {
		case 'j':
			json_output = true;
			break;
		case 'p':
			json_output = true;
			g->pretty = true;
			break;
		case 'd':
			verbose = true;
			break;
		case 'h':
			g->help = true;
			break;
		case 'V':
			g->version = true;
			break;
		default:
			p_usage("unrecognized option '%s'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct global_opts g = {};
	int ret;

	bin_name = "bpfsig";
	setlinebuf(stderr);
	bpfsig_set_print(lib_print);
	libbpf_set_print(libbpf_print);
	if (parse_global(argc, argv, &g))
		return EXIT_USAGE;
	argc -= optind;
	argv += optind;
	if (json_output) {
		json_wtr = jsonw_new(stdout);
		if (!json_wtr) {
			json_output = false;
			p_err("failed to create JSON writer");
			return 1;
		}
		jsonw_pretty(json_wtr, g.pretty);
	}
	if (g.version)
		ret = do_version(0, NULL);
	else if (g.help || argc < 1)
		ret = do_help(argc, argv) ?: (argc < 1 && !g.help ? EXIT_USAGE : 0);
	else
		ret = cmd_select(cmds, argc, argv, do_help);
	if (json_output)
		jsonw_destroy(&json_wtr);
	return ret;
}
