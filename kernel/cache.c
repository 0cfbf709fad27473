// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - the cache of verified signatures.
 *
 * The same signed program is loaded again and again (one copy per CPU,
 * per cgroup, per interface; daemons restarting): its statement and CMS
 * are the same bytes each time, and so is the result of their public-key
 * verification while the trusted keys stay the same. An entry remembers
 * that the CMS signature over a statement verified against a key of
 * .bpfsig; it holds the statement and CMS bytes themselves (contiguous in
 * the appended region), and a lookup compares them byte for byte, so that
 * finding an entry costs no hash of them. With it:
 *
 * - the trust generation read before that verification (policy.c): a key
 *   added to or removed from .bpfsig, a statement revoked or the trusted
 *   set changed since makes the entry stale, and a stale entry is dropped
 *   when met (a miss);
 * - a reference to the .bpfsig key the statement names, found when the
 *   entry is made: on a hit that key must pass key_validate() (neither
 *   revoked, invalidated, expired nor dead), a check of its flags that
 *   searches no keyring. It cannot have left .bpfsig without the
 *   generation moving: only bpfsig_key_remove() unlinks from .bpfsig (no
 *   process has write permission on it, keyring.c), and it raises the
 *   generation; the kernel's key collector unlinks only dead keys.
 *
 * Only the profile check and the signature verification are skipped on a
 * hit (the bytes are those that passed them): the statement is checked
 * against the load at both stages and the program's instructions at the
 * verifier stage. An entry is made only for a statement revoked neither by
 * bpfsig nor in the kernel's .blacklist then; a revocation through bpfsig
 * raises the generation, so on a hit bpfsig's own list need not be
 * searched again. .blacklist is searched again at every verdict only on a
 * kernel where it can grow after boot (CONFIG_SYSTEM_BLACKLIST_AUTH_UPDATE,
 * gate.c), for the statement's SHA-256 the entry keeps.
 *
 * The instructions: the first time the verifier stage finds an entry, it
 * hashes the kernel's copy of the program as for any load and, if the
 * digest is the statement's, keeps the canonical form of those
 * instructions with the entry, and where it zeroed an imm (the map fds).
 * A later load hitting the entry compares its instructions with those,
 * byte for byte but for those imm fields (bpfsig_cache_same_insns()):
 * equal, their canonical form is the one whose digest is the statement's,
 * and hashing them again would give the same; different, the program is
 * hashed as for any load (and refused: its digest cannot be the
 * statement's). The copies together
 * take at most cache_insns_kib KiB (module parameter, read-only, default
 * BPFSIG_CACHE_INSNS_DEFAULT, 0 keeps none): to keep a new one, the least
 * recently used entries that hold one are evicted; a program larger than
 * that is always hashed. Signatures verified by the kernel's own keyrings
 * (trust=bpfsig+system) are not cached: those keyrings change without the
 * generation.
 *
 * At most cache_size entries (module parameter, read-only, default
 * BPFSIG_CACHE_DEFAULT, 0 disables the cache): past that, the least
 * recently used entry is evicted. An entry takes 104 bytes and the
 * statement and CMS it holds (about 500 bytes with RSA-2048, at most
 * 1,152): one kmalloc-1k object, kmalloc-2k for a CMS of over 792 bytes.
 * 256 entries take 256 KiB; 16384 at most, 16 MiB (32 MiB with CMS blobs
 * that large); the instruction copies come on top, up to cache_insns_kib.
 * One spinlock guards the hash table, the LRU list and the copies' total;
 * nothing sleeps or allocates under it. An entry is freed when the table
 * and the last load using it (a reference, taken under the lock) have let
 * it go, so a load can compare instructions with an entry evicted
 * meanwhile; key references and memory are released outside the lock. An
 * entry keeps its key's memory until it is freed, not the key's place in
 * .bpfsig. Everything is freed when the module is unloaded, after the
 * hooks are gone.
 */
#include <crypto/sha2.h>
#include <keys/asymmetric-type.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/hashtable.h>
#include <linux/key.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "bpfsig.h"

#define BPFSIG_CACHE_DEFAULT	256
#define BPFSIG_CACHE_MAX	16384
#define BPFSIG_CACHE_INSNS_DEFAULT	4096
#define BPFSIG_CACHE_INSNS_MAX		262144

static unsigned int cache_size = BPFSIG_CACHE_DEFAULT;
static unsigned int cache_insns_kib = BPFSIG_CACHE_INSNS_DEFAULT;

/* An unsigned int parameter up to its maximum: -ERANGE above it. */
static int set_uint_max(const char *val, const struct kernel_param *kp,
			unsigned int max)
{
	unsigned int n;
	int err = kstrtouint(val, 0, &n);

	if (err)
		return err;
	if (n > max)
		return -ERANGE;
	*(unsigned int *)kp->arg = n;
	return 0;
}

static int cache_size_set(const char *val, const struct kernel_param *kp)
{
	return set_uint_max(val, kp, BPFSIG_CACHE_MAX);
}

static const struct kernel_param_ops cache_size_ops = {
	.set = cache_size_set,
	.get = param_get_uint,
};
module_param_cb(cache_size, &cache_size_ops, &cache_size, 0444);
MODULE_PARM_DESC(cache_size, "Verified signatures remembered, 0-16384 (default: 256; 0: none)");

static int cache_insns_set(const char *val, const struct kernel_param *kp)
{
	return set_uint_max(val, kp, BPFSIG_CACHE_INSNS_MAX);
}

static const struct kernel_param_ops cache_insns_ops = {
	.set = cache_insns_set,
	.get = param_get_uint,
};
module_param_cb(cache_insns_kib, &cache_insns_ops, &cache_insns_kib, 0444);
MODULE_PARM_DESC(cache_insns_kib, "KiB of verified programs kept to compare instead of hashing, 0-262144 (default: 4096; 0: none)");

struct bpfsig_cache_entry {
	struct hlist_node hash;		/* unhashed once out of the table */
	struct list_head lru;		/* most recently used first */
	refcount_t ref;			/* the table's, and each load's */
	u64 gen;			/* trust generation of the verification */
	struct key *key;		/* the .bpfsig key that verified it */
	u8 digest[SHA256_DIGEST_SIZE];	/* of the statement */
	const struct bpf_insn *insns;	/* canonical, digest checked; or NULL */
	u32 insn_cnt;			/* of insns; these three set before it */
	u32 nr_zeroed;			/* of zeroed[] */
	u32 *zeroed;			/* where canonicalisation zeroed an imm */
	u32 len;			/* of bytes[] */
	u8 bytes[];			/* statement || CMS */
};

static DEFINE_HASHTABLE(table, 8);
static LIST_HEAD(lru);
static unsigned int entries;
static size_t insns_bytes;		/* of the copies of entries in the table */
static DEFINE_SPINLOCK(cache_lock);

static atomic64_t hits;
static atomic64_t misses;
static atomic64_t evictions;
static atomic64_t insns_same;

/* The statement and CMS of @blob: contiguous in the appended region. */
static const u8 *blob_bytes(const struct bpfsig_blob *blob, u32 *len)
{
	*len = BPFSIG_STATEMENT_SIZE + blob->sig_len;
	return (const u8 *)blob->stmt;
}

/*
 * The bucket: the first bytes of the statement's program digest. Only
 * signatures that verified are ever entered, so no one chooses where
 * entries fall.
 */
static u32 bucket_key(const struct bpfsig_blob *blob)
{
	u32 k;

	memcpy(&k, blob->stmt->digest, sizeof(k));
	return k;
}

/* Under cache_lock. */
static struct bpfsig_cache_entry *find(const struct bpfsig_blob *blob)
{
	struct bpfsig_cache_entry *e;
	const u8 *bytes;
	u32 len;

	bytes = blob_bytes(blob, &len);
	hash_for_each_possible(table, e, hash, bucket_key(blob))
		if (e->len == len && !memcmp(e->bytes, bytes, len))
			return e;
	return NULL;
}

/* Bytes kept for @cnt instructions, @nr_zeroed of them canonicalised. */
static size_t kept_size(u32 cnt, u32 nr_zeroed)
{
	return size_add(array_size(cnt, sizeof(struct bpf_insn)),
			array_size(nr_zeroed, sizeof(u32)));
}

/*
 * Under cache_lock: out of the table. The caller drops the table's
 * reference (put_entry()) once the lock is released.
 */
static void unlink_entry(struct bpfsig_cache_entry *e)
{
	hash_del(&e->hash);	/* unhashed: hlist_del_init() */
	list_del(&e->lru);
	entries--;
	if (e->insns)
		insns_bytes -= kept_size(e->insn_cnt, e->nr_zeroed);
}

/* Not under cache_lock: drop a reference; the last one frees @e. */
static void put_entry(struct bpfsig_cache_entry *e)
{
	if (e && refcount_dec_and_test(&e->ref)) {
		key_put(e->key);
		kvfree(e->insns);
		kvfree(e->zeroed);
		kfree(e);
	}
}

/*
 * The usable key of .bpfsig that the statement names (its
 * subjectKeyIdentifier, the CMS's sid: bpfsig_cms_check()), with a
 * reference, or NULL if there is none or it is revoked, invalidated or
 * expired. May sleep.
 */
static struct key *signer_key(const struct bpfsig_statement *stmt)
{
	struct asymmetric_key_id *id;
	struct key *key;

	id = asymmetric_key_generate_id(stmt->keyid, stmt->keyid_len, NULL, 0);
	if (IS_ERR(id))
		return NULL;
	key = find_asymmetric_key(bpfsig_keyring, NULL, id, NULL, false);
	kfree(id);
	if (IS_ERR(key))
		return NULL;
	if (key_validate(key)) {
		key_put(key);
		return NULL;
	}
	return key;
}

/*
 * The entry of @blob if it is fresh (trust generation @gen, key usable),
 * with a reference if @ref; a stale one is dropped. Counts a hit if
 * @count_hit, a miss if @count_miss.
 */
static struct bpfsig_cache_entry *lookup(const struct bpfsig_blob *blob,
					 u64 gen, bool ref, bool count_hit,
					 bool count_miss)
{
	struct bpfsig_cache_entry *e, *stale = NULL;

	if (!READ_ONCE(cache_size))
		return NULL;
	spin_lock(&cache_lock);
	e = find(blob);
	/* key_validate() reads the key's flags and expiry: no lock, no sleep. */
	if (e && e->gen == gen && !key_validate(e->key)) {
		list_move(&e->lru, &lru);
		if (ref)
			refcount_inc(&e->ref);
	} else if (e) {
		unlink_entry(e);
		stale = e;
		e = NULL;
	}
	spin_unlock(&cache_lock);
	put_entry(stale);
	if (e && count_hit)
		atomic64_inc(&hits);
	else if (!e && count_miss)
		atomic64_inc(&misses);
	return e;
}

/**
 * bpfsig_cache_lookup() - was this signature verified under these keys?
 * @blob: a parsed blob; only a blob whose CMS kept to the profile is ever
 *	added, so a hit means the same bytes did
 * @gen: the trust generation now, read before this call
 * @count_hit: count a hit (the syscall stage does not: its hit is
 *	looked up again, and counted, at the verifier stage)
 *
 * Counts a miss, and a hit if @count_hit. A stale entry, or one whose key
 * is no longer usable, is dropped (a miss).
 *
 * Return: true if the CMS signature of @blob verified against a key of
 * .bpfsig under trust generation @gen, and that key is still usable: the
 * verification can be skipped.
 */
bool bpfsig_cache_lookup(const struct bpfsig_blob *blob, u64 gen,
			 bool count_hit)
{
	return lookup(blob, gen, false, count_hit, true);
}

/**
 * bpfsig_cache_get() - bpfsig_cache_lookup(), keeping the entry found
 * @blob: as for bpfsig_cache_lookup()
 * @gen: as for bpfsig_cache_lookup()
 * @count: count the hit or miss (no lookup of this load counted one)
 *
 * Return: the entry, referenced, to be released with bpfsig_cache_put();
 * or NULL.
 */
struct bpfsig_cache_entry *bpfsig_cache_get(const struct bpfsig_blob *blob,
					    u64 gen, bool count)
{
	return lookup(blob, gen, true, count, count);
}

/**
 * bpfsig_cache_put() - release an entry bpfsig_cache_get() returned
 * @e: the entry
 */
void bpfsig_cache_put(struct bpfsig_cache_entry *e)
{
	put_entry(e);
}

/**
 * bpfsig_cache_digest() - the SHA-256 of an entry's statement
 * @e: a referenced entry
 *
 * Return: the digest, SHA256_DIGEST_SIZE bytes.
 */
const u8 *bpfsig_cache_digest(const struct bpfsig_cache_entry *e)
{
	return e->digest;
}

/* Instructions compared between two chances to reschedule. */
#define CMP_STEP	4096

/* @n instructions equal byte for byte; may sleep. */
static bool runs_equal(const struct bpf_insn *a, const struct bpf_insn *b,
		       u32 n)
{
	u32 i, m;

	for (i = 0; i < n; i += m) {
		m = min_t(u32, n - i, CMP_STEP);
		if (memcmp(a + i, b + i, array_size(m, sizeof(*a))))
			return false;
		cond_resched();
	}
	return true;
}

/**
 * bpfsig_cache_same_insns() - are these the instructions kept with @e?
 * @e: a referenced entry
 * @insns: the kernel's copy of the program
 * @cnt: its instruction count (the statement's)
 *
 * Compares the canonical form of @insns with the canonical instructions
 * that matched the statement's digest when they were kept: byte for byte,
 * except that at the instructions whose imm the canonical form zeroed in
 * those (the map fds), @insns' imm counts as zero. That is the same: the
 * canonical form looks only at fields it keeps, so with these equal it
 * zeroes the same imm fields of @insns, and an imm it zeroes that is not
 * listed was zero already, as @insns' must be. May sleep.
 *
 * Return: true if they are equal; false if they differ or @e keeps none.
 */
bool bpfsig_cache_same_insns(const struct bpfsig_cache_entry *e,
			     const struct bpf_insn *insns, u32 cnt)
{
	/* Pairs with the release in bpfsig_cache_keep_insns(). */
	const struct bpf_insn *kept = smp_load_acquire(&e->insns);
	u32 i, at, from = 0;

	if (!kept || e->insn_cnt != cnt)
		return false;
	for (i = 0; i < e->nr_zeroed; i++) {
		struct bpf_insn one;

		at = e->zeroed[i];
		if (!runs_equal(insns + from, kept + from, at - from))
			return false;
		one = insns[at];
		one.imm = 0;
		if (memcmp(&one, kept + at, sizeof(one)))
			return false;
		from = at + 1;
	}
	if (!runs_equal(insns + from, kept + from, cnt - from))
		return false;
	atomic64_inc(&insns_same);
	return true;
}

/*
 * The canonical form of @insns, and where it differs from them (ascending,
 * in *@zeroed): 0, -ENOMEM, or -EINVAL if it changed more than an imm.
 */
static int canonicalise(const struct bpf_insn *insns, u32 cnt,
			struct bpf_insn **canon, u32 **zeroed, u32 *nr)
{
	struct bpfsig_canon c;
	u32 i, n, k;

	*canon = kvmalloc_array(cnt, sizeof(**canon), GFP_KERNEL | __GFP_NOWARN);
	*zeroed = NULL;
	*nr = 0;
	if (!*canon)
		return -ENOMEM;
	bpfsig_canon_init(&c);
	for (i = 0; i < cnt; i += n) {
		n = min_t(u32, cnt - i, BPFSIG_CANON_CHUNK);
		bpfsig_canon_copy(&c, *canon + i, insns + i, n);
		for (k = i; k < i + n; k++) {
			struct bpf_insn one = insns[k];

			if (!memcmp(&one, *canon + k, sizeof(one)))
				continue;
			one.imm = 0;
			if (memcmp(&one, *canon + k, sizeof(one)))
				return -EINVAL;
			(*nr)++;
		}
		cond_resched();
	}
	if (!*nr)
		return 0;
	*zeroed = kvmalloc_array(*nr, sizeof(**zeroed),
				 GFP_KERNEL | __GFP_NOWARN);
	if (!*zeroed)
		return -ENOMEM;
	for (i = 0, k = 0; i < cnt; i++)
		if (memcmp(insns + i, *canon + i, sizeof(*insns)))
			(*zeroed)[k++] = i;
	return 0;
}

/**
 * bpfsig_cache_keep_insns() - keep the canonical form of instructions
 *	whose digest is the statement's of @e
 * @e: a referenced entry
 * @insns: the kernel's copy of the program, its digest just checked
 * @cnt: its instruction count
 *
 * Does nothing if @e keeps instructions already or is out of the table,
 * if they would take more than cache_insns_kib, or if memory is short;
 * evicts the least recently used entries keeping instructions until they
 * fit. May sleep.
 */
void bpfsig_cache_keep_insns(struct bpfsig_cache_entry *e,
			     const struct bpf_insn *insns, u32 cnt)
{
	size_t budget = (size_t)READ_ONCE(cache_insns_kib) * SZ_1K;
	struct bpfsig_cache_entry *old, *tmp;
	struct bpf_insn *copy;
	LIST_HEAD(gone);
	u32 *zeroed, nr;
	size_t bytes;

	if (READ_ONCE(e->insns) || kept_size(cnt, 0) > budget)
		return;
	if (canonicalise(insns, cnt, &copy, &zeroed, &nr))
		goto out;
	bytes = kept_size(cnt, nr);
	if (bytes > budget)
		goto out;
	spin_lock(&cache_lock);
	if (!e->insns && !hlist_unhashed(&e->hash)) {
		list_for_each_entry_safe_reverse(old, tmp, &lru, lru) {
			if (insns_bytes + bytes <= budget)
				break;
			if (old == e || !old->insns)
				continue;
			unlink_entry(old);
			list_add(&old->lru, &gone);
			atomic64_inc(&evictions);
		}
		e->insn_cnt = cnt;
		e->nr_zeroed = nr;
		e->zeroed = zeroed;
		/* Pairs with the acquire in bpfsig_cache_same_insns(). */
		smp_store_release(&e->insns, copy);
		insns_bytes += bytes;
		copy = NULL;
		zeroed = NULL;
	}
	spin_unlock(&cache_lock);
	list_for_each_entry_safe(old, tmp, &gone, lru)
		put_entry(old);
out:
	kvfree(copy);
	kvfree(zeroed);
}

/**
 * bpfsig_cache_add() - remember a signature verified against .bpfsig
 * @blob: the blob whose CMS signature verified with the keys of .bpfsig
 * @gen: the trust generation read before the verification
 * @digest: the SHA-256 of its statement, found in no revocation list
 *
 * Does nothing if the cache is disabled, memory is short or the key
 * cannot be found again; evicts the least recently used entry when full.
 * May sleep.
 */
void bpfsig_cache_add(const struct bpfsig_blob *blob, u64 gen,
		      const u8 digest[SHA256_DIGEST_SIZE])
{
	struct bpfsig_cache_entry *e, *old = NULL;
	unsigned int max = READ_ONCE(cache_size);
	const u8 *bytes;
	u32 len;

	if (!max)
		return;
	bytes = blob_bytes(blob, &len);
	e = kmalloc(struct_size(e, bytes, len), GFP_KERNEL);
	if (!e)
		return;
	refcount_set(&e->ref, 1);
	e->len = len;
	memcpy(e->bytes, bytes, len);
	e->gen = gen;
	memcpy(e->digest, digest, sizeof(e->digest));
	e->insns = NULL;
	e->insn_cnt = 0;
	e->nr_zeroed = 0;
	e->zeroed = NULL;
	e->key = signer_key(blob->stmt);
	if (!e->key) {
		kfree(e);
		return;
	}
	spin_lock(&cache_lock);
	old = find(blob);
	if (old) {
		unlink_entry(old);
	} else if (entries >= max) {
		old = list_last_entry(&lru, struct bpfsig_cache_entry, lru);
		unlink_entry(old);
		atomic64_inc(&evictions);
	}
	hash_add(table, &e->hash, bucket_key(blob));
	list_add(&e->lru, &lru);
	entries++;
	spin_unlock(&cache_lock);
	put_entry(old);
}

/**
 * bpfsig_cache_show() - the cache's lines of securityfs "stats"
 * @m: the seq_file
 */
void bpfsig_cache_show(struct seq_file *m)
{
	seq_printf(m, "cache_hits %lld\n", atomic64_read(&hits));
	seq_printf(m, "cache_misses %lld\n", atomic64_read(&misses));
	seq_printf(m, "cache_evictions %lld\n", atomic64_read(&evictions));
	seq_printf(m, "cache_entries %u\n", READ_ONCE(entries));
	seq_printf(m, "cache_size %u\n", READ_ONCE(cache_size));
	seq_printf(m, "cache_insns_same %lld\n", atomic64_read(&insns_same));
	seq_printf(m, "cache_insns_bytes %zu\n", READ_ONCE(insns_bytes));
	seq_printf(m, "cache_insns_kib %u\n", READ_ONCE(cache_insns_kib));
}

/**
 * bpfsig_cache_exit() - free every entry (module unload, hooks gone)
 */
void bpfsig_cache_exit(void)
{
	struct bpfsig_cache_entry *e, *tmp;
	LIST_HEAD(gone);

	spin_lock(&cache_lock);
	list_for_each_entry_safe(e, tmp, &lru, lru) {
		unlink_entry(e);
		list_add(&e->lru, &gone);
	}
	spin_unlock(&cache_lock);
	list_for_each_entry_safe(e, tmp, &gone, lru)
		put_entry(e);
}
