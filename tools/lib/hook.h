/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfsig internals: bpf(2) interposition (syscall.c). */
#ifndef __LIBBPFSIG_HOOK_H
#define __LIBBPFSIG_HOOK_H

#include "libbpfsig_internal.h"

struct bpfsig_hook {
	/* returns >= 0 or -errno; runs with the hook disabled (no recursion) */
	long (*bpf)(struct bpfsig_hook *hook, int cmd, void *attr,
		    unsigned int size);
	/* if set: path that replaces /sys/kernel/btf/vmlinux */
	const char *vmlinux_btf;
	unsigned long calls;
	struct bpfsig_hook *prev;
};

BPFSIG_INTERNAL void bpfsig_hook_push(struct bpfsig_hook *hook);
BPFSIG_INTERNAL void bpfsig_hook_pop(struct bpfsig_hook *hook);
BPFSIG_INTERNAL void bpfsig_hook_set_global(struct bpfsig_hook *hook);
BPFSIG_INTERNAL int bpfsig_hook_selftest(void);
BPFSIG_INTERNAL long bpfsig_real_syscall(long nr, long a1, long a2, long a3,
					 long a4, long a5, long a6);
BPFSIG_INTERNAL long bpfsig_real_bpf(int cmd, void *attr, unsigned int size);

#endif
