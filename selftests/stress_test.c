// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: stress. Many BPF_PROG_LOAD calls under enforce, each
 * with a buffer made from a signed program and then, most of the time,
 * damaged at random: bit flips anywhere, trailer lengths at their limits,
 * truncated or extended loads, another program's signature, another program
 * type, garbage. Every answer of the kernel is compared with a prediction.
 *
 * The oracle. Before the loop the test signs a pool of programs (trusted
 * keys rsa2048 and rsa4096, the untrusted key, one revoked statement) and
 * keeps every statement with the exact CMS blob made for it. For a load of
 * a buffer B as type T it predicts, in the order of Documentation/format.md:
 *  - insn_cnt 0: E2BIG from the kernel (6.1), nothing counted;
 *  - steps 1-17 by fuzz/spec.h, the spec's own reader: EPERM (unsigned),
 *    EBADMSG, ENOPKG;
 *  - step 19, statement against the load: EKEYREJECTED;
 *  - step 20, the CMS profile by fuzz/spec.h: EBADMSG;
 *  - step 20, when B's CMS bytes are one of the pool's: over its own
 *    statement the signature is valid, so ENOKEY for the untrusted key,
 *    else go on; over any other statement ENOKEY (untrusted key) or
 *    EKEYREJECTED (trusted key: the signature does not verify);
 *  - step 21: EKEYREVOKED for the revoked statement;
 *  - step 22: EKEYREJECTED unless the spec's canonical digest of B's
 *    program is the statement's (refused at the verifier stage);
 *  - accepted: the verifier then loads the program if every map fd in it
 *    is one of the test's maps, else refuses it with EBADF or EINVAL.
 * A CMS blob that is not one of the pool's (a flipped bit inside it) cannot
 * be predicted byte for byte, because the kernel's PKCS#7 parser decides
 * what a damaged DER encoding means: the load must then be refused with
 * one of the errnos of step 20 (ENOKEY, EKEYREJECTED, EKEYREVOKED, ENOPKG,
 * EBADMSG), or accepted only if its statement is one the pool signed with a
 * trusted key, unrevoked, describing this load and this program (a change
 * to bytes no signature covers); such acceptances are counted and shown.
 * The verifier then loads it, or refuses it with EBADF or EINVAL when
 * another flip of the same load changed a map fd (which no digest covers).
 * A load so refused passed bpfsig: the invariant and the counters hold it
 * to what an accepted load is held to.
 *
 * Results (TAP): no load accepted that should not be (the invariant above,
 * checked on every successful load); every answer as predicted; only
 * documented errnos; the stats counters moved exactly as the answers say
 * (each errno is one counter of the admin guide's table), and the syscall
 * stage refused every refusal but those of step 22.
 *
 * Auditing is off while it runs (selftests/audit_status.h).
 *
 * Run as root in the VM with bpfsig.ko loaded (selftests/stress.sh).
 *   stress_test [--loads N] [--seed S]
 */
#include <getopt.h>
#include <time.h>
#include <openssl/evp.h>
#include "common.h"
#include "audit_status.h"
#include "../fuzz/spec.h"

#define BUF_BYTES	8192
#define MAX_SHOWN	10

enum mutation {
	M_NONE, M_MAP_FD, M_FLIP_ANY, M_FLIP_TRAILER, M_FLIP_STMT, M_FLIP_CMS,
	M_BYTE, M_LENGTHS, M_COUNT, M_SWAP, M_TYPE, M_GARBAGE, M_CUT_PROG,
	M_NR,
};

static const char *const mutation_names[M_NR] = {
	"none", "map_fd", "flip_any", "flip_trailer", "flip_statement",
	"flip_cms", "byte", "trailer_lengths", "insn_cnt", "swap_signature",
	"prog_type", "garbage", "cut_program",
};

/*
 * Out of 1000. Loads that reach an RSA verification (a valid signature, or
 * a statement under another's) cost about 50 times a refusal at the trailer
 * under TCG: they get a smaller share.
 */
static const int mutation_weight[M_NR] = {
	20, 15, 180, 170, 60, 40, 100, 160, 130, 45, 30, 40, 10,
};

/* A signed load of the pool: program, load type, the appendix made for it. */
struct entry {
	const char *name;
	struct bpf_insn *prog;
	__u32 n;
	__u32 type;
	__u32 eat;
	void *app;
	__u32 app_len;
	bool trusted;
	bool revoked;
};

static struct entry pool[16];
static int nr_pool;
static int map_fds[3];

/* What the module and the kernel must answer. */
struct expect {
	int err;		/* 0 or -errno; see fuzzy */
	const char *counter;	/* stats counter that moves, or NULL */
	bool late;		/* refused at the verifier stage */
	bool fuzzy;		/* damaged CMS: err is any of step 20's */
	bool verifier;		/* accepted: the verifier decides, see fds_ok */
	bool fds_ok;
	bool digest_ok;		/* damaged CMS: the program is the signed one */
};

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static int add_entry(const char *name, struct blob *b, __u32 type, __u32 eat,
		     const char *key_name, const char *hash, bool trusted)
{
	BPFSIG_OPTS(bpfsig_sign_opts, opts, .hash = hash);
	struct bpfsig_key *key = test_key(key_name);
	struct entry *e = &pool[nr_pool];
	size_t len;
	int err;

	if (!key)
		return -ENOKEY;
	err = bpfsig_sign_insns(key, &opts, type, eat, b->insns, b->prog_cnt,
				&e->app, &len);
	bpfsig_key__free(key);
	if (err)
		return err;
	e->name = name;
	e->prog = b->insns;
	e->n = b->prog_cnt;
	e->type = type;
	e->eat = eat;
	e->app_len = len;
	e->trusted = trusted;
	nr_pool++;
	return 0;
}

static struct blob prog_with(struct bpf_insn ld0, struct bpf_insn ld1)
{
	struct blob b;

	b.insns = calloc(4, sizeof(*b.insns));
	b.insns[0] = ld0;
	b.insns[1] = ld1;
	b.insns[2] = MOV64_IMM(0, 0);
	b.insns[3] = EXIT_INSN();
	b.cnt = b.prog_cnt = 4;
	return b;
}

/* Straight-line programs of the pool: make_prog(cnt, seed), signed as. */
static const struct {
	const char *name;
	__u32 cnt, type;
	const char *key, *hash;
	bool trusted;
} straight[] = {
	{ "valid", 4, BPF_PROG_TYPE_SOCKET_FILTER, "rsa2048", "sha256", true },
	{ "sha384", 5, BPF_PROG_TYPE_SOCKET_FILTER, "rsa2048", "sha384", true },
	{ "sha512", 6, BPF_PROG_TYPE_SOCKET_FILTER, "rsa2048", "sha512", true },
	{ "xdp", 3, BPF_PROG_TYPE_XDP, "rsa2048", "sha256", true },
	{ "long", 64, BPF_PROG_TYPE_SOCKET_FILTER, "rsa2048", "sha256", true },
	{ "rsa4096", 4, BPF_PROG_TYPE_SOCKET_FILTER, "rsa4096", "sha256", true },
	{ "untrusted", 4, BPF_PROG_TYPE_SOCKET_FILTER, "untrusted", "sha256", false },
	{ "revoked", 4, BPF_PROG_TYPE_SOCKET_FILTER, "rsa2048", "sha256", true },
	/* signed with attach type 0: the statement holds the fixup's */
	{ "cgroup_sock", 4, BPF_PROG_TYPE_CGROUP_SOCK, "rsa2048", "sha256", true },
	/* the shape of "valid": its signature on "valid" fails step 22 only */
	{ "same_shape", 4, BPF_PROG_TYPE_SOCKET_FILTER, "rsa2048", "sha256", true },
};

static int make_pool(void)
{
	struct blob b;
	size_t i;
	int err = 0;

	for (i = 0; i < 3; i++) {
		map_fds[i] = array_map();
		if (map_fds[i] < 0)
			return -errno;
	}
	for (i = 0; i < sizeof(straight) / sizeof(straight[0]) && !err; i++) {
		make_prog(&b, straight[i].cnt, 1 + i);
		err = add_entry(straight[i].name, &b, straight[i].type, 0,
				straight[i].key, straight[i].hash,
				straight[i].trusted);
	}
	/* r1 = map A, and r1 = &map B's value: fds the canonical form zeroes */
	b = prog_with(INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0,
			   map_fds[0]), INSN(0, 0, 0, 0, 0));
	err = err ?: add_entry("map_fd", &b, BPF_PROG_TYPE_SOCKET_FILTER, 0,
			       "rsa2048", "sha256", true);
	b = prog_with(INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0,
			   map_fds[1]), INSN(0, 0, 0, 0, 0));
	err = err ?: add_entry("map_value", &b, BPF_PROG_TYPE_SOCKET_FILTER, 0,
			       "rsa2048", "sha256", true);
	return err;
}

