// SPDX-License-Identifier: GPL-2.0
/*
 * TC classifier (direct action): counts IPv4 packets per protocol and drops
 * UDP datagrams to one port. The port is a .rodata constant that a loader
 * may set before load (libbpf skeleton style); tc(8) keeps the default.
 * Covers: sched_cls, hash map, array map, .rodata set by the loader.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "corpus.h"

const volatile __u16 drop_port = TC_DROP_PORT_DEFAULT;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);	/* IP protocol */
	__type(value, __u64);	/* packets */
} tc_proto SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);	/* TC_PASS, TC_SHOT */
	__type(value, __u64);
} tc_verdicts SEC(".maps");

static void bump(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&tc_verdicts, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tc")
int tc_drop_port(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;
	__u64 one = 1, *cnt;
	__u32 proto;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	proto = ip->protocol;
	cnt = bpf_map_lookup_elem(&tc_proto, &proto);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&tc_proto, &proto, &one, BPF_NOEXIST);
	if (proto != IPPROTO_UDP || ip->ihl != 5)
		goto pass;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		goto pass;
	if (udp->dest == bpf_htons(drop_port)) {
		bump(TC_SHOT);
		return TC_ACT_SHOT;
	}
pass:
	bump(TC_PASS);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
