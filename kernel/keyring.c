// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - the .bpfsig keyring.
 *
 * Holds the X.509 certificates whose keys may sign BPF programs, next to
 * the builtin and secondary trusted keyrings that are always trusted too.
 * Managed with keyutils by root with CAP_SYS_ADMIN:
 *
 *   keyctl padd asymmetric "" %:.bpfsig < cert.der
 *   keyctl unlink KEY %:.bpfsig
 *
 * Only asymmetric keys can be added. With require_chain=1, or once the
 * policy is locked, a key is accepted only if the builtin or secondary
 * trusted keys vouch for it (as the kernel's secondary keyring demands).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/slab.h>
#include <keys/asymmetric-type.h>
#include "bpfsig.h"

struct key *bpfsig_keyring;

/* The kernel's builtin_and_secondary_trusted check, which is not exported. */
static key_restrict_link_func_t chained_to_trusted;

static int restrict_bpfsig(struct key *dest, const struct key_type *type,
			   const union key_payload *payload,
			   struct key *restriction_key)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
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
				current_cred(),
				(KEY_POS_ALL & ~KEY_POS_SETATTR) |
				KEY_USR_VIEW | KEY_USR_READ | KEY_USR_WRITE |
				KEY_USR_SEARCH,
				KEY_ALLOC_NOT_IN_QUOTA, restriction, NULL);
	if (IS_ERR(keyring)) {
		kfree(restriction);
		return PTR_ERR(keyring);
	}
	bpfsig_keyring = keyring;
	return 0;
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
