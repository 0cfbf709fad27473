/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfsig-preload.so: explaining a load the kernel's bpfsig refused. */
#ifndef __BPFSIG_PRELOAD_REFUSAL_H
#define __BPFSIG_PRELOAD_REFUSAL_H

#include <stdbool.h>

#include "libbpfsig_internal.h"

/* bpfsig's refusal counters (securityfs "stats"), in refusal.c's order */
#define BPFSIG_OUTCOMES 7

struct bpfsig_counters {
	unsigned long long v[BPFSIG_OUTCOMES];
};

/* Read the module's refusal counters: 0, or -errno (no module). */
BPFSIG_INTERNAL int bpfsig_refusal_counters(struct bpfsig_counters *c);

/*
 * After a BPF_PROG_LOAD of @uattr returned @ret: if bpfsig refused it (see
 * refusal.c), one line on stderr naming the program and the reason.
 * @before: the counters read before the load.
 */
BPFSIG_INTERNAL void bpfsig_refusal_explain(const void *uattr,
					    unsigned int size, long ret,
					    const struct bpfsig_counters *before);

union bpf_attr;

/* FNV-1a of what identifies a load: its name and instructions */
BPFSIG_INTERNAL __u64 bpfsig_load_hash(const union bpf_attr *attr);

#endif
