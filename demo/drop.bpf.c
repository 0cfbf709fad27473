// SPDX-License-Identifier: GPL-2.0
/*
 * Demo program loaded as raw instructions: a socket filter that keeps no
 * byte of any packet. The demo takes its two instructions out of the
 * object (llvm-objcopy), signs them with "bpfsig sign --type
 * socket_filter", and loads the result with demo/load-raw.c; then it flips
 * one bit of the first instruction's immediate after signing ("r0 = 0"
 * becomes "r0 = 1": keep one byte of every packet) and loads that.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int drop_all(struct __sk_buff *skb)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
