// SPDX-License-Identifier: GPL-2.0
/*
 * flat.c - flat in program size? The refused cases for every straight-line
 * size, loaded round-robin (case x size, starting point rotating each
 * cycle) so that the host's drift over time falls on all sizes alike.
 * flat.csv.
 */
#include <stdlib.h>

#include "bench.h"

#define MAX_SIZES 8

struct flat {
	const struct family *sizes[MAX_SIZES];
	size_t ns, cells;	/* cell k: case k % NR_REFUSED, size k / NR_REFUSED */
	union bpf_attr *attr;
	struct prog *bufs;
	long long **v;
};

/* The refused buffers of one size, each loaded once (warm-up). */
static void prepare_size(struct flat *fl, size_t i, long max_cycles,
			 struct bpfsig_key *trusted,
			 struct bpfsig_key *untrusted)
{
	const __u32 sf = BPF_PROG_TYPE_SOCKET_FILTER;
	struct prog p;
	size_t j, k, len;
	void *app;
	int err;

	make_family(fl->sizes[i], &p, 1, 0);
	sign(trusted, sf, 0, p.insns, p.cnt, &app, &len);
	for (j = 0; j < NR_REFUSED; j++) {
		k = i * NR_REFUSED + j;
		fl->bufs[k] = build_refused(&refused[j], fl->sizes[i], &p, app,
					    len, trusted, untrusted);
		attr_init(&fl->attr[k], sf, &fl->bufs[k]);
		fl->v[k] = calloc(max_cycles, sizeof(**fl->v));
		load_once(&fl->attr[k], &err);	/* warm-up */
	}
	free(app);
	free(p.insns);
}

static void prepare(struct flat *fl, const struct family *fams, size_t nf,
		    long max_cycles, struct bpfsig_key *trusted,
		    struct bpfsig_key *untrusted)
{
	size_t i;

	fl->ns = 0;
	for (i = 0; i < nf && fl->ns < MAX_SIZES; i++)
		if (fams[i].straight)
			fl->sizes[fl->ns++] = &fams[i];
	fl->cells = fl->ns * NR_REFUSED;
	fl->attr = calloc(fl->cells, sizeof(*fl->attr));
	fl->bufs = calloc(fl->cells, sizeof(*fl->bufs));
	fl->v = calloc(fl->cells, sizeof(*fl->v));
	for (i = 0; i < fl->ns; i++)
		prepare_size(fl, i, max_cycles, trusted, untrusted);
}

static void cycles(struct flat *fl, long max_cycles, struct outcome *o)
{
	struct budget b;
	size_t i, k;
	long n = 0;
	int err;

	budget_start(&b, bench.smoke ? 3 : 50, max_cycles, 8);
	do {
		for (i = 0; i < fl->cells; i++) {
			k = (i + n) % fl->cells;
			fl->v[k][n] = load_once(&fl->attr[k], &err);
			outcome_check(o, err, refused[k % NR_REFUSED].want);
		}
		n++;
	} while (budget_more(&b, n));
	o->n = n;
}

/* flat.csv, and everything freed. */
static void write_flat(struct flat *fl, const struct outcome *o)
{
	struct summary sum;
	size_t k;
	FILE *fp;

	fp = csv_open("flat.csv", "case,param,insns,n,errors,first_error,"
		      "median_ns,p10_ns,p90_ns,min_ns,max_ns");
	for (k = 0; k < fl->cells; k++) {
		const struct family *size = fl->sizes[k / NR_REFUSED];

		summarize(fl->v[k], o->n, &sum);
		fprintf(fp, "%s,%d,%u,%ld,%ld,%s,%lld,%lld,%lld,%lld,%lld\n",
			refused[k % NR_REFUSED].name, size->param,
			(unsigned)size->param, o->n, o->errors,
			o->errors ? err_name(o->first_err) : "", sum.median,
			sum.p10, sum.p90, sum.min, sum.max);
		free(fl->v[k]);
		free(fl->bufs[k].insns);
	}
	fclose(fp);
	fprintf(stderr, "  %ld cycles%s\n", o->n,
		o->errors ? ", UNEXPECTED RESULTS" : "");
	free(fl->v);
	free(fl->bufs);
	free(fl->attr);
}

void run_flat(const struct family *fams, size_t nf,
	      struct bpfsig_key *trusted, struct bpfsig_key *untrusted)
{
	long max_cycles = bench.smoke ? 50 : 2000;
	struct outcome o = {};
	struct flat fl;

	prepare(&fl, fams, nf, max_cycles, trusted, untrusted);
	fprintf(stderr, "bench: flatness, %d cases x %zu sizes, interleaved\n",
		NR_REFUSED, fl.ns);
	cycles(&fl, max_cycles, &o);
	write_flat(&fl, &o);
}
