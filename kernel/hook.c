// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - where the checks run: two ftrace redirections.
 *
 * bpf_check() entry (authoritative): the kernel's own copy of the
 * instructions has just been made and no verifier work has started. Every
 * load passes here, including the kernel's own (uattr.is_kernel). The
 * appended region is checked, stripped (prog->len shrinks to the program),
 * and the load is refused or handed to the real bpf_check().
 *
 * bpf_prog_load() entry (early, optional): before the kernel allocates and
 * copies up to 8 MiB of instructions. Reads only the appended region from
 * the caller's buffer. Its reads are a second fetch of memory the caller
 * controls, so it may only refuse; a load it lets through is checked again,
 * in full, at bpf_check(). It defers whenever it cannot read the buffer.
 *
 * Both redirections are permanent ftrace users: while they are registered,
 * kernel.ftrace_enabled cannot be turned off (-EBUSY), as for livepatches.
 *
 * The ftrace callback takes a module reference for each redirected call and
 * the wrapper drops it on return, so the module cannot be unloaded while a
 * task is inside a wrapper or the verifier below it. Our own calls to the
 * original functions are recognised by their return address, which lies in
 * this module (calls to the originals are never tail calls: see Kbuild).
 *
 * Once an unload has begun, no reference can be taken: in enforce mode the
 * callback then sends the call to a function that refuses it without
 * sleeping, so that no load passes unchecked while the hooks go, and
 * unregistering them (which waits for every task to leave the code it
 * redirected to, short of sleeping there) is enough for none to be left in
 * it when the module's memory goes.
 *
 * Indirect branch tracking (CONFIG_X86_KERNEL_IBT): ftrace enters a wrapper
 * by returning into it, and each wrapper calls its original through a
 * static call, i.e. a direct call to the original's first byte, patched in
 * at init. No indirect call or jump goes to the original, which may begin
 * with a sealed (NOPed) ENDBR64, and nothing calls into its middle: the
 * call reaches the __fentry__ site, where redirect() recognises it.
 */
#include <linux/bpf.h>
#include <linux/bpfptr.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/ibt.h>
#include "bpfsig.h"

struct hook {
	const char *name;
	void *wrapper;
	void *refuse;		/* while the module goes away, in enforce mode */
	unsigned long fentry;	/* the original's __fentry__ call site */
	void (*set_orig)(unsigned long entry);	/* aim its static call */
	bool (*wanted)(enum bpfsig_mode mode);	/* redirect this call? */
	bool registered;
	struct ftrace_ops ops;
};

/*
 * The wrappers and the static calls' initial targets have the originals'
 * prototypes, which differ by kernel series (compat.h); the initial targets
 * refuse until init aims the static calls at the originals.
 */
#if BPFSIG_LOAD_EXTRA
static int hook_bpf_check(struct bpf_prog **prog, union bpf_attr *attr,
			  bpfptr_t uattr, bpfsig_load_extra_t extra);
static int hook_bpf_prog_load(union bpf_attr *attr, bpfptr_t uattr,
			      bpfsig_load_extra_t extra);

static int unresolved_bpf_check(struct bpf_prog **prog, union bpf_attr *attr,
				bpfptr_t uattr, bpfsig_load_extra_t extra)
{
	return -EPERM;
}

static int unresolved_bpf_prog_load(union bpf_attr *attr, bpfptr_t uattr,
				    bpfsig_load_extra_t extra)
{
	return -EPERM;
}
#else
static int hook_bpf_check(struct bpf_prog **prog, union bpf_attr *attr,
			  bpfptr_t uattr);
static int hook_bpf_prog_load(union bpf_attr *attr, bpfptr_t uattr);

static int unresolved_bpf_check(struct bpf_prog **prog, union bpf_attr *attr,
				bpfptr_t uattr)
{
	return -EPERM;
}

static int unresolved_bpf_prog_load(union bpf_attr *attr, bpfptr_t uattr)
{
	return -EPERM;
}
#endif

