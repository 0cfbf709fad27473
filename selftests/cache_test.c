// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: the cache of verified signatures (kernel/cache.c).
 * A load whose statement and CMS were verified before skips the signature
 * verification (a hit); a key removed, a statement revoked or the trusted
 * set changed since is honoured at the next verdict; the cache holds at
 * most cache_size entries, the least recently used evicted first. The
 * instructions of a program whose digest matched are kept with its entry
 * (up to cache_insns_kib KiB in all) and compared, not hashed, on a hit.
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
	EXPECT_LE(0, stat_get("cache_insns_same"));
	EXPECT_LE(stat_get("cache_insns_bytes"),
		  stat_get("cache_insns_kib") * 1024);
}

/* The budget the module was loaded with: 1 KiB in the budget boot. */
static bool small_budget(void)
{
	return stat_get("cache_insns_kib") < 4;
}

/*
 * A hit hashes the program once, keeps its canonical instructions, and
 * compares them on every later hit instead of hashing.
 */
TEST_F(cache, hit_compares_kept_instructions)
{
	long long same = stat_get("cache_insns_same");
	long long bytes = stat_get("cache_insns_bytes");

	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	EXPECT_EQ(same, stat_get("cache_insns_same"));
	/* 7 instructions kept (nothing else evicted with 4 MiB). */
	if (!small_budget())
		EXPECT_EQ(bytes + 7 * 8, stat_get("cache_insns_bytes"));
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	EXPECT_EQ(same + 1, stat_get("cache_insns_same"));
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	EXPECT_EQ(same + 2, stat_get("cache_insns_same"));
}

/*
 * The comparison is on the canonical form: another map fd is the same
 * program; the second half of the ld_imm64 is not.
 */
TEST_F(cache, compared_in_canonical_form)
{
	long long same;
	struct blob m = { 0 };
	int map_a = array_map(), map_b = array_map();

	ASSERT_LE(0, map_a);
	ASSERT_LE(0, map_b);
	make_map_prog(&m, map_a);
	m.insns[6].imm = getpid() % 1000;	/* a program no other test signs */
	ASSERT_EQ(0, sign_blob(&m, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	EXPECT_CACHED_LOAD(&m, 0, 1);
	same = stat_get("cache_insns_same");
	m.insns[1].imm = map_b;
	EXPECT_CACHED_LOAD(&m, 1, 0);
	EXPECT_EQ(same + 1, stat_get("cache_insns_same"));
	m.insns[2].imm = 1;
	EXPECT_LOAD(&m, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREJECTED, "rejected",
		    0);
	EXPECT_EQ(same + 1, stat_get("cache_insns_same"));
	free_blob(&m);
	close(map_a);
	close(map_b);
}

/*
 * First load: verified (a miss) at the syscall stage, the verifier stage
 * relying on that; the same bytes again: a hit at both stages, counted
 * once (at the verifier stage), nothing verified.
 */
TEST_F(cache, second_identical_load_hits)
{
	long long reused = stat_get("syscall_stage_verified");

	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	EXPECT_EQ(reused + 1, stat_get("syscall_stage_verified"));
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	EXPECT_EQ(reused + 1, stat_get("syscall_stage_verified"));
}

/* Without the syscall stage, the verifier stage uses the cache. */
TEST_F(cache, permissive_verifier_stage_hits)
{
	ASSERT_EQ(0, set_mode("permissive"));
	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
}

/*
 * The same statement with another program: a hit, the kept instructions
 * differ, the hash refuses; the signed program still compares equal.
 */
TEST_F(cache, hit_still_checks_the_instructions)
{
	struct cache_stats c0, c1;
	long long same;

	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	same = stat_get("cache_insns_same");
	self->b.insns[0].imm ^= 1;
	cache_read(&c0);
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREJECTED,
		    "rejected", 0);
	cache_read(&c1);
	EXPECT_EQ(1, c1.hits - c0.hits);
	EXPECT_EQ(same, stat_get("cache_insns_same"));
	self->b.insns[0].imm ^= 1;
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	EXPECT_EQ(same + 1, stat_get("cache_insns_same"));
}

/*
 * Another program under the statement first: refused and not kept; the
 * signed program is then hashed, kept, and compared from its next load.
 */
TEST_F(cache, only_matching_instructions_kept)
{
	long long same = stat_get("cache_insns_same");
	long long bytes = stat_get("cache_insns_bytes");

	self->b.insns[0].imm ^= 1;
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREJECTED,
		    "rejected", 0);
	EXPECT_EQ(bytes, stat_get("cache_insns_bytes"));
	self->b.insns[0].imm ^= 1;
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	EXPECT_EQ(same, stat_get("cache_insns_same"));
	if (!small_budget())
		EXPECT_EQ(bytes + 7 * 8, stat_get("cache_insns_bytes"));
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	EXPECT_EQ(same + 1, stat_get("cache_insns_same"));
}

