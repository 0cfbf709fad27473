/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfsig - what differs between the kernel series of scripts/kernels.list.
 * Kbuild defines BPFSIG_KERNEL_<series> from the kernel's version and
 * refuses to build for any series not tested.
 */
#ifndef _BPFSIG_COMPAT_H
#define _BPFSIG_COMPAT_H

#include <linux/ftrace.h>
#include <linux/types.h>

/*
 * bpf_check() and bpf_prog_load() take a third argument since 6.12 (the
 * size of the caller's attr), a different one on 7.3 (the verifier log's
 * attributes); bpfsig passes it on untouched.
 */
#if defined(BPFSIG_KERNEL_7_3)
struct bpf_log_attr;
#define bpfsig_load_extra_t struct bpf_log_attr *
#define BPFSIG_LOAD_EXTRA 1
#elif defined(BPFSIG_KERNEL_6_12)
#define bpfsig_load_extra_t u32
#define BPFSIG_LOAD_EXTRA 1
#elif defined(BPFSIG_KERNEL_6_1)
#define BPFSIG_LOAD_EXTRA 0
#else
#error "bpfsig: no BPFSIG_KERNEL_<series> from Kbuild"
#endif

/* hex2bin() has its own header since 6.2. */
#ifndef BPFSIG_KERNEL_6_1
#include <linux/hex.h>
#endif

/* Since 6.6 the architecture's setter has a new name. */
#ifdef ftrace_regs_set_instruction_pointer
#define bpfsig_set_ip(fregs, ip) ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define bpfsig_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#endif

/*
 * A reference to mm->exe_file, under rcu_read_lock() (get_mm_exe_file() is
 * not exported); get_file_rcu() takes the pointer's address since 6.7.
 */
#ifdef BPFSIG_KERNEL_6_1
#define bpfsig_get_exe_file(mm) ({					\
	struct file *__f = rcu_dereference((mm)->exe_file);		\
	__f && get_file_rcu(__f) ? __f : NULL; })
#else
#define bpfsig_get_exe_file(mm) get_file_rcu(&(mm)->exe_file)
#endif

#endif /* _BPFSIG_COMPAT_H */
