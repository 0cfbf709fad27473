// SPDX-License-Identifier: GPL-2.0
/*
 * Corpus program: an execsnoop-style tracer using CO-RE against the target
 * kernel's BTF (build/bench/vmlinux.h): on every exec, reads the task's
 * parent, credentials and command line start and sends an event through a
 * ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define ARGS_LEN 256

struct event {
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__u32 args_len;
	__u64 ts;
	char comm[16];
	char filename[128];
	char args[ARGS_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

const volatile __u32 ignore_uid = (__u32)-1;

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct task_struct *task = (void *)bpf_get_current_task_btf();
	struct mm_struct *mm;
	unsigned long arg_start, arg_end;
	struct event *e;
	__u32 uid;
	long n;

	uid = BPF_CORE_READ(task, cred, uid.val);
	if (uid == ignore_uid)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = BPF_CORE_READ(task, tgid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = uid;
	e->ts = bpf_ktime_get_ns();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename),
				  BPF_CORE_READ(bprm, filename));
	mm = BPF_CORE_READ(task, mm);
	arg_start = BPF_CORE_READ(mm, arg_start);
	arg_end = BPF_CORE_READ(mm, arg_end);
	n = arg_end - arg_start;
	if (n > ARGS_LEN)
		n = ARGS_LEN;
	e->args_len = 0;
	if (n > 0 && n <= ARGS_LEN &&
	    !bpf_probe_read_user(e->args, n, (void *)arg_start))
		e->args_len = n;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
