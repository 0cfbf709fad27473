// SPDX-License-Identifier: GPL-2.0
/*
 * loads.c - "loads PHASE": the families x cases matrix of one phase.
 *   nomod    verification without the module, and the kernel's own floors
 *   off      the module loaded, mode off
 *   enforce  valid, refused and replayed loads; the split; the flatness run
 *   rehash   valid loads again, after the module picked another sha256
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfsig.h"
#include "bench.h"

static const struct family families_full[] = {
	{ "straight", 1000, true },
	{ "straight", 10000, true },
	{ "straight", 100000, true },
	{ "straight", N_1M, true },
	{ "diamonds", 6, false },
	{ "diamonds", 9, false },
	{ "diamonds", 12, false },
	{ "diamonds", 15, false },	/* ~700k insns processed */
};

static const struct family families_smoke[] = {
	{ "straight", 1000, true },
	{ "straight", 100000, true },
	{ "diamonds", 4, false },
	{ "diamonds", 6, false },
};

static const struct family families_rehash[] = {
	{ "straight", 1000, true },
	{ "straight", 100000, true },
	{ "straight", N_1M, true },
};

static const struct family *families(bool rehash, size_t *nf)
{
	if (bench.smoke) {
		*nf = ARRAY_SIZE(families_smoke);
		return families_smoke;
	}
	if (rehash) {
		*nf = ARRAY_SIZE(families_rehash);
		return families_rehash;
	}
	*nf = ARRAY_SIZE(families_full);
	return families_full;
}

/* Case @name of program @p, loaded as @buf (a socket filter). */
static void measure(const char *phase, const struct family *f,
		    const struct prog *p, const struct prog *buf,
		    const char *name, int want, int early)
{
	struct cell c;

	cell_set(&c, phase, f, p, name, want, early);
	attr_init(&c.attr, BPF_PROG_TYPE_SOCKET_FILTER, buf);
	run_cell(&c);
}

static void loads_nomod(const char *phase, const struct family *f,
			const struct prog *p)
{
	FILE *fp = csv_open("progs.csv", "family,param,insns,verified_insns");
	struct cell c;

	fprintf(fp, "%s,%d,%u,%ld\n", f->name, f->param, p->cnt,
		verified_insns(p));
	fclose(fp);
	measure(phase, f, p, p, "nomod", 0, 0);
	if (f->straight) {
		/* The kernel's own floor: allocate, copy, refuse. */
		cell_set(&c, phase, f, p, "ref-copy", EINVAL, 0);
		attr_init(&c.attr, BAD_PROG_TYPE, p);
		run_cell(&c);
	}
}

/* The refused cases, then a valid statement for @p replayed onto another program. */
static void loads_refused(const char *phase, const struct family *f,
			  const struct prog *p, const void *app, size_t len,
			  struct bpfsig_key *trusted,
			  struct bpfsig_key *untrusted)
{
	struct prog q, b;
	size_t i;

	for (i = 0; i < NR_REFUSED; i++) {
		b = build_refused(&refused[i], f, p, app, len, trusted,
				  untrusted);
		measure(phase, f, p, &b, refused[i].name, refused[i].want, 1);
		free(b.insns);
	}
	/* A valid statement for p, replayed onto q: same type, same size. */
	make_family(f, &q, 2, 0);
	b = with_appendix(&q, app, len);
	measure(phase, f, &q, &b, "replay", EKEYREJECTED, 0);
	free(b.insns);
	free(q.insns);
}

static void loads_signed(const char *phase, const struct family *f,
			 const struct prog *p, struct bpfsig_key *trusted,
			 struct bpfsig_key *untrusted, bool rehash)
{
	struct prog b;
	size_t len;
	void *app;

	sign(trusted, BPF_PROG_TYPE_SOCKET_FILTER, 0, p->insns, p->cnt, &app,
	     &len);
	if (len / 8 > MAX_APPENDIX) {
		fprintf(stderr, "bench: appendix of %zu insns > %d\n", len / 8,
			MAX_APPENDIX);
		exit(1);
	}
	b = with_appendix(p, app, len);
	measure(phase, f, p, &b, "valid", 0, 0);
	if (!rehash && f->straight && f->param <= 10000)
		run_split(f, p, &b);
	free(b.insns);
	if (!rehash)
		loads_refused(phase, f, p, app, len, trusted, untrusted);
	free(app);
}

static void loads_family(const char *phase, const struct family *f,
			 struct bpfsig_key *trusted,
			 struct bpfsig_key *untrusted, bool rehash)
{
	struct prog p;

	make_family(f, &p, 1, 0);
	if (!strcmp(phase, "nomod"))
		loads_nomod(phase, f, &p);
	else if (!strcmp(phase, "off"))
		measure(phase, f, &p, &p, "off", 0, 0);
	else
		loads_signed(phase, f, &p, trusted, untrusted, rehash);
	free(p.insns);
}

/* The syscall floor: refused before any allocation (E2BIG). */
static void loads_e2big(const char *phase)
{
	struct cell c = { .phase = phase, .family = "ref", .param = 0,
			  .insns = INSN_LIMIT + 1, .name = "ref-e2big",
			  .want = E2BIG };
	struct prog p = { .insns = NULL, .cnt = INSN_LIMIT + 1 };

	attr_init(&c.attr, BPF_PROG_TYPE_SOCKET_FILTER, &p);
	run_cell(&c);
}

int cmd_loads(const char *phase)
{
	struct bpfsig_key *trusted = NULL, *untrusted = NULL;
	bool rehash = !strcmp(phase, "rehash");
	const struct family *fams;
	size_t nf, i;

	if (strcmp(phase, "nomod") && strcmp(phase, "off") &&
	    strcmp(phase, "enforce") && !rehash) {
		fprintf(stderr, "bench: unknown phase '%s'\n", phase);
		return 2;
	}
	if (!strcmp(phase, "enforce") || rehash) {
		trusted = key_load("trusted");
		untrusted = key_load("untrusted");
	}
	fams = families(rehash, &nf);
	fprintf(stderr, "bench: loads, phase %s\n", phase);
	if (!strcmp(phase, "nomod"))
		loads_e2big(phase);
	for (i = 0; i < nf; i++)
		loads_family(phase, &fams[i], trusted, untrusted, rehash);
	if (!strcmp(phase, "enforce"))
		run_flat(fams, nf, trusted, untrusted);
	bpfsig_key__free(trusted);
	bpfsig_key__free(untrusted);
	return 0;
}

/* "flat": the flatness run alone. */
int cmd_flat(void)
{
	struct bpfsig_key *t = key_load("trusted"), *u = key_load("untrusted");
	const struct family *fams;
	size_t nf;

	fams = families(false, &nf);
	run_flat(fams, nf, t, u);
	return 0;
}