/*
 * cache_insns_kib=1 (the budget boot of vm-tests.sh): two programs of 100
 * instructions do not fit together, the second evicts the first's entry;
 * one of 200 is never kept, always hashed.
 */
TEST_F(cache, insns_budget_evicts)
{
	struct blob a, b, big;
	struct cache_stats c0, c1;
	long long same;

	if (stat_get("cache_insns_kib") != 1)
		SKIP(return, "needs cache_insns_kib=1 (the budget boot)");
	make_prog(&a, 100, 11000 + getpid() % 1000);
	make_prog(&b, 100, 12000 + getpid() % 1000);
	make_prog(&big, 200, 13000 + getpid() % 1000);
	ASSERT_EQ(0, sign_blob(&a, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	ASSERT_EQ(0, sign_blob(&b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	ASSERT_EQ(0, sign_blob(&big, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	EXPECT_CACHED_LOAD(&a, 0, 1);
	EXPECT_LE(800, stat_get("cache_insns_bytes"));
	same = stat_get("cache_insns_same");
	EXPECT_CACHED_LOAD(&a, 1, 0);
	EXPECT_EQ(same + 1, stat_get("cache_insns_same"));
	/* b's 800 bytes do not fit next to a's: a's entry is evicted. */
	cache_read(&c0);
	EXPECT_CACHED_LOAD(&b, 0, 1);
	cache_read(&c1);
	EXPECT_LE(1, c1.evictions - c0.evictions);
	EXPECT_LE(800, stat_get("cache_insns_bytes"));
	EXPECT_GE(1024, stat_get("cache_insns_bytes"));
	EXPECT_CACHED_LOAD(&b, 1, 0);
	EXPECT_EQ(same + 2, stat_get("cache_insns_same"));
	EXPECT_CACHED_LOAD(&a, 0, 1);
	/* 1,600 bytes: cached, hashed on every load, never kept. */
	EXPECT_CACHED_LOAD(&big, 0, 1);
	EXPECT_CACHED_LOAD(&big, 1, 0);
	EXPECT_CACHED_LOAD(&big, 1, 0);
	EXPECT_EQ(same + 2, stat_get("cache_insns_same"));
	EXPECT_GE(1024, stat_get("cache_insns_bytes"));
	/* a is kept again and compared. */
	EXPECT_CACHED_LOAD(&a, 1, 0);
	EXPECT_EQ(same + 3, stat_get("cache_insns_same"));
	free_blob(&a);
	free_blob(&b);
	free_blob(&big);
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
 * A hit does not search .blacklist again: the statement was searched for
 * when its entry was made, and on a kernel without
 * CONFIG_SYSTEM_BLACKLIST_AUTH_UPDATE (every Debian kernel) the keyring
 * cannot change after boot. Shown here: user space cannot add a "bin:"
 * entry for this very statement; the hits go on being accepted.
 */
TEST_F(cache, blacklist_fixed_after_boot)
{
	key_serial_t bl = find_key_by_type_and_desc("keyring", ".blacklist", 0);
	char desc[4 + 65];

	ASSERT_LT(0, bl) TH_LOG(".blacklist not found in /proc/keys");
	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	memcpy(desc, "bin:", 4);
	revoke_hex(&self->b, desc + 4);
	errno = 0;
	EXPECT_EQ(-1, add_key("blacklist", desc, NULL, 0, bl));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, keyctl_search(bl, "blacklist", desc, 0));
	EXPECT_EQ(ENOKEY, errno);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
}

/*
 * Any change of the trusted set, even one that widens it, verifies again.
 * With trust=bpfsig+system the verifier stage does not rely on the
 * syscall stage (inflight.c) and looks the cache up too: the first load
 * after the change misses at the syscall stage and hits at the verifier
 * stage. A hit at the syscall stage is never counted (the verifier stage
 * looks up again), so a later load counts one hit.
 */
TEST_F(cache, trust_change_verifies_again)
{
	EXPECT_CACHED_LOAD(&self->b, 0, 1);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
	ASSERT_EQ(0, sfs_write("trust", "bpfsig+system"));
	EXPECT_CACHED_LOAD(&self->b, 1, 1);
	EXPECT_CACHED_LOAD(&self->b, 1, 0);
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
	/* Room for every program's 5 instructions, or the budget evicts. */
	if (stat_get("cache_insns_kib") * 1024 < (size + 1) * 5 * 8)
		SKIP(return, "cache_insns_kib evicts first (the budget boot)");
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
