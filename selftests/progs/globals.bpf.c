// SPDX-License-Identifier: GPL-2.0
/*
 * Global data, kconfig externs, map-in-map and a perf event array, run as
 * socket filters on UDP sockets (every datagram runs the program once).
 * Covers: .data, .rodata set by the loader, .bss, __kconfig externs (strong
 * and weak), a static and a global subprogram, array of maps, per-CPU
 * array, perf event array, queue, bloom filter, a tail call through a
 * statically initialized prog array, several programs in one object.
 * UAPI headers only: the instructions do not depend on the kernel (the
 * kconfig values live in the .kconfig map).
 */
#include <linux/bpf.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include "corpus.h"

extern unsigned int CONFIG_HZ __kconfig;
extern int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_LSM __kconfig __weak;
extern _Bool CONFIG_BPFSIG_CORPUS_NO_SUCH_OPTION __kconfig __weak;

int data_counter = 5;			/* .data */
const volatile __u32 step = 1;		/* .rodata: the runner sets 7 */
const char tag[8] = "corpus";		/* .rodata */
__u64 bss_hits;				/* .bss */
__u64 bss_second_hits;
__u64 bss_tail_hits;
__u64 bss_bloom_hits;
__u32 bss_last_len;
__u32 bss_mix;
__u64 kc_hz, kc_version, kc_lsm, kc_missing;
char bss_tag[8];
/*
 * The value bpf_map_peek_elem() looks up in the bloom filter, in .bss rather
 * than on the stack: 7.3's verifier refuses a stack buffer there ("slot
 * poisoned by dead code elimination": its stack liveness takes the helper's
 * value argument for write-only, as it is for queues and stacks, while a
 * bloom filter reads it). Documentation/compatibility.md.
 */
__u32 bss_bloom_probe;

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a, [1] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} glob_pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} glob_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 8);
	__type(value, __u32);	/* first payload byte of each datagram */
} glob_queue SEC(".maps");

/*
 * Zero seed: the same hashes at every run, so the test's values either
 * collide or not, never by chance.
 */
struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 16);
	__type(value, __u32);	/* payload bytes the runner adds */
	__uint(map_extra, 3);	/* hash functions */
	__uint(map_flags, BPF_F_ZERO_SEED);
} glob_bloom SEC(".maps");

int glob_tail(struct __sk_buff *skb);

/* filled by libbpf at load time */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} glob_jmp SEC(".maps") = {
	.values = { [0] = (void *)&glob_tail },
};

/* Global subprogram: scalar in, scalar out. */
__noinline int glob_mix(__u32 len, __u32 k)
{
	return len * 31 + k;
}

/* Static subprogram: bumps the inner map @idx of the map-in-map. */
static __noinline int bump_inner(__u32 idx)
{
	__u32 zero = 0;
	__u64 *v;
	void *inner;

	inner = bpf_map_lookup_elem(&outer, &idx);
	if (!inner)
		return -1;
	v = bpf_map_lookup_elem(inner, &zero);
	if (!v)
		return -1;
	__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("socket")
int glob_main(struct __sk_buff *skb)
{
	struct glob_event ev = { .magic = GLOB_EVENT_MAGIC };
	__u32 zero = 0;
	__u64 *pc;
	__u32 first = 0;

	bss_hits++;
	data_counter += step;
	bss_last_len = skb->len;
	bss_mix = glob_mix(skb->len, step);
	kc_hz = CONFIG_HZ;
	kc_version = LINUX_KERNEL_VERSION;
	kc_lsm = CONFIG_BPF_LSM;
	kc_missing = CONFIG_BPFSIG_CORPUS_NO_SUCH_OPTION;
	__builtin_memcpy(bss_tag, tag, sizeof(bss_tag));
	pc = bpf_map_lookup_elem(&glob_pcpu, &zero);
	if (pc)
		*pc += 1;
	bpf_skb_load_bytes(skb, sizeof(struct udphdr), &first, 1);
	bump_inner(first == 'B' ? 1 : 0);
	bss_bloom_probe = first;
	if (!bpf_map_peek_elem(&glob_bloom, &bss_bloom_probe))
		bss_bloom_hits++;
	bpf_map_push_elem(&glob_queue, &first, 0);
	ev.len = skb->len;
	ev.hits = bss_hits;
	bpf_perf_event_output(skb, &glob_events, BPF_F_CURRENT_CPU, &ev,
			      sizeof(ev));
	bpf_tail_call(skb, &glob_jmp, 0);
	return skb->len;	/* not reached when the tail call is taken */
}

SEC("socket")
int glob_tail(struct __sk_buff *skb)
{
	bss_tail_hits++;
	return skb->len;
}

SEC("socket")
int glob_second(struct __sk_buff *skb)
{
	bss_second_hits += step;
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
