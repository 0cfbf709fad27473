// SPDX-License-Identifier: GPL-2.0
/*
 * hash.c - "hash": every sha256 driver the running kernel has registered,
 * through AF_ALG on the same buffer (8 MB, the 1M program's size; 1 MB
 * for --smoke), its digest checked against OpenSSL. hash.csv.
 * "hashpair": the module's hashing and its driver's, interleaved.
 * hashpair.csv.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_alg.h>
#include <openssl/sha.h>

#include "bpfsig.h"
#include "bench.h"

#define MAX_DRIVERS	16
#define MAX_REPS	9

struct driver {
	char name[128];
	int priority;
};

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

/*
 * Every sha256 implementation the running kernel has registered, with its
 * priority, then the algorithm's name itself ("sha256", priority -1).
 */
static int list_drivers(struct driver *drivers)
{
	bool is_sha256 = false;
	char line[256];
	int nd = 0;
	FILE *f;

	f = fopen("/proc/crypto", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char val[128];
		int prio;

		if (sscanf(line, "name : %127s", val) == 1)
			is_sha256 = !strcmp(val, "sha256");
		else if (is_sha256 && nd < MAX_DRIVERS &&
			 sscanf(line, "driver : %127s", val) == 1)
			snprintf(drivers[nd++].name, sizeof(drivers[0].name),
				 "%s", val);
		else if (is_sha256 && nd &&
			 sscanf(line, "priority : %d", &prio) == 1)
			drivers[nd - 1].priority = prio;
	}
	if (f)
		fclose(f);
	if (nd < MAX_DRIVERS) {
		snprintf(drivers[nd].name, sizeof(drivers[0].name), "sha256");
		drivers[nd++].priority = -1;
	}
	return nd;
}

static void hash_driver(const char *driver, const unsigned char *buf,
			size_t len, const unsigned char want[32])
{
	int reps = bench.smoke ? 3 : MAX_REPS, r, err = 0;
	unsigned char got[32];
	long long v[MAX_REPS];
	struct summary s;
	double mbs;
	FILE *f;

	for (r = 0; r < reps && !err; r++) {
		err = afalg_sha256(driver, buf, len, got, &v[r]);
		if (!err && memcmp(got, want, 32))
			err = -EBADMSG;
	}
	summarize(v, err ? 0 : reps, &s);
	mbs = s.median ? len / (s.median / 1e9) / 1e6 : 0;
	f = csv_open("hash.csv",
		     "driver,bytes,reps,error,median_ns,min_ns,max_ns,mb_per_s");
	fprintf(f, "%s,%zu,%d,%s,%lld,%lld,%lld,%.1f\n", driver, len,
		err ? 0 : reps, err ? err_name(-err) : "", s.median, s.min,
		s.max, mbs);
	fclose(f);
	fprintf(stderr, "  %-16s %s %.1f MB/s\n", driver,
		err ? err_name(-err) : "", mbs);
}

int cmd_hash(void)
{
	size_t len = bench.smoke ? (1 << 20) : (size_t)N_1M * 8, i;
	struct driver drivers[MAX_DRIVERS];
	unsigned char want[32];
	unsigned char *buf;
	int nd;

	nd = list_drivers(drivers);
	buf = malloc(len);
	for (i = 0; i < len; i++)
		buf[i] = i * 2654435761u >> 13;
	SHA256(buf, len, want);
	fprintf(stderr, "bench: hash, %zu bytes, %d drivers\n", len, nd);
	for (i = 0; i < (size_t)nd; i++)
		hash_driver(drivers[i].name, buf, len, want);
	free(buf);
	return 0;
}

/* The highest-priority sha256 driver of @drivers, "" if none. */
static const char *top_driver(const struct driver *drivers, int nd)
{
	const char *top = "";
	int i, best = -1;

	for (i = 0; i < nd; i++)
		if (drivers[i].priority > best) {
			best = drivers[i].priority;
			top = drivers[i].name;
		}
	return top;
}

/* The driver the module hashes with: its stats line sha256_driver. */
static int module_driver(char *name, size_t size)
{
	char line[256], val[128];
	int found = 0;
	FILE *f;

	f = fopen(SFS "stats", "r");
	while (f && !found && fgets(line, sizeof(line), f))
		if (sscanf(line, "sha256_driver %127s", val) == 1) {
			snprintf(name, size, "%s", val);
			found = 1;
		}
	if (f)
		fclose(f);
	return found;
}

