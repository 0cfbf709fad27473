// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: the cache of verified signatures (kernel/cache.c).
 * A load whose statement and CMS were verified before skips the signature
 * verification (a hit); a key removed, a statement revoked or the trusted
 * set changed since is honoured at the next verdict; the cache holds at
 * most cache_size entries, the least recently used evicted first.
 */
#include "kselftest_harness.h"
#include "common.h"

/* The cache's counters of "stats". */
struct cache_stats {
	long long hits, misses, evictions, entries;
};

static void cache_read(struct cache_stats *c)
{
	c->hits = stat_get("cache_hits");
	c->misses = stat_get("cache_misses");
	c->evictions = stat_get("cache_evictions");
	c->entries = stat_get("cache_entries");
}

/* Load @b (must be accepted) and check what the cache counted. */
#define EXPECT_CACHED_LOAD(b, want_hits, want_misses) do { \
	struct cache_stats __c0, __c1; \
	cache_read(&__c0); \
	EXPECT_LOAD(b, BPF_PROG_TYPE_SOCKET_FILTER, 0, "accepted", 0); \
	cache_read(&__c1); \
	EXPECT_EQ(want_hits, __c1.hits - __c0.hits); \
	EXPECT_EQ(want_misses, __c1.misses - __c0.misses); \
} while (0)

static void revoke_hex(struct blob *b, char hex[65])
{
	unsigned char d[32];
	int i;

	stmt_digest(b, d);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
}

FIXTURE(cache) {
	struct bpfsig_key *k2048, *spare;
	struct blob b;
};

FIXTURE_SETUP(cache)
{
	ASSERT_EQ(0, set_mode("enforce"));
	ASSERT_LT(0, enroll("rsa2048"));
	ASSERT_EQ(0, sfs_write("trust", "bpfsig"));
	self->k2048 = test_key("rsa2048");
	self->spare = test_key("spare");
	ASSERT_NE(NULL, self->k2048);
	ASSERT_NE(NULL, self->spare);
	/* A program no other test signs: its first load is a miss. */
	make_prog(&self->b, 7, 7000 + getpid() % 1000);
	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
}

FIXTURE_TEARDOWN(cache)
{
	sfs_write("trust", "bpfsig");
	set_mode("enforce");
	free_blob(&self->b);
	bpfsig_key__free(self->k2048);
	bpfsig_key__free(self->spare);
}

TEST_F(cache, stats_lines)
{
	EXPECT_LE(0, stat_get("cache_hits"));
	EXPECT_LE(0, stat_get("cache_misses"));
	EXPECT_LE(0, stat_get("cache_evictions"));
	EXPECT_LE(0, stat_get("cache_entries"));
	/* The documented default (module parameter cache_size). */
	EXPECT_EQ(256, stat_get("cache_size"));
	EXPECT_LE(stat_get("cache_entries"), stat_get("cache_size"));
}

/* First load: verified (a miss); the same bytes again: a hit. */
TEST_F(cache, second_identical_load_hits)
{
	long long reused = stat_get("syscall_stage_verified");

	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	/* The verifier stage still relies on the syscall stage's check. */
	EXPECT_EQ(reused + 3, stat_get("syscall_stage_verified"));
}

/* Without the syscall stage, the verifier stage uses the cache. */
TEST_F(cache, permissive_verifier_stage_hits)
{
	ASSERT_EQ(0, set_mode("permissive"));
	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
}

/* The same statement with another program: a hit, then the hash refuses. */
TEST_F(cache, hit_still_checks_the_instructions)
{
	struct cache_stats c0, c1;

	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	self->b.insns[0].imm ^= 1;
	cache_read(&c0);
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREJECTED,
		    "rejected", 0);
	cache_read(&c1);
	EXPECT_EQ(1, c1.hits - c0.hits);
}