DEFINE_STATIC_CALL(bpfsig_orig_bpf_check, unresolved_bpf_check);
DEFINE_STATIC_CALL(bpfsig_orig_bpf_prog_load, unresolved_bpf_prog_load);

static void set_orig_bpf_check(unsigned long entry)
{
	static_call_update(bpfsig_orig_bpf_check, (void *)entry);
}

static void set_orig_bpf_prog_load(unsigned long entry)
{
	static_call_update(bpfsig_orig_bpf_prog_load, (void *)entry);
}

/*
 * While the module goes away, in enforce mode, either hooked function
 * returns here instead (ftrace sets the instruction pointer; the arguments
 * are not needed): refuse. Must not sleep (see the top of this file), hence
 * no audit record, only a rate-limited line.
 */
static int going_refuse(void)
{
	pr_warn_ratelimited("unloading: load refused (enforce)\n");
	return -EPERM;
}

static bool always(enum bpfsig_mode mode)
{
	return true;
}

static bool enforcing(enum bpfsig_mode mode)
{
	return mode == BPFSIG_MODE_ENFORCE;
}

static struct hook verifier_hook = {
	.name = "bpf_check",
	.wrapper = hook_bpf_check,
	.refuse = going_refuse,
	.set_orig = set_orig_bpf_check,
	.wanted = always,
};

static struct hook early_hook = {
	.name = "bpf_prog_load",
	.wrapper = hook_bpf_prog_load,
	.refuse = going_refuse,
	.set_orig = set_orig_bpf_prog_load,
	.wanted = enforcing,
};

static void notrace redirect(unsigned long ip, unsigned long parent_ip,
			     struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	struct hook *h = container_of(ops, struct hook, ops);
	enum bpfsig_mode mode;

	/* Our own call to the original function. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	mode = bpfsig_mode_get();
	if (!h->wanted(mode))
		return;
	if (try_module_get(THIS_MODULE)) {
		bpfsig_set_ip(fregs, (unsigned long)h->wrapper);
	} else if (mode == BPFSIG_MODE_ENFORCE) {
		/* The module is going away: fail closed. */
		bpfsig_set_ip(fregs, (unsigned long)h->refuse);
	}
}

/*
 * Nanoseconds since @start, a local_clock() reading: the scheduler's clock,
 * cheap on every load (ktime_get_ns() reads the clocksource, which is the
 * HPET on some machines). A check can sleep and resume on another CPU,
 * whose clock may be a little behind: never negative.
 */
static u64 elapsed_ns(u64 start)
{
	u64 now = local_clock();

	return now > start ? now - start : 0;
}

/*
 * Complete a decision: its verdict, the mode it is made with and what that
 * means for the load; count it, log it, audit it.
 *
 * Return: 0 to let the load go on, or the errno that refuses it.
 */
static int decide(struct bpfsig_decision *d, enum bpfsig_mode mode, u64 ns)
{
	d->verdict = bpfsig_err_verdict(d->err);
	if (d->verdict == BPFSIG_V_ACCEPTED && d->mainline)
		d->verdict = BPFSIG_V_MAINLINE;
	if (d->verdict == BPFSIG_V_ACCEPTED &&
	    d->loader == BPFSIG_LOADER_TRUSTED)
		d->verdict = BPFSIG_V_LOADER;
	d->mode = mode;
	if (!bpfsig_decision_errno(d))
		d->action = BPFSIG_ALLOW;
	else if (mode == BPFSIG_MODE_ENFORCE)
		d->action = BPFSIG_DENY;
	else
		d->action = BPFSIG_ALLOW_PERMISSIVE;
	bpfsig_stats_count(d, ns);
	bpfsig_audit_decision(d);
	return d->action == BPFSIG_DENY ? bpfsig_decision_errno(d) : 0;
}

