// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - the kernel's own BPF signatures (7.3; built only there).
 *
 * A load may carry attr->signature, a PKCS#7 signature over its
 * instructions followed by the contents of its frozen, exclusive metadata
 * maps, which bpf_check() verifies against the keyring attr->keyring_id
 * names (a key serial, or 0/1 for the builtin/secondary trusted keys) and
 * records in prog->aux->sig; a signature that does not verify fails the
 * load. The kernel lets the caller choose the keyring and lets unsigned
 * loads through. bpfsig accepts a load with no appendix of its own as
 * "mainline" when:
 *
 * - keyring_id names a keyring bpfsig trusts: .bpfsig, or with
 *   trust=bpfsig+system the builtin or secondary trusted keys (checked
 *   before the real bpf_check(): any other keyring is refused, ENOKEY);
 * - the real bpf_check() succeeded and prog->aux->sig says the kernel
 *   verified the signature against that very keyring, under the trust
 *   generation of the first check (a key added, removed or revoked, or
 *   trust= changed meanwhile, refuses the load: EKEYREVOKED).
 *
 * A light-skeleton loader (BPF_PROG_TYPE_SYSCALL) accepted so loads its
 * programs from inside the kernel (bpf_sys_bpf(), uattr.is_kernel), each
 * from the instructions in its metadata map, whose contents the signature
 * covers: bpfsig records the value area of each of its signed maps (taking
 * a reference on the map, so that the memory stays the map's) and accepts a
 * kernel-originated load without an appendix as "mainline" when its
 * instructions lie wholly inside one of them. A record goes once bpfsig
 * holds the map's last reference (the loader and its map are gone).
 */
#include <linux/bpf.h>
#include <linux/key.h>
#include <linux/mutex.h>
#include <linux/verification.h>
#include "bpfsig.h"

#define CHAINS_MAX 64

struct chain {
	struct bpf_map *map;
	u64 start;
	u64 end;
};

static DEFINE_MUTEX(chains_lock);
static struct chain chains[CHAINS_MAX];

/* Drop the records whose map only bpfsig still holds. Under chains_lock. */
static void chains_gc(void)
{
	int i;

	for (i = 0; i < CHAINS_MAX; i++) {
		if (!chains[i].map || atomic64_read(&chains[i].map->refcnt) > 1)
			continue;
		bpf_map_put(chains[i].map);
		chains[i].map = NULL;
	}
}

/* A map the kernel folded into a verified signature (see its check). */
static bool signed_map(struct bpf_map *map)
{
	return map->map_type == BPF_MAP_TYPE_ARRAY &&
	       map->ops->map_direct_value_addr && READ_ONCE(map->frozen) &&
	       map->excl_prog_sha;
}

static int chains_add(struct bpf_map *map)
{
	u64 addr;
	int i, err;

	err = map->ops->map_direct_value_addr(map, &addr, 0);
	if (err)
		return err;
	for (i = 0; i < CHAINS_MAX; i++) {
		if (chains[i].map == map)
			return 0;
	}
	for (i = 0; i < CHAINS_MAX; i++) {
		if (chains[i].map)
			continue;
		bpf_map_inc(map);
		chains[i].map = map;
		chains[i].start = addr;
		chains[i].end = addr + map->value_size;
		return 0;
	}
	return -ENOSPC;
}

/*
 * Record the signed maps of an accepted loader. A map that cannot be
 * recorded only means that the loads made from it are refused later.
 */
static void chains_record(struct bpf_prog *prog)
{
	u32 i;

	if (prog->type != BPF_PROG_TYPE_SYSCALL)
		return;
	mutex_lock(&prog->aux->used_maps_mutex);
	mutex_lock(&chains_lock);
	chains_gc();
	for (i = 0; i < prog->aux->used_map_cnt; i++) {
		struct bpf_map *map = prog->aux->used_maps[i];

		if (signed_map(map) && chains_add(map))
			pr_warn_ratelimited("no room to record the signed map of loader %s\n",
					    prog->aux->name);
	}
	mutex_unlock(&chains_lock);
	mutex_unlock(&prog->aux->used_maps_mutex);
}

/**
 * bpfsig_mainline_keyring() - is the keyring a mainline signature names
 *	one bpfsig trusts?
 * @attr: the load's attributes (attr->signature set)
 *
 * Return: 0 if attr->keyring_id names .bpfsig or, with trust=bpfsig+system,
 * the builtin or secondary trusted keys; -ENOKEY otherwise.
 */
int bpfsig_mainline_keyring(const union bpf_attr *attr)
{
	s32 id = attr->keyring_id;

	if (id == key_serial(bpfsig_keyring))
		return 0;
	if (bpfsig_trust_get() == BPFSIG_TRUST_SYSTEM &&
	    (id == 0 || id == (s32)(unsigned long)VERIFY_USE_SECONDARY_KEYRING))
		return 0;
	return -ENOKEY;
}

/* What bpf_check() records for a signature verified against @id. */
static bool verified_against(const struct bpf_prog *prog, s32 id)
{
	const typeof(prog->aux->sig) *sig = &prog->aux->sig;

	if (sig->verdict != BPF_SIG_VERIFIED)
		return false;
	if (id == 0)
		return sig->keyring_type == BPF_SIG_KEYRING_BUILTIN;
	if (id == (s32)(unsigned long)VERIFY_USE_SECONDARY_KEYRING)
		return sig->keyring_type == BPF_SIG_KEYRING_SECONDARY;
	return sig->keyring_type == BPF_SIG_KEYRING_USER &&
	       sig->keyring_serial == id;
}

/**
 * bpfsig_mainline_verdict() - after the real bpf_check() accepted a load
 *	whose mainline signature bpfsig let through
 * @prog: the program, as bpf_check() leaves it
 * @attr: the load's attributes
 * @gen: the trust generation bpfsig_mainline_keyring() was called under
 *
 * Records the signed maps of a loader it accepts.
 *
 * Return: 0 if the kernel verified the signature against the keyring
 * attr->keyring_id names and that keyring is still trusted, under trust
 * generation @gen; -EKEYREVOKED if the trust changed meanwhile; -ENOKEY
 * if the keyring is no longer trusted; -EKEYREJECTED if the kernel did
 * not record a verified signature for that keyring.
 */
int bpfsig_mainline_verdict(struct bpf_prog *prog, const union bpf_attr *attr,
			    u64 gen)
{
	int err = bpfsig_mainline_keyring(attr);

	if (err)
		return err;
	if (bpfsig_trust_gen() != gen)
		return -EKEYREVOKED;
	if (!verified_against(prog, attr->keyring_id))
		return -EKEYREJECTED;
	chains_record(prog);
	return 0;
}

/**
 * bpfsig_mainline_chain() - does a kernel-originated load come from the
 *	signed metadata of an accepted loader?
 * @attr: the load's attributes (uattr.is_kernel: attr->insns is a kernel
 *	address)
 *
 * Return: 0 if its instructions lie wholly inside a recorded map's value;
 * -ENODATA otherwise.
 */
int bpfsig_mainline_chain(const union bpf_attr *attr)
{
	u64 start = attr->insns;
	u64 len = (u64)attr->insn_cnt * sizeof(struct bpf_insn);
	int i, err = -ENODATA;

	mutex_lock(&chains_lock);
	for (i = 0; i < CHAINS_MAX; i++) {
		if (chains[i].map && start >= chains[i].start &&
		    start <= chains[i].end && len <= chains[i].end - start) {
			err = 0;
			break;
		}
	}
	mutex_unlock(&chains_lock);
	return err;
}

/* Module exit, once no load can be inside the hooks. */
void bpfsig_mainline_exit(void)
{
	int i;

	mutex_lock(&chains_lock);
	for (i = 0; i < CHAINS_MAX; i++) {
		if (chains[i].map)
			bpf_map_put(chains[i].map);
		chains[i].map = NULL;
	}
	mutex_unlock(&chains_lock);
}
