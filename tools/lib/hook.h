/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libbpfsig internals: seeing libbpf's bpf(2) calls (hook.c, got.c).
 *
 * A hook receives the bpf(2) calls libbpf makes through libc's syscall()
 * while it is active: per thread (bpfsig_hook_push()) for the object
 * functions, process-wide (bpfsig_hook_set_global()) for the preload
 * library. The calls reach hook.c in one of two ways, and only these:
 *  - libbpfsig redirects libbpf's own imports of syscall(), open(),
 *    open64(), fopen(), fopen64() and faccessat() (the entries of libbpf's
 *    global offset table) to hook.c, once, from the first object function
 *    called (bpfsig_hook_ready());
 *  - the preload library defines syscall() itself and is first in the
 *    lookup scope through LD_PRELOAD (preload/preload.c).
 * Neither libbpfsig.a nor libbpfsig.so defines a libc function.
 */
#ifndef __LIBBPFSIG_HOOK_H
#define __LIBBPFSIG_HOOK_H

#include <stdarg.h>

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

typedef long (*bpfsig_syscall_fn)(long nr, ...);

BPFSIG_INTERNAL void bpfsig_hook_push(struct bpfsig_hook *hook);
BPFSIG_INTERNAL void bpfsig_hook_pop(struct bpfsig_hook *hook);
BPFSIG_INTERNAL void bpfsig_hook_set_global(struct bpfsig_hook *hook);

/*
 * Redirect libbpf's imports (once per process) and prove that its bpf(2)
 * calls reach the hooks: 0, or -ENOTSUP with the reason printed.
 */
BPFSIG_INTERNAL int bpfsig_hook_ready(void);

/*
 * What syscall(@nr, ...) does with the hooks: bpf(2) goes to the active
 * hook, everything else (and bpf(2) from inside a hook) to @next.
 */
BPFSIG_INTERNAL long bpfsig_hook_vsyscall(bpfsig_syscall_fn next, long nr,
					  va_list ap);

/* bpf(2) to the kernel, from inside a hook's callback: fd or -errno. */
BPFSIG_INTERNAL long bpfsig_real_bpf(int cmd, void *attr, unsigned int size);

/* got.c: point the named imports of one loaded object at other functions */
struct bpfsig_import {
	const char *name;
	void *fn;
};

/*
 * Redirect every import of the object that contains @addr named in @imp
 * (GOT entries of PLT calls and of address loads). Return: the number of
 * entries changed, or -errno.
 */
BPFSIG_INTERNAL int bpfsig_got_redirect(const void *addr,
					const struct bpfsig_import *imp,
					size_t cnt);

#endif
