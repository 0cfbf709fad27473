// SPDX-License-Identifier: GPL-2.0
/*
 * Corpus program: an XDP flow accountant and blocklist, the shape of many
 * production XDP programs. Parses Ethernet (with up to two VLAN tags), IPv4
 * (with options) or IPv6, then TCP or UDP; drops sources on a blocklist and
 * counts packets and bytes per 5-tuple in an LRU hash.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

struct flow_key {
	__u32 src[4];
	__u32 dst[4];
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 family;
	__u16 pad;
};

struct flow_val {
	__u64 packets;
	__u64 bytes;
	__u64 last_seen;
	__u32 tcp_flags;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow_key);
	__type(value, struct flow_val);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} blocked_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} verdicts SEC(".maps");

static __always_inline void count(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&verdicts, &what);

	if (v)
		*v += 1;
}

static __always_inline int l4(void *p, void *end, __u8 proto,
			      struct flow_key *k, __u32 *flags)
{
	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = p;

		if ((void *)(th + 1) > end)
			return -1;
		k->sport = th->source;
		k->dport = th->dest;
		*flags = ((__u8 *)th)[13];
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *uh = p;

		if ((void *)(uh + 1) > end)
			return -1;
		k->sport = uh->source;
		k->dport = uh->dest;
	}
	return 0;
}

SEC("xdp")
int xdp_flow(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct flow_key k = {};
	struct flow_val *v, nv = {};
	__u32 flags = 0;
	__u16 proto;
	void *p;
	int i;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	proto = eth->h_proto;
	p = eth + 1;
#pragma unroll
	for (i = 0; i < 2; i++) {
		struct vlan_hdr *vh = p;

		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(vh + 1) > end)
			return XDP_PASS;
		proto = vh->proto;
		p = vh + 1;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = p;
		__u32 src;

		if ((void *)(iph + 1) > end || iph->ihl < 5)
			return XDP_PASS;
		src = iph->saddr;
		if (bpf_map_lookup_elem(&blocked_v4, &src)) {
			count(1);
			return XDP_DROP;
		}
		k.family = 4;
		k.proto = iph->protocol;
		k.src[0] = iph->saddr;
		k.dst[0] = iph->daddr;
		p = (void *)iph + iph->ihl * 4;
		if (p > end)
			return XDP_PASS;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = p;

		if ((void *)(ip6 + 1) > end)
			return XDP_PASS;
		k.family = 6;
		k.proto = ip6->nexthdr;
		__builtin_memcpy(k.src, &ip6->saddr, 16);
		__builtin_memcpy(k.dst, &ip6->daddr, 16);
		p = ip6 + 1;
	} else {
		count(2);
		return XDP_PASS;
	}
	if (l4(p, end, k.proto, &k, &flags))
		return XDP_PASS;
	v = bpf_map_lookup_elem(&flows, &k);
	if (v) {
		__sync_fetch_and_add(&v->packets, 1);
		__sync_fetch_and_add(&v->bytes, end - data);
		v->last_seen = bpf_ktime_get_ns();
		v->tcp_flags |= flags;
	} else {
		nv.packets = 1;
		nv.bytes = end - data;
		nv.last_seen = bpf_ktime_get_ns();
		nv.tcp_flags = flags;
		bpf_map_update_elem(&flows, &k, &nv, BPF_NOEXIST);
	}
	count(0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