/* bpf_capable() of 6.1, without auditing a capability the caller lacks. */
static bool caller_bpf_capable(void)
{
	return ns_capable_noaudit(&init_user_ns, CAP_BPF) ||
	       ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
}

/* is_net_admin_prog_type() of 6.1 (kernel/bpf/syscall.c, static there). */
static bool net_admin_prog_type(u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
	case BPF_PROG_TYPE_SK_SKB:
	case BPF_PROG_TYPE_SK_MSG:
	case BPF_PROG_TYPE_LIRC_MODE2:
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_SOCK_OPS:
	case BPF_PROG_TYPE_EXT:
		return true;
	}
	return false;
}

/* is_perfmon_prog_type() of 6.1. */
static bool perfmon_prog_type(u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_STRUCT_OPS:
	case BPF_PROG_TYPE_EXT:
		return true;
	}
	return false;
}

/* The flags bpf_prog_load() of 6.1 accepts. */
#define PROG_LOAD_FLAGS (BPF_F_STRICT_ALIGNMENT | BPF_F_ANY_ALIGNMENT | \
			 BPF_F_TEST_STATE_FREQ | BPF_F_SLEEPABLE | \
			 BPF_F_TEST_RND_HI32 | BPF_F_XDP_HAS_FRAGS)

/*
 * Does bpf_prog_load() of 6.1 refuse this load by itself, before it copies
 * the instructions? Its cheap checks, in its order (the license copy,
 * between the flags and the count, aside): no byte set past the command's
 * last field (CHECK_ATTR), known prog_flags, BPF_F_ANY_ALIGNMENT, insn_cnt
 * within the caller's limit, the capabilities each program type needs.
 * The syscall stage leaves such loads to the kernel's own errno, so that
 * callers the kernel refuses anyway cannot make bpfsig parse CMS blobs or
 * write log lines and audit records. These are 6.1's rules: on 6.12 and
 * 7.3, whose attr has more fields and whose BPF tokens grant capabilities
 * in a user namespace, they leave more loads (any that uses the new fields
 * or a token) to the verifier stage, which checks every load in full.
 */
static bool kernel_refuses(const union bpf_attr *attr, bool bpf_cap)
{
	size_t end = offsetofend(union bpf_attr, core_relo_rec_size);
	u32 type = attr->prog_type;

	if (memchr_inv((const u8 *)attr + end, 0, sizeof(*attr) - end))
		return true;
	if (attr->prog_flags & ~PROG_LOAD_FLAGS)
		return true;
	if (!IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) &&
	    (attr->prog_flags & BPF_F_ANY_ALIGNMENT) && !bpf_cap)
		return true;
	if (!attr->insn_cnt ||
	    attr->insn_cnt > (bpf_cap ? BPF_COMPLEXITY_LIMIT_INSNS :
			      BPF_MAXINSNS))
		return true;
	if (type != BPF_PROG_TYPE_SOCKET_FILTER &&
	    type != BPF_PROG_TYPE_CGROUP_SKB && !bpf_cap)
		return true;
	if (net_admin_prog_type(type) &&
	    !ns_capable_noaudit(&init_user_ns, CAP_NET_ADMIN) &&
	    !ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN))
		return true;
	if (perfmon_prog_type(type) &&
	    !ns_capable_noaudit(&init_user_ns, CAP_PERFMON) &&
	    !ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN))
		return true;
	return false;
}

/*
 * Strip a well-formed appended region without judging it; the decision
 * counts what is left.
 */
static void strip_unchecked(struct bpf_prog *prog, struct bpfsig_decision *d)
{
	u64 len = (u64)prog->len * sizeof(struct bpf_insn);
	struct bpfsig_blob blob;

	if (!bpfsig_blob_parse(prog->insnsi, len, &blob)) {
		prog->len = blob.insn_cnt;
		d->insn_cnt = blob.insn_cnt;
		d->appendix_len = blob.total_len;
	}
}

