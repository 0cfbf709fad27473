/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * bpfsig show: which programs of an object depend on the kernel they are
 * prepared for, and why (analyze.c).
 */
#ifndef __BPFSIG_ANALYZE_H
#define __BPFSIG_ANALYZE_H

#include <stddef.h>
#include <gelf.h>

enum reason {
	R_CORE,		/* CO-RE relocations: field offsets etc. of the target */
	R_KSYM,		/* typed ksyms: BTF ids of the target */
	R_KFUNC,	/* kfunc calls: BTF ids of the target */
	R_TYPELESS,	/* typeless ksyms: addresses of the booted kernel */
	R_KCONFIG,	/* kconfig externs: .kconfig map data only */
	R_CNT,
};

/* the reasons that make a program kernel-specific */
#define R_SPECIFIC (1u << R_CORE | 1u << R_KSYM | 1u << R_KFUNC | \
		    1u << R_TYPELESS)

struct func {
	char *name;
	size_t shndx;
	GElf_Addr off, size;
	unsigned int reasons;	/* 1 << enum reason */
	unsigned int calls_text;
	char *detail[R_CNT];	/* comma-separated names */
};

struct analysis {
	struct func *funcs;
	size_t cnt;
	unsigned int text_reasons;	/* union over .text subprograms */
};

/* The functions of the object at @path and their reasons: 0 or -errno. */
int analyze(const char *path, struct analysis *a);
void free_analysis(struct analysis *a);
const struct func *find_func(const struct analysis *a, const char *name);
/* The reasons of @f (may be NULL), those of the subprograms it calls too. */
unsigned int func_reasons(const struct analysis *a, const struct func *f);

#endif
