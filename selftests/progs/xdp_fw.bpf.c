// SPDX-License-Identifier: GPL-2.0
/*
 * XDP firewall: drops IPv4 packets whose source address matches a prefix
 * held in an LPM trie that user space fills at run time.
 *
 * xdp_fw parses Ethernet and tail-calls xdp_fw_ipv4 through a pinned prog
 * array that user space fills. Covers: XDP, tail calls, a pinned map, LPM
 * trie, per-CPU array, LRU hash, a static and two global subprograms (one
 * taking the context), two programs in one object. UAPI headers only: no
 * CO-RE, the instructions do not depend on the kernel.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "corpus.h"

struct lpm_v4_key {
	__u32 prefixlen;
	__u32 addr;		/* network byte order */
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 64);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} blocked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDP_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} xdp_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);	/* source address */
	__type(value, __u64);	/* packets passed */
} seen SEC(".maps");

/*
 * Pinned by name, filled by user space (slot 0: xdp_fw_ipv4). Pinned: the
 * kernel empties a prog array when its last user reference goes, i.e. when
 * a loader like bpftool exits. Not statically initialized: ip(8) loads only
 * the program it attaches, and libbpf cannot put an unloaded program in
 * the array.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xdp_jmp SEC(".maps");

/* Global subprogram: verified on its own, scalar argument. */
__noinline int xdp_account(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&xdp_stats, &idx);

	if (!v)
		return 0;
	*v += 1;
	return 1;
}

/* Static subprogram: verified in its caller's context (packet pointers). */
static __noinline int parse_ipv4(struct xdp_md *ctx, __u32 *saddr)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > data_end)
		return -1;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->version != 4)
		return -1;
	*saddr = ip->saddr;
	return 0;
}

/* Global subprogram taking the context: the IPv4 rules. */
__noinline int fw_ipv4(struct xdp_md *ctx)
{
	struct lpm_v4_key key = { .prefixlen = 32 };
	__u64 one = 1, *cnt;
	__u32 saddr;

	if (parse_ipv4(ctx, &saddr))
		return XDP_PASS;
	key.addr = saddr;
	if (bpf_map_lookup_elem(&blocked, &key)) {
		xdp_account(XDP_STAT_DROP);
		return XDP_DROP;
	}
	cnt = bpf_map_lookup_elem(&seen, &saddr);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&seen, &saddr, &one, BPF_NOEXIST);
	xdp_account(XDP_STAT_PASS);
	return XDP_PASS;
}

SEC("xdp")
int xdp_fw(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP)) {
		xdp_account(XDP_STAT_NON_IP);
		return XDP_PASS;
	}
	bpf_tail_call(ctx, &xdp_jmp, 0);
	/* empty slot (nobody filled the prog array): the same rules inline */
	xdp_account(XDP_STAT_TAIL_MISS);
	return fw_ipv4(ctx);
}

SEC("xdp")
int xdp_fw_ipv4(struct xdp_md *ctx)
{
	return fw_ipv4(ctx);
}

char LICENSE[] SEC("license") = "GPL";
