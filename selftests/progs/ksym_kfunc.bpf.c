// SPDX-License-Identifier: GPL-2.0
/*
 * Typed ksyms, a kfunc and a kconfig extern in BTF-enabled tracepoint
 * programs (tp_btf/sys_enter), run when the traced process calls
 * getpgid(TRACE_PGID_ARG).
 * Covers: typed __ksym (per-CPU variables runqueues and bpf_prog_active),
 * the 6.1 kfuncs bpf_lookup_system_key()/bpf_key_put(), __kconfig, tp_btf.
 * ksym_percpu and kfunc_syskey carry BTF ids of the target kernel;
 * kconfig_only does not depend on the kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "corpus.h"

extern const struct rq runqueues __ksym;
extern const int bpf_prog_active __ksym;
extern struct bpf_key *bpf_lookup_system_key(__u64 id) __ksym;
extern void bpf_key_put(struct bpf_key *key) __ksym;
extern unsigned int CONFIG_HZ __kconfig;

const volatile __u32 target_tgid;

__u64 ks_runs, ks_cpu_ok, ks_active_ok;
__u64 kf_runs, kf_valid, kf_invalid;
__u64 kc_runs, kc_hz;

static __always_inline bool mine(long id)
{
	return id == CORPUS_NR_getpgid &&
	       bpf_get_current_pid_tgid() >> 32 == target_tgid;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ksym_percpu, struct pt_regs *regs, long id)
{
	const struct rq *rq;
	const int *active;

	if (!mine(id))
		return 0;
	ks_runs++;
	rq = bpf_this_cpu_ptr(&runqueues);
	if (rq->cpu == bpf_get_smp_processor_id())
		ks_cpu_ok++;
	active = bpf_per_cpu_ptr(&bpf_prog_active, 0);
	if (active)
		ks_active_ok++;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kfunc_syskey, struct pt_regs *regs, long id)
{
	struct bpf_key *k;

	if (!mine(id))
		return 0;
	kf_runs++;
	k = bpf_lookup_system_key(KF_VALID_KEYRING);
	if (k) {
		kf_valid++;
		bpf_key_put(k);
	}
	k = bpf_lookup_system_key(KF_INVALID_KEYRING);
	if (k) {
		kf_invalid++;
		bpf_key_put(k);
	}
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(kconfig_only, struct pt_regs *regs, long id)
{
	if (!mine(id))
		return 0;
	kc_runs++;
	kc_hz = CONFIG_HZ;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
