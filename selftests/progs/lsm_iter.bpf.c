// SPDX-License-Identifier: GPL-2.0
/*
 * A BPF LSM program that refuses one kind of socket to one process, a task
 * iterator that lists thread-group leaders, and a perf_event program that
 * counts CPU-clock samples of one process.
 * Covers: lsm, iter/task, perf_event, array, per-CPU array and task
 * storage maps.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "corpus.h"

const volatile __u32 target_tgid;	/* 0: the LSM refuses nothing */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);	/* LSM_SEEN, LSM_DENIED */
	__type(value, __u64);
} lsm_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);	/* 0: samples, 1: last sample period */
	__type(value, __u64);
} perf_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);	/* sockets the task asked for */
} socks_per_task SEC(".maps");

SEC("lsm/socket_create")
int BPF_PROG(lsm_sock_create, int family, int type, int protocol, int kern,
	     int ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, idx = LSM_SEEN;
	__u64 *v;

	if (ret || !target_tgid || tgid != target_tgid)
		return ret;
	v = bpf_map_lookup_elem(&lsm_counts, &idx);
	if (v)
		__sync_fetch_and_add(v, 1);
	v = bpf_task_storage_get(&socks_per_task, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (v)
		*v += 1;
	if (family != LSM_DENY_FAMILY || type != LSM_DENY_TYPE ||
	    protocol != LSM_DENY_PROTO)
		return 0;
	idx = LSM_DENIED;
	v = bpf_map_lookup_elem(&lsm_counts, &idx);
	if (v)
		__sync_fetch_and_add(v, 1);
	return -LSM_DENY_ERRNO;
}

SEC("iter/task")
int iter_tasks(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task || task->pid != task->tgid)
		return 0;
	BPF_SEQ_PRINTF(seq, "%d %s\n", task->tgid, task->comm);
	return 0;
}

SEC("perf_event")
int perf_sample(struct bpf_perf_event_data *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, idx = 0;
	__u64 *v;

	if (target_tgid && tgid != target_tgid)
		return 0;
	v = bpf_map_lookup_elem(&perf_counts, &idx);
	if (v)
		*v += 1;
	idx = 1;
	v = bpf_map_lookup_elem(&perf_counts, &idx);
	if (v)
		*v = ctx->sample_period;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
