// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - reporting decisions: counters, kernel log, audit.
 */
#include <linux/atomic.h>
#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include "bpfsig.h"

static atomic64_t counts[BPFSIG_V_NR];
static atomic64_t early_refusals;
static atomic64_t sig_reused;
static atomic64_t ns_total;
static atomic64_t ns_max;

static const char *const verdict_names[BPFSIG_V_NR] = {
	[BPFSIG_V_ACCEPTED] = "accepted",
	[BPFSIG_V_UNSIGNED] = "unsigned",
	[BPFSIG_V_MALFORMED] = "malformed",
	[BPFSIG_V_NOKEY] = "nokey",
	[BPFSIG_V_REJECTED] = "rejected",
	[BPFSIG_V_REVOKED] = "revoked",
	[BPFSIG_V_NOPKG] = "nopkg",
	[BPFSIG_V_ERROR] = "error",
	[BPFSIG_V_EXEMPT] = "kernel_exempt",
};

/**
 * bpfsig_err_verdict() - the verdict of a check's result (the errno table)
 * @err: 0 or a negative errno from bpfsig_check_*()
 *
 * Return: the verdict.
 */
enum bpfsig_verdict bpfsig_err_verdict(int err)
{
	switch (err) {
	case 0:
		return BPFSIG_V_ACCEPTED;
	case -ENODATA:
		return BPFSIG_V_UNSIGNED;
	case -EBADMSG:
		return BPFSIG_V_MALFORMED;
	case -ENOKEY:
		return BPFSIG_V_NOKEY;
	case -EKEYREJECTED:
		return BPFSIG_V_REJECTED;
	case -EKEYREVOKED:
		return BPFSIG_V_REVOKED;
	case -ENOPKG:
		return BPFSIG_V_NOPKG;
	}
	return BPFSIG_V_ERROR;
}

/**
 * bpfsig_account_ns() - add time spent checking to the stats
 * @ns: nanoseconds one stage spent on one load
 *
 * For a load the syscall stage lets through, its time is added here; the
 * verifier stage's decision adds its own through bpfsig_report().
 */
void bpfsig_account_ns(u64 ns)
{
	s64 max = atomic64_read(&ns_max);

	atomic64_add(ns, &ns_total);
	while ((s64)ns > max) {
		s64 old = atomic64_cmpxchg(&ns_max, max, ns);

		if (old == max)
			break;
		max = old;
	}
}

static void account(const struct bpfsig_decision *d, u64 ns)
{
	atomic64_inc(&counts[d->verdict]);
	if (d->verdict == BPFSIG_V_EXEMPT)
		return;
	if (d->stage == BPFSIG_STAGE_SYSCALL)
		atomic64_inc(&early_refusals);
	if (d->sig_reused)
		atomic64_inc(&sig_reused);
	bpfsig_account_ns(ns);
}

/*
 * Untrusted strings, as audit_log_n_untrustedstring() (not exported) logs
 * them: quoted when they hold only printable non-space characters and no
 * quote, hex-encoded otherwise.
 */
static void audit_untrusted(struct audit_buffer *ab, const char *key,
			    const char *s, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (s[i] == '"' || s[i] < 0x21 || s[i] > 0x7e)
			break;
	if (i == len)
		audit_log_format(ab, " %s=\"%.*s\"", key, len, s);
	else
		audit_log_format(ab, " %s=%*phN", key, len, s);
}

/* A record of ours, or NULL when audit is off or cannot take it. */
static struct audit_buffer *audit_start(void)
{
	if (!audit_enabled)
		return NULL;
	return audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
}

/* pid, uid and comm of the task, common to every record. */
static void audit_task(struct audit_buffer *ab)
{
	audit_log_format(ab, " pid=%d uid=%u", task_tgid_nr(current),
			 from_kuid(&init_user_ns, current_uid()));
	audit_untrusted(ab, "comm", current->comm,
			strnlen(current->comm, TASK_COMM_LEN));
}

