// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: kernel-independent programs, global data, maps, subprogs. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

__u64 hits = 0;
const volatile __u32 verdict = 0;
char buf[64];

static __attribute__((noinline)) int bump(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("socket")
int sock_count(struct __sk_buff *skb)
{
	bump(0);
	hits++;
	buf[0] = 1;
	return verdict;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	bump(1);
	return XDP_PASS;
}

SEC("?cgroup_skb/ingress")
int cg_ingress(struct __sk_buff *skb)
{
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
