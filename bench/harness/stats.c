// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - the module's own view, from securityfs: snapshots of "stats"
 * (verdict counters, syscall-stage counters, total decision time) taken
 * before and after a batch, and the module's mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

static const char *const verdicts[] = {
	"accepted", "unsigned", "malformed", "nokey", "rejected", "revoked",
	"nopkg", "error",
};
_Static_assert(ARRAY_SIZE(verdicts) == NV, "one counter per verdict");

void stats_read(struct stats *s)
{
	char buf[4096], name[64];
	long long val;
	size_t i;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen(SFS "stats", "r");
	if (!f)
		return;
	s->ok = true;
	s->reused = -1;
	while (fgets(buf, sizeof(buf), f)) {
		if (sscanf(buf, "%63s %lld", name, &val) != 2)
			continue;
		for (i = 0; i < NV; i++)
			if (!strcmp(name, verdicts[i]))
				s->v[i] = val;
		if (!strcmp(name, "syscall_stage_refusals"))
			s->early = val;
		else if (!strcmp(name, "syscall_stage_verified"))
			s->reused = val;
		else if (!strcmp(name, "decision_ns_total"))
			s->ns_total = val;
	}
	fclose(f);
}

/* Verifier-stage decisions that reused the syscall stage's verification. */
long long stats_reused(const struct stats *a, const struct stats *b)
{
	return a->ok && a->reused >= 0 ? b->reused - a->reused : -1;
}

/* Decisions between two snapshots. */
long long stats_decisions(const struct stats *a, const struct stats *b)
{
	long long n = 0;
	size_t i;

	for (i = 0; i < NV; i++)
		n += b->v[i] - a->v[i];
	return n;
}

/* Mean time of @decisions decisions between two snapshots, 0 if none. */
double stats_mean_ns(const struct stats *a, const struct stats *b,
		     long long decisions)
{
	return decisions > 0 ?
	       (double)(b->ns_total - a->ns_total) / decisions : 0.0;
}

int set_mode(const char *mode)
{
	int fd, ret;

	fd = open(SFS "mode", O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	ret = write(fd, mode, strlen(mode)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}
