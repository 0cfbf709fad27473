// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - the .bpfsig keyring.
 *
 * Holds the X.509 certificates whose keys may sign BPF programs. Nobody
 * changes it through keyctl(2), whatever their capabilities: the keyring
 * and its keys grant no write, link or setattr permission to any process
 * (only what listing needs), and both carry KEY_FLAG_KEEP.
 * Keys are added and removed by the module, through the securityfs files
 * key_add and key_remove (securityfs.c), which check CAP_SYS_ADMIN and
 * audit every change. The keyring's possessor permissions serve the
 * module's own calls (make_key_ref(keyring, true)); no process can possess
 * it, since nobody may link it anywhere.
 *
 * Only asymmetric keys (X.509 certificates) can be added. With
 * require_chain=1, or once the policy is locked, a key is accepted only if
 * the builtin or secondary trusted keys vouch for it (as the kernel's
 * secondary keyring demands).
 */
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <keys/asymmetric-type.h>
#include "bpfsig.h"

struct key *bpfsig_keyring;

/*
 * Possessor (the module's own calls): view, read, write (to add keys),
 * search (to verify signatures). The owner, root: view, read and search,
 * to list it (keyctl show looks the keyring up with search permission;
 * invalidating it, which search would allow, is refused for its
 * KEY_FLAG_KEEP).
 */
#define KEYRING_PERM (KEY_POS_VIEW | KEY_POS_READ | KEY_POS_WRITE | \
		      KEY_POS_SEARCH | KEY_USR_VIEW | KEY_USR_READ | \
		      KEY_USR_SEARCH)
/* A key: searched by the module, viewed by anyone. */
#define KEY_PERM (KEY_POS_VIEW | KEY_POS_SEARCH | KEY_USR_VIEW)

/* The kernel's builtin_and_secondary_trusted check, which is not exported. */
static key_restrict_link_func_t chained_to_trusted;

static int restrict_bpfsig(struct key *dest, const struct key_type *type,
			   const union key_payload *payload,
			   struct key *restriction_key)
{
	if (type != &key_type_asymmetric)
		return -EOPNOTSUPP;
	if (bpfsig_require_chain || bpfsig_locked())
		return chained_to_trusted(dest, type, payload, NULL);
	return 0;
}

/*
 * Borrow the check the asymmetric key type hands out for the restriction
 * "builtin_and_secondary_trusted" by applying it to a scratch keyring.
 */
static int find_chain_check(void)
{
	struct key *scratch;
	int err;

	scratch = keyring_alloc("bpfsig-scratch", GLOBAL_ROOT_UID,
				GLOBAL_ROOT_GID, current_cred(), KEY_POS_ALL,
				KEY_ALLOC_NOT_IN_QUOTA, NULL, NULL);
	if (IS_ERR(scratch))
		return PTR_ERR(scratch);
	err = keyring_restrict(make_key_ref(scratch, true), "asymmetric",
			       "builtin_and_secondary_trusted");
	if (!err) {
		if (scratch->restrict_link && scratch->restrict_link->check)
			chained_to_trusted = scratch->restrict_link->check;
		else
			err = -ENOENT;
	}
	key_revoke(scratch);
	key_put(scratch);
	return err;
}

/**
 * bpfsig_keyring_init() - create the .bpfsig keyring
 *
 * Return: 0, -ENOENT or another error of keyring_restrict() (the kernel
 * does not offer the builtin_and_secondary_trusted restriction), -ENOMEM,
 * -EDQUOT.
 */
int bpfsig_keyring_init(void)
{
	struct key_restriction *restriction;
	struct key *keyring;
	int err;

	err = find_chain_check();
	if (err) {
		pr_err("no builtin_and_secondary_trusted restriction: %d\n", err);
		return err;
	}
	restriction = kzalloc(sizeof(*restriction), GFP_KERNEL);
	if (!restriction)
		return -ENOMEM;
	restriction->check = restrict_bpfsig;

	keyring = keyring_alloc(".bpfsig", GLOBAL_ROOT_UID, GLOBAL_ROOT_GID,
				current_cred(), KEYRING_PERM,
				KEY_ALLOC_NOT_IN_QUOTA | KEY_ALLOC_SET_KEEP,
				restriction, NULL);
	if (IS_ERR(keyring)) {
		kfree(restriction);
		return PTR_ERR(keyring);
	}
	bpfsig_keyring = keyring;
	return 0;
}

/**
 * bpfsig_key_add() - add an X.509 certificate to .bpfsig
 * @der: the certificate, DER
 * @len: its length
 * @serial: set to the new key's serial
 * @desc: set to the key's description ("CN: key id"), cut to @desc_size
 * @desc_size: size of @desc
 *
 * The caller has checked CAP_SYS_ADMIN. A certificate with the same
 * description as a key already there replaces it.
 *
 * Return: 0, or -EBADMSG (not a certificate the kernel parses), -ENOPKG
 * (algorithm the kernel lacks), -ENOKEY or -EKEYREJECTED (require_chain=1
 * or locked policy, and no builtin or secondary trusted key vouches for
 * the certificate), -EKEYREJECTED (blacklisted certificate), -ENOMEM.
 */
int bpfsig_key_add(const void *der, size_t len, key_serial_t *serial,
		   char *desc, size_t desc_size)
{
	key_ref_t ref;

	ref = key_create_or_update(make_key_ref(bpfsig_keyring, true),
				   "asymmetric", NULL, der, len, KEY_PERM,
				   KEY_ALLOC_NOT_IN_QUOTA);
	if (IS_ERR(ref))
		return PTR_ERR(ref);
	*serial = key_ref_to_ptr(ref)->serial;
	strscpy(desc, key_ref_to_ptr(ref)->description ?: "", desc_size);
	key_ref_put(ref);
	/* It may have replaced a key of the same description. */
	bpfsig_trust_changed();
	return 0;
}

/**
 * bpfsig_key_remove() - unlink a key from .bpfsig
 * @serial: the key's serial
 * @desc: set to the key's description, cut to @desc_size
 * @desc_size: size of @desc
 *
 * The caller has checked CAP_SYS_ADMIN. Signatures made by the key are
 * refused with ENOKEY from then on.
 *
 * Return: 0, -EINVAL (not a key serial), -ENOKEY (no such key), -ENOENT
 * (not in .bpfsig), -ENOMEM.
 */
int bpfsig_key_remove(key_serial_t serial, char *desc, size_t desc_size)
{
	key_ref_t ref;
	int err;

	if (serial <= 0)
		return -EINVAL;
	/* As keyctl unlink does: no permission on the key itself. */
	ref = lookup_user_key(serial, KEY_LOOKUP_PARTIAL, KEY_NEED_UNLINK);
	if (IS_ERR(ref))
		return PTR_ERR(ref);
	strscpy(desc, key_ref_to_ptr(ref)->description ?: "", desc_size);
	err = key_unlink(bpfsig_keyring, key_ref_to_ptr(ref));
	key_ref_put(ref);
	if (!err)
		bpfsig_trust_changed();
	return err;
}

void bpfsig_keyring_exit(void)
{
	/*
	 * The restriction points into this module: revoke the keyring so that
	 * nothing can be linked into it once the module is gone, even if a
	 * reference to it outlives us.
	 */
	key_revoke(bpfsig_keyring);
	key_put(bpfsig_keyring);
	bpfsig_keyring = NULL;
}
