// SPDX-License-Identifier: GPL-2.0
/*
 * A typeless ksym: libbpf patches the kallsyms *address* of the symbol in
 * the running kernel into the instruction. It cannot be signed ahead of
 * boot (another machine has another kallsyms, KASLR moves it at every
 * boot): selftests/corpus signs it inside the VM, on the booted kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern const void bpf_prog_active __ksym;

__u64 typeless_seen;

SEC("raw_tp/sys_enter")
int typeless_addr(void *ctx)
{
	typeless_seen = (__u64)&bpf_prog_active;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
