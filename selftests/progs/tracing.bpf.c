// SPDX-License-Identifier: GPL-2.0
/*
 * Tracing programs around two syscalls the runner makes on purpose:
 * getpgid(TRACE_PGID_ARG) and unlink("/tmp/corpus-..."), and one of its
 * functions (uprobe). Only the tgid set in .rodata by the loader is traced
 * (0 = everyone).
 * Covers: tracepoint, raw_tp, kprobe, kretprobe, fentry, fexit, uprobe,
 * ring buffer, hash and array maps, CO-RE reads against the target kernel's
 * vmlinux.h. Every program but fexit_unlinkat reads kernel structures, so
 * its instructions depend on the target kernel's BTF.
 *
 * The unlink programs attach to the kernel function behind unlink(2),
 * do_unlinkat(dfd, struct filename *) up to 6.x; 7.x renamed it
 * filename_unlinkat() with the same arguments. selftests/corpus/Makefile
 * passes the name the target kernel's BTF has as CORPUS_UNLINK_FN.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "corpus.h"

#ifndef CORPUS_UNLINK_FN
#define CORPUS_UNLINK_FN do_unlinkat
#endif
#define STR_(x) #x
#define STR(x) STR_(x)
#define UNLINK_FN STR(CORPUS_UNLINK_FN)

const volatile __u32 target_tgid;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u64);	/* getpgid() argument */
	__type(value, __u64);	/* calls */
} tp_args SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} raw_getpgid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16384);
} unlink_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);	/* tgid */
	__type(value, __s64);	/* last CORPUS_UNLINK_FN() return value */
} kret_vals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);	/* FX_* */
	__type(value, __s64);
} fx_vals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);	/* 0: calls, 1: sum of a + b */
	__type(value, __s64);
} up_vals SEC(".maps");

static __always_inline bool traced(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return !target_tgid || tgid == target_tgid;
}

static __always_inline void fx_add(__u32 idx, __s64 v, bool set)
{
	__s64 *p = bpf_map_lookup_elem(&fx_vals, &idx);

	if (!p)
		return;
	if (set)
		*p = v;
	else
		__sync_fetch_and_add(p, v);
}

SEC("tp/syscalls/sys_enter_getpgid")
int tp_getpgid(struct trace_event_raw_sys_enter *ctx)
{
	__u64 arg = ctx->args[0], one = 1, *v;

	if (!traced())
		return 0;
	v = bpf_map_lookup_elem(&tp_args, &arg);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&tp_args, &arg, &one, BPF_NOEXIST);
	return 0;
}

SEC("raw_tp/sys_enter")
int raw_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (void *)ctx->args[0];
	__u32 zero = 0;
	__u64 *v;

	if (ctx->args[1] != CORPUS_NR_getpgid || !traced())
		return 0;
	if (PT_REGS_PARM1_CORE_SYSCALL(regs) != TRACE_PGID_ARG)
		return 0;
	v = bpf_map_lookup_elem(&raw_getpgid, &zero);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("kprobe/" UNLINK_FN)
int BPF_KPROBE(kp_unlinkat, int dfd, struct filename *name)
{
	struct unlink_event *e;
	const char *path;

	if (!traced())
		return 0;
	e = bpf_ringbuf_reserve(&unlink_events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->tgid = bpf_get_current_pid_tgid() >> 32;
	path = BPF_CORE_READ(name, name);
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), path);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("kretprobe/" UNLINK_FN)
int BPF_KRETPROBE(krp_unlinkat, int ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__s64 v = ret;

	if (!traced())
		return 0;
	bpf_map_update_elem(&kret_vals, &tgid, &v, BPF_ANY);
	return 0;
}

SEC("fentry/" UNLINK_FN)
int BPF_PROG(fentry_unlinkat, int dfd, struct filename *name)
{
	char buf[sizeof(TRACE_UNLINK_PREFIX)] = {};
	const char *path;
	unsigned int i;

	if (!traced())
		return 0;
	/* name->name: a direct BTF read, relocated by CO-RE */
	path = name->name;
	bpf_probe_read_kernel_str(buf, sizeof(buf), path);
	for (i = 0; i < sizeof(TRACE_UNLINK_PREFIX) - 1; i++)
		if (buf[i] != TRACE_UNLINK_PREFIX[i])
			return 0;
	fx_add(FX_FENTRY_HITS, 1, false);
	return 0;
}

SEC("fexit/" UNLINK_FN)
int BPF_PROG(fexit_unlinkat, int dfd, void *name, int ret)
{
	/*
	 * arguments and return value come from the u64 context array: no
	 * kernel structure is read, the instructions are kernel-independent
	 */
	if (!traced())
		return 0;
	fx_add(FX_FEXIT_RET, ret, true);
	fx_add(FX_FEXIT_HITS, 1, false);
	return 0;
}

/* attached by the loader to corpus_uprobe_target(int a, int b) */
SEC("uprobe")
int BPF_KPROBE(up_target, int a, int b)
{
	__u32 idx = 0;
	__s64 *v;

	if (!traced())
		return 0;
	v = bpf_map_lookup_elem(&up_vals, &idx);
	if (v)
		__sync_fetch_and_add(v, 1);
	idx = 1;
	v = bpf_map_lookup_elem(&up_vals, &idx);
	if (v)
		__sync_fetch_and_add(v, a + b);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
