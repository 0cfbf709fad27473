// SPDX-License-Identifier: GPL-2.0
/*
 * cells.c - one measured cell: a program, a case, the expected result.
 * One checked warm-up, up to 20 more while a load is under 5 ms, then
 * loads until the budget is spent; every time to samples.csv, the summary
 * and the module's view of the batch to loads.csv.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define MAX_REPS 4000

void cell_set(struct cell *c, const char *phase, const struct family *f,
	      const struct prog *p, const char *name, int want, int early)
{
	memset(c, 0, sizeof(*c));
	c->phase = phase;
	c->family = f->name;
	c->param = f->param;
	c->insns = p->cnt;
	c->name = name;
	c->want = want;
	c->want_early = early;
}

/* Warm up; false (and the outcome recorded) if the result is not the one wanted. */
static bool warm_up(struct cell *c, struct outcome *o)
{
	long long w;
	int err, i;

	w = load_once(&c->attr, &err);
	if (err != c->want) {
		fprintf(stderr, "bench: %s %s/%d %s: want %s, got %s: cell skipped\n",
			c->phase, c->family, c->param, c->name,
			err_name(c->want), err_name(err));
		o->errors = 1;
		o->first_err = err;
		return false;
	}
	for (i = 0; i < 20 && w < 5000000; i++)
		w = load_once(&c->attr, &err);
	return true;
}

/* The timed loads, between two snapshots of the module's stats. */
static void sample(struct cell *c, long long *v, struct outcome *o,
		   struct stats *s0, struct stats *s1)
{
	struct budget b;
	int err;

	stats_read(s0);
	budget_start(&b, bench.smoke ? 2 : 5, bench.smoke ? 100 : MAX_REPS, 1);
	do {
		v[o->n++] = load_once(&c->attr, &err);
		outcome_check(o, err, c->want);
	} while (budget_more(&b, o->n));
	stats_read(s1);
}

static void write_samples(const struct cell *c, const long long *v, long n)
{
	FILE *f = csv_open("samples.csv", "phase,family,param,case,i,ns");
	long i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s,%s,%d,%s,%ld,%lld\n", c->phase, c->family,
			c->param, c->name, i, v[i]);
	fclose(f);
}

static void write_row(const struct cell *c, const struct outcome *o,
		      const struct summary *sum, const struct stats *s0,
		      const struct stats *s1)
{
	long long dec = s0->ok ? stats_decisions(s0, s1) : 0;
	FILE *f;

	f = csv_open("loads.csv",
		     "phase,family,param,insns,buf_insns,case,expect,n,errors,first_error,"
		     "median_ns,p10_ns,p90_ns,min_ns,max_ns,mean_ns,"
		     "decisions,decision_mean_ns,syscall_stage_refusals,want_syscall_stage,"
		     "accepted,unsigned,malformed,nokey,rejected,syscall_stage_verified");
	fprintf(f, "%s,%s,%d,%u,%u,%s,%s,%ld,%ld,%s,%lld,%lld,%lld,%lld,%lld,%.0f,"
		"%lld,%.0f,%lld,%d,%lld,%lld,%lld,%lld,%lld,%lld\n",
		c->phase, c->family, c->param, c->insns, c->attr.insn_cnt,
		c->name, err_name(c->want), o->n, o->errors,
		o->errors ? err_name(o->first_err) : "", sum->median, sum->p10,
		sum->p90, sum->min, sum->max, sum->mean, dec,
		stats_mean_ns(s0, s1, dec),
		s0->ok ? s1->early - s0->early : 0, c->want_early,
		s1->v[0] - s0->v[0], s1->v[1] - s0->v[1], s1->v[2] - s0->v[2],
		s1->v[3] - s0->v[3], s1->v[4] - s0->v[4], stats_reused(s0, s1));
	fclose(f);
	fprintf(stderr, "  %-8s %-8s %7u %-16s n=%-5ld median %10.1f us  [p10 %.1f, p90 %.1f]%s%s\n",
		c->phase, c->family, c->insns, c->name, o->n, sum->median / 1e3,
		sum->p10 / 1e3, sum->p90 / 1e3, o->errors ? "  ERRORS: " : "",
		o->errors ? err_name(o->first_err) : "");
}

void run_cell(struct cell *c)
{
	static long long v[MAX_REPS];
	struct stats s0 = {}, s1 = {};
	struct outcome o = {};
	struct summary sum;

	if (c->mode && set_mode(c->mode)) {
		fprintf(stderr, "bench: cannot set mode %s\n", c->mode);
		exit(1);
	}
	if (warm_up(c, &o)) {
		sample(c, v, &o, &s0, &s1);
		write_samples(c, v, o.n);
	}
	if (c->mode)
		set_mode("enforce");
	summarize(v, o.n, &sum);
	write_row(c, &o, &sum, &s0, &s1);
}
