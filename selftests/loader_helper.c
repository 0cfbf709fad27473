// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: a stand-in for a trusted loader (loader_test.c). Makes
 * one unsigned BPF_PROG_LOAD of "r0 = 1; exit" with the program type (and
 * expected attach type) it is given, and exits with 0 if it was loaded,
 * else with the load's errno.
 *
 *   loader_helper PROG_TYPE [EXPECTED_ATTACH_TYPE]
 *
 * loader_test.c changes one byte of the tag below in a copy of this file,
 * to make an executable that differs from this one in its content only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

const volatile char loader_helper_tag[] = "bpfsig-loader-helper-tag:0";

int main(int argc, char **argv)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s PROG_TYPE [EXPECTED_ATTACH_TYPE] (%s)\n",
			argv[0], (const char *)loader_helper_tag);
		return 2;
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = atoi(argv[1]);
	attr.expected_attach_type = argc > 2 ? atoi(argv[2]) : 0;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	strcpy(attr.prog_name, "loader_helper");
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}