static void audit(const struct bpfsig_decision *d, const char *action,
		  int name_len)
{
	struct audit_buffer *ab = audit_start();

	if (!ab)
		return;
	audit_log_format(ab, "op=bpfsig action=%s verdict=%s errno=%d",
			 action, verdict_names[d->verdict], -bpfsig_errno(d->err));
	audit_log_format(ab, " mode=%s stage=%s",
			 bpfsig_mode_name(bpfsig_mode_get()),
			 d->stage == BPFSIG_STAGE_SYSCALL ? "syscall" :
			 "verifier");
	audit_task(ab);
	audit_log_format(ab, " prog_type=%u insn_cnt=%u kernel=%d",
			 d->prog_type, d->insn_cnt, d->kernel);
	audit_untrusted(ab, "prog_name", d->name ? d->name : "", name_len);
	if (d->keyid_len)
		audit_log_format(ab, " signer=%*phN", d->keyid_len, d->keyid);
	else
		audit_log_format(ab, " signer=?");
	audit_log_end(ab);
}

/**
 * bpfsig_report() - count, log and audit one decision
 * @d: the decision (verdict and err set)
 * @ns: time it took, in nanoseconds
 */
void bpfsig_report(struct bpfsig_decision *d, u64 ns)
{
	int name_len = d->name ? strnlen(d->name, BPF_OBJ_NAME_LEN) : 0;
	const char *action;

	account(d, ns);
	if (d->verdict == BPFSIG_V_EXEMPT || d->verdict == BPFSIG_V_ACCEPTED)
		action = "allow";
	else if (bpfsig_mode_get() == BPFSIG_MODE_ENFORCE)
		action = "deny";
	else
		action = "allow-permissive";

	pr_info_ratelimited("action=%s verdict=%s errno=%d stage=%s pid=%d comm=%*pE prog_type=%u insn_cnt=%u kernel=%d prog_name=%*pE signer=%*phN\n",
			    action, verdict_names[d->verdict],
			    -bpfsig_errno(d->err), d->stage == BPFSIG_STAGE_SYSCALL ? "syscall" :
			    "verifier", task_tgid_nr(current),
			    (int)strnlen(current->comm, TASK_COMM_LEN),
			    current->comm, d->prog_type, d->insn_cnt, d->kernel, name_len,
			    d->name ? d->name : "", d->keyid_len, d->keyid);
	audit(d, action, name_len);
}

/**
 * bpfsig_audit_change() - audit a change of policy made through securityfs
 * @what: "mode", "lock" or "revoke"
 * @old: the value before
 * @new: the value after (for "revoke": the statement digest, in hex)
 */
void bpfsig_audit_change(const char *what, const char *old, const char *new)
{
	struct audit_buffer *ab = audit_start();

	if (!ab)
		return;
	audit_log_format(ab, "op=bpfsig_policy change=%s old=%s new=%s",
			 what, old, new);
	audit_task(ab);
	audit_log_end(ab);
}

/**
 * bpfsig_stats_show() - the counters, one "name value" per line
 * @buf: output
 * @size: its size
 *
 * Return: bytes written.
 */
int bpfsig_stats_show(char *buf, size_t size)
{
	int i, len = 0;

	for (i = 0; i < BPFSIG_V_NR; i++)
		len += scnprintf(buf + len, size - len, "%s %lld\n",
				 verdict_names[i], atomic64_read(&counts[i]));
	len += scnprintf(buf + len, size - len,
			 "syscall_stage_refusals %lld\nsyscall_stage_verified %lld\ndecision_ns_total %lld\ndecision_ns_max %lld\nsyscall_stage %d\n",
			 atomic64_read(&early_refusals),
			 atomic64_read(&sig_reused),
			 atomic64_read(&ns_total), atomic64_read(&ns_max),
			 bpfsig_early_stage_active());
	return len;
}