#ifdef BPFSIG_KERNEL_7_3
/*
 * A load without an appendix of bpfsig's, on a kernel with signatures of
 * its own (mainline.c): a kernel-originated one is accepted if it comes
 * from the signed metadata of a loader accepted so; one that carries
 * attr->signature is refused if the keyring it names is not trusted, else
 * judged after the real bpf_check() has verified the signature (return
 * 1). Anything else stays unsigned.
 */
static int mainline_check(const union bpf_attr *attr, bool kernel,
			  struct bpfsig_decision *d)
{
	if (kernel) {
		d->err = bpfsig_mainline_chain(attr);
	} else if (attr->signature) {
		d->err = bpfsig_mainline_keyring(attr);
		if (!d->err)
			return 1;
	}
	d->mainline = !d->err;
	return 0;
}

/*
 * The real bpf_check() returned @ret for a load that mainline_check() left
 * to it: the kernel refused it (its signature did not verify, or the
 * verifier said no), or bpfsig decides now from what the kernel recorded.
 */
static int mainline_decide(struct bpf_prog *prog, const union bpf_attr *attr,
			   struct bpfsig_decision *d, u64 gen, int ret)
{
	u64 start = local_clock();

	if (ret)
		return ret;
	d->err = bpfsig_mainline_verdict(prog, attr, gen);
	d->mainline = true;
	return decide(d, bpfsig_mode_get(), elapsed_ns(start));
}
#else
static int mainline_check(const union bpf_attr *attr, bool kernel,
			  struct bpfsig_decision *d)
{
	return 0;
}
#endif

/*
 * The verifier stage, before the real bpf_check(): 0 to go on, the errno
 * that refuses the load, or 1 to go on and decide after it (mainline).
 */
static int verifier_check(struct bpf_prog *prog, const union bpf_attr *attr,
			  bool kernel, struct bpfsig_decision *d)
{
	enum bpfsig_mode mode = bpfsig_mode_get();
	struct bpfsig_blob blob = {};
	u64 start;
	int ret;

	*d = (struct bpfsig_decision){
		.stage = BPFSIG_STAGE_VERIFIER,
		.prog_type = prog->type,
		.insn_cnt = prog->len,
		.name = prog->aux->name,
		.kernel = kernel,
		.unprivileged = !caller_bpf_capable(),
	};
	if (mode == BPFSIG_MODE_OFF) {
		strip_unchecked(prog, d);
		return 0;
	}
	if (kernel && !bpfsig_require_kernel_sig) {
		strip_unchecked(prog, d);
		d->verdict = BPFSIG_V_EXEMPT;
		d->mode = mode;
		d->action = BPFSIG_ALLOW;
		bpfsig_stats_count(d, 0);
		bpfsig_audit_decision(d);
		return 0;
	}
	start = local_clock();
	d->err = bpfsig_check_prog(prog, &blob, d);
	if (blob.total_len)
		prog->len = blob.insn_cnt;
	if (d->err == -ENODATA && mainline_check(attr, kernel, d))
		return 1;
	if (d->err == -ENODATA)
		d->err = bpfsig_loader_check(d, prog->type,
					     prog->expected_attach_type);
	ret = decide(d, mode, elapsed_ns(start));
	bpfsig_loader_done(d);
	return ret;
}

/**
 * hook_bpf_check() - bpf_check(), redirected: the verifier stage
 * @prog: as for bpf_check()
 * @attr: as for bpf_check()
 * @uattr: as for bpf_check()
 * @extra: as for bpf_check() since 6.12 (uattr_size; 7.3: attr_log)
 *
 * Checks the kernel's copy of the program, strips the appended region and
 * hands the load to the real bpf_check(), or refuses it (enforce mode).
 * On 7.3, a load with a mainline signature and no appendix is judged once
 * the real bpf_check() has verified that signature (mainline.c).
 *
 * Return: what bpf_check() returns, or the refusal: -EPERM (unsigned; or
 * any refusal, for a caller without CAP_BPF or CAP_SYS_ADMIN), -EBADMSG,
 * -ENOKEY, -EKEYREJECTED, -EKEYREVOKED, -ENOPKG, -ENOMEM (the errno
 * table, Documentation/admin-guide.md).
 */