/* One replay of @b: the module's decision time for it, or -1. */
static long long replay_ns(const struct prog *b)
{
	struct stats s0, s1;
	union bpf_attr attr;
	int err;

	attr_init(&attr, BPF_PROG_TYPE_SOCKET_FILTER, b);
	stats_read(&s0);
	load_once(&attr, &err);
	stats_read(&s1);
	if (err != EKEYREJECTED || !s0.ok || stats_decisions(&s0, &s1) != 1)
		return -1;
	return s1.ns_total - s0.ns_total;
}

/*
 * A valid statement for a straight-line program of @cnt insns, replayed
 * onto another program of that size: hashed in full by the module (its
 * instructions are never kept: their digest is not the statement's) and
 * refused.
 */
static struct prog replay_prog(struct bpfsig_key *key, __u32 cnt)
{
	struct prog p, q, b;
	size_t len;
	void *app;

	make_straight(&p, cnt, 1, 0);
	make_straight(&q, cnt, 2, 0);
	sign(key, BPF_PROG_TYPE_SOCKET_FILTER, 0, p.insns, p.cnt, &app, &len);
	b = with_appendix(&q, app, len);
	free(app);
	free(p.insns);
	free(q.insns);
	return b;
}

/*
 * "hashpair": the module's hashing and its own driver's through AF_ALG,
 * in the same rounds, so that the host's drift falls on both alike. Each
 * round: a replay of 1,000 insns and one of N_1M (each timed by the
 * module's decision_ns_total), then the module's driver hashing, through
 * AF_ALG, as many bytes as the two programs differ by. hashpair.csv: one
 * line per round.
 */
int cmd_hashpair(void)
{
	__u32 small = 1000, big = bench.smoke ? 100000 : N_1M;
	size_t len = (size_t)(big - small) * 8, i;
	int rounds = bench.smoke ? 3 : MAX_REPS, r, err;
	struct bpfsig_key *key = key_load("trusted");
	unsigned char want[32], got[32];
	long long ns_small, ns_big, ns_alg;
	struct prog bs, bb;
	unsigned char *buf;
	char driver[128], alg[128];
	FILE *f;

	if (!module_driver(driver, sizeof(driver))) {
		fprintf(stderr, "bench: hashpair: no sha256_driver in stats\n");
		return 1;
	}
	bs = replay_prog(key, small);
	bb = replay_prog(key, big);
	buf = malloc(len);
	for (i = 0; i < len; i++)
		buf[i] = i * 2654435761u >> 13;
	SHA256(buf, len, want);
	/*
	 * A driver AF_ALG cannot bind by its driver name (7.x's sha256-lib:
	 * ENOENT) is bound by the algorithm's name when it is the one that
	 * name resolves to, the highest-priority sha256.
	 */
	snprintf(alg, sizeof(alg), "%s", driver);
	if (afalg_sha256(alg, buf, 64, got, &ns_alg) == -ENOENT) {
		struct driver drivers[MAX_DRIVERS];

		if (!strcmp(top_driver(drivers, list_drivers(drivers)), driver))
			snprintf(alg, sizeof(alg), "sha256");
	}
	/* The first replay of each verifies the signature: not timed. */
	if (replay_ns(&bs) < 0 || replay_ns(&bb) < 0) {
		fprintf(stderr, "bench: hashpair: a replay was not refused as expected\n");
		return 1;
	}
	fprintf(stderr, "bench: hashpair, %d rounds, %s, %zu bytes\n", rounds,
		driver, len);
	for (r = 0; r < rounds; r++) {
		ns_small = replay_ns(&bs);
		ns_big = replay_ns(&bb);
		err = afalg_sha256(alg, buf, len, got, &ns_alg);
		if (!err && memcmp(got, want, 32))
			err = -EBADMSG;
		if (ns_small < 0 || ns_big < 0) {
			fprintf(stderr, "bench: hashpair: a replay was not refused as expected\n");
			return 1;
		}
		f = csv_open("hashpair.csv",
			     "round,driver,small_insns,big_insns,bytes,module_small_ns,"
			     "module_big_ns,afalg_ns,error");
		fprintf(f, "%d,%s,%u,%u,%zu,%lld,%lld,%lld,%s\n", r, driver,
			small, big, len, ns_small, ns_big, err ? 0 : ns_alg,
			err ? err_name(-err) : "");
		fclose(f);
		fprintf(stderr, "  round %d: module %.1f MB/s, %s %.1f MB/s\n", r,
			ns_big > ns_small ? len / ((ns_big - ns_small) / 1e9) / 1e6 : 0,
			driver, !err && ns_alg ? len / (ns_alg / 1e9) / 1e6 : 0);
	}
	free(buf);
	free(bs.insns);
	free(bb.insns);
	bpfsig_key__free(key);
	return 0;
}
