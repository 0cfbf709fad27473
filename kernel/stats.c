// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig - the counters of securityfs "stats": one per verdict, and the
 * time spent checking. Lock-free; they start at zero and never go back.
 */
#include <linux/atomic.h>
#include <linux/seq_file.h>
#include "bpfsig.h"

static atomic64_t counts[BPFSIG_V_NR];
static atomic64_t early_refusals;
static atomic64_t sig_reused;
static atomic64_t ns_total;
static atomic64_t ns_max;

/**
 * bpfsig_stats_add_ns() - add time spent checking
 * @ns: nanoseconds one stage spent on one load
 *
 * For a load the syscall stage lets through, its time is added here; a
 * decision adds its own through bpfsig_stats_count().
 */
void bpfsig_stats_add_ns(u64 ns)
{
	s64 max = atomic64_read(&ns_max);

	atomic64_add(ns, &ns_total);
	while ((s64)ns > max) {
		s64 old = atomic64_cmpxchg(&ns_max, max, ns);

		if (old == max)
			break;
		max = old;
	}
}

/**
 * bpfsig_stats_count() - count one decision
 * @d: the decision
 * @ns: time it took, in nanoseconds
 */
void bpfsig_stats_count(const struct bpfsig_decision *d, u64 ns)
{
	atomic64_inc(&counts[d->verdict]);
	if (d->verdict == BPFSIG_V_EXEMPT)
		return;
	if (d->stage == BPFSIG_STAGE_SYSCALL)
		atomic64_inc(&early_refusals);
	if (d->sig_reused)
		atomic64_inc(&sig_reused);
	bpfsig_stats_add_ns(ns);
}

/**
 * bpfsig_stats_show() - the counters, one "name value" per line
 * @m: the seq_file of securityfs "stats"
 * @early_stage: whether the syscall-stage hook is installed
 *
 * Return: 0.
 */
int bpfsig_stats_show(struct seq_file *m, bool early_stage)
{
	int i;

	for (i = 0; i < BPFSIG_V_NR; i++)
		seq_printf(m, "%s %lld\n", bpfsig_verdict_name(i),
			   atomic64_read(&counts[i]));
	seq_printf(m, "syscall_stage_refusals %lld\n",
		   atomic64_read(&early_refusals));
	seq_printf(m, "syscall_stage_verified %lld\n",
		   atomic64_read(&sig_reused));
	seq_printf(m, "decision_ns_total %lld\n", atomic64_read(&ns_total));
	seq_printf(m, "decision_ns_max %lld\n", atomic64_read(&ns_max));
	seq_printf(m, "syscall_stage %d\n", early_stage);
	bpfsig_cache_show(m);
	seq_printf(m, "sha256_driver %s\n", bpfsig_hash_driver());
	return 0;
}