#if defined(BPFSIG_KERNEL_7_3)
static int hook_bpf_check(struct bpf_prog **prog, union bpf_attr *attr,
			  bpfptr_t uattr, bpfsig_load_extra_t extra)
{
	struct bpfsig_decision d;
	u64 gen = bpfsig_trust_gen();
	int ret = verifier_check(*prog, attr, bpfptr_is_kernel(uattr), &d);

	if (ret >= 0) {
		int pending = ret;

		ret = static_call(bpfsig_orig_bpf_check)(prog, attr, uattr,
							 extra);
		if (pending)
			ret = mainline_decide(*prog, attr, &d, gen, ret);
	}
	module_put(THIS_MODULE);
	return ret;
}
#elif BPFSIG_LOAD_EXTRA
static int hook_bpf_check(struct bpf_prog **prog, union bpf_attr *attr,
			  bpfptr_t uattr, bpfsig_load_extra_t extra)
{
	struct bpfsig_decision d;
	int ret = verifier_check(*prog, attr, bpfptr_is_kernel(uattr), &d);

	if (!ret)
		ret = static_call(bpfsig_orig_bpf_check)(prog, attr, uattr,
							 extra);
	module_put(THIS_MODULE);
	return ret;
}
#else
static int hook_bpf_check(struct bpf_prog **prog, union bpf_attr *attr,
			  bpfptr_t uattr)
{
	struct bpfsig_decision d;
	int ret = verifier_check(*prog, attr, bpfptr_is_kernel(uattr), &d);

	if (!ret)
		ret = static_call(bpfsig_orig_bpf_check)(prog, attr, uattr);
	module_put(THIS_MODULE);
	return ret;
}
#endif

/*
 * The syscall stage reads an appended region of up to this many bytes
 * onto its stack (a signature by an RSA key of up to 3072 bits), a larger
 * one into an allocation: a warm load then allocates nothing here.
 */
#define EARLY_TAIL_ON_STACK	768

/* Checks 1-5 on the caller's buffer: 0 to go on, or the errno to refuse. */
static int early_check(union bpf_attr *attr, enum bpfsig_mode mode)
{
	struct bpfsig_decision d = {
		.stage = BPFSIG_STAGE_SYSCALL,
		.prog_type = attr->prog_type,
		.insn_cnt = attr->insn_cnt,
		.name = attr->prog_name,
		.unprivileged = !caller_bpf_capable(),
	};
	u64 len = (u64)attr->insn_cnt * sizeof(struct bpf_insn);
	void __user *insns = u64_to_user_ptr(attr->insns);
	u8 stack_tail[EARLY_TAIL_ON_STACK] __aligned(8);
	struct bpfsig_trailer trailer;
	struct bpfsig_blob blob;
	u32 tot, sig_len, eat;
	bool verified, copied;
	u64 start, gen;
	void *tail;

	if (kernel_refuses(attr, !d.unprivileged))
		return 0;
	start = local_clock();
	if (len < BPFSIG_TRAILER_SIZE) {
		d.err = -ENODATA;
	} else {
		if (copy_from_user(&trailer, insns + len - sizeof(trailer),
				   sizeof(trailer)))
			return 0;
		d.err = bpfsig_trailer_parse(&trailer, len, &tot, &sig_len);
	}
	if (!d.err) {
		tail = tot <= sizeof(stack_tail) ? stack_tail :
						    kmalloc(tot, GFP_KERNEL);
		if (!tail)
			return 0;
		copied = !copy_from_user(tail, insns + len - tot, tot);
		if (copied) {
			eat = bpfsig_load_attach_type(attr->prog_type,
						      attr->expected_attach_type);
			gen = bpfsig_trust_gen();
			d.err = bpfsig_check_tail(tail, tot, len,
						  attr->prog_type, eat, &blob,
						  &d, &verified);
			/* A cache hit: the verifier stage finds it there. */
			if (verified)
				bpfsig_inflight_put(tail, tot, gen);
		}
		if (tail != stack_tail)
			kfree(tail);
		if (!copied)
			return 0;
	}
	/*
	 * Unsigned, from an executable a trusted loader entry concerns: the
	 * verifier stage decides (and logs), as for any load of a loader.
	 */
	if (d.err == -ENODATA) {
		bpfsig_loader_check(&d, attr->prog_type,
				    bpfsig_load_attach_type(attr->prog_type,
							    attr->expected_attach_type));
		bpfsig_loader_done(&d);
		if (d.loader != BPFSIG_LOADER_NONE)
			d.err = 0;
	}
	/* Valid so far (or out of memory): the verifier stage decides. */
	if (!d.err || d.err == -ENOMEM) {
		bpfsig_stats_add_ns(elapsed_ns(start));
		return 0;
	}
	return decide(&d, mode, elapsed_ns(start));
}

