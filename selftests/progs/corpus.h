/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Constants shared by the corpus programs (selftests/progs/NAME.bpf.c) and
 * their loader/exerciser (selftests/corpus/runner.c). No kernel or libc
 * header here: it is included next to vmlinux.h and next to the UAPI headers.
 */
#ifndef BPFSIG_CORPUS_H
#define BPFSIG_CORPUS_H

/* xdp_fw: per-CPU counters (xdp_stats index) */
#define XDP_STAT_PASS		0
#define XDP_STAT_DROP		1
#define XDP_STAT_NON_IP		2
#define XDP_STAT_TAIL_MISS	3
#define XDP_STAT_MAX		4

/* tc_cls: UDP destination port dropped unless the loader sets another */
#define TC_DROP_PORT_DEFAULT	9999
#define TC_PASS			0	/* tc_verdicts index */
#define TC_SHOT			1

/* sockfilter: datagrams whose payload starts with this byte are dropped */
#define SOCK_DROP_BYTE		'D'
#define SOCK_ACCEPTED		0	/* sock_verdicts key */
#define SOCK_DROPPED		1

/* cgroup_skb: egress UDP to this port is dropped (sendmsg gets EPERM) */
#define CG_BLOCK_PORT		7009
#define CG_EGRESS_PKTS		0	/* cg_counts index */
#define CG_EGRESS_BLOCKED	1
#define CG_INGRESS_PKTS		2
#define CG_INGRESS_UDP		3
#define CG_SOCK_DENIED		4
#define CG_COUNTS		5
/*
 * cgroup_skb: cgroup/sock_create refuses TCP sockets (EPERM). (Not UDP-Lite,
 * as lsm_iter: 7.x has no UDP-Lite, and the cgroup hook runs only after the
 * protocol was found.)
 */
#define CG_DENY_TYPE		1	/* SOCK_STREAM */
#define CG_DENY_PROTO		6	/* IPPROTO_TCP */

/* globals: perf event sent for every packet */
#define GLOB_EVENT_MAGIC	0x6c6f6267	/* "glob" */
struct glob_event {
	unsigned int magic;
	unsigned int len;
	unsigned long long hits;
};

/* tracing: getpgid(TRACE_PGID_ARG) is what the runner calls to trigger */
#define CORPUS_NR_getpgid	121		/* x86_64 */
#define TRACE_PGID_ARG		424242
#define TRACE_UNLINK_PREFIX	"/tmp/corpus-"
struct unlink_event {
	unsigned int tgid;
	char name[32];
};
#define FX_FENTRY_HITS		0	/* fx_vals index */
#define FX_FEXIT_RET		1
#define FX_FEXIT_HITS		2

/*
 * lsm_iter: socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE) is refused. 7.x
 * removed UDP-Lite, but security_socket_create() runs before the protocol
 * lookup: there too the answer is the LSM's EACCES, not EPROTONOSUPPORT.
 */
#define LSM_DENY_FAMILY		2	/* AF_INET */
#define LSM_DENY_TYPE		2	/* SOCK_DGRAM */
#define LSM_DENY_PROTO		136	/* IPPROTO_UDPLITE */
#define LSM_DENY_ERRNO		13	/* EACCES: distinct from the gate's EPERM */
#define LSM_SEEN		0	/* lsm_counts index */
#define LSM_DENIED		1

/* ksym_kfunc: bpf_lookup_system_key() ids */
#define KF_VALID_KEYRING	1	/* VERIFY_USE_SECONDARY_KEYRING */
#define KF_INVALID_KEYRING	7	/* not a system keyring id */

#endif /* BPFSIG_CORPUS_H */