TEST_F(cache, key_removed_enokey)
{
	key_serial_t id = enroll("spare");
	struct blob b;
	struct cache_stats c0, c1;

	ASSERT_LT(0, id);
	make_prog(&b, 9, 9000 + getpid() % 1000);
	ASSERT_EQ(0, sign_blob(&b, self->spare, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	EXPECT_CACHED_LOAD(&b, 0, 1);
	EXPECT_CACHED_LOAD(&b, 1, 0);
	ASSERT_EQ(0, unenroll(id));
	cache_read(&c0);
	EXPECT_LOAD(&b, BPF_PROG_TYPE_SOCKET_FILTER, ENOKEY, "nokey", 1);
	cache_read(&c1);
	EXPECT_EQ(0, c1.hits - c0.hits);
	EXPECT_EQ(1, c1.misses - c0.misses);
	/* Enrolled again (a new key serial): verified again, then cached. */
	id = enroll("spare");
	ASSERT_LT(0, id);
	EXPECT_CACHED_LOAD(&b, 0, 1);
	EXPECT_CACHED_LOAD(&b, 1, 0);
	EXPECT_EQ(0, unenroll(id));
	free_blob(&b);
}

TEST_F(cache, statement_revoked_ekeyrevoked)
{
	struct cache_stats c0, c1;
	char hex[65];

	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	revoke_hex(&self->b, hex);
	ASSERT_EQ(0, sfs_write("revoke", hex));
	cache_read(&c0);
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREVOKED,
		    "revoked", 1);
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREVOKED,
		    "revoked", 1);
	cache_read(&c1);
	/*
	 * The stale entry dropped, verified again under the new generation
	 * and refused at the syscall stage both times: a revoked statement
	 * is never remembered.
	 */
	EXPECT_EQ(2, c1.misses - c0.misses);
	EXPECT_EQ(0, c1.hits - c0.hits);
	EXPECT_EQ(c0.entries - 1, c1.entries);
}

/*
 * Any change of the trusted set, even one that widens it, verifies again.
 * With trust=bpfsig+system the verifier stage does not rely on the
 * syscall stage (inflight.c) and looks the cache up too.
 */
TEST_F(cache, trust_change_verifies_again)
{
	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	ASSERT_EQ(0, sfs_write("trust", "bpfsig+system"));
	EXPECT_CACHED_LOAD(&self->b, 1, 1);
	EXPECT_CACHED_LOAD(&self->b, 2, 0);
	ASSERT_EQ(0, sfs_write("trust", "bpfsig"));
	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
}

/* A refused signature is never remembered. */
TEST_F(cache, bad_signature_not_cached)
{
	struct bpfsig_key *untrusted = test_key("untrusted");
	struct cache_stats c0, c1;
	struct blob b;

	ASSERT_NE(NULL, untrusted);
	make_prog(&b, 7, 11000 + getpid() % 1000);
	ASSERT_EQ(0, sign_blob(&b, untrusted, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	cache_read(&c0);
	EXPECT_LOAD(&b, BPF_PROG_TYPE_SOCKET_FILTER, ENOKEY, "nokey", 1);
	EXPECT_LOAD(&b, BPF_PROG_TYPE_SOCKET_FILTER, ENOKEY, "nokey", 1);
	cache_read(&c1);
	EXPECT_EQ(0, c1.hits - c0.hits);
	EXPECT_EQ(2, c1.misses - c0.misses);
	EXPECT_EQ(c0.entries, c1.entries);
	free_blob(&b);
	bpfsig_key__free(untrusted);
}

/*
 * cache_size + 1 new signatures: the entries there before and the first
 * new one are evicted, least recently used first; the last one still hits.
 */
TEST_F_TIMEOUT(cache, lru_eviction, 900)
{
	long long size = stat_get("cache_size");
	struct cache_stats c0, c1;
	struct blob *progs;
	long long i;

	ASSERT_LT(0, size);
	progs = calloc(size + 1, sizeof(*progs));
	ASSERT_NE(NULL, progs);
	for (i = 0; i <= size; i++) {
		make_prog(&progs[i], 5, 100000 + (int)i * 7 + getpid() % 7);
		ASSERT_EQ(0, sign_blob(&progs[i], self->k2048, "sha256",
				       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	}
	cache_read(&c0);
	for (i = 0; i <= size; i++) {
		int fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &progs[i]);

		ASSERT_LE(0, fd) TH_LOG("load %lld: %s", i, strerror(-fd));
		close(fd);
	}
	cache_read(&c1);
	EXPECT_EQ(size + 1, c1.misses - c0.misses);
	EXPECT_EQ(0, c1.hits - c0.hits);
	EXPECT_EQ(c0.entries + 1, c1.evictions - c0.evictions);
	EXPECT_EQ(size, c1.entries);
	/* The newest is there; the oldest of them was evicted. */
	EXPECT_CACHED_LOAD(&progs[size], 1, 0);
	EXPECT_CACHED_LOAD(&progs[0], 0, 1);
	for (i = 0; i <= size; i++)
		free_blob(&progs[i]);
	free(progs);
}

TEST_HARNESS_MAIN
