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
 * Indirect branch tracking (CONFIG_X86_KERNEL_IBT): ftrace enters a wrapper
 * by returning into it, and each wrapper calls its original through a
 * static call, i.e. a direct call to the original's first byte, patched in
 * at init. No indirect call or jump goes to the original, which may begin
 * with a sealed (NOPed) ENDBR64, and nothing calls into its middle: the
 * call reaches the __fentry__ site, where redirect() recognises it.
 */
#include <linux/bpf.h>
#include <linux/bpfptr.h>
#include <linux/filter.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/static_call.h>
#include <linux/uaccess.h>
#include <asm/ibt.h>
#include "bpfsig.h"
#include "compat.h"

struct hook {
	const char *name;
	void *wrapper;
	unsigned long fentry;	/* the original's __fentry__ call site */
	void (*set_orig)(unsigned long entry);	/* aim its static call */
	bool (*wanted)(void);	/* redirect this call? */
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
	static_call_update(bpfsig_orig_bpf_check,
			   (void *)entry);
}

static void set_orig_bpf_prog_load(unsigned long entry)
{
	static_call_update(bpfsig_orig_bpf_prog_load,
			   (void *)entry);
}

static bool always(void)
{
	return true;
}

static bool enforcing(void)
{
	return bpfsig_mode_get() == BPFSIG_MODE_ENFORCE;
}

static struct hook verifier_hook = {
	.name = "bpf_check",
	.wrapper = hook_bpf_check,
	.set_orig = set_orig_bpf_check,
	.wanted = always,
};

static struct hook early_hook = {
	.name = "bpf_prog_load",
	.wrapper = hook_bpf_prog_load,
	.set_orig = set_orig_bpf_prog_load,
	.wanted = enforcing,
};

static void notrace redirect(unsigned long ip, unsigned long parent_ip,
			     struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	struct hook *h = container_of(ops, struct hook, ops);

	/* Our own call to the original function. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	if (!h->wanted() || !try_module_get(THIS_MODULE))
		return;
	bpfsig_set_ip(fregs, (unsigned long)h->wrapper);
}

/* Strip a well-formed appended region without judging it. */
static void strip_unchecked(struct bpf_prog *prog)
{
	u64 len = (u64)prog->len * sizeof(struct bpf_insn);
	struct bpfsig_blob blob;

	if (!bpfsig_blob_parse(prog->insnsi, len, &blob))
		prog->len = blob.insn_cnt;
}

static int verifier_check(struct bpf_prog *prog, bool kernel)
{
	enum bpfsig_mode mode = bpfsig_mode_get();
	struct bpfsig_decision d = {
		.stage = BPFSIG_STAGE_VERIFIER,
		.prog_type = prog->type,
		.insn_cnt = prog->len,
		.name = prog->aux->name,
		.kernel = kernel,
	};
	struct bpfsig_blob blob = {};
	u64 start;

	if (mode == BPFSIG_MODE_OFF) {
		strip_unchecked(prog);
		return 0;
	}
	if (kernel && !bpfsig_require_kernel_sig) {
		strip_unchecked(prog);
		d.verdict = BPFSIG_V_EXEMPT;
		bpfsig_report(&d, 0);
		return 0;
	}
	start = ktime_get_ns();
	d.err = bpfsig_check_prog(prog, &blob, &d);
	if (blob.total_len)
		prog->len = blob.insn_cnt;
	d.verdict = bpfsig_err_verdict(d.err);
	bpfsig_report(&d, ktime_get_ns() - start);
	if (!d.err || mode != BPFSIG_MODE_ENFORCE)
		return 0;
	return bpfsig_errno(d.err);
}

#if BPFSIG_LOAD_EXTRA
static int hook_bpf_check(struct bpf_prog **prog, union bpf_attr *attr,
			  bpfptr_t uattr, bpfsig_load_extra_t extra)
{
	int ret = verifier_check(*prog, bpfptr_is_kernel(uattr));

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
	int ret = verifier_check(*prog, bpfptr_is_kernel(uattr));

	if (!ret)
		ret = static_call(bpfsig_orig_bpf_check)(prog, attr, uattr);
	module_put(THIS_MODULE);
	return ret;
}
#endif

/* Checks 1-5 on the caller's buffer: 0 to go on, or the errno to refuse. */
static int early_check(union bpf_attr *attr)
{
	struct bpfsig_decision d = {
		.stage = BPFSIG_STAGE_SYSCALL,
		.prog_type = attr->prog_type,
		.insn_cnt = attr->insn_cnt,
		.name = attr->prog_name,
	};
	u64 len = (u64)attr->insn_cnt * sizeof(struct bpf_insn);
	void __user *insns = u64_to_user_ptr(attr->insns);
	struct bpfsig_trailer trailer;
	struct bpfsig_blob blob;
	u32 tot, sig_len, eat;
	u64 start;
	void *tail;

	/* Leave the kernel's own errors (EINVAL, E2BIG) to the kernel. */
	if (!attr->insn_cnt || attr->insn_cnt > BPF_COMPLEXITY_LIMIT_INSNS)
		return 0;
	start = ktime_get_ns();
	if (len < BPFSIG_TRAILER_SIZE) {
		d.err = -ENODATA;
	} else {
		if (copy_from_user(&trailer, insns + len - sizeof(trailer),
				   sizeof(trailer)))
			return 0;
		d.err = bpfsig_trailer_parse(&trailer, len, &tot, &sig_len);
	}
	if (!d.err) {
		tail = kmalloc(tot, GFP_KERNEL);
		if (!tail)
			return 0;
		if (copy_from_user(tail, insns + len - tot, tot)) {
			kfree(tail);
			return 0;
		}
		eat = bpfsig_load_attach_type(attr->prog_type,
					      attr->expected_attach_type);
		d.err = bpfsig_check_tail(tail, tot, len, attr->prog_type, eat,
					  &blob, &d, false);
		if (!d.err)
			bpfsig_inflight_put(tail, tot);
		else
			kfree(tail);
	}
	/* Valid so far (or out of memory): the verifier stage decides. */
	if (!d.err || d.err == -ENOMEM) {
		bpfsig_account_ns(ktime_get_ns() - start);
		return 0;
	}
	d.verdict = bpfsig_err_verdict(d.err);
	bpfsig_report(&d, ktime_get_ns() - start);
	return bpfsig_errno(d.err);
}

/* 0 to go on, or the errno that refuses the load before its copy. */
static int early_enter(union bpf_attr *attr, bpfptr_t uattr)
{
	if (!bpfptr_is_kernel(uattr) && enforcing())
		return early_check(attr);
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
	if (err == -EBUSY)
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

bool bpfsig_early_stage_active(void)
{
	return early_hook.registered;
}

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

void bpfsig_hook_exit(void)
{
	hook_unregister(&early_hook);
	hook_unregister(&verifier_hook);
}
