// SPDX-License-Identifier: GPL-2.0
/*
 * Corpus program: system-call latency histograms per syscall number, the
 * shape of the BCC/libbpf-tools latency tools: a start timestamp per thread
 * at sys_enter, a log2 histogram update at sys_exit, filtered by a
 * loader-set target pid.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_SLOTS	32
#define MAX_SYSCALLS	512

/* raw_syscalls/sys_enter and sys_exit, as their tracepoint format says */
struct sys_enter_args {
	__u64 common;
	long id;
	unsigned long args[6];
};

struct sys_exit_args {
	__u64 common;
	long id;
	long ret;
};

struct start {
	__u64 ts;
	long id;
};

struct hist {
	__u64 slots[MAX_SLOTS];
	__u64 total_ns;
	__u64 errors;
};

const volatile __u32 target_tgid;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");

static __always_inline __u64 log2l(__u64 v)
{
	__u64 r = 0, shift;

	shift = (v > 0xffffffff) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter(struct sys_enter_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = id;
	struct start s;

	if (target_tgid && (id >> 32) != target_tgid)
		return 0;
	s.ts = bpf_ktime_get_ns();
	s.id = ctx->id;
	bpf_map_update_elem(&starts, &tid, &s, BPF_ANY);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int sys_exit(struct sys_exit_args *ctx)
{
	__u32 tid = bpf_get_current_pid_tgid(), nr;
	struct start *s;
	struct hist *h;
	__u64 delta, slot;

	s = bpf_map_lookup_elem(&starts, &tid);
	if (!s)
		return 0;
	delta = bpf_ktime_get_ns() - s->ts;
	nr = s->id;
	bpf_map_delete_elem(&starts, &tid);
	if (nr >= MAX_SYSCALLS)
		return 0;
	h = bpf_map_lookup_elem(&hists, &nr);
	if (!h)
		return 0;
	slot = log2l(delta / 1000);
	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->total_ns, delta);
	if (ctx->ret < 0)
		__sync_fetch_and_add(&h->errors, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
