// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the harness's options and commands (see bench.h for the whole
 * picture).
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct bench_options bench = {
	.out_dir = ".",
	.keys_dir = "build/bench/keys",
	.flood_s = 10,
	.budget_s = 1.5,
	.signed_mode = "enforce",
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench [--out DIR] [--keys DIR] [--smoke] [--seconds S] [--budget S]\n"
		"             [--signed-mode enforce|permissive] COMMAND\n"
		"  loads nomod|off|enforce|rehash   the families x cases matrix for one phase\n"
		"  flood LABEL                      unsigned ~1M-insn loads for --seconds\n"
		"  corpus DIR...                    *.bpf.o: signed (--signed-mode) vs unsigned (off)\n"
		"  hash                             sha256 drivers through AF_ALG\n"
		"  hashpair                         the module's hashing and its driver's, interleaved\n"
		"  flat                             the refused cases, sizes interleaved (also part of loads enforce)\n"
		"  repeat N COUNT                   one signed N-insn program loaded COUNT times (bench/profile.sh)\n");
}

/* Index of the command in @argv, -1 for --help, -2 for a usage error. */
static int parse_options(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--smoke"))
			bench.smoke = true;
		else if (i + 1 < argc && !strcmp(argv[i], "--out"))
			bench.out_dir = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--keys"))
			bench.keys_dir = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--seconds"))
			bench.flood_s = atof(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "--budget"))
			bench.budget_s = atof(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "--signed-mode") &&
			 (!strcmp(argv[i + 1], "enforce") ||
			  !strcmp(argv[i + 1], "permissive")))
			bench.signed_mode = argv[++i];
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return -1;
		else
			return -2;
	}
	return i < argc ? i : -2;
}

int main(int argc, char **argv)
{
	int i = parse_options(argc, argv);

	if (i == -1) {
		usage(stdout);
		return 0;
	}
	if (i < 0)
		goto usage;
	if (!strcmp(argv[i], "loads") && i + 1 < argc)
		return cmd_loads(argv[i + 1]);
	if (!strcmp(argv[i], "flood") && i + 1 < argc)
		return cmd_flood(argv[i + 1]);
	if (!strcmp(argv[i], "corpus"))
		return cmd_corpus(argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "hash"))
		return cmd_hash();
	if (!strcmp(argv[i], "hashpair"))
		return cmd_hashpair();
	if (!strcmp(argv[i], "flat"))
		return cmd_flat();
	if (!strcmp(argv[i], "repeat") && i + 2 < argc)
		return cmd_repeat(strtoul(argv[i + 1], NULL, 0),
				  strtol(argv[i + 2], NULL, 0));
usage:
	usage(stderr);
	return 2;
}
