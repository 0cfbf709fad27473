// SPDX-License-Identifier: GPL-2.0
/*
 * bench - the bpfsig benchmark harness. Runs as root inside the test VM
 * (bench/run-vm.sh drives it); writes raw CSV files that bench/report turns
 * into Documentation/benchmark.{md,csv,png}.
 *
 *   bench [OPTIONS] loads PHASE     PHASE: nomod, off, enforce, rehash
 *   bench [OPTIONS] flood LABEL     unsigned ~1M-insn loads for --seconds
 *   bench [OPTIONS] corpus DIR...   every *.bpf.o in DIR...: signed vs unsigned
 *   bench [OPTIONS] hash            in-kernel sha256 throughput (AF_ALG)
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
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/if_alg.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <openssl/sha.h>

#include "bpfsig.h"
#include "format.h"

#define SFS		"/sys/kernel/security/bpfsig/"
#define INSN_LIMIT	1000000	/* BPF_COMPLEXITY_LIMIT_INSNS */
/*
 * The "1M" straight-line program: as large as a signed load can be, so that
 * every case loads the same program (RSA-2048 appendix: 67 insns).
 */
#define MAX_APPENDIX	100
#define N_1M		(INSN_LIMIT - MAX_APPENDIX)
#define BAD_PROG_TYPE	0x7fff	/* passes the attr checks, fails after copy */

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })
#define MOV64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define EXIT_INSN()	INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static const char *out_dir = ".";
static const char *keys_dir = "build/bench/keys";
static bool smoke;
static double flood_s = 10;
static double budget_s = 1.5;

/* ---- bpf(2) without libbpf, and libbpf's loads captured ---------------- */

static long (*real_syscall)(long nr, ...);

struct capture {
	int fd;
	union bpf_attr attr;
	struct bpf_insn *insns;
	char *license;
	void *func_info;
	void *line_info;
	int *fd_array;
};

static bool capturing;
static struct capture *captured;
static size_t n_captured;

static void *dup_mem(__u64 ptr, size_t len)
{
	void *p;

	if (!ptr || !len)
		return NULL;
	p = malloc(len);
	if (p)
		memcpy(p, (void *)(unsigned long)ptr, len);
	return p;
}

/* Slots of attr.fd_array the instructions refer to (kfunc BTF, map index). */
static size_t fd_array_len(const struct bpf_insn *insns, __u32 cnt)
{
	size_t n = 0;
	__u32 i;

	for (i = 0; i < cnt; i++) {
		const struct bpf_insn *in = &insns[i];

		if (in->code == (BPF_JMP | BPF_CALL) &&
		    in->src_reg == BPF_PSEUDO_KFUNC_CALL && in->off > 0 &&
		    (size_t)in->off + 1 > n)
			n = in->off + 1;
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    (in->src_reg == BPF_PSEUDO_MAP_IDX ||
		     in->src_reg == BPF_PSEUDO_MAP_IDX_VALUE) &&
		    (size_t)in->imm + 1 > n)
			n = in->imm + 1;
	}
	return n;
}

static void capture(const void *uattr, unsigned int size, int fd)
{
	struct capture *c;
	const union bpf_attr *a;

	captured = realloc(captured, (n_captured + 1) * sizeof(*captured));
	c = &captured[n_captured++];
	memset(c, 0, sizeof(*c));
	memcpy(&c->attr, uattr, size < sizeof(c->attr) ? size : sizeof(c->attr));
	a = &c->attr;
	c->fd = fd;
	c->insns = dup_mem(a->insns, (size_t)a->insn_cnt * sizeof(struct bpf_insn));
	c->license = a->license ? strdup((char *)(unsigned long)a->license) : NULL;
	c->func_info = dup_mem(a->func_info,
			       (size_t)a->func_info_cnt * a->func_info_rec_size);
	c->line_info = dup_mem(a->line_info,
			       (size_t)a->line_info_cnt * a->line_info_rec_size);
	/*
	 * libbpf frees its fd_array (module BTF fds of kfunc calls) after the
	 * load; the kernel 6.1 takes no length: the slots used are those the
	 * instructions name.
	 */
	if (a->fd_array && c->insns) {
		size_t i, n = fd_array_len(c->insns, a->insn_cnt);

		c->fd_array = dup_mem(a->fd_array, n * sizeof(int));
		for (i = 0; c->fd_array && i < n; i++)
			if (c->fd_array[i] > 0)
				c->fd_array[i] = dup(c->fd_array[i]);
	}
	/*
	 * libbpf also closes the module BTF fds it used once the object is
	 * loaded: keep our own (ksyms in modules, attach targets in modules).
	 * Both are outside the canonical form, so the signature is unchanged.
	 */
	for (__u32 i = 0; c->insns && i + 1 < a->insn_cnt; i++)
		if (c->insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    c->insns[i].src_reg == BPF_PSEUDO_BTF_ID && c->insns[i + 1].imm > 0)
			c->insns[i + 1].imm = dup(c->insns[i + 1].imm);
	/* attach_btf_obj_fd shares its slot with attach_prog_fd: dup either */
	if (c->attr.attach_btf_obj_fd > 0)
		c->attr.attach_btf_obj_fd = dup(c->attr.attach_btf_obj_fd);
}

/*
 * libbpf calls the kernel through libc's syscall(); this definition in the
 * executable takes precedence (exported with --export-dynamic-symbol).
 */
long syscall(long nr, ...)
{
	long a[6], ret;
	va_list ap;
	int i, e;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	ret = real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (capturing && nr == __NR_bpf && a[0] == BPF_PROG_LOAD && ret >= 0) {
		e = errno;
		capture((void *)a[1], a[2], ret);
		errno = e;
	}
	return ret;
}

__attribute__((constructor)) static void init_syscall(void)
{
	real_syscall = dlsym(RTLD_NEXT, "syscall");
	if (!real_syscall) {
		fprintf(stderr, "bench: dlsym(syscall): %s\n", dlerror());
		exit(1);
	}
}

