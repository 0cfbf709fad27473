// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - policy state: mode, the one-way lock, revoked statements.
 */
#include <linux/mutex.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "bpfsig.h"

/* Set once, by module parameters (main.c), before anything is checked. */
bool bpfsig_require_kernel_sig = true;
bool bpfsig_require_chain;

static int mode = BPFSIG_MODE_PERMISSIVE;
static bool locked;
static DEFINE_MUTEX(policy_lock);

static u8 (*revoked)[32];
static unsigned int nr_revoked;

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

bool bpfsig_locked(void)
{
	return READ_ONCE(locked);
}

/**
 * bpfsig_lock() - lock the policy until reboot
 *
 * From now on the mode cannot be lowered, the module cannot be unloaded
 * (it holds a reference on itself) and the .bpfsig keyring accepts only
 * keys vouched for by the builtin or secondary trusted keys.
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

/* Called with policy_lock held. */
static bool find_revoked(const u8 digest[32])
{
	unsigned int i;

	for (i = 0; i < nr_revoked; i++)
		if (!memcmp(revoked[i], digest, 32))
			return true;
	return false;
}

/**
 * bpfsig_revoke_add() - refuse a statement from now on
 * @digest: SHA-256 of the 128 statement bytes
 *
 * Revocations cannot be withdrawn until the module is unloaded.
 *
 * Return: 0, -ENOSPC past BPFSIG_MAX_REVOKED entries, or -ENOMEM.
 */
int bpfsig_revoke_add(const u8 digest[32])
{
	u8 (*grown)[32];
	int err = 0;

	mutex_lock(&policy_lock);
	if (find_revoked(digest))
		goto out;
	if (nr_revoked >= BPFSIG_MAX_REVOKED) {
		err = -ENOSPC;
		goto out;
	}
	grown = krealloc_array(revoked, nr_revoked + 1, sizeof(*revoked),
			       GFP_KERNEL);
	if (!grown) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(grown[nr_revoked], digest, 32);
	revoked = grown;
	WRITE_ONCE(nr_revoked, nr_revoked + 1);
out:
	mutex_unlock(&policy_lock);
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

	mutex_lock(&policy_lock);
	ret = find_revoked(digest);
	mutex_unlock(&policy_lock);
	return ret;
}

/**
 * bpfsig_revoke_show() - list revoked digests, one lowercase hex per line
 * @buf: output
 * @size: its size
 *
 * Return: bytes written.
 */
int bpfsig_revoke_show(char *buf, size_t size)
{
	unsigned int i;
	int len = 0;

	mutex_lock(&policy_lock);
	for (i = 0; i < nr_revoked && len + 66 <= size; i++)
		len += scnprintf(buf + len, size - len, "%32phN\n",
				 revoked[i]);
	mutex_unlock(&policy_lock);
	return len;
}

void bpfsig_policy_exit(void)
{
	kfree(revoked);
	revoked = NULL;
	nr_revoked = 0;
}
