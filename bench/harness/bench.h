/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench - the bpfsig benchmark harness. Runs as root inside the test VM
 * (bench/run-vm.sh drives it); writes raw CSV files that bench/report turns
 * into Documentation/benchmark.{md,csv,png}.
 *
 *   bench [OPTIONS] loads PHASE     PHASE: nomod, off, enforce, rehash
 *   bench [OPTIONS] flood LABEL     unsigned ~1M-insn loads for --seconds
 *   bench [OPTIONS] corpus DIR...   every *.bpf.o in DIR...: signed vs unsigned
 *   bench [OPTIONS] hash            in-kernel sha256 throughput (AF_ALG)
 *   bench [OPTIONS] repeat N COUNT  one signed N-insn program loaded COUNT times
 *
 * OPTIONS: --out DIR (raw CSVs, default .), --keys DIR (trusted.{key,der},
 * untrusted.{key,der}), --smoke (few sizes, short budgets), --seconds S
 * (flood duration), --budget S (time per measured cell).
 *
 * Every load is timed with CLOCK_MONOTONIC around the bpf(2) call alone
 * (close() of an accepted program's fd is outside the window). Every load's
 * result is checked against the case's expectation; a mismatch is counted
 * and reported, never silently timed. The module's own view comes from
 * securityfs "stats", read before and after each batch.
 *
 * One file per concept: main.c (options, commands), capture.c (bpf(2) and
 * libbpf's loads captured), load.c (one timed load), stats.c (securityfs),
 * summary.c (medians, CSV files), progs.c (program generators), sign.c
 * (keys, signatures, forgeries), cells.c (timed cells), split.c, flat.c,
 * loads.c, flood.c, corpus.c, hash.c (the commands' measurements), repeat.c
 * (the loads bench/profile.sh traces).
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/bpf.h>

struct bpfsig_key;

#define SFS		"/sys/kernel/security/bpfsig/"
#define INSN_LIMIT	1000000	/* BPF_COMPLEXITY_LIMIT_INSNS */
/*
 * The "1M" straight-line program: as large as a signed load can be, so that
 * every case loads the same program (RSA-2048 appendix: 67 insns).
 */
#define MAX_APPENDIX	100
#define N_1M		(INSN_LIMIT - MAX_APPENDIX)
#define BAD_PROG_TYPE	0x7fff	/* passes the attr checks, fails after copy */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- options (main.c) ---------------------------------------------------- */

struct bench_options {
	const char *out_dir;	/* raw CSVs */
	const char *keys_dir;	/* trusted.{key,der}, untrusted.{key,der} */
	bool smoke;		/* few sizes, short budgets */
	double flood_s;		/* flood duration */
	double budget_s;	/* time per measured cell */
	const char *signed_mode; /* corpus: the mode of the signed loads */
};

extern struct bench_options bench;

/* ---- bpf(2), and libbpf's loads captured (capture.c) --------------------- */

struct capture {
	int fd;
	union bpf_attr attr;
	struct bpf_insn *insns;
	char *license;
	void *func_info;
	void *line_info;
	int *fd_array;
};

long sys_bpf(int cmd, void *attr, unsigned int size);
void capture_set(bool on);
struct capture *find_capture(int fd);

/* ---- one timed load (load.c) --------------------------------------------- */

struct prog {
	struct bpf_insn *insns;
	__u32 cnt;
};

long long now_ns(void);
void attr_init(union bpf_attr *attr, __u32 type, const struct prog *p);
long long load_once(union bpf_attr *attr, int *err);
long verified_insns(const struct prog *p);
const char *err_name(int err);

/*
 * The outcome of a batch of loads: how many, how many did not give the
 * expected result, and the first unexpected one.
 */
struct outcome {
	long n;
	long errors;
	int first_err;
};

void outcome_check(struct outcome *o, int err, int want);

/*
 * When a batch stops: at @max loads, or once the time is up and at least
 * @min were made.
 */
struct budget {
	long min, max;
	long long t_end;
};

void budget_start(struct budget *b, long min, long max, double factor);
bool budget_more(const struct budget *b, long n);

/* ---- the module's view (stats.c) ----------------------------------------- */

#define NV 8	/* verdict counters, "accepted" first */

struct stats {
	bool ok;
	long long v[NV];
	long long early;
	long long reused;	/* syscall_stage_verified, -1 if absent */
	long long ns_total;
};

void stats_read(struct stats *s);
long long stats_reused(const struct stats *a, const struct stats *b);
long long stats_decisions(const struct stats *a, const struct stats *b);
double stats_mean_ns(const struct stats *a, const struct stats *b,
		     long long decisions);
int set_mode(const char *mode);

/* ---- statistics and output files (summary.c) ----------------------------- */

struct summary {
	long n;
	long long median, p10, p90, min, max;
	double mean;
};

void summarize(long long *v, long n, struct summary *s);
FILE *csv_open(const char *name, const char *header);

/* ---- programs (progs.c) -------------------------------------------------- */

struct family {
	const char *name;
	int param;	/* instructions (straight) or diamonds */
	bool straight;
};

void make_straight(struct prog *p, __u32 cnt, int seed, int pad);
void make_family(const struct family *f, struct prog *p, int seed, int pad);
struct prog with_appendix(const struct prog *p, const void *app,
			  size_t app_len);

/* ---- keys, signatures and forgeries (sign.c) ----------------------------- */

/* The loads the syscall stage must refuse, whatever the program's size. */
struct refused_case {
	const char *name;
	int want;
};

extern const struct refused_case refused[];
#define NR_REFUSED 7

struct bpfsig_key *key_load(const char *name);
void sign(const struct bpfsig_key *key, __u32 type, __u32 eat,
	  const struct bpf_insn *insns, __u32 cnt, void **app, size_t *len);
struct prog build_refused(const struct refused_case *rc,
			  const struct family *f, const struct prog *p,
			  const void *app, size_t len,
			  struct bpfsig_key *trusted,
			  struct bpfsig_key *untrusted);

/* ---- measurements -------------------------------------------------------- */

struct cell {
	const char *phase;
	const char *family;
	int param;
	__u32 insns;		/* program instructions */
	const char *name;	/* the case */
	int want;		/* 0: a program fd; else this errno */
	int want_early;		/* 1: refused at the syscall stage */
	const char *mode;	/* if set: the module's mode for this cell */
	union bpf_attr attr;
};

void cell_set(struct cell *c, const char *phase, const struct family *f,
	      const struct prog *p, const char *name, int want, int early);
void run_cell(struct cell *c);
void run_split(const struct family *f, const struct prog *p,
	       const struct prog *b);
void run_flat(const struct family *fams, size_t nf,
	      struct bpfsig_key *trusted, struct bpfsig_key *untrusted);

/* ---- commands ------------------------------------------------------------ */

int cmd_loads(const char *phase);
int cmd_flat(void);
int cmd_flood(const char *label);
int cmd_corpus(int argc, char **argv);
int cmd_hash(void);
int cmd_hashpair(void);
int cmd_repeat(__u32 insns, long count);

#endif /* BENCH_H */
