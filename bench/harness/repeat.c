// SPDX-License-Identifier: GPL-2.0
/*
 * repeat.c - one signed straight-line program loaded again and again, each
 * load checked: what bench/profile.sh traces.
 */
#include <stdlib.h>

#include "bench.h"

/**
 * cmd_repeat() - load the same signed program @count times
 * @insns: its instructions, without the appendix
 * @count: how many loads
 *
 * Every load must be accepted (a program fd): the module must be in
 * enforce or permissive mode with the trusted key enrolled.
 *
 * Return: 0, or 1 after the first load that was not accepted.
 */
int cmd_repeat(__u32 insns, long count)
{
	struct bpfsig_key *trusted = key_load("trusted");
	union bpf_attr attr;
	struct prog p, b;
	size_t app_len;
	void *app;
	long i;
	int err;

	make_straight(&p, insns, 1, 0);
	sign(trusted, BPF_PROG_TYPE_SOCKET_FILTER, 0, p.insns, p.cnt, &app,
	     &app_len);
	b = with_appendix(&p, app, app_len);
	attr_init(&attr, BPF_PROG_TYPE_SOCKET_FILTER, &b);
	for (i = 0; i < count; i++) {
		load_once(&attr, &err);
		if (err) {
			fprintf(stderr, "bench: repeat: load %ld of %ld: %s\n",
				i + 1, count, err_name(err));
			return 1;
		}
	}
	printf("repeat: %ld loads of %u insns accepted\n", count, insns);
	free(app);
	free(b.insns);
	free(p.insns);
	return 0;
}