static struct entry *find_entry(const char *name)
{
	int i;

	for (i = 0; i < nr_pool; i++)
		if (!strcmp(pool[i].name, name))
			return &pool[i];
	return NULL;
}

static int revoke_entry(struct entry *e)
{
	unsigned char d[32];
	char hex[65];
	int i;

	SHA256(e->app, BPFSIG_STATEMENT_SIZE, d);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	e->revoked = true;
	return sfs_write("revoke", hex);
}

/* The pool entry whose CMS blob is exactly @sig, or NULL. */
static const struct entry *cms_owner(const uint8_t *sig, uint32_t len)
{
	int i;

	for (i = 0; i < nr_pool; i++) {
		const struct entry *e = &pool[i];
		const uint8_t *t = (uint8_t *)e->app + e->app_len - 32;

		if (spec_be32(t + 16) == len &&
		    !memcmp((uint8_t *)e->app + BPFSIG_STATEMENT_SIZE, sig, len))
			return e;
	}
	return NULL;
}

/* A pool statement signed by a trusted key and not revoked, or NULL. */
static const struct entry *trusted_statement(const uint8_t *stmt)
{
	int i;

	for (i = 0; i < nr_pool; i++)
		if (pool[i].trusted && !pool[i].revoked &&
		    !memcmp(pool[i].app, stmt, BPFSIG_STATEMENT_SIZE))
			return &pool[i];
	return NULL;
}

