// SPDX-License-Identifier: GPL-2.0
/*
 * flood.c - "flood LABEL": one process loads the same unsigned ~1M-insn
 * program in a loop for --seconds; loads per second, the process's CPU
 * time and the whole machine's busy CPU time go to flood.csv.
 */
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>

#include "bench.h"

/* Busy and total CPU time of the whole machine, in seconds (/proc/stat). */
static void cpu_times(double *busy, double *total)
{
	unsigned long long v[10] = {};
	double hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "r");
	int i;

	*busy = *total = 0;
	if (!f)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
		   &v[8], &v[9]) >= 8) {
		for (i = 0; i < 8; i++)
			*total += v[i];
		*busy = *total - v[3] - v[4];
		*busy /= hz;
		*total /= hz;
	}
	fclose(f);
}

static double tv_s(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

/* The process's and the machine's view of the flood, before and after. */
struct usage {
	struct rusage r;
	double busy, total;
	struct stats s;
};

struct flood {
	long long ok, refused;
	int last_err;
	double wall;
};

static void loop(union bpf_attr *attr, struct flood *fl)
{
	long long t0, t_end;
	int err;

	t0 = now_ns();
	t_end = t0 + (long long)(bench.flood_s * 1e9);
	while (now_ns() < t_end) {
		load_once(attr, &err);
		if (err) {
			fl->refused++;
			fl->last_err = err;
		} else {
			fl->ok++;
		}
	}
	fl->wall = (now_ns() - t0) / 1e9;
}

static void write_flood(const char *label, __u32 insns,
			const struct flood *fl, const struct usage *u0,
			const struct usage *u1)
{
	long long loads = fl->ok + fl->refused;
	long long dec = u0->s.ok ? stats_decisions(&u0->s, &u1->s) : 0;
	double busy = u1->busy - u0->busy;
	FILE *f;

	f = csv_open("flood.csv",
		     "label,insns,seconds,loads,accepted,refused,refusal_errno,loads_per_s,"
		     "proc_user_s,proc_sys_s,machine_busy_s,machine_cpus_s,"
		     "cpu_ms_per_load,decisions,decision_mean_ns,syscall_stage_refusals");
	fprintf(f, "%s,%u,%.3f,%lld,%lld,%lld,%s,%.2f,%.3f,%.3f,%.3f,%.3f,%.4f,%lld,%.0f,%lld\n",
		label, insns, fl->wall, loads, fl->ok, fl->refused,
		fl->refused ? err_name(fl->last_err) : "", loads / fl->wall,
		tv_s(u1->r.ru_utime) - tv_s(u0->r.ru_utime),
		tv_s(u1->r.ru_stime) - tv_s(u0->r.ru_stime), busy,
		u1->total - u0->total, busy * 1e3 / loads, dec,
		stats_mean_ns(&u0->s, &u1->s, dec),
		u0->s.ok ? u1->s.early - u0->s.early : 0);
	fclose(f);
	fprintf(stderr, "  %s: %lld loads in %.1f s (%.1f/s), %lld accepted, machine busy %.2f CPU-s\n",
		label, loads, fl->wall, loads / fl->wall, fl->ok, busy);
}

int cmd_flood(const char *label)
{
	struct usage u0, u1;
	struct flood fl = {};
	union bpf_attr attr;
	struct prog p;

	make_straight(&p, N_1M, 3, 0);
	attr_init(&attr, BPF_PROG_TYPE_SOCKET_FILTER, &p);
	fprintf(stderr, "bench: flood %s, %.0f s of unsigned %u-insn loads\n",
		label, bench.flood_s, p.cnt);
	stats_read(&u0.s);
	getrusage(RUSAGE_SELF, &u0.r);
	cpu_times(&u0.busy, &u0.total);
	loop(&attr, &fl);
	cpu_times(&u1.busy, &u1.total);
	getrusage(RUSAGE_SELF, &u1.r);
	stats_read(&u1.s);
	write_flood(label, p.cnt, &fl, &u0, &u1);
	free(p.insns);
	return 0;
}
