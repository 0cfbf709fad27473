// SPDX-License-Identifier: GPL-2.0
/*
 * The test bed's stand-in for code run inside a loader: preloaded
 * (LD_PRELOAD) into an executable, it makes one unsigned BPF_PROG_LOAD of
 * "r0 = 1; exit" of type $TB_PROG_TYPE (default cgroup_skb) before the
 * executable's main() and exits with 0 if it was loaded, else its errno.
 * What it shows: the module trusts what runs as a trusted executable's
 * process, whatever code it is (Documentation/design.md, "Trusted
 * loaders"), and nothing else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

__attribute__((constructor)) static void load_once(void)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	const char *type = getenv("TB_PROG_TYPE");
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type ? atoi(type) : BPF_PROG_TYPE_CGROUP_SKB;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	_exit(fd < 0 ? errno : 0);
}
