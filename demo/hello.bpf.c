// SPDX-License-Identifier: GPL-2.0
/* Demo program: counts the packets a socket sees, by a loader-set step. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} packets SEC(".maps");

const volatile __u64 step = 1;

SEC("socket")
int count_packets(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&packets, &key);

	if (v)
		__sync_fetch_and_add(v, step);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