/**
 * hook_bpf_prog_load() - bpf_prog_load(), redirected: the syscall stage
 * @attr: as for bpf_prog_load()
 * @uattr: as for bpf_prog_load()
 * @extra: as for bpf_prog_load() since 6.12 (uattr_size; 7.3: attr_log)
 *
 * In enforce mode, for a load from user space that the kernel would not
 * refuse by itself, checks the appended region in the caller's memory and
 * refuses it early if it is bad; any other load goes on unchecked here.
 *
 * Return: what bpf_prog_load() returns, or the refusal: -EPERM (unsigned;
 * or any refusal, for a caller without CAP_BPF or CAP_SYS_ADMIN),
 * -EBADMSG, -ENOKEY, -EKEYREJECTED, -EKEYREVOKED, -ENOPKG.
 */
static int early_enter(union bpf_attr *attr, bpfptr_t uattr)
{
	enum bpfsig_mode mode = bpfsig_mode_get();

	if (!bpfptr_is_kernel(uattr) && mode == BPFSIG_MODE_ENFORCE)
		return early_check(attr, mode);
	return 0;
}

static int early_exit(int ret)
{
	bpfsig_inflight_drop();
	module_put(THIS_MODULE);
	return ret;
}

#if BPFSIG_LOAD_EXTRA
static int hook_bpf_prog_load(union bpf_attr *attr, bpfptr_t uattr,
			      bpfsig_load_extra_t extra)
{
	int ret = early_enter(attr, uattr);

	if (!ret)
		ret = static_call(bpfsig_orig_bpf_prog_load)(attr, uattr,
							     extra);
	return early_exit(ret);
}
#else
static int hook_bpf_prog_load(union bpf_attr *attr, bpfptr_t uattr)
{
	int ret = early_enter(attr, uattr);

	if (!ret)
		ret = static_call(bpfsig_orig_bpf_prog_load)(attr, uattr);
	return early_exit(ret);
}
#endif

/*
 * register_ftrace_function() says -EBUSY both when another IPMODIFY user
 * holds the function and, for a permanent ops, when kernel.ftrace_enabled
 * is 0 (which a module cannot read). Only the former also refuses the
 * same ops without FTRACE_OPS_FL_PERMANENT: try that, and undo it.
 */
static bool ftrace_switched_off(struct hook *h)
{
	bool off;

	h->ops.flags &= ~FTRACE_OPS_FL_PERMANENT;
	off = !register_ftrace_function(&h->ops);
	if (off)
		unregister_ftrace_function(&h->ops);
	h->ops.flags |= FTRACE_OPS_FL_PERMANENT;
	return off;
}

/*
 * A function's first byte, from its __fentry__ call site. With IBT the call
 * follows an ENDBR64, or the NOP that sealed it at boot (gen_endbr_poison()).
 */
