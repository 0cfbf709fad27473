// SPDX-License-Identifier: GPL-2.0
/*
 * split.c - where a signed load's extra time goes, measured interleaved so
 * that drift cancels: each cycle loads (0) the unsigned program in mode off,
 * (1) the signed buffer in mode off (the appendix is stripped unchecked),
 * (2) the signed buffer in mode permissive (checked at the verifier stage
 * only: the syscall stage runs only when enforcing), (3) the signed buffer
 * enforcing; the starting variant rotates every cycle. Differences are
 * taken within a cycle; their medians go to split.csv.
 */
#include "bench.h"

#define VARIANTS	4
#define MAX_CYCLES	2000

static const char *const modes[VARIANTS] = {
	"off", "off", "permissive", "enforce",
};

/* The four loads, each warmed up and checked once. */
static bool prepare(const struct family *f, const struct prog *p,
		    const struct prog *b, union bpf_attr *attr)
{
	int k, err;

	for (k = 0; k < VARIANTS; k++) {
		attr_init(&attr[k], BPF_PROG_TYPE_SOCKET_FILTER, k ? b : p);
		set_mode(modes[k]);
		load_once(&attr[k], &err);	/* warm-up and check */
		if (err) {
			fprintf(stderr, "bench: split %s/%d variant %d: %s\n",
				f->name, f->param, k, err_name(err));
			set_mode("enforce");
			return false;
		}
	}
	return true;
}

/*
 * Cycles of the four loads into @v; @d[k] = variant k minus variant k - 1,
 * @d[0] = enforce minus unsigned (the total).
 */
static void cycles(union bpf_attr *attr, long long (*v)[MAX_CYCLES],
		   long long (*d)[MAX_CYCLES], struct outcome *o)
{
	struct budget b;
	long n = 0;
	int i, k, err;

	budget_start(&b, bench.smoke ? 2 : 5, bench.smoke ? 20 : MAX_CYCLES,
		     4);
	do {
		for (i = 0; i < VARIANTS; i++) {
			k = (i + n) % VARIANTS;
			set_mode(modes[k]);
			v[k][n] = load_once(&attr[k], &err);
			outcome_check(o, err, 0);
		}
		for (k = 1; k < VARIANTS; k++)
			d[k][n] = v[k][n] - v[k - 1][n];
		d[0][n] = v[3][n] - v[0][n];
		n++;
	} while (budget_more(&b, n));
	o->n = n;
}

static void write_split(const struct family *f, const struct prog *p,
			const struct outcome *o, const struct summary *sv,
			const struct summary *sd, const struct stats *s0,
			const struct stats *s1)
{
	long long dec = s1->v[0] - s0->v[0];
	FILE *fp;

	fp = csv_open("split.csv",
		      "family,param,insns,cycles,errors,off_ns,signed_off_ns,"
		      "permissive_ns,enforce_ns,appendix_ns,verifier_stage_ns,"
		      "syscall_stage_ns,total_ns,total_p10_ns,total_p90_ns,"
		      "accepted,decision_mean_ns,syscall_stage_verified");
	fprintf(fp, "%s,%d,%u,%ld,%ld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,"
		"%lld,%lld,%lld,%.0f,%lld\n",
		f->name, f->param, p->cnt, o->n, o->errors, sv[0].median,
		sv[1].median, sv[2].median, sv[3].median, sd[1].median,
		sd[2].median, sd[3].median, sd[0].median, sd[0].p10, sd[0].p90,
		dec, stats_mean_ns(s0, s1, dec), stats_reused(s0, s1));
	fclose(fp);
	fprintf(stderr, "  split    %-8s %7u  n=%-4ld appendix %+.1f us, verifier stage %+.1f us, syscall stage %+.1f us, total %+.1f us%s\n",
		f->name, p->cnt, o->n, sd[1].median / 1e3, sd[2].median / 1e3,
		sd[3].median / 1e3, sd[0].median / 1e3,
		o->errors ? "  ERRORS" : "");
}

/* @p unsigned, @b the same program signed. */
void run_split(const struct family *f, const struct prog *p,
	       const struct prog *b)
{
	static long long v[VARIANTS][MAX_CYCLES], d[VARIANTS][MAX_CYCLES];
	struct summary sv[VARIANTS], sd[VARIANTS];
	union bpf_attr attr[VARIANTS];
	struct outcome o = {};
	struct stats s0, s1;
	int k;

	if (!prepare(f, p, b, attr))
		return;
	stats_read(&s0);
	cycles(attr, v, d, &o);
	stats_read(&s1);
	set_mode("enforce");
	for (k = 0; k < VARIANTS; k++) {
		summarize(v[k], o.n, &sv[k]);
		summarize(d[k], o.n, &sd[k]);
	}
	write_split(f, p, &o, sv, sd, &s0, &s1);
}
