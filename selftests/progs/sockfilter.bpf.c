// SPDX-License-Identifier: GPL-2.0
/*
 * Socket filter for a UDP socket: drops datagrams whose payload starts with
 * SOCK_DROP_BYTE, accepts the others, and counts both in a per-CPU hash.
 * Covers: socket_filter, per-CPU hash, bpf_skb_load_bytes.
 */
#include <linux/bpf.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);	/* SOCK_ACCEPTED, SOCK_DROPPED */
	__type(value, __u64);
} sock_verdicts SEC(".maps");

static void count(__u32 key)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(&sock_verdicts, &key);

	if (v)
		*v += 1;
	else
		bpf_map_update_elem(&sock_verdicts, &key, &one, BPF_NOEXIST);
}

SEC("socket")
int sock_drop_d(struct __sk_buff *skb)
{
	__u8 first;

	/* a UDP socket's filter sees the datagram from its UDP header on */
	if (bpf_skb_load_bytes(skb, sizeof(struct udphdr), &first, 1))
		return skb->len;
	if (first == SOCK_DROP_BYTE) {
		count(SOCK_DROPPED);
		return 0;
	}
	count(SOCK_ACCEPTED);
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
