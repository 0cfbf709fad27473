// SPDX-License-Identifier: GPL-2.0
/*
 * hash.c - "hash": every sha256 driver the running kernel has registered,
 * through AF_ALG on the same buffer (8 MB, the 1M program's size; 1 MB
 * for --smoke), its digest checked against OpenSSL. hash.csv.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_alg.h>
#include <openssl/sha.h>

#include "bench.h"

#define MAX_DRIVERS	16
#define MAX_REPS	9

struct driver {
	char name[128];
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

/* Every sha256 implementation the running kernel has registered. */
static int list_drivers(struct driver *drivers)
{
	bool is_sha256 = false;
	char line[256];
	int nd = 0;
	FILE *f;

	f = fopen("/proc/crypto", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char val[128];

		if (sscanf(line, "name : %127s", val) == 1)
			is_sha256 = !strcmp(val, "sha256");
		else if (is_sha256 && nd < MAX_DRIVERS &&
			 sscanf(line, "driver : %127s", val) == 1)
			snprintf(drivers[nd++].name, sizeof(drivers[0].name),
				 "%s", val);
	}
	if (f)
		fclose(f);
	if (nd < MAX_DRIVERS)
		snprintf(drivers[nd++].name, sizeof(drivers[0].name), "sha256");
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
