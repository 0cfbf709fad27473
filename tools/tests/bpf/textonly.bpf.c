// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Test object: global functions in .text only, as libraries ship them for
 * linking into other objects. libbpf finds no program in it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__attribute__((noinline)) int lib_add(int a, int b)
{
	return a + b;
}

int lib_inc(int x)
{
	return lib_add(x, 1);
}

char LICENSE[] SEC("license") = "GPL";
