// SPDX-License-Identifier: GPL-2.0
/*
 * A kfunc that lives in a module (nf_conntrack's bpf_skb_ct_lookup()): its
 * BTF id and BTF object are the module's. bpfsig signs against vmlinux BTF
 * only, so this object cannot be signed (selftests/corpus/run-vm.sh shows
 * the signing failure); it is never loaded.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* from net/netfilter/nf_conntrack_bpf.c: module BTF, not in vmlinux.h */
struct bpf_ct_opts {
	s32 netns_id;
	s32 error;
	u8 l4proto;
	u8 dir;
	u8 reserved[2];
};

extern struct nf_conn *bpf_skb_ct_lookup(struct __sk_buff *skb,
					 struct bpf_sock_tuple *tuple,
					 u32 tuple_len, struct bpf_ct_opts *opts,
					 u32 opts_len) __ksym;
extern void bpf_ct_release(struct nf_conn *ct) __ksym;

SEC("tc")
int ct_lookup(struct __sk_buff *skb)
{
	struct bpf_ct_opts opts = { .netns_id = -1 };
	struct bpf_sock_tuple tuple = {};
	struct nf_conn *ct;

	ct = bpf_skb_ct_lookup(skb, &tuple, sizeof(tuple.ipv4), &opts,
			       sizeof(opts));
	if (ct)
		bpf_ct_release(ct);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
