/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libcorpus-shim.so: records the signed BPF_PROG_LOADs that reach the
 * kernel, exactly as they were made (see shim.c), so that the runner can
 * replay them with one thing changed.
 */
#ifndef BPFSIG_CORPUS_SHIM_H
#define BPFSIG_CORPUS_SHIM_H

#include <stdbool.h>
#include <linux/bpf.h>

struct shim_load {
	char name[BPF_OBJ_NAME_LEN];	/* attr.prog_name */
	union bpf_attr attr;		/* as passed; insns point below */
	unsigned int attr_size;
	struct bpf_insn *insns;		/* program || signature appendix */
	__u32 prog_cnt;			/* program instructions */
	__u32 total_cnt;		/* with the appendix */
};

/* Record successful signed loads from now on (true) or stop (false). */
void shim_capture(bool on);
/* Forget everything recorded. */
void shim_clear(void);
/* The last recorded load of program @name, or NULL. */
const struct shim_load *shim_find(const char *name);
/* BPF_PROG_LOAD of @attr (size @size) with @insns/@cnt: fd or -errno. */
int shim_prog_load(const struct shim_load *l, const struct bpf_insn *insns,
		   __u32 cnt);

#endif /* BPFSIG_CORPUS_SHIM_H */