static long sys_bpf(int cmd, void *attr, unsigned int size)
{
	return real_syscall(__NR_bpf, cmd, attr, size);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One timed load; *err = 0 if a program fd came back, else errno. */
static long long load_once(union bpf_attr *attr, int *err)
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

static const char *err_name(int err)
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

/* ---- securityfs ------------------------------------------------------- */

static const char *const verdicts[] = {
	"accepted", "unsigned", "malformed", "nokey", "rejected", "revoked",
	"nopkg", "error",
};
#define NV (sizeof(verdicts) / sizeof(verdicts[0]))

struct stats {
	bool ok;
	long long v[NV];
	long long early;
	long long reused;	/* syscall_stage_verified, -1 if absent */
	long long ns_total;
};

static void stats_read(struct stats *s)
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
static long long stats_reused(const struct stats *a, const struct stats *b)
{
	return a->ok && a->reused >= 0 ? b->reused - a->reused : -1;
}

/* Decisions and their time between two snapshots. */
static long long stats_decisions(const struct stats *a, const struct stats *b)
{
	long long n = 0;
	size_t i;

	for (i = 0; i < NV; i++)
		n += b->v[i] - a->v[i];
	return n;
}

static int set_mode(const char *mode)
{
	int fd, ret;

	fd = open(SFS "mode", O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	ret = write(fd, mode, strlen(mode)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* ---- statistics ------------------------------------------------------- */

struct summary {
	long n;
	long long median, p10, p90, min, max;
	double mean;
};

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long pct(const long long *s, long n, double q)
{
	return s[(long)floor(q * (n - 1) + 0.5)];
}

static void summarize(long long *v, long n, struct summary *s)
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

static FILE *csv_open(const char *name, const char *header)
{
	char path[PATH_MAX];
	bool fresh;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
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

/* ---- programs --------------------------------------------------------- */

struct prog {
	struct bpf_insn *insns;
	__u32 cnt;
};

/*
 * Straight line: r1 = seed; r1 = seed + 1; ...; r0 = 1; exit. @pad extra
 * "r2 = 0" instructions in front make a program of another size.
 */
static void make_straight(struct prog *p, __u32 cnt, int seed, int pad)
{
	__u32 i;

	cnt += pad;
	p->insns = calloc(cnt, sizeof(*p->insns));
	if (!p->insns) {
		perror("bench: calloc");
		exit(1);
	}
	for (i = 0; i + 2 < cnt; i++)
		p->insns[i] = i < (__u32)pad ? MOV64_IMM(2, 0) :
			      MOV64_IMM(1, seed + (int)i);
	p->insns[cnt - 2] = MOV64_IMM(0, 1);
	p->insns[cnt - 1] = EXIT_INSN();
	p->cnt = cnt;
}

/*
 * Chain of @n diamonds (after selftests/unload_test.c): JSET on an unknown
 * value, a stack slot holding a pointer on one side and zero on the other,
 * every slot read at the end: no two paths share a state, nothing is pruned,
 * 2^@n paths. 4n + 3 instructions; the last "r0 = seed" tells programs of
 * the same size apart.
 */
static void make_diamonds(struct prog *p, int n, int seed, int pad)
{
	int i, k = 0;

	p->insns = calloc(4 * n + 3 + pad, sizeof(*p->insns));
	for (i = 0; i < pad; i++)
		p->insns[k++] = MOV64_IMM(2, 0);
	/* r1 = skb->len */
	p->insns[k++] = INSN(BPF_LDX | BPF_MEM | BPF_W, 1, 1, 0, 0);
	for (i = 0; i < n; i++) {
		p->insns[k++] = INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0,
				     -8 * (i + 1), 0);
		p->insns[k++] = INSN(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1,
				     1 << i);
		p->insns[k++] = INSN(BPF_STX | BPF_MEM | BPF_DW, 10, 10,
				     -8 * (i + 1), 0);
	}
	for (i = 0; i < n; i++)
		p->insns[k++] = INSN(BPF_LDX | BPF_MEM | BPF_DW, 0, 10,
				     -8 * (i + 1), 0);
	p->insns[k++] = MOV64_IMM(0, seed);
	p->insns[k++] = EXIT_INSN();
	p->cnt = k;
}

struct family {
	const char *name;
	int param;	/* instructions (straight) or diamonds */
	bool straight;
};

static void make_family(const struct family *f, struct prog *p, int seed,
			int pad)
{
	if (f->straight)
		make_straight(p, f->param, seed, pad);
	else
		make_diamonds(p, f->param, seed, pad);
}

/* @p || @app_len bytes of @app, as one buffer. */
static struct prog with_appendix(const struct prog *p, const void *app,
				 size_t app_len)
{
	struct prog b;

	b.cnt = p->cnt + app_len / 8;
	b.insns = malloc((size_t)b.cnt * 8);
	if (!b.insns) {
		perror("bench: malloc");
		exit(1);
	}
	memcpy(b.insns, p->insns, (size_t)p->cnt * 8);
	if (app_len)
		memcpy(b.insns + p->cnt, app, app_len);
	return b;
}

static struct bpfsig_key *key_load(const char *name)
{
	char key[PATH_MAX], cert[PATH_MAX];
	struct bpfsig_key *k;

	snprintf(key, sizeof(key), "%s/%s.key", keys_dir, name);
	snprintf(cert, sizeof(cert), "%s/%s.der", keys_dir, name);
	k = bpfsig_key__load(key, cert, NULL);
	if (!k) {
		fprintf(stderr, "bench: key %s: %s\n", key, strerror(errno));
		exit(1);
	}
	return k;
}

static void sign(const struct bpfsig_key *key, __u32 type, __u32 eat,
		 const struct bpf_insn *insns, __u32 cnt, void **app,
		 size_t *len)
{
	BPFSIG_OPTS(bpfsig_sign_opts, opts, .hash = "sha256");
	int err;

	err = bpfsig_sign_insns(key, &opts, type, eat, insns, cnt, app, len);
	if (err) {
		fprintf(stderr, "bench: signing: %s\n", bpfsig_strerror(err));
		exit(1);
	}
}

static void attr_init(union bpf_attr *attr, __u32 type,
		      const struct prog *p)
{
	memset(attr, 0, sizeof(*attr));
	attr->prog_type = type;
	attr->insns = (unsigned long)p->insns;
	attr->insn_cnt = p->cnt;
	attr->license = (unsigned long)"GPL";
	strcpy(attr->prog_name, "bpfsig_bench");
}

/* Instructions the verifier processed for @p (bpf_prog_info). */
static long verified_insns(const struct prog *p)
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

/* ---- one measured cell ------------------------------------------------ */

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

#define MAX_REPS 4000

static void run_cell(struct cell *c)
{
	static long long v[MAX_REPS];
	long max_reps = smoke ? 100 : MAX_REPS, min_reps = smoke ? 2 : 5;
	struct stats s0 = {}, s1 = {};
	long long t, t_end, w, dec;
	struct summary sum;
	long n = 0, errors = 0, i;
	int err, first_err = 0;
	FILE *f;

	if (c->mode && set_mode(c->mode)) {
		fprintf(stderr, "bench: cannot set mode %s\n", c->mode);
		exit(1);
	}
	/* Warm up (and check the expectation once before timing). */
	w = load_once(&c->attr, &err);
	if (err != c->want) {
		fprintf(stderr, "bench: %s %s/%d %s: want %s, got %s: cell skipped\n",
			c->phase, c->family, c->param, c->name,
			err_name(c->want), err_name(err));
		errors = 1;
		first_err = err;
		goto row;
	}
	for (i = 0; i < 20 && w < 5000000; i++)
		w = load_once(&c->attr, &err);

	stats_read(&s0);
	t_end = now_ns() + (long long)(budget_s * 1e9);
	do {
		t = load_once(&c->attr, &err);
		v[n++] = t;
		if (err != c->want) {
			if (!errors++)
				first_err = err;
		}
	} while (n < max_reps && (n < min_reps || now_ns() < t_end));
	stats_read(&s1);

	f = csv_open("samples.csv", "phase,family,param,case,i,ns");
	for (i = 0; i < n; i++)
		fprintf(f, "%s,%s,%d,%s,%ld,%lld\n", c->phase, c->family,
			c->param, c->name, i, v[i]);
	fclose(f);
row:
	if (c->mode)
		set_mode("enforce");
	summarize(v, n, &sum);
	dec = s0.ok ? stats_decisions(&s0, &s1) : 0;
	f = csv_open("loads.csv",
		     "phase,family,param,insns,buf_insns,case,expect,n,errors,first_error,"
		     "median_ns,p10_ns,p90_ns,min_ns,max_ns,mean_ns,"
		     "decisions,decision_mean_ns,syscall_stage_refusals,want_syscall_stage,"
		     "accepted,unsigned,malformed,nokey,rejected,syscall_stage_verified");
	fprintf(f, "%s,%s,%d,%u,%u,%s,%s,%ld,%ld,%s,%lld,%lld,%lld,%lld,%lld,%.0f,"
		"%lld,%.0f,%lld,%d,%lld,%lld,%lld,%lld,%lld,%lld\n",
		c->phase, c->family, c->param, c->insns, c->attr.insn_cnt,
		c->name, err_name(c->want), n, errors,
		errors ? err_name(first_err) : "", sum.median, sum.p10,
		sum.p90, sum.min, sum.max, sum.mean, dec,
		dec > 0 ? (double)(s1.ns_total - s0.ns_total) / dec : 0.0,
		s0.ok ? s1.early - s0.early : 0, c->want_early,
		s1.v[0] - s0.v[0], s1.v[1] - s0.v[1], s1.v[2] - s0.v[2],
		s1.v[3] - s0.v[3], s1.v[4] - s0.v[4], stats_reused(&s0, &s1));
	fclose(f);
	fprintf(stderr, "  %-8s %-8s %7u %-16s n=%-5ld median %10.1f us  [p10 %.1f, p90 %.1f]%s%s\n",
		c->phase, c->family, c->insns, c->name, n, sum.median / 1e3,
		sum.p10 / 1e3, sum.p90 / 1e3, errors ? "  ERRORS: " : "",
		errors ? err_name(first_err) : "");
}

/* ---- loads: the families x cases matrix -------------------------------- */

static struct family families_full[] = {
	{ "straight", 1000, true },
	{ "straight", 10000, true },
	{ "straight", 100000, true },
	{ "straight", N_1M, true },
	{ "diamonds", 6, false },
	{ "diamonds", 9, false },
	{ "diamonds", 12, false },
	{ "diamonds", 15, false },	/* ~700k insns processed */
};

static struct family families_smoke[] = {
	{ "straight", 1000, true },
	{ "straight", 100000, true },
	{ "diamonds", 4, false },
	{ "diamonds", 6, false },
};

static struct family families_rehash[] = {
	{ "straight", 1000, true },
	{ "straight", 100000, true },
	{ "straight", N_1M, true },
};

static void cell_set(struct cell *c, const char *phase,
		     const struct family *f, const struct prog *p,
		     const char *name, int want, int early)
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

/* Flip a trailer's reserved byte: a well-formed-looking but malformed tail. */
static void break_trailer(void *app, size_t len)
{
	struct bpfsig_trailer *t = (void *)((char *)app + len - sizeof(*t));

	t->reserved1[0] = 0x5a;
}

/*
 * Flip a bit near the end of the CMS blob: with no unsigned attributes, the
 * last bytes are the RSA signature value. Still well-formed, still naming
 * the enrolled key: only the RSA verification can tell.
 */
static void break_rsa(void *app, size_t len)
{
	struct bpfsig_trailer *t = (void *)((char *)app + len - sizeof(*t));
	unsigned char *cms = (unsigned char *)app + BPFSIG_STATEMENT_SIZE;

	cms[be32toh(t->sig_len) - 5] ^= 0x01;
}

/* Replace the CMS blob with pseudo-random bytes of the same length. */
static void garble_cms(void *app, size_t len)
{
	struct bpfsig_trailer *t = (void *)((char *)app + len - sizeof(*t));
	unsigned char *cms = (unsigned char *)app + BPFSIG_STATEMENT_SIZE;
	__u32 i, sig_len = be32toh(t->sig_len);
	__u64 x = 0x9e3779b97f4a7c15ULL;

	for (i = 0; i < sig_len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		cms[i] = x;
	}
}

/*
 * Where a signed load's extra time goes, measured interleaved so that drift
 * cancels: each cycle loads (0) the unsigned program in mode off, (1) the
 * signed buffer in mode off (the appendix is stripped unchecked), (2) the
 * signed buffer in mode permissive (checked at the verifier stage only: the
 * syscall stage runs only when enforcing), (3) the signed buffer enforcing;
 * the starting variant rotates every cycle. Differences are taken within a
 * cycle; their medians go to split.csv.
 */
static void run_split(const struct family *f, const struct prog *p,
		      const struct prog *b)
{
	static const char *const modes[4] = { "off", "off", "permissive",
					      "enforce" };
	static long long v[4][2000], d[4][2000];
	long max_cycles = smoke ? 20 : 2000, min_cycles = smoke ? 2 : 5;
	struct summary sv[4], sd[4];
	union bpf_attr attr[4];
	struct stats s0, s1;
	long n = 0, errors = 0;
	long long t_end, dec;
	int k, i, err;
	FILE *fp;

	for (k = 0; k < 4; k++) {
		attr_init(&attr[k], BPF_PROG_TYPE_SOCKET_FILTER, k ? b : p);
		set_mode(modes[k]);
		load_once(&attr[k], &err);	/* warm-up and check */
		if (err) {
			fprintf(stderr, "bench: split %s/%d variant %d: %s\n",
				f->name, f->param, k, err_name(err));
			set_mode("enforce");
			return;
		}
	}
	stats_read(&s0);
	t_end = now_ns() + (long long)(budget_s * 4 * 1e9);
	do {
		for (i = 0; i < 4; i++) {
			k = (i + n) % 4;
			set_mode(modes[k]);
			v[k][n] = load_once(&attr[k], &err);
			if (err)
				errors++;
		}
		for (k = 1; k < 4; k++)
			d[k][n] = v[k][n] - v[k - 1][n];
		d[0][n] = v[3][n] - v[0][n];
		n++;
	} while (n < max_cycles && (n < min_cycles || now_ns() < t_end));
	stats_read(&s1);
	set_mode("enforce");
	for (k = 0; k < 4; k++) {
		summarize(v[k], n, &sv[k]);
		summarize(d[k], n, &sd[k]);
	}
	dec = s1.v[0] - s0.v[0];
	fp = csv_open("split.csv",
		      "family,param,insns,cycles,errors,off_ns,signed_off_ns,"
		      "permissive_ns,enforce_ns,appendix_ns,verifier_stage_ns,"
		      "syscall_stage_ns,total_ns,total_p10_ns,total_p90_ns,"
		      "accepted,decision_mean_ns,syscall_stage_verified");
	fprintf(fp, "%s,%d,%u,%ld,%ld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,"
		"%lld,%lld,%lld,%.0f,%lld\n",
		f->name, f->param, p->cnt, n, errors, sv[0].median,
		sv[1].median, sv[2].median, sv[3].median, sd[1].median,
		sd[2].median, sd[3].median, sd[0].median, sd[0].p10, sd[0].p90,
		dec, dec > 0 ? (double)(s1.ns_total - s0.ns_total) / dec : 0.0,
		stats_reused(&s0, &s1));
	fclose(fp);
	fprintf(stderr, "  split    %-8s %7u  n=%-4ld appendix %+.1f us, verifier stage %+.1f us, syscall stage %+.1f us, total %+.1f us%s\n",
		f->name, p->cnt, n, sd[1].median / 1e3, sd[2].median / 1e3,
		sd[3].median / 1e3, sd[0].median / 1e3,
		errors ? "  ERRORS" : "");
}

/* The loads the syscall stage must refuse, whatever the program's size. */
struct refused_case {
	const char *name;
	int want;
};

static const struct refused_case refused[] = {
	{ "unsigned", EPERM },
	{ "malformed", EBADMSG },
	{ "forged-badsig", EKEYREJECTED },
	{ "forged-garbage", EBADMSG },
	{ "forged-untrusted", ENOKEY },
	{ "wrong-type", EKEYREJECTED },
	{ "wrong-size", EKEYREJECTED },
};
#define NR_REFUSED (sizeof(refused) / sizeof(refused[0]))

/*
 * The buffer of refused case @rc for program @p, whose valid appendix
 * (trusted key, socket filter) is @app/@len.
 */
static struct prog build_refused(const struct refused_case *rc,
				 const struct family *f, const struct prog *p,
				 const void *app, size_t len,
				 struct bpfsig_key *trusted,
				 struct bpfsig_key *untrusted)
{
	const __u32 sf = BPF_PROG_TYPE_SOCKET_FILTER;
	struct prog b, p1;
	size_t len2;
	void *app2;

	if (!strcmp(rc->name, "unsigned"))
		return with_appendix(p, NULL, 0);
	if (!strcmp(rc->name, "forged-untrusted")) {
		sign(untrusted, sf, 0, p->insns, p->cnt, &app2, &len2);
	} else if (!strcmp(rc->name, "wrong-type")) {
		sign(trusted, BPF_PROG_TYPE_SCHED_CLS, 0, p->insns, p->cnt,
		     &app2, &len2);
	} else if (!strcmp(rc->name, "wrong-size")) {
		make_family(f, &p1, 1, 1);
		sign(trusted, sf, 0, p1.insns, p1.cnt, &app2, &len2);
		free(p1.insns);
	} else {
		app2 = malloc(len);
		memcpy(app2, app, len);
		len2 = len;
		if (!strcmp(rc->name, "malformed"))
			break_trailer(app2, len2);
		else if (!strcmp(rc->name, "forged-badsig"))
			break_rsa(app2, len2);
		else
			garble_cms(app2, len2);
	}
	b = with_appendix(p, app2, len2);
	free(app2);
	return b;
}

/*
 * Flat in program size? The refused cases for every straight-line size,
 * loaded round-robin (case x size, starting point rotating each cycle) so
 * that the host's drift over time falls on all sizes alike. flat.csv.
 */
static void run_flat(const struct family *fams, size_t nf,
		     struct bpfsig_key *trusted, struct bpfsig_key *untrusted)
{
	const __u32 sf = BPF_PROG_TYPE_SOCKET_FILTER;
	long max_cycles = smoke ? 50 : 2000, min_cycles = smoke ? 3 : 50;
	size_t ns = 0, i, j, k, cells;
	struct summary sum;
	const struct family *sizes[8];
	union bpf_attr *attr;
	struct prog *bufs;
	long long **v, t_end;
	long n = 0, errors = 0;
	int err, first_err = 0;
	FILE *fp;

	for (i = 0; i < nf && ns < 8; i++)
		if (fams[i].straight)
			sizes[ns++] = &fams[i];
	cells = ns * NR_REFUSED;
	attr = calloc(cells, sizeof(*attr));
	bufs = calloc(cells, sizeof(*bufs));
	v = calloc(cells, sizeof(*v));
	for (i = 0; i < ns; i++) {
		struct prog p;
		size_t len;
		void *app;

		make_family(sizes[i], &p, 1, 0);
		sign(trusted, sf, 0, p.insns, p.cnt, &app, &len);
		for (j = 0; j < NR_REFUSED; j++) {
			k = i * NR_REFUSED + j;
			bufs[k] = build_refused(&refused[j], sizes[i], &p, app,
						len, trusted, untrusted);
			attr_init(&attr[k], sf, &bufs[k]);
			v[k] = calloc(max_cycles, sizeof(**v));
			load_once(&attr[k], &err);	/* warm-up */
		}
		free(app);
		free(p.insns);
	}
	fprintf(stderr, "bench: flatness, %zu cases x %zu sizes, interleaved\n",
		NR_REFUSED, ns);
	t_end = now_ns() + (long long)(budget_s * 8 * 1e9);
	do {
		for (i = 0; i < cells; i++) {
			k = (i + n) % cells;
			v[k][n] = load_once(&attr[k], &err);
			if (err != refused[k % NR_REFUSED].want && !errors++)
				first_err = err;
		}
		n++;
	} while (n < max_cycles && (n < min_cycles || now_ns() < t_end));
	fp = csv_open("flat.csv", "case,param,insns,n,errors,first_error,"
		      "median_ns,p10_ns,p90_ns,min_ns,max_ns");
	for (k = 0; k < cells; k++) {
		summarize(v[k], n, &sum);
		fprintf(fp, "%s,%d,%u,%ld,%ld,%s,%lld,%lld,%lld,%lld,%lld\n",
			refused[k % NR_REFUSED].name,
			sizes[k / NR_REFUSED]->param,
			(unsigned)sizes[k / NR_REFUSED]->param, n, errors,
			errors ? err_name(first_err) : "", sum.median, sum.p10,
			sum.p90, sum.min, sum.max);
		free(v[k]);
		free(bufs[k].insns);
	}
	fclose(fp);
	fprintf(stderr, "  %ld cycles%s\n", n, errors ? ", UNEXPECTED RESULTS" : "");
	free(v);
	free(bufs);
	free(attr);
}

static void loads_family(const char *phase, const struct family *f,
			 struct bpfsig_key *trusted,
			 struct bpfsig_key *untrusted, bool rehash)
{
	const __u32 sf = BPF_PROG_TYPE_SOCKET_FILTER;
	struct prog p, q, b;
	struct cell c;
	size_t len, i;
	void *app;

	make_family(f, &p, 1, 0);

	if (!strcmp(phase, "nomod")) {
		FILE *fp = csv_open("progs.csv", "family,param,insns,verified_insns");

		fprintf(fp, "%s,%d,%u,%ld\n", f->name, f->param, p.cnt,
			verified_insns(&p));
		fclose(fp);
		cell_set(&c, phase, f, &p, "nomod", 0, 0);
		attr_init(&c.attr, sf, &p);
		run_cell(&c);
		if (f->straight) {
			/* The kernel's own floor: allocate, copy, refuse. */
			cell_set(&c, phase, f, &p, "ref-copy", EINVAL, 0);
			attr_init(&c.attr, BAD_PROG_TYPE, &p);
			run_cell(&c);
		}
		goto out;
	}
	if (!strcmp(phase, "off")) {
		cell_set(&c, phase, f, &p, "off", 0, 0);
		attr_init(&c.attr, sf, &p);
		run_cell(&c);
		goto out;
	}

	sign(trusted, sf, 0, p.insns, p.cnt, &app, &len);
	if (len / 8 > MAX_APPENDIX) {
		fprintf(stderr, "bench: appendix of %zu insns > %d\n", len / 8,
			MAX_APPENDIX);
		exit(1);
	}
	b = with_appendix(&p, app, len);
	cell_set(&c, phase, f, &p, "valid", 0, 0);
	attr_init(&c.attr, sf, &b);
	run_cell(&c);
	if (rehash) {
		free(b.insns);
		goto out_app;
	}
	if (f->straight && f->param <= 10000)
		run_split(f, &p, &b);
	free(b.insns);

	for (i = 0; i < NR_REFUSED; i++) {
		b = build_refused(&refused[i], f, &p, app, len, trusted,
				  untrusted);
		cell_set(&c, phase, f, &p, refused[i].name, refused[i].want, 1);
		attr_init(&c.attr, sf, &b);
		run_cell(&c);
		free(b.insns);
	}

	/* A valid statement for p, replayed onto q: same type, same size. */
	make_family(f, &q, 2, 0);
	b = with_appendix(&q, app, len);
	cell_set(&c, phase, f, &q, "replay", EKEYREJECTED, 0);
	attr_init(&c.attr, sf, &b);
	run_cell(&c);
	free(b.insns);
	free(q.insns);
out_app:
	free(app);
out:
	free(p.insns);
}

static int cmd_loads(const char *phase)
{
	struct bpfsig_key *trusted = NULL, *untrusted = NULL;
	const struct family *fams = smoke ? families_smoke : families_full;
	size_t nf = smoke ? sizeof(families_smoke) / sizeof(*fams) :
		    sizeof(families_full) / sizeof(*fams);
	bool rehash = !strcmp(phase, "rehash");
	size_t i;

	if (strcmp(phase, "nomod") && strcmp(phase, "off") &&
	    strcmp(phase, "enforce") && !rehash) {
		fprintf(stderr, "bench: unknown phase '%s'\n", phase);
		return 2;
	}
	if (!strcmp(phase, "enforce") || rehash) {
		trusted = key_load("trusted");
		untrusted = key_load("untrusted");
	}
	if (rehash && !smoke) {
		fams = families_rehash;
		nf = sizeof(families_rehash) / sizeof(*fams);
	}
	fprintf(stderr, "bench: loads, phase %s\n", phase);
	if (!strcmp(phase, "nomod")) {
		/* The syscall floor: refused before any allocation (E2BIG). */
		struct cell c = { .phase = phase, .family = "ref", .param = 0,
				  .insns = INSN_LIMIT + 1, .name = "ref-e2big",
				  .want = E2BIG };
		struct prog p = { .insns = NULL, .cnt = INSN_LIMIT + 1 };

		attr_init(&c.attr, BPF_PROG_TYPE_SOCKET_FILTER, &p);
		run_cell(&c);
	}
	for (i = 0; i < nf; i++)
		loads_family(rehash ? "rehash" : phase, &fams[i], trusted,
			     untrusted, rehash);
	if (!strcmp(phase, "enforce"))
		run_flat(fams, nf, trusted, untrusted);
	bpfsig_key__free(trusted);
	bpfsig_key__free(untrusted);
	return 0;
}

/* ---- flood ------------------------------------------------------------- */

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

static int cmd_flood(const char *label)
{
	double busy0, busy1, tot0, tot1, wall;
	long long t0, t_end, ok = 0, refused = 0;
	struct rusage r0, r1;
	struct stats s0, s1;
	union bpf_attr attr;
	int err, last_err = 0;
	struct prog p;
	FILE *f;

	make_straight(&p, N_1M, 3, 0);
	attr_init(&attr, BPF_PROG_TYPE_SOCKET_FILTER, &p);
	fprintf(stderr, "bench: flood %s, %.0f s of unsigned %u-insn loads\n",
		label, flood_s, p.cnt);
	stats_read(&s0);
	getrusage(RUSAGE_SELF, &r0);
	cpu_times(&busy0, &tot0);
	t0 = now_ns();
	t_end = t0 + (long long)(flood_s * 1e9);
	while (now_ns() < t_end) {
		load_once(&attr, &err);
		if (err) {
			refused++;
			last_err = err;
		} else {
			ok++;
		}
	}
	wall = (now_ns() - t0) / 1e9;
	cpu_times(&busy1, &tot1);
	getrusage(RUSAGE_SELF, &r1);
	stats_read(&s1);
	f = csv_open("flood.csv",
		     "label,insns,seconds,loads,accepted,refused,refusal_errno,loads_per_s,"
		     "proc_user_s,proc_sys_s,machine_busy_s,machine_cpus_s,"
		     "cpu_ms_per_load,decisions,decision_mean_ns,syscall_stage_refusals");
	fprintf(f, "%s,%u,%.3f,%lld,%lld,%lld,%s,%.2f,%.3f,%.3f,%.3f,%.3f,%.4f,%lld,%.0f,%lld\n",
		label, p.cnt, wall, ok + refused, ok, refused,
		refused ? err_name(last_err) : "", (ok + refused) / wall,
		tv_s(r1.ru_utime) - tv_s(r0.ru_utime),
		tv_s(r1.ru_stime) - tv_s(r0.ru_stime), busy1 - busy0,
		tot1 - tot0, (busy1 - busy0) * 1e3 / (ok + refused),
		s0.ok ? stats_decisions(&s0, &s1) : 0,
		s0.ok && stats_decisions(&s0, &s1) ?
		(double)(s1.ns_total - s0.ns_total) / stats_decisions(&s0, &s1) : 0,
		s0.ok ? s1.early - s0.early : 0);
	fclose(f);
	fprintf(stderr, "  %s: %lld loads in %.1f s (%.1f/s), %lld accepted, machine busy %.2f CPU-s\n",
		label, ok + refused, wall, (ok + refused) / wall, ok,
		busy1 - busy0);
	free(p.insns);
	return 0;
}

/* ---- corpus ------------------------------------------------------------ */

/* libbpf's warnings, without the verifier logs they carry. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	static bool in_log;
	char buf[1024];

	if (level != LIBBPF_WARN)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (strstr(buf, "-- BEGIN PROG LOAD LOG --"))
		in_log = true;
	if (!in_log)
		fputs(buf, stderr);
	else if (strstr(buf, "processed ") || strstr(buf, "-- END PROG LOAD LOG --"))
		fputs(buf, stderr);
	if (strstr(buf, "-- END PROG LOAD LOG --"))
		in_log = false;
	return 0;
}

static struct capture *find_capture(int fd)
{
	size_t i;

	for (i = n_captured; i-- > 0;)
		if (captured[i].fd == fd)
			return &captured[i];
	return NULL;
}

static void replay_attr(union bpf_attr *attr, const struct capture *c,
			const struct prog *p)
{
	*attr = c->attr;
	attr->insns = (unsigned long)p->insns;
	attr->insn_cnt = p->cnt;
	attr->license = (unsigned long)c->license;
	attr->func_info = (unsigned long)c->func_info;
	attr->line_info = (unsigned long)c->line_info;
	attr->fd_array = (unsigned long)c->fd_array;
	attr->log_buf = 0;
	attr->log_size = 0;
	attr->log_level = 0;
}

static void corpus_prog(const char *obj_name, struct bpf_program *prog,
			const struct capture *c, struct bpfsig_key *key)
{
	long max_pairs = smoke ? 20 : 1000, min_pairs = smoke ? 2 : 7;
	static long long u[1000], s[1000], d[1000];
	struct prog p = { c->insns, c->attr.insn_cnt }, b;
	union bpf_attr ua, sa;
	struct summary su, ss, sd;
	struct stats s0 = {}, s1 = {};
	struct bpf_prog_info info = {};
	long long t_end, dec;
	__u32 info_len = sizeof(info);
	long n = 0, errors = 0, i;
	int err, first_err = 0;
	size_t len;
	void *app;
	FILE *f;

	bpf_obj_get_info_by_fd(c->fd, &info, &info_len);
	sign(key, c->attr.prog_type, c->attr.expected_attach_type, p.insns,
	     p.cnt, &app, &len);
	b = with_appendix(&p, app, len);
	replay_attr(&ua, c, &p);
	replay_attr(&sa, c, &b);

	/* warm-up, and a check that both variants load */
	set_mode("off");
	load_once(&ua, &err);
	if (!err) {
		set_mode("enforce");
		load_once(&sa, &err);
	}
	if (err) {
		fprintf(stderr, "bench: corpus %s/%s: replay fails: %s\n", obj_name,
			bpf_program__name(prog), err_name(err));
		errors = 1;
		first_err = err;
		goto row;
	}
	stats_read(&s0);
	t_end = now_ns() + (long long)(budget_s * 2 * 1e9);
	do {
		/* alternate the order: A B, B A, ... */
		for (i = 0; i < 2; i++) {
			bool sig = (i == 0) == (n % 2 == 1);

			set_mode(sig ? "enforce" : "off");
			if (sig)
				s[n] = load_once(&sa, &err);
			else
				u[n] = load_once(&ua, &err);
			if (err && !errors++)
				first_err = err;
		}
		d[n] = s[n] - u[n];
		n++;
	} while (n < max_pairs && (n < min_pairs || now_ns() < t_end));
	stats_read(&s1);
	set_mode("enforce");
row:
	summarize(u, n, &su);
	summarize(s, n, &ss);
	summarize(d, n, &sd);
	dec = s0.ok && n ? s1.v[0] - s0.v[0] : 0;
	f = csv_open("corpus.csv",
		     "object,program,prog_type,expected_attach_type,insns,appendix_insns,"
		     "verified_insns,pairs,errors,first_error,"
		     "unsigned_median_ns,unsigned_p10_ns,unsigned_p90_ns,"
		     "signed_median_ns,signed_p10_ns,signed_p90_ns,"
		     "diff_median_ns,diff_p10_ns,diff_p90_ns,accepted,decision_mean_ns,"
		     "syscall_stage_verified");
	fprintf(f, "%s,%s,%u,%u,%u,%zu,%u,%ld,%ld,%s,%lld,%lld,%lld,%lld,%lld,%lld,"
		"%lld,%lld,%lld,%lld,%.0f,%lld\n",
		obj_name, bpf_program__name(prog), c->attr.prog_type,
		c->attr.expected_attach_type, p.cnt, len / 8,
		info.verified_insns, n, errors, errors ? err_name(first_err) : "",
		su.median, su.p10, su.p90, ss.median, ss.p10, ss.p90,
		sd.median, sd.p10, sd.p90, dec,
		dec > 0 ? (double)(s1.ns_total - s0.ns_total) / dec : 0.0,
		n ? stats_reused(&s0, &s1) : -1);
	fclose(f);
	fprintf(stderr, "  %-22s %-28s %6u insns  n=%-4ld unsigned %9.1f us  signed %9.1f us  diff %+8.1f us (%+.2f%%)\n",
		obj_name, bpf_program__name(prog), p.cnt, n, su.median / 1e3,
		ss.median / 1e3, sd.median / 1e3,
		su.median ? 100.0 * sd.median / su.median : 0);
	free(b.insns);
	free(app);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_corpus(int argc, char **argv)
{
	struct bpfsig_key *key = key_load("trusted");
	char **paths = NULL;
	size_t np = 0, i;
	int a;

	libbpf_set_print(libbpf_print);
	for (a = 0; a < argc; a++) {
		DIR *d = opendir(argv[a]);
		struct dirent *e;

		if (!d) {
			fprintf(stderr, "bench: corpus dir %s: %s\n", argv[a],
				strerror(errno));
			continue;
		}
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);

			if (l < 6 || strcmp(e->d_name + l - 6, ".bpf.o"))
				continue;
			paths = realloc(paths, (np + 1) * sizeof(*paths));
			if (asprintf(&paths[np++], "%s/%s", argv[a], e->d_name) < 0)
				exit(1);
		}
		closedir(d);
	}
	qsort(paths, np, sizeof(*paths), cmp_str);
	fprintf(stderr, "bench: corpus, %zu objects\n", np);
	for (i = 0; i < np; i++) {
		const char *base = strrchr(paths[i], '/') + 1;
		char name[256];
		struct bpf_object *obj;
		struct bpf_program *prog;
		int err;

		snprintf(name, sizeof(name), "%.*s", (int)(strlen(base) - 6), base);
		if (set_mode("off")) {
			fprintf(stderr, "bench: cannot set mode off\n");
			return 1;
		}
		obj = bpf_object__open_file(paths[i], NULL);
		if (!obj) {
			fprintf(stderr, "bench: corpus %s: open: %s\n", name,
				strerror(errno));
			continue;
		}
		capturing = true;
		err = bpf_object__load(obj);
		capturing = false;
		if (err) {
			FILE *f = csv_open("corpus-failed.csv", "object,error");

			fprintf(f, "%s,%s\n", name, err_name(-err));
			fclose(f);
			fprintf(stderr, "bench: corpus %s: libbpf load failed: %s (skipped)\n",
				name, err_name(-err));
			bpf_object__close(obj);
			continue;
		}
		bpf_object__for_each_program(prog, obj) {
			struct capture *c;
			int fd = bpf_program__fd(prog);

			if (fd < 0)
				continue;
			c = find_capture(fd);
			if (!c || !c->insns) {
				fprintf(stderr, "bench: corpus %s/%s: load not captured\n",
					name, bpf_program__name(prog));
				continue;
			}
			corpus_prog(name, prog, c, key);
		}
		/* objects stay open: their maps and BTF back the replays */
	}
	set_mode("enforce");
	bpfsig_key__free(key);
	return 0;
}

/* ---- hash: sha256 drivers through AF_ALG --------------------------------- */

static int afalg_sha256(const char *driver, const void *buf, size_t len,
			unsigned char digest[32], long long *ns)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "hash" };
	int tfm, op, ret = -1;
	long long t0;
	size_t off = 0;
	ssize_t n;

	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", driver);
	tfm = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (tfm < 0)
		return -errno;
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		close(tfm);
		return ret;
	}
	op = accept(tfm, NULL, 0);
	if (op < 0) {
		ret = -errno;
		close(tfm);
		return ret;
	}
	t0 = now_ns();
	while (off < len) {
		n = send(op, (const char *)buf + off, len - off, 0);
		if (n <= 0)
			goto out;
		off += n;
	}
	if (read(op, digest, 32) != 32)
		goto out;
	*ns = now_ns() - t0;
	ret = 0;
