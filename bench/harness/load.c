// SPDX-License-Identifier: GPL-2.0
/*
 * load.c - one timed load: CLOCK_MONOTONIC around the bpf(BPF_PROG_LOAD)
 * call alone, its result as an errno name, and the bookkeeping of a batch
 * of loads (how many, how long, how many unexpected).
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpfsig.h"
#include "bench.h"

long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void attr_init(union bpf_attr *attr, __u32 type, const struct prog *p)
{
	memset(attr, 0, sizeof(*attr));
	attr->prog_type = type;
	attr->insns = (unsigned long)p->insns;
	attr->insn_cnt = p->cnt;
	attr->license = (unsigned long)"GPL";
	strcpy(attr->prog_name, "bpfsig_bench");
}

/* One timed load; *err = 0 if a program fd came back, else errno. */
long long load_once(union bpf_attr *attr, int *err)
{
	long long t0, t1;
	long fd;

	t0 = now_ns();
	fd = sys_bpf(BPF_PROG_LOAD, attr, sizeof(*attr));
	t1 = now_ns();
	*err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return t1 - t0;
}

/* Instructions the verifier processed for @p (bpf_prog_info). */
long verified_insns(const struct prog *p)
{
	struct bpf_prog_info info = {};
	union bpf_attr attr;
	__u32 len = sizeof(info);
	long fd, n = -1;

	attr_init(&attr, BPF_PROG_TYPE_SOCKET_FILTER, p);
	fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return -1;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		n = info.verified_insns;
	close(fd);
	return n;
}

/* "ok", or the errno's name as the raw CSVs spell it. */
const char *err_name(int err)
{
	const char *n;

	if (!err)
		return "ok";
	n = bpfsig_errno_name(err);
	if (n)
		return n;
	switch (err) {
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case EACCES: return "EACCES";
	case ENOMEM: return "ENOMEM";
	}
	return strerror(err);
}

void outcome_check(struct outcome *o, int err, int want)
{
	if (err != want && !o->errors++)
		o->first_err = err;
}

/* The time is up @factor x --budget from now. */
void budget_start(struct budget *b, long min, long max, double factor)
{
	b->min = min;
	b->max = max;
	b->t_end = now_ns() + (long long)(bench.budget_s * factor * 1e9);
}

bool budget_more(const struct budget *b, long n)
{
	return n < b->max && (n < b->min || now_ns() < b->t_end);
}
