// SPDX-License-Identifier: GPL-2.0
/*
 * CLI test object: global data in .data, .rodata and .bss, a hash map, a
 * static and a global subprogram, two programs.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

const volatile __u32 scale = 3;	/* .rodata, set by loaders */
__u64 calls = 7;		/* .data */
__u64 drops;			/* .bss */

static __attribute__((noinline)) __u64 scaled(__u64 v)
{
	return v * scale;
}

__attribute__((noinline)) int global_count(__u32 key)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(&seen, &key);

	if (!v)
		return bpf_map_update_elem(&seen, &key, &one, BPF_ANY);
	*v += scaled(1);
	return 0;
}

SEC("socket")
int count_len(struct __sk_buff *skb)
{
	calls++;
	global_count(skb->len & 15);
	return 0;
}

SEC("socket")
int count_proto(struct __sk_buff *skb)
{
	drops++;
	global_count(skb->protocol & 15);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
