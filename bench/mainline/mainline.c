// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig benchmark, side by side with the kernel's own BPF signatures
 * (attr.signature, 6.18+): one kernel that has both (7.3), one boot, the
 * same programs. Built against that kernel's UAPI headers
 * (scripts/mainline-tools.sh); runs as root in the VM with bpfsig loaded and
 * the trusted key enrolled in .bpfsig (bench/mainline/run-vm.sh).
 *
 *   mainline --keys DIR --keyring SERIAL --rounds N --sizes N,N,...
 *            [--valid-max N] --out CSV --samples CSV
 *
 * For each size, a straight-line socket filter of that many instructions
 * (distinct per size), loaded in rounds, every case once per round in
 * turn, so that the host's drift falls on all cases alike:
 *   unsigned          mode off, nothing appended
 *   mainline          mode off: attr.signature, a PKCS#7 signature by the
 *                     trusted key over the instructions, keyring .bpfsig
 *                     (the kernel's check alone)
 *   mainline-enforce  the same load with bpfsig enforcing (verdict mainline)
 *   bpfsig            enforce: the bpfsig appendix by the same key (its
 *                     first load verifies the signature, later ones hit the
 *                     cache)
 *   bpfsig-first      enforce: each round another program of the same size
 *                     and shape (other immediates), signed the same way:
 *                     every load verifies its signature, as a first load
 *   cut-unsigned,     unsigned, mainline and bpfsig-first again, on
 *   cut-mainline,     programs whose exit is cut off (the last instruction
 *   cut-bpfsig-first  a move), signed the same way: everything up to the
 *                     verifier runs as for a valid load (the kernel's copy,
 *                     its signature check, bpfsig's two stages), then the
 *                     verifier refuses them in its first pass (EINVAL, "last
 *                     insn is not an exit or jmp"), before it explores a
 *                     path: what a signature costs, without the verifier's
 *                     own time and its noise. Checked before the rounds:
 *                     such a program with a damaged signature is refused
 *                     for the signature (EKEYREJECTED), not with EINVAL,
 *                     by the kernel and by bpfsig alike, so the signature
 *                     is checked before the verifier refuses it
 *   bad-mainline      mode off: the mainline signature with its last byte
 *                     (the RSA signature's) flipped: the kernel refuses it
 *   bad-bpfsig        enforce: the appendix with the CMS's last byte
 *                     flipped: bpfsig refuses it at the syscall stage
 * Sizes marked refusal-only (--valid-max) get only the two bad cases.
 * Every answer is checked (accepted; EINVAL for the cut cases; for the bad
 * ones, a refusal, the errno of the first answer for every later one); any
 * other answer stops the run.
 * --out: case,insns,loads,errno,median_ns,p10_ns,p90_ns; --samples: every
 * load, case,insns,round,ns (the report pairs the cases of one round).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <openssl/err.h>
#include "libbpfsig_internal.h"	/* bpfsig_cms_sign(): sign-file's profile */

#define SFS_MODE "/sys/kernel/security/bpfsig/mode"

enum { C_UNSIGNED, C_MAINLINE, C_MAINLINE_ENF, C_BPFSIG, C_BPFSIG_FIRST,
       C_CUT_UNSIGNED, C_CUT_MAINLINE, C_CUT_BPFSIG_FIRST,
       C_BAD_MAINLINE, C_BAD_BPFSIG, C_NR };
static const char *const case_names[C_NR] = {
	"unsigned", "mainline", "mainline-enforce", "bpfsig", "bpfsig-first",
	"cut-unsigned", "cut-mainline", "cut-bpfsig-first", "bad-mainline",
	"bad-bpfsig",
};
static const int case_off[C_NR] = { 1, 1, 0, 0, 0, 1, 1, 0, 1, 0 };

#define ANY_REFUSAL	1

/* The answer a case must get: 0 (accepted), -EINVAL or ANY_REFUSAL. */
static int case_expect(int c)
{
	if (c >= C_BAD_MAINLINE)
		return ANY_REFUSAL;
	return c >= C_CUT_UNSIGNED ? -EINVAL : 0;
}

/* One shape of a size: its program, appendix and mainline signature. */
struct shape {
	struct bpf_insn *insns;		/* cnt + appendix */
	struct bpf_insn **first;	/* one signed variant per round */
	unsigned char *sig;
	int sig_len;
};

struct size {
	__u32 cnt;
	struct shape ok;		/* the valid program */
	struct shape cut;		/* its exit cut off (valid sizes only) */
	struct bpf_insn *bad;		/* ok's, CMS damaged */
	__u32 app_cnt;
	unsigned char *bad_sig;
	bool valid;
	double *ns[C_NR];
	int err[C_NR];
};

static void die(const char *what)
{
	fprintf(stderr, "mainline: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void set_mode(const char *mode)
{
	FILE *f = fopen(SFS_MODE, "w");

	if (!f || fputs(mode, f) < 0 || fclose(f))
		die("cannot write " SFS_MODE);
}

static int load(const struct bpf_insn *insns, __u32 cnt, const void *sig,
		__u32 sig_len, __s32 keyring)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = cnt;
	attr.license = (unsigned long)"GPL";
	if (sig) {
		attr.signature = (unsigned long)sig;
		attr.signature_size = sig_len;
		attr.keyring_id = keyring;
	}
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* r1 = seed; r1 = seed + 1; ...; r0 = 1; exit (@cut: r0 = 2, no exit) */
static struct bpf_insn *straight(__u32 cnt, int seed, bool cut)
{
	struct bpf_insn *p = calloc(cnt, sizeof(*p));
	__u32 i;

	if (!p)
		die("out of memory");
	for (i = 0; i + 2 < cnt; i++)
		p[i] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
					  .dst_reg = 1, .imm = seed + (int)i };
	p[cnt - 2] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
					.imm = 1 };
	p[cnt - 1] = cut ? (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
					      .imm = 2 } :
			   (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	return p;
}

/* @cnt straight-line instructions from @seed, with their appendix. */
static struct bpf_insn *signed_straight(const struct bpfsig_key *key,
					__u32 cnt, int seed, bool cut,
					__u32 *app_cnt)
{
	struct bpf_insn *p = straight(cnt, seed, cut);
	size_t app_len;
	void *app;

	if (bpfsig_sign_insns(key, NULL, BPF_PROG_TYPE_SOCKET_FILTER, 0, p,
			      cnt, &app, &app_len))
		die("bpfsig_sign_insns failed");
	*app_cnt = app_len / 8;
	p = realloc(p, (cnt + *app_cnt) * 8);
	if (!p)
		die("out of memory");
	memcpy(p + cnt, app, app_len);
	free(app);
	return p;
}

/*
 * @sh for @cnt instructions from @seed (@cut: exit cut off): the program
 * with its appendix, its mainline signature, and with @firsts one other
 * signed program per round. Every appendix must be @app_cnt long (the
 * first shape sets it).
 */
static void make_shape(struct shape *sh, const struct bpfsig_key *key,
		       __u32 cnt, int seed, bool cut, int rounds, bool firsts,
		       __u32 *app_cnt)
{
	__u32 n;
	int r;

	sh->insns = signed_straight(key, cnt, seed, cut, &n);
	if (*app_cnt && n != *app_cnt)
		die("appendices of different lengths");
	*app_cnt = n;
	sh->first = calloc(rounds, sizeof(*sh->first));
	if (!sh->first)
		die("out of memory");
	for (r = 0; firsts && r < rounds; r++) {
		sh->first[r] = signed_straight(key, cnt, seed + 7 * (r + 1),
					       cut, &n);
		if (n != *app_cnt)
			die("appendices of different lengths");
	}
	sh->sig_len = bpfsig_cms_sign(key, bpfsig_md(BPFSIG_HASH_SHA256),
				      sh->insns, cnt * 8ul, &sh->sig);
	if (sh->sig_len < 0)
		die("cannot make the mainline signature");
}

/* A copy of @p (@cnt instructions, @app_cnt of appendix), CMS damaged. */
static struct bpf_insn *damaged(const struct bpf_insn *p, __u32 cnt,
				__u32 app_cnt)
{
	struct bpf_insn *bad = malloc((cnt + app_cnt) * 8);
	/* the trailer: its sig_len; the CMS's last byte is before the padding */
	const unsigned char *t = (const unsigned char *)(p + cnt + app_cnt) - 32;
	__u32 sig_len = t[16] << 24 | t[17] << 16 | t[18] << 8 | t[19];

	if (!bad)
		die("out of memory");
	memcpy(bad, p, (cnt + app_cnt) * 8);
	((unsigned char *)(bad + cnt))[BPFSIG_STATEMENT_SIZE + sig_len - 1] ^= 1;
	return bad;
}

/* A copy of the mainline signature of @sh, its last byte (RSA's) flipped. */
static unsigned char *damaged_sig(const struct shape *sh)
{
	unsigned char *sig = malloc(sh->sig_len);

	if (!sig)
		die("out of memory");
	memcpy(sig, sh->sig, sh->sig_len);
	sig[sh->sig_len - 1] ^= 1;
	return sig;
}

static void must_be_rejected(int err, const char *which, __u32 cnt)
{
	if (err == -EKEYREJECTED)
		return;
	fprintf(stderr, "mainline: a cut program of %u insns with a bad %s signature: %s, not EKEYREJECTED\n",
		cnt, which, err ? strerror(-err) : "accepted");
	exit(1);
}

/*
 * The cut shape measures the signatures' checks only if they come before
 * the verifier's refusal: with a damaged signature, the kernel (mode off)
 * and bpfsig (enforce) must refuse a cut program for the signature.
 */
static void check_cut(const struct size *s, __s32 keyring)
{
	unsigned char *sig = damaged_sig(&s->cut);
	struct bpf_insn *bad = damaged(s->cut.insns, s->cnt, s->app_cnt);

	set_mode("off");
	must_be_rejected(load(s->cut.insns, s->cnt, sig, s->cut.sig_len,
			      keyring), "mainline", s->cnt);
	set_mode("enforce");
	must_be_rejected(load(bad, s->cnt + s->app_cnt, NULL, 0, 0), "bpfsig",
			 s->cnt);
	free(bad);
	free(sig);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, int p)
{
	return v[(n - 1) * p / 100];
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "keyring", required_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "sizes", required_argument, NULL, 's' },
		{ "valid-max", required_argument, NULL, 'v' },
		{ "out", required_argument, NULL, 'o' },
		{ "samples", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keys = NULL, *out = NULL, *samples = NULL;
	char *sizes = NULL, *tok, path[4096];
	struct size sz[16];
	int nr = 0, rounds = 20, r, i, c, err;
	unsigned long valid_max = 100000;
	__s32 keyring = 0;
	struct bpfsig_key *key;
	FILE *f;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keys = optarg; break;
		case 'r': keyring = atoi(optarg); break;
		case 'n': rounds = atoi(optarg); break;
		case 's': sizes = optarg; break;
		case 'v': valid_max = strtoul(optarg, NULL, 0); break;
		case 'o': out = optarg; break;
		case 'S': samples = optarg; break;
		default: return 2;
		}
	}
	if (!keys || !out || !samples || !sizes || keyring <= 0 || rounds < 1) {
		fprintf(stderr, "usage: mainline --keys DIR --keyring SERIAL --rounds N --sizes N,N,... [--valid-max N] --out CSV --samples CSV\n");
		return 2;
	}

	{
		char crt[4096];

		snprintf(path, sizeof(path), "%s/trusted.key", keys);
		snprintf(crt, sizeof(crt), "%s/trusted.crt", keys);
		key = bpfsig_key__load(path, crt, NULL);
		if (!key)
			die("cannot load trusted.key / trusted.crt");
	}

	/* every size checked before anything is signed */
	for (tok = strtok(sizes, ","); tok; tok = strtok(NULL, ",")) {
		if (nr == 16)
			die("at most 16 sizes");
		memset(&sz[nr], 0, sizeof(sz[nr]));
		sz[nr].cnt = strtoul(tok, NULL, 0);
		if (sz[nr].cnt < 2 || sz[nr].cnt > 1000000)
			die("a size is 2 to 1,000,000 instructions");
		nr++;
	}
	for (i = 0; i < nr; i++) {
		struct size *s = &sz[i];

		s->valid = s->cnt <= valid_max;
		make_shape(&s->ok, key, s->cnt, 1000 * (i + 1), false, rounds,
			   s->valid, &s->app_cnt);
		if (s->valid)
			make_shape(&s->cut, key, s->cnt, 1000 * (i + 1), true,
				   rounds, true, &s->app_cnt);
		s->bad = damaged(s->ok.insns, s->cnt, s->app_cnt);
		s->bad_sig = damaged_sig(&s->ok);
		if (s->valid)
			check_cut(s, keyring);
		for (c = 0; c < C_NR; c++) {
			s->ns[c] = calloc(rounds, sizeof(double));
			if (!s->ns[c])
				die("out of memory");
		}
	}

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nr; i++) {
			struct size *s = &sz[i];

			for (c = 0; c < C_NR; c++) {
				const struct shape *sh;
				int want = case_expect(c);
				double t;

				if (!s->valid && c < C_BAD_MAINLINE)
					continue;
				sh = c >= C_CUT_UNSIGNED && c < C_BAD_MAINLINE ?
				     &s->cut : &s->ok;
				set_mode(case_off[c] ? "off" : "enforce");
				t = now_ns();
				switch (c) {
				case C_UNSIGNED:
				case C_CUT_UNSIGNED:
					err = load(sh->insns, s->cnt, NULL, 0, 0);
					break;
				case C_MAINLINE:
				case C_MAINLINE_ENF:
				case C_CUT_MAINLINE:
					err = load(sh->insns, s->cnt, sh->sig,
						   sh->sig_len, keyring);
					break;
				case C_BPFSIG:
					err = load(sh->insns, s->cnt + s->app_cnt,
						   NULL, 0, 0);
					break;
				case C_BPFSIG_FIRST:
				case C_CUT_BPFSIG_FIRST:
					err = load(sh->first[r],
						   s->cnt + s->app_cnt, NULL, 0, 0);
					break;
				case C_BAD_MAINLINE:
					err = load(sh->insns, s->cnt, s->bad_sig,
						   sh->sig_len, keyring);
					break;
				default:
					err = load(s->bad, s->cnt + s->app_cnt,
						   NULL, 0, 0);
				}
				s->ns[c][r] = now_ns() - t;
				if (want == ANY_REFUSAL ? err == 0 || (r && err != s->err[c]) :
				    err != want) {
					fprintf(stderr, "mainline: %s, %u insns, round %d: %s\n",
						case_names[c], s->cnt, r,
						err ? strerror(-err) : "accepted");
					return 1;
				}
				s->err[c] = err;
			}
		}
	}
	set_mode("enforce");

	f = fopen(samples, "w");
	if (!f)
		die("cannot write the samples");
	fprintf(f, "case,insns,round,ns\n");
	for (i = 0; i < nr; i++)
		for (c = 0; c < C_NR; c++)
			for (r = 0; r < rounds; r++)
				if (sz[i].valid || c >= C_BAD_MAINLINE)
					fprintf(f, "%s,%u,%d,%.0f\n", case_names[c],
						sz[i].cnt, r, sz[i].ns[c][r]);
	if (fclose(f))
		die("cannot write the samples");

	f = fopen(out, "w");
	if (!f)
		die("cannot write the CSV");
	fprintf(f, "case,insns,loads,errno,median_ns,p10_ns,p90_ns\n");
	for (i = 0; i < nr; i++) {
		for (c = 0; c < C_NR; c++) {
			double *v = sz[i].ns[c];

			if (!sz[i].valid && c < C_BAD_MAINLINE)
				continue;
			qsort(v, rounds, sizeof(*v), cmp_double);
			fprintf(f, "%s,%u,%d,%d,%.0f,%.0f,%.0f\n", case_names[c],
				sz[i].cnt, rounds, -sz[i].err[c],
				pct(v, rounds, 50), pct(v, rounds, 10),
				pct(v, rounds, 90));
		}
	}
	if (fclose(f))
		die("cannot write the CSV");
	bpfsig_key__free(key);
	return 0;
}
