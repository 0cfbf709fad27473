// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: maps only, no programs. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} only_map SEC(".maps");

char LICENSE[] SEC("license") = "GPL";
