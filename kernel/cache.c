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
 * against the load at both stages, and its revocation (bpfsig's list and
 * the kernel's .blacklist) and the digest of the instructions at every
 * verdict, as before. An entry is made only for a statement not revoked
 * then; a revocation through bpfsig raises the generation. Signatures
 * verified by the kernel's own keyrings (trust=bpfsig+system) are not
 * cached: those keyrings change without the generation.
 *
 * At most cache_size entries (module parameter, read-only, default
 * BPFSIG_CACHE_DEFAULT, 0 disables the cache): past that, the least
 * recently used entry is evicted. An entry takes 56 bytes and the
 * statement and CMS it holds (about 500 bytes with RSA-2048, at most
 * 1,152): one kmalloc-1k object, kmalloc-2k for a CMS of over 840 bytes.
 * 256 entries take 256 KiB; 16384 at most, 16 MiB (32 MiB with CMS blobs
 * that large). One spinlock guards the hash table and the LRU list;
 * nothing sleeps or allocates under it, and key references are dropped
 * once it is released. An entry keeps its key's memory until it is dropped
 * (stale, or evicted), not the key's place in .bpfsig. Everything is freed
 * when the module is unloaded, after the hooks are gone.
 */
#include <keys/asymmetric-type.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/hashtable.h>
#include <linux/key.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "bpfsig.h"

#define BPFSIG_CACHE_DEFAULT	256
#define BPFSIG_CACHE_MAX	16384

static unsigned int cache_size = BPFSIG_CACHE_DEFAULT;

static int cache_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int err = kstrtouint(val, 0, &n);

	if (err)
		return err;
	if (n > BPFSIG_CACHE_MAX)
		return -ERANGE;
	cache_size = n;
	return 0;
}

static const struct kernel_param_ops cache_size_ops = {
	.set = cache_size_set,
	.get = param_get_uint,
};
module_param_cb(cache_size, &cache_size_ops, &cache_size, 0444);
MODULE_PARM_DESC(cache_size, "Verified signatures remembered, 0-16384 (default: 256; 0: none)");

struct cache_entry {
	struct hlist_node hash;
	struct list_head lru;		/* most recently used first */
	u64 gen;			/* trust generation of the verification */
	struct key *key;		/* the .bpfsig key that verified it */
	u32 len;			/* of bytes[] */
	u8 bytes[];			/* statement || CMS */
};

static DEFINE_HASHTABLE(table, 8);
static LIST_HEAD(lru);
static unsigned int entries;
static DEFINE_SPINLOCK(cache_lock);

static atomic64_t hits;
static atomic64_t misses;
static atomic64_t evictions;

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
static struct cache_entry *find(const struct bpfsig_blob *blob)
{
	struct cache_entry *e;
	const u8 *bytes;
	u32 len;

	bytes = blob_bytes(blob, &len);
	hash_for_each_possible(table, e, hash, bucket_key(blob))
		if (e->len == len && !memcmp(e->bytes, bytes, len))
			return e;
	return NULL;
}

/* Under cache_lock; the caller frees @e once the lock is dropped. */
static void unlink_entry(struct cache_entry *e)
{
	hash_del(&e->hash);
	list_del(&e->lru);
	entries--;
}

/* Not under cache_lock. */
static void free_entry(struct cache_entry *e)
{
	if (e) {
		key_put(e->key);
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

/**
 * bpfsig_cache_lookup() - was this signature verified under these keys?
 * @blob: a parsed blob; only a blob whose CMS kept to the profile is ever
 *	added, so a hit means the same bytes did
 * @gen: the trust generation now, read before this call
 *
 * Counts a hit or a miss. A stale entry, or one whose key is no longer
 * usable, is dropped (a miss).
 *
 * Return: true if the CMS signature of @blob verified against a key of
 * .bpfsig under trust generation @gen, and that key is still usable: the
 * verification can be skipped.
 */
bool bpfsig_cache_lookup(const struct bpfsig_blob *blob, u64 gen)
{
	struct cache_entry *e, *stale = NULL;
	bool hit = false;

	if (!READ_ONCE(cache_size))
		return false;
	spin_lock(&cache_lock);
	e = find(blob);
	/* key_validate() reads the key's flags and expiry: no lock, no sleep. */
	if (e && e->gen == gen && !key_validate(e->key)) {
		list_move(&e->lru, &lru);
		hit = true;
	} else if (e) {
		unlink_entry(e);
		stale = e;
	}
	spin_unlock(&cache_lock);
	free_entry(stale);
	atomic64_inc(hit ? &hits : &misses);
	return hit;
}

/**
 * bpfsig_cache_add() - remember a signature verified against .bpfsig
 * @blob: the blob whose CMS signature verified with the keys of .bpfsig
 * @gen: the trust generation read before the verification
 *
 * Does nothing if the cache is disabled, memory is short or the key
 * cannot be found again; evicts the least recently used entry when full.
 * May sleep.
 */
void bpfsig_cache_add(const struct bpfsig_blob *blob, u64 gen)
{
	struct cache_entry *e, *old = NULL;
	unsigned int max = READ_ONCE(cache_size);
	const u8 *bytes;
	u32 len;

	if (!max)
		return;
	bytes = blob_bytes(blob, &len);
	e = kmalloc(struct_size(e, bytes, len), GFP_KERNEL);
	if (!e)
		return;
	e->len = len;
	memcpy(e->bytes, bytes, len);
	e->gen = gen;
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
		old = list_last_entry(&lru, struct cache_entry, lru);
		unlink_entry(old);
		atomic64_inc(&evictions);
	}
	hash_add(table, &e->hash, bucket_key(blob));
	list_add(&e->lru, &lru);
	entries++;
	spin_unlock(&cache_lock);
	free_entry(old);
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
}

/**
 * bpfsig_cache_exit() - free every entry (module unload, hooks gone)
 */
void bpfsig_cache_exit(void)
{
	struct cache_entry *e, *tmp;
	LIST_HEAD(gone);

	spin_lock(&cache_lock);
	list_for_each_entry_safe(e, tmp, &lru, lru) {
		hash_del(&e->hash);
		list_move(&e->lru, &gone);
		entries--;
	}
	spin_unlock(&cache_lock);
	list_for_each_entry_safe(e, tmp, &gone, lru)
		free_entry(e);
}
