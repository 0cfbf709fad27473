// SPDX-License-Identifier: GPL-2.0
/*
 * An XDP dispatcher in the manner of libxdp's: two slots, global functions
 * that a loader replaces with extension (freplace) programs, called in
 * turn while they return XDP_PASS. Loaded by record_loader.c.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* What an empty slot returns; the verifier must not see a constant. */
__attribute__((noinline)) int slot0(struct xdp_md *ctx)
{
	volatile int ret = XDP_PASS;

	if (!ctx)
		return XDP_ABORTED;
	return ret;
}

__attribute__((noinline)) int slot1(struct xdp_md *ctx)
{
	volatile int ret = XDP_PASS;

	if (!ctx)
		return XDP_ABORTED;
	return ret;
}

SEC("xdp")
int xdp_dispatcher(struct xdp_md *ctx)
{
	int ret = slot0(ctx);

	if (ret != XDP_PASS)
		return ret;
	return slot1(ctx);
}

char _license[] SEC("license") = "GPL";
