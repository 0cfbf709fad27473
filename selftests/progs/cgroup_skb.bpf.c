// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_skb: on egress, drops UDP to CG_BLOCK_PORT (the sender's sendmsg()
 * fails with EPERM) and counts the rest; on ingress, counts packets and UDP
 * datagrams. cgroup_sock: refuses TCP sockets. Three programs of three
 * attach types in one object.
 * Covers: cgroup_skb/egress, cgroup_skb/ingress, cgroup/sock_create, array
 * map.
 */
#include <linux/bpf.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CG_COUNTS);
	__type(key, __u32);
	__type(value, __u64);
} cg_counts SEC(".maps");

static void bump(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&cg_counts, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

/* UDP destination port (host order), or 0; the skb starts at the IP header */
static int udp_dport(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct udphdr udp;

	if (skb->protocol != bpf_htons(0x0800) ||
	    bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) ||
	    ip.protocol != IPPROTO_UDP)
		return 0;
	if (bpf_skb_load_bytes(skb, ip.ihl * 4, &udp, sizeof(udp)))
		return 0;
	return bpf_ntohs(udp.dest);
}

SEC("cgroup_skb/egress")
int cg_egress(struct __sk_buff *skb)
{
	if (udp_dport(skb) == CG_BLOCK_PORT) {
		bump(CG_EGRESS_BLOCKED);
		return 0;
	}
	bump(CG_EGRESS_PKTS);
	return 1;
}

SEC("cgroup_skb/ingress")
int cg_ingress(struct __sk_buff *skb)
{
	bump(CG_INGRESS_PKTS);
	if (udp_dport(skb))
		bump(CG_INGRESS_UDP);
	return 1;
}

SEC("cgroup/sock_create")
int cg_sock_create(struct bpf_sock *sk)
{
	if (sk->protocol == CG_DENY_PROTO) {
		bump(CG_SOCK_DENIED);
		return 0;
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
