// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - refuse unsigned eBPF programs before the verifier runs.
 *
 * Module parameters (read-only once loaded; see securityfs.c for the
 * run-time interface):
 *   mode=off|permissive|enforce  initial mode (default permissive)
 *   trust=bpfsig|bpfsig+system   whose keys sign (default: .bpfsig only)
 *   lock=0|1                     lock the policy at load (default 0)
 *   require_kernel_sig=0|1       kernel-originated loads need signatures
 *                                too (default 1)
 *   require_chain=0|1            .bpfsig accepts only keys vouched for by
 *                                the builtin/secondary keys (default 0)
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "bpfsig.h"

module_param_named(require_kernel_sig, bpfsig_require_kernel_sig, bool, 0444);
MODULE_PARM_DESC(require_kernel_sig,
		 "Kernel-originated loads need a signature too (default: 1)");

module_param_named(require_chain, bpfsig_require_chain, bool, 0444);
MODULE_PARM_DESC(require_chain,
		 ".bpfsig accepts only keys signed by builtin/secondary trusted keys");

static bool lock_at_load;

static int lock_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", bpfsig_locked() ? 'Y' : 'N');
}

static const struct kernel_param_ops lock_param_ops = {
	.set = param_set_bool,
	.get = lock_param_get,
};
module_param_cb(lock, &lock_param_ops, &lock_at_load, 0444);
MODULE_PARM_DESC(lock, "Lock the policy at load time (default: 0); reads the current state");

static int mode_param_set(const char *val, const struct kernel_param *kp)
{
	enum bpfsig_mode mode, old;
	int err;

	err = bpfsig_mode_parse(val, &mode);
	if (err)
		return err;
	return bpfsig_mode_set(mode, &old);
}

static int mode_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", bpfsig_mode_name(bpfsig_mode_get()));
}

static const struct kernel_param_ops mode_param_ops = {
	.set = mode_param_set,
	.get = mode_param_get,
};
module_param_cb(mode, &mode_param_ops, NULL, 0444);
MODULE_PARM_DESC(mode, "off, permissive (default) or enforce");

static int trust_param_set(const char *val, const struct kernel_param *kp)
{
	enum bpfsig_trust trust, old;
	int err;

	err = bpfsig_trust_parse(val, &trust);
	if (err)
		return err;
	return bpfsig_trust_set(trust, &old);
}

static int trust_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", bpfsig_trust_name(bpfsig_trust_get()));
}

static const struct kernel_param_ops trust_param_ops = {
	.set = trust_param_set,
	.get = trust_param_get,
};
module_param_cb(trust, &trust_param_ops, NULL, 0444);
MODULE_PARM_DESC(trust, "Whose keys sign: bpfsig (default) or bpfsig+system (also the builtin and secondary trusted keys)");

/**
 * bpfsig_init() - load the module
 *
 * Order: hashes, keyring, the lock (lock=1), securityfs files, hooks; so
 * nothing can see or change an unlocked policy with lock=1, and no load is
 * checked before the files exist. The files can be opened only once all
 * is done: a failure frees the module whatever its files hold. Parameters
 * are checked before this runs (a bad mode or trust fails the load with
 * -EINVAL).
 *
 * Return: 0, or the first error of bpfsig_gate_init(),
 * bpfsig_keyring_init(), bpfsig_fs_init() or bpfsig_hook_init() (-EBUSY
 * when bpf_check() cannot be redirected).
 */
static int __init bpfsig_init(void)
{
	int err;

	err = bpfsig_gate_init();
	if (err)
		goto out;
	err = bpfsig_keyring_init();
	if (err)
		goto out_gate;
	/* Locked before anything can see or change the policy. */
	if (lock_at_load)
		bpfsig_lock();
	err = bpfsig_fs_init();
	if (err)
		goto out_keyring;
	err = bpfsig_hook_init();
	if (err)
		goto out_fs;
	bpfsig_fs_ready();
	pr_info("loaded: mode=%s lock=%d trust=%s require_kernel_sig=%d require_chain=%d\n",
		bpfsig_mode_name(bpfsig_mode_get()), bpfsig_locked(),
		bpfsig_trust_name(bpfsig_trust_get()),
		bpfsig_require_kernel_sig, bpfsig_require_chain);
	return 0;

out_fs:
	bpfsig_fs_exit();
out_keyring:
	bpfsig_keyring_exit();
out_gate:
	bpfsig_gate_exit();
out:
	bpfsig_policy_exit();
	return err;
}

/*
 * By now no reference can be taken on the module: the hooks refuse loads
 * in enforce mode (hook.c) until they are gone. The securityfs files go
 * first (nothing can have them open), so that while they exist every load
 * is checked or refused.
 */
static void __exit bpfsig_exit(void)
{
	bpfsig_fs_exit();
	bpfsig_hook_exit();
	bpfsig_mainline_exit();
	bpfsig_loader_exit();
	bpfsig_keyring_exit();
	bpfsig_gate_exit();
	bpfsig_policy_exit();
	pr_info("unloaded\n");
}

module_init(bpfsig_init);
module_exit(bpfsig_exit);

/* sha384/sha512 statements; the SIMD/SHA-NI sha256 before "sha256" is asked for. */
MODULE_SOFTDEP("pre: sha512 sha256-ssse3");
MODULE_DESCRIPTION("Refuse unsigned eBPF programs before the verifier runs");
MODULE_AUTHOR("The bpfsig authors");
MODULE_LICENSE("GPL");