out:
	if (ret)
		ret = -errno;
	close(op);
	close(tfm);
	return ret;
}

static int cmd_hash(void)
{
	size_t len = smoke ? (1 << 20) : (size_t)N_1M * 8, i;
	int reps = smoke ? 3 : 9, r, nd = 0;
	unsigned char want[32], got[32];
	char line[256], drivers[16][128];
	bool is_sha256 = false;
	unsigned char *buf;
	long long v[16];
	FILE *f;

	/* every sha256 implementation the running kernel has registered */
	f = fopen("/proc/crypto", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char val[128];

		if (sscanf(line, "name : %127s", val) == 1)
			is_sha256 = !strcmp(val, "sha256");
		else if (is_sha256 && nd < 16 &&
			 sscanf(line, "driver : %127s", val) == 1)
			snprintf(drivers[nd++], sizeof(drivers[0]), "%s", val);
	}
	if (f)
		fclose(f);
	if (nd < 16)
		snprintf(drivers[nd++], sizeof(drivers[0]), "sha256");

	buf = malloc(len);
	for (i = 0; i < len; i++)
		buf[i] = i * 2654435761u >> 13;
	SHA256(buf, len, want);
	fprintf(stderr, "bench: hash, %zu bytes, %d drivers\n", len, nd);
	for (i = 0; i < (size_t)nd; i++) {
		struct summary s;
		int err = 0;

		for (r = 0; r < reps && !err; r++) {
			err = afalg_sha256(drivers[i], buf, len, got, &v[r]);
			if (!err && memcmp(got, want, 32))
				err = -EBADMSG;
		}
		summarize(v, err ? 0 : reps, &s);
		f = csv_open("hash.csv",
			     "driver,bytes,reps,error,median_ns,min_ns,max_ns,mb_per_s");
		fprintf(f, "%s,%zu,%d,%s,%lld,%lld,%lld,%.1f\n", drivers[i], len,
			err ? 0 : reps, err ? err_name(-err) : "", s.median, s.min,
			s.max, s.median ? len / (s.median / 1e9) / 1e6 : 0);
		fclose(f);
		fprintf(stderr, "  %-16s %s %.1f MB/s\n", drivers[i],
			err ? err_name(-err) : "",
			s.median ? len / (s.median / 1e9) / 1e6 : 0);
	}
	free(buf);
	return 0;
}