static unsigned long func_entry(unsigned long fentry)
{
#ifdef CONFIG_X86_KERNEL_IBT
	u32 insn;

	if (!get_kernel_nofault(insn, (u32 *)(fentry - ENDBR_INSN_SIZE)) &&
	    (insn == gen_endbr() || insn == gen_endbr_poison()))
		return fentry - ENDBR_INSN_SIZE;
#endif
	return fentry;
}

/*
 * Where @h->name's __fentry__ call is. A disabled kprobe resolves the
 * symbol (and steps over an ENDBR64) without ever being armed.
 */
static int find_fentry(struct hook *h)
{
	struct kprobe kp = {
		.symbol_name = h->name,
		.flags = KPROBE_FLAG_DISABLED,
	};
	int err;

	err = register_kprobe(&kp);
	if (err) {
		pr_err("cannot find %s(): %d\n", h->name, err);
		return err;
	}
	h->fentry = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return 0;
}

static int hook_register(struct hook *h)
{
	int err;

	err = find_fentry(h);
	if (err)
		return err;
	h->set_orig(func_entry(h->fentry));
	pr_info("%s(): entry %pS, __fentry__ at %pS\n", h->name,
		(void *)func_entry(h->fentry), (void *)h->fentry);
	h->ops.func = redirect;
	/* PERMANENT: kernel.ftrace_enabled cannot be cleared under us. */
	h->ops.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_RECURSION |
		       FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;
	err = ftrace_set_filter_ip(&h->ops, h->fentry, 0, 0);
	if (err) {
		pr_err("cannot trace %s(): %d\n", h->name, err);
		return err;
	}
	err = register_ftrace_function(&h->ops);
	if (err == -EBUSY && ftrace_switched_off(h))
		pr_err("cannot hook %s(): function tracing is off (kernel.ftrace_enabled=0)\n",
		       h->name);
	else if (err == -EBUSY)
		pr_err("%s() is already redirected by another ftrace user (livepatch, kprobe or another module)\n",
		       h->name);
	else if (err)
		pr_err("cannot hook %s(): %d\n", h->name, err);
	if (err) {
		ftrace_free_filter(&h->ops);
		return err;
	}
	h->registered = true;
	return 0;
}

static void hook_unregister(struct hook *h)
{
	if (!h->registered)
		return;
	unregister_ftrace_function(&h->ops);
	ftrace_free_filter(&h->ops);
	h->registered = false;
}

/**
 * bpfsig_early_stage_active() - is the syscall-stage hook installed?
 *
 * Return: true if bpf_prog_load() is redirected.
 */
bool bpfsig_early_stage_active(void)
{
	return early_hook.registered;
}

/**
 * bpfsig_hook_init() - redirect bpf_check(), then bpf_prog_load()
 *
 * The second one is optional: without it the module works with the
 * verifier stage alone, and says so.
 *
 * Return: 0, or why bpf_check() cannot be redirected: -EBUSY (another
 * IPMODIFY user holds it, or kernel.ftrace_enabled is 0; the log says
 * which), -EINVAL or -ENOENT (not traceable here), -ENOMEM, -ENODEV
 * (ftrace is disabled after an error).
 */
int bpfsig_hook_init(void)
{
	int err;

	err = hook_register(&verifier_hook);
	if (err)
		return err;
	if (hook_register(&early_hook))
		pr_warn("no early stage: loads are checked at bpf_check() only\n");
	return 0;
}

/*
 * The early hook first: a load that comes between the two is still
 * checked (or refused) at bpf_check(). Then wait, explicitly, for every
 * task to leave what the hooks redirected to (ftrace does so too, under
 * CONFIG_PREEMPTION): the refuse functions never sleep, and a wrapper
 * returns after module_put() without sleeping.
 */
void bpfsig_hook_exit(void)
{
	hook_unregister(&early_hook);
	hook_unregister(&verifier_hook);
	synchronize_rcu_tasks();
}
