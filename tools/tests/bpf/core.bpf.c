// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Test object: kernel-specific programs (CO-RE, typed ksym, kconfig). */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

extern const int bpf_prog_active __ksym;
extern unsigned int LINUX_KERNEL_VERSION __kconfig;

int last_pid;
unsigned int kver;

SEC("kprobe/do_nanosleep")
int core_probe(struct pt_regs *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	last_pid = BPF_CORE_READ(t, tgid);
	return 0;
}

SEC("raw_tp/sys_enter")
int ksym_user(void *ctx)
{
	const int *p = bpf_this_cpu_ptr(&bpf_prog_active);

	return *p;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int kconfig_user(void *ctx)
{
	kver = LINUX_KERNEL_VERSION;
	return 0;
}

SEC("socket")
int plain(struct __sk_buff *skb)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
