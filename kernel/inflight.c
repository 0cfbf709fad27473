// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig - the verified tails of loads in flight.
 *
 * A valid load is checked twice: at the syscall stage, on the appended
 * region copied from the caller, and at the verifier stage, on the kernel's
 * copy. When the syscall stage has verified a region's signature (not
 * found it in the cache: then the verifier stage looks the cache up
 * itself, cache.c), it keeps the region here, with the trust generation
 * it was verified under, keyed by the loading task, until that task's
 * bpf_prog_load() returns. The
 * verifier stage relies on that verification (the CMS profile and the
 * signature) only if the kernel's copy of the region is the same, byte for
 * byte, and the trust generation has not moved since (policy.c): the same
 * bytes under the same trusted keys give the same verdict. The caller can
 * stall its load between the two stages for as long as it likes; a key
 * removed meanwhile moves the generation. Everything else (statement
 * against the load, revocation, the digest of the kernel's instructions)
 * is checked again in full.
 */
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "bpfsig.h"

struct inflight {
	struct list_head node;
	struct task_struct *task;
	u64 gen;
	u32 len;
	u8 tail[];		/* a copy of the region */
};

static LIST_HEAD(inflight_list);
static DEFINE_SPINLOCK(inflight_lock);

/*
 * No record of any task, without taking the lock: a warm load (its
 * signature found in the cache) leaves none. A task's own record, added
 * by that task earlier in this load, keeps the list non-empty as far as
 * that task sees, whatever other tasks add or remove meanwhile; so a task
 * that sees it empty has none.
 */
static bool none_in_flight(void)
{
	return list_empty(&inflight_list);
}

static struct inflight *find(void)
{
	struct inflight *f;

	list_for_each_entry(f, &inflight_list, node)
		if (f->task == current)
			return f;
	return NULL;
}

/**
 * bpfsig_inflight_put() - remember the region the current task's load has
 * shown to carry a valid signature
 * @tail: the appended region, copied here
 * @len: its length
 * @gen: the trust generation read before the signature was verified
 *
 * On allocation failure nothing is remembered: the verifier stage then
 * verifies the signature again.
 */
void bpfsig_inflight_put(const void *tail, u32 len, u64 gen)
{
	struct inflight *f = kmalloc(struct_size(f, tail, len), GFP_KERNEL);

	if (!f)
		return;
	f->task = current;
	memcpy(f->tail, tail, len);
	f->len = len;
	f->gen = gen;
	spin_lock(&inflight_lock);
	list_add(&f->node, &inflight_list);
	spin_unlock(&inflight_lock);
}

/**
 * bpfsig_inflight_verified() - was this region verified for this load?
 * @tail: the appended region as the kernel's copy holds it
 * @len: its length
 * @gen: the trust generation now
 *
 * Return: true if the current task's syscall stage verified a region equal
 * to @tail byte for byte, under trust generation @gen.
 */
bool bpfsig_inflight_verified(const void *tail, u32 len, u64 gen)
{
	struct inflight *f;
	bool same;

	if (none_in_flight())
		return false;
	spin_lock(&inflight_lock);
	f = find();
	same = f && f->gen == gen && f->len == len &&
	       !memcmp(f->tail, tail, len);
	spin_unlock(&inflight_lock);
	return same;
}

/**
 * bpfsig_inflight_drop() - forget the current task's region, if any
 */
void bpfsig_inflight_drop(void)
{
	struct inflight *f;

	if (none_in_flight())
		return;
	spin_lock(&inflight_lock);
	f = find();
	if (f)
		list_del(&f->node);
	spin_unlock(&inflight_lock);
	kfree(f);
}
