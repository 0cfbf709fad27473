// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c - what is written of a batch: median, p10, p90, min, max and
 * mean of its times, and the raw CSV files they go to (appended to, with
 * a header when new).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long pct(const long long *s, long n, double q)
{
	return s[(long)floor(q * (n - 1) + 0.5)];
}

/* Sorts @v in place. */
void summarize(long long *v, long n, struct summary *s)
{
	double sum = 0;
	long i;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_ll);
	for (i = 0; i < n; i++)
		sum += v[i];
	s->mean = sum / n;
	s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s->p10 = pct(v, n, 0.10);
	s->p90 = pct(v, n, 0.90);
	s->min = v[0];
	s->max = v[n - 1];
}

FILE *csv_open(const char *name, const char *header)
{
	char path[PATH_MAX];
	bool fresh;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", bench.out_dir, name);
	fresh = access(path, F_OK) != 0;
	f = fopen(path, "a");
	if (!f) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (fresh)
		fprintf(f, "%s\n", header);
	return f;
}
