// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * loads: a loader for the host tests of 'bpfsig record' and 'bpfsig exec'.
 * Makes N BPF_PROG_LOADs of socket filters "r0 = I; exit" named "pI",
 * through libc's syscall() as libbpf does, and reports each answer; exits
 * 0 whatever the kernel said, like a loader that falls back silently.
 *   loads N [pid]    pid: the first program returns this process's pid,
 *                    a program that differs from run to run
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

int main(int argc, char **argv)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int i, n = argc > 1 ? atoi(argv[1]) : 1;
	long fd;

	for (i = 0; i < n; i++) {
		insns[0].imm = i == 0 && argc > 2 ? getpid() : i;
		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		attr.insns = (unsigned long)insns;
		attr.insn_cnt = 2;
		attr.license = (unsigned long)"GPL";
		snprintf(attr.prog_name, sizeof(attr.prog_name), "p%d", i);
		fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		printf("p%d: %s\n", i, fd < 0 ? "refused" : "loaded");
	}
	return 0;
}