static bool digest_matches(const uint8_t *buf, uint64_t n, const uint8_t *stmt)
{
	static const char *const md[] = { NULL, "SHA256", "SHA384", "SHA512" };
	static uint8_t canon[BUF_BYTES];
	unsigned char out[64];
	unsigned int len = 0;
	int pending = -1;

	spec_canon(canon, buf, n, &pending);
	if (!EVP_Digest(canon, n * 8, out, &len,
			EVP_get_digestbyname(md[stmt[10]]), NULL))
		return false;
	return len == stmt[11] && !memcmp(out, stmt + 64, len);
}

/* Every map fd of an ld_imm64 is one of ours: the verifier loads it. */
static bool fds_ok(const uint8_t *buf, uint64_t n)
{
	uint64_t i;
	int fd, k;

	for (i = 0; i < n; i++) {
		const uint8_t *insn = buf + 8 * i;

		if (insn[0] != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if ((insn[1] >> 4) == BPF_PSEUDO_MAP_FD ||
		    (insn[1] >> 4) == BPF_PSEUDO_MAP_VALUE) {
			memcpy(&fd, insn + 4, 4);
			for (k = 0; k < 3 && fd != map_fds[k]; k++)
				;
			if (k == 3)
				return false;
		}
		i++;
	}
	return true;
}

/*
 * The invariant, on its own: may a load of @buf (@cnt insns, @type) be
 * accepted at all? Only the untouched signed bytes of a trusted, unrevoked
 * statement describing this load, over this program's canonical form.
 */
static bool may_accept(const uint8_t *buf, __u32 cnt, __u32 type, __u32 eat)
{
	struct spec_region r;

	return cnt && !spec_parse(buf, (uint64_t)cnt * 8, &r) &&
	       trusted_statement(r.stmt) &&
	       !spec_statement_check(r.stmt, r.prog_insns, type, eat) &&
	       digest_matches(buf, r.prog_insns, r.stmt);
}

static void predict(const uint8_t *buf, __u32 cnt, __u32 type, __u32 eat,
		    struct expect *x)
{
	const struct entry *owner;
	struct spec_region r;
	int err;

	memset(x, 0, sizeof(*x));
	if (!cnt) {
		x->err = -E2BIG;
		return;
	}
	err = spec_parse(buf, (uint64_t)cnt * 8, &r);
	if (err) {
		x->err = err == -ENODATA ? -EPERM : err;
		x->counter = err == -ENODATA ? "unsigned" :
			     err == -EBADMSG ? "malformed" : "nopkg";
		return;
	}
	x->counter = "rejected";
	x->err = spec_statement_check(r.stmt, r.prog_insns, type, eat);
	if (x->err)
		return;
	x->err = spec_cms_profile(r.stmt, r.sig, r.sig_len);
	if (x->err) {
		x->counter = "malformed";
		return;
	}
	owner = cms_owner(r.sig, r.sig_len);
	if (!owner) {
		x->fuzzy = true;
		x->counter = NULL;
		x->digest_ok = digest_matches(buf, r.prog_insns, r.stmt);
		/* a flip in a map fd too: taken, then refused by the verifier */
		x->fds_ok = fds_ok(buf, r.prog_insns);
		return;
	}
	if (!owner->trusted) {
		x->err = -ENOKEY;
		x->counter = "nokey";
		return;
	}
	if (memcmp(owner->app, r.stmt, BPFSIG_STATEMENT_SIZE)) {
		x->err = -EKEYREJECTED;
		return;
	}
	if (owner->revoked) {
		x->err = -EKEYREVOKED;
		x->counter = "revoked";
		return;
	}
	if (!digest_matches(buf, r.prog_insns, r.stmt)) {
		x->err = -EKEYREJECTED;
		x->late = true;
		return;
	}
	x->counter = "accepted";
	x->verifier = true;
	x->fds_ok = fds_ok(buf, r.prog_insns);
}

/* The counter an observed answer moves (admin guide, "The errno table"). */
static const char *counter_of(int err)
{
	switch (err) {
	case -EPERM: return "unsigned";
	case -EBADMSG: return "malformed";
	case -ENOKEY: return "nokey";
	case -EKEYREJECTED: return "rejected";
	case -EKEYREVOKED: return "revoked";
	case -ENOPKG: return "nopkg";
	case -ENOMEM: return "error";
	}
	return NULL;
}

static bool matches(const struct expect *x, int got)
{
	if (x->verifier)
		return x->fds_ok ? got >= 0 : got == -EBADF || got == -EINVAL;
	if (x->fuzzy && (got == -ENOKEY || got == -EKEYREJECTED ||
			 got == -EKEYREVOKED || got == -ENOPKG ||
			 got == -EBADMSG))
		return true;
	if (x->fuzzy)
		return x->fds_ok ? got >= 0 : got == -EBADF || got == -EINVAL;
	return got == x->err;
}

/* bpfsig let the load through: the verifier took it, or refused its fds. */
static bool passed_bpfsig(const struct expect *x, int got)
{
	return got >= 0 || ((x->verifier || x->fuzzy) &&
			    (got == -EBADF || got == -EINVAL));
}

/* --- building the buffers ------------------------------------------------ */

static uint8_t *buf;
static __u32 cnt, type, eat;

static void load_entry(const struct entry *e)
{
	memset(buf, 0, BUF_BYTES);
	memcpy(buf, e->prog, e->n * 8);
	memcpy(buf + e->n * 8, e->app, e->app_len);
	cnt = e->n + e->app_len / 8;
	type = e->type;
	eat = e->eat;
}

static void flip(uint32_t from, uint32_t len)
{
	int k, times = 1 + below(4);

	for (k = 0; k < times && len; k++) {
		uint32_t bit = below(len * 8);

		buf[from + bit / 8] ^= 1 << (bit % 8);
	}
}

static void set_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void mutate(enum mutation m, const struct entry *e)
{
	uint32_t len = cnt * 8, sig = spec_be32(buf + len - 16);
	uint32_t tot = spec_be32(buf + len - 12), prog = e->n * 8;
	uint8_t *t = buf + len - 32;

	switch (m) {
	case M_NONE:
	case M_NR:
		break;
	case M_MAP_FD: {
		static const int other[] = { 0, 1, 1000, -1 };
		uint32_t i;
		int fd;

		for (i = 0; i + 1 < e->n; i++)
			if (buf[8 * i] == (BPF_LD | BPF_IMM | BPF_DW)) {
				fd = below(2) ? map_fds[below(3)] : other[below(4)];
				memcpy(buf + 8 * i + 4, &fd, 4);
			}
		break;
	}
	case M_FLIP_ANY:
		flip(0, len);
		break;
	case M_FLIP_TRAILER:
		flip(len - 32, 32);
		break;
	case M_FLIP_STMT:
		flip(prog, BPFSIG_STATEMENT_SIZE);
		break;
	case M_FLIP_CMS:
		flip(prog + BPFSIG_STATEMENT_SIZE, sig);
		break;
	case M_BYTE: {
		static const uint8_t v[] = { 0, 0xff, 0x7f, 0x80, 0x01 };

		buf[below(len)] = below(2) ? v[below(5)] : rnd();
		break;
	}
	case M_LENGTHS: {
		const uint32_t sigs[] = { 0, 1, sig - 1, sig + 1, sig + 8, 16384,
					  16385, ~0u };
		const uint32_t tots[] = { 0, 160, 168, tot - 8, tot + 4, tot + 8,
					  16544, 16551, 16552, len, len + 8,
					  ~7u };
		const uint32_t stmts[] = { 0, 127, 129, 256 };

		switch (below(3)) {
		case 0:
			set_be32(t + 16, sigs[below(8)]);
			break;
		case 1:
			set_be32(t + 20, tots[below(12)]);
			break;
		default:
			set_be32(t + 12, stmts[below(4)]);
		}
		break;
	}
	case M_COUNT:
		if (below(2)) {
			cnt -= 1 + below(cnt);		/* truncated, maybe to 0 */
		} else {
			uint32_t k = 1 + below(16);	/* extended */

			if (below(2))
				memset(buf + len, 0xa5, k * 8);
			cnt += k;
		}
		break;
	case M_SWAP: {
		const struct entry *o = &pool[below(nr_pool)];

		memset(buf + prog, 0, BUF_BYTES - prog);
		memcpy(buf + prog, o->app, o->app_len);
		cnt = e->n + o->app_len / 8;
		if (below(4) == 0) {
			/* another statement under this one's signature */
			memcpy(buf + prog, o == e ? pool[0].app : e->app,
			       BPFSIG_STATEMENT_SIZE);
		}
		break;
	}
	case M_TYPE: {
		static const __u32 types[] = {
			BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP,
			BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_CGROUP_SOCK,
		};

		type = types[below(4)];
		eat = type == BPF_PROG_TYPE_CGROUP_SOCK && below(2) ?
		      BPF_CGROUP_INET_SOCK_CREATE : 0;
		break;
	}
	case M_GARBAGE: {
		uint32_t i, n = 1 + below(256);

		for (i = 0; i < n * 8; i++)
			buf[i] = rnd();
		cnt = n;
		if (n >= 22 && below(2)) {
			/* a plausible trailer on garbage */
			uint32_t s = 1 + below(n * 8 - 160);
			uint8_t *tt = buf + n * 8 - 32;

			memset(tt, 0, 32);
			memcpy(tt, BPFSIG_TRAILER_MAGIC, 8);
			tt[8] = 1;
			set_be32(tt + 12, 128);
			set_be32(tt + 16, s);
			set_be32(tt + 20, bpfsig_blob_total_len(s));
		}
		break;
	}
	case M_CUT_PROG: {
		uint32_t k = 1 + below(e->n);

		memmove(buf, buf + 8 * k, len - 8 * k);
		cnt -= k;
		break;
	}
	}
}

static enum mutation pick_mutation(void)
{
	int w = below(1000), m;

	for (m = 0; m < M_NR - 1 && w >= mutation_weight[m]; m++)
		w -= mutation_weight[m];
	return m;
}

/* --- the run --------------------------------------------------------------- */

#define tap(ok, name, ...) tap_line("stress", ok, name, __VA_ARGS__)
#define now() mono_now()

static const char *errname(int err)
{
	static char s[32];
	const char *n;

	if (err >= 0)
		return "ok";
	n = strerrorname_np(-err);
	if (n)
		return n;
	snprintf(s, sizeof(s), "errno%d", -err);
	return s;
}

/* Histogram of answers, by errno (index 0: accepted), and their cost. */
#define NR_ERR 256
static long hist[NR_ERR];
static double hist_secs[NR_ERR];

/* Where damaged CMS blobs that were still accepted differ from the pool's. */
static long tolerated_at[BPFSIG_MAX_SIG_LEN];

static void note_tolerated(void)
{
	const struct entry *e;
	struct spec_region r;
	uint32_t i;

	if (spec_parse(buf, (uint64_t)cnt * 8, &r))
		return;
	e = trusted_statement(r.stmt);
	if (!e || spec_be32((uint8_t *)e->app + e->app_len - 16) != r.sig_len)
		return;
	for (i = 0; i < r.sig_len; i++)
		if (r.sig[i] != ((uint8_t *)e->app)[BPFSIG_STATEMENT_SIZE + i])
			tolerated_at[i]++;
}

static long counter_index(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COUNTERS; i++)
		if (!strcmp(counter_names[i], name))
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "loads", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	long loads = 100000, i, wrong_accepts = 0, mispredicted = 0;
	long undocumented = 0, refusals = 0, late = 0;
	long by_mutation[M_NR] = {}, fuzzy_accepts = 0, accepted = 0;
	long fuzzy_fd_refused = 0;
	long ambiguous = 0, audit;
	long want_counters[NR_COUNTERS] = {};
	struct counters before, after;
	uint64_t seed = 0;
	struct expect x;
	double t0, t, secs;
	const char *off;
	int c, fd, err, k;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			loads = atol(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [--loads N] [--seed S]\n",
				argv[0]);
			return 2;
		}
	}
	if (!seed)
		seed = (uint64_t)time(NULL) * 2654435761u ^ getpid();
	rng = seed | 1;
	printf("# stress: %ld loads, seed %llu (--seed to repeat)\n", loads,
	       (unsigned long long)seed);

	buf = aligned_alloc(4096, BUF_BYTES);
	err = set_mode("enforce");
	err = err ?: enroll("rsa2048") < 0 ? -ENOKEY : 0;
	err = err ?: enroll("rsa4096") < 0 ? -ENOKEY : 0;
	err = err ?: make_pool();
	err = err ?: revoke_entry(find_entry("revoked"));
	tap(!err && buf, "setup", err ? "%s" : NULL, strerror(-err));
	if (err || !buf)
		return 1;

	audit = audit_enable(0);
	if (audit > 0)
		printf("# auditing off while the stress runs\n");
	counters_read(&before);
	t0 = now();
	for (i = 0; i < loads; i++) {
		const struct entry *e = &pool[below(nr_pool)];
		enum mutation m = pick_mutation();
		bool may;

		load_entry(e);
		mutate(m, e);
		by_mutation[m]++;
		predict(buf, cnt, type, eat, &x);
		may = may_accept(buf, cnt, type, eat);
		t = now();
		fd = prog_load_flags(type, eat, (void *)buf, cnt, 0);
		t = now() - t;
		if (fd >= 0)
			close(fd);

		k = fd >= 0 ? 0 : -fd < NR_ERR ? -fd : NR_ERR - 1;
		hist[k]++;
		hist_secs[k] += t;
		if (passed_bpfsig(&x, fd) && !may) {
			if (wrong_accepts++ < MAX_SHOWN)
				printf("# load %ld (%s of %s, %u insns, type %u): accepted (%s), must not be\n",
				       i, mutation_names[m], e->name, cnt, type,
				       errname(fd));
		}
		if (!matches(&x, fd)) {
			if (mispredicted++ < MAX_SHOWN)
				printf("# load %ld (%s of %s, %u insns, type %u): %s, predicted %s%s%s\n",
				       i, mutation_names[m], e->name, cnt, type,
				       errname(fd), x.verifier ? "accepted" :
				       errname(x.err), x.fuzzy ? " (damaged CMS)" : "",
				       (x.verifier || x.fuzzy) && !x.fds_ok ?
				       " then EBADF/EINVAL" : "");
		}
		if (fd < 0 && !counter_of(fd) && !(!cnt && fd == -E2BIG) &&
		    !passed_bpfsig(&x, fd))
			undocumented++;

		/* What the counters must say, from the answer itself. */
		if (fd < 0 && counter_of(fd)) {
			want_counters[counter_index(counter_of(fd))]++;
			refusals++;
			late += x.late;
			/* a damaged CMS the kernel took, then step 22 */
			ambiguous += x.fuzzy && fd == -EKEYREJECTED &&
				     !x.digest_ok;
		} else if (x.verifier || passed_bpfsig(&x, fd)) {
			/* bpfsig let it through; the verifier may refuse it */
			want_counters[counter_index("accepted")]++;
			accepted++;
			if (x.fuzzy) {
				fuzzy_accepts++;
				fuzzy_fd_refused += fd < 0;
				note_tolerated();
			}
		}
	}
	secs = now() - t0;
	counters_read(&after);
	if (audit > 0)
		audit_enable(audit);

	tap(wrong_accepts == 0, "no_load_accepted_wrongly", "%ld accepted, %ld wrongly",
	    accepted, wrong_accepts);
	tap(mispredicted == 0, "every_answer_as_predicted", "%ld of %ld differ",
	    mispredicted, loads);
	tap(undocumented == 0, "only_documented_errnos", "%ld others", undocumented);

	/* The counters moved exactly as the answers say. */
	off = NULL;
	for (i = 0; i < (long)NR_COUNTERS; i++) {
		long long got = after.v[i] - before.v[i];

		if (!strcmp(counter_names[i], "syscall_stage_refusals"))
			continue;
		if (got != want_counters[i]) {
			printf("# counter %s moved by %lld, the answers say %ld\n",
			       counter_names[i], got, want_counters[i]);
			off = counter_names[i];
		}
	}
	tap(!off, "counters_match_answers", off ? "%s is off" : NULL, off);
	{
		long long got = after.v[counter_index("syscall_stage_refusals")] -
				before.v[counter_index("syscall_stage_refusals")];
		long lo = refusals - late - ambiguous, hi = refusals - late;

		tap(got >= lo && got <= hi, "syscall_stage_refused_all_but_step_22",
		    "%lld of %ld refusals (want %ld..%ld)", got, refusals, lo, hi);
	}

	printf("# %ld loads in %.1f s (%.0f per second), %ld accepted (%ld with a damaged, tolerated CMS, %ld of them then refused for a changed map fd)\n",
	       loads, secs, loads / secs, accepted, fuzzy_accepts,
	       fuzzy_fd_refused);
	printf("# answers (count, mean microseconds per load):");
	for (i = 0; i < NR_ERR; i++)
		if (hist[i])
			printf(" %s %ld %.0f", i ? errname(-i) : "ok", hist[i],
			       hist_secs[i] * 1e6 / hist[i]);
	printf("\n# damaged CMS accepted, bytes that differed (CMS offset x times):");
	for (i = 0; i < BPFSIG_MAX_SIG_LEN; i++)
		if (tolerated_at[i])
			printf(" %ld x%ld", i, tolerated_at[i]);
	printf("\n# mutations:");
	for (i = 0; i < M_NR; i++)
		printf(" %s %ld", mutation_names[i], by_mutation[i]);
	printf("\n");
	return wrong_accepts || mispredicted || undocumented || off;
}