/* ---- main -------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench [--out DIR] [--keys DIR] [--smoke] [--seconds S] [--budget S] COMMAND\n"
		"  loads nomod|off|enforce|rehash   the families x cases matrix for one phase\n"
		"  flood LABEL                      unsigned ~1M-insn loads for --seconds\n"
		"  corpus DIR...                    *.bpf.o: signed (enforce) vs unsigned (off)\n"
		"  hash                             sha256 drivers through AF_ALG\n"
		"  flat                             the refused cases, sizes interleaved (also part of loads enforce)\n");
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--smoke")) {
			smoke = true;
		} else if (i + 1 < argc && !strcmp(argv[i], "--out")) {
			out_dir = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--keys")) {
			keys_dir = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--seconds")) {
			flood_s = atof(argv[++i]);
		} else if (i + 1 < argc && !strcmp(argv[i], "--budget")) {
			budget_s = atof(argv[++i]);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "loads") && i + 1 < argc)
		return cmd_loads(argv[i + 1]);
	if (!strcmp(argv[i], "flood") && i + 1 < argc)
		return cmd_flood(argv[i + 1]);
	if (!strcmp(argv[i], "corpus"))
		return cmd_corpus(argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "hash"))
		return cmd_hash();
	if (!strcmp(argv[i], "flat")) {
		struct bpfsig_key *t = key_load("trusted"), *u = key_load("untrusted");

		if (smoke)
			run_flat(families_smoke, sizeof(families_smoke) /
				 sizeof(families_smoke[0]), t, u);
		else
			run_flat(families_full, sizeof(families_full) /
				 sizeof(families_full[0]), t, u);
		return 0;
	}
	usage(stderr);
	return 2;
}
