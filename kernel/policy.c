// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - policy state: mode, trusted set, the one-way lock, revoked
 * statements.
 */
#include <crypto/sha2.h>
#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "bpfsig.h"

/* Set once, by module parameters (main.c), before anything is checked. */
bool bpfsig_require_kernel_sig = true;
bool bpfsig_require_chain;

static int mode = BPFSIG_MODE_PERMISSIVE;
static int trust = BPFSIG_TRUST_BPFSIG;
static bool locked;
static DEFINE_MUTEX(policy_lock);

/*
 * The trust generation: raised after every change of what is trusted, so
 * that a verification made under one generation can be told stale.
 */
static atomic64_t trust_gen;

/**
 * bpfsig_mode_get() - the mode now
 *
 * Return: the mode, read once: a decision keeps what it read.
 */
enum bpfsig_mode bpfsig_mode_get(void)
{
	return READ_ONCE(mode);
}

/**
 * bpfsig_mode_parse() - parse a mode name
 * @s: "off", "permissive" or "enforce", optionally followed by a newline
 * @m: the mode
 *
 * Return: 0 or -EINVAL.
 */
int bpfsig_mode_parse(const char *s, enum bpfsig_mode *m)
{
	enum bpfsig_mode i;

	for (i = BPFSIG_MODE_OFF; i <= BPFSIG_MODE_ENFORCE; i++) {
		if (sysfs_streq(s, bpfsig_mode_name(i))) {
			*m = i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * bpfsig_mode_set() - change the mode
 * @m: the new mode
 * @old: set to the mode it replaced (under the same lock, so that
 *	concurrent changes are each reported once, in order)
 *
 * Return: 0, or -EPERM to lower the mode once locked.
 */
int bpfsig_mode_set(enum bpfsig_mode m, enum bpfsig_mode *old)
{
	int err = 0;

	mutex_lock(&policy_lock);
	*old = mode;
	if (locked && m < mode)
		err = -EPERM;
	else
		WRITE_ONCE(mode, m);
	mutex_unlock(&policy_lock);
	return err;
}

/**
 * bpfsig_trust_gen() - the trust generation
 *
 * It changes whenever what is trusted may have narrowed: a key added to or
 * removed from .bpfsig, a statement revoked, the trusted set changed. Keys
 * in .bpfsig cannot be revoked, invalidated or expire (keyring.c), so with
 * trust=bpfsig a verification made under generation G is still valid
 * while the generation reads G. With trust=bpfsig+system it covers
 * bpfsig's own changes only: the kernel's keyrings change on their own.
 *
 * Return: the current generation. Reads made after this call see every
 * change that the generation read accounts for.
 */
u64 bpfsig_trust_gen(void)
{
	/* The checks that come before a second read are not moved after it. */
	smp_rmb();
	return atomic64_read_acquire(&trust_gen);
}

/**
 * bpfsig_trust_changed() - raise the trust generation
 *
 * Called after a change of what is trusted, once the change is visible.
 */
void bpfsig_trust_changed(void)
{
	/* Fully ordered: the change before the new generation. */
	atomic64_inc_return(&trust_gen);
}

/**
 * bpfsig_trust_get() - whose keys can sign now
 *
 * Return: the trusted set.
 */
enum bpfsig_trust bpfsig_trust_get(void)
{
	return READ_ONCE(trust);
}

/**
 * bpfsig_trust_parse() - parse a trusted set's name
 * @s: "bpfsig" or "bpfsig+system", optionally followed by a newline
 * @t: the trusted set
 *
 * Return: 0 or -EINVAL.
 */
int bpfsig_trust_parse(const char *s, enum bpfsig_trust *t)
{
	enum bpfsig_trust i;

	for (i = BPFSIG_TRUST_BPFSIG; i <= BPFSIG_TRUST_SYSTEM; i++) {
		if (sysfs_streq(s, bpfsig_trust_name(i))) {
			*t = i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * bpfsig_trust_set() - choose whose keys can sign
 * @t: the new trusted set
 * @old: set to the one it replaced (under the same lock)
 *
 * Once locked, the set can only narrow (to .bpfsig alone).
 *
 * Return: 0, or -EPERM to widen it once locked.
 */
int bpfsig_trust_set(enum bpfsig_trust t, enum bpfsig_trust *old)
{
	int err = 0;

	mutex_lock(&policy_lock);
	*old = trust;
	if (locked && t > trust)
		err = -EPERM;
	else
		WRITE_ONCE(trust, t);
	mutex_unlock(&policy_lock);
	if (!err && t != *old)
		bpfsig_trust_changed();
	return err;
}

/**
 * bpfsig_locked() - is the policy locked?
 *
 * Return: true once bpfsig_lock() has been called.
 */
bool bpfsig_locked(void)
{
	return READ_ONCE(locked);
}

/**
 * bpfsig_lock() - lock the policy until reboot
 *
 * From now on the mode cannot be lowered, the trusted set cannot widen,
 * the module cannot be unloaded (it holds a reference on itself) and the
 * .bpfsig keyring accepts only keys vouched for by the builtin or secondary
 * trusted keys.
 *
 * Return: true if this call locked it, false if it was locked already.
 */
bool bpfsig_lock(void)
{
	bool was;

	mutex_lock(&policy_lock);
	was = locked;
	if (!was) {
		__module_get(THIS_MODULE);
		WRITE_ONCE(locked, true);
	}
	mutex_unlock(&policy_lock);
	return !was;
}

/*
 * The revoked statement digests: an array that only grows, published with
 * RCU. Entries below ->nr never change; a new one is written past ->nr,
 * then ->nr is raised (release). When the array is full, a copy twice as
 * large replaces it. Loads look digests up under rcu_read_lock() alone,
 * never under policy_lock.
 */
struct revoked {
	struct rcu_head rcu;
	unsigned int nr;
	unsigned int size;
	u8 digest[][SHA256_DIGEST_SIZE];
};

static struct revoked __rcu *revoked;

/* Under policy_lock or rcu_read_lock(). */
static bool find_revoked(const struct revoked *r, const u8 digest[32])
{
	/* Pairs with the release in bpfsig_revoke_add(): entries below nr are written. */
	unsigned int i, nr = r ? smp_load_acquire(&r->nr) : 0;

	for (i = 0; i < nr; i++)
		if (!memcmp(r->digest[i], digest, SHA256_DIGEST_SIZE))
			return true;
	return false;
}

/**
 * bpfsig_revoke_add() - refuse a statement from now on
 * @digest: SHA-256 of the 128 statement bytes
 *
 * Revocations cannot be withdrawn until the module is unloaded; they are
 * accepted whether or not the policy is locked, since they only refuse
 * more.
 *
 * Return: 0 if added, -EEXIST if revoked already, -ENOSPC past
 * BPFSIG_MAX_REVOKED entries, or -ENOMEM.
 */
int bpfsig_revoke_add(const u8 digest[32])
{
	struct revoked *r, *grown;
	unsigned int size;
	int err = 0;

	mutex_lock(&policy_lock);
	r = rcu_dereference_protected(revoked, lockdep_is_held(&policy_lock));
	if (find_revoked(r, digest)) {
		err = -EEXIST;
		goto out;
	}
	if (r && r->nr >= BPFSIG_MAX_REVOKED) {
		err = -ENOSPC;
		goto out;
	}
	if (!r || r->nr == r->size) {
		size = r ? 2 * r->size : 16;
		grown = kvmalloc(struct_size(grown, digest, size), GFP_KERNEL);
		if (!grown) {
			err = -ENOMEM;
			goto out;
		}
		grown->size = size;
		grown->nr = r ? r->nr : 0;
		if (r)
			memcpy(grown->digest, r->digest,
			       r->nr * sizeof(r->digest[0]));
		rcu_assign_pointer(revoked, grown);
		if (r)
			kvfree_rcu(r, rcu);
		r = grown;
	}
	memcpy(r->digest[r->nr], digest, SHA256_DIGEST_SIZE);
	/* The entry before the count: lock-free readers acquire the count. */
	smp_store_release(&r->nr, r->nr + 1);
out:
	mutex_unlock(&policy_lock);
	if (!err)
		bpfsig_trust_changed();
	return err;
}

/**
 * bpfsig_revoked() - is this statement digest revoked?
 * @digest: SHA-256 of the statement
 *
 * Return: true if revoked.
 */
bool bpfsig_revoked(const u8 digest[32])
{
	bool ret;

	rcu_read_lock();
	ret = find_revoked(rcu_dereference(revoked), digest);
	rcu_read_unlock();
	return ret;
}

/**
 * bpfsig_revoked_nth() - one revoked digest, for listing them
 * @pos: its index, in the order of revocation
 *
 * Call under rcu_read_lock(); the digest stays valid until
 * rcu_read_unlock().
 *
 * Return: the digest, or NULL past the last one.
 */
const u8 *bpfsig_revoked_nth(loff_t pos)
{
	const struct revoked *r = rcu_dereference(revoked);

	/* Pairs with the release in bpfsig_revoke_add(). */
	if (!r || pos < 0 || pos >= smp_load_acquire(&r->nr))
		return NULL;
	return r->digest[pos];
}

void bpfsig_policy_exit(void)
{
	kvfree(rcu_dereference_protected(revoked, true));
	RCU_INIT_POINTER(revoked, NULL);
}
