// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - what the kernel log and the audit subsystem hear: one line and
 * one record per decision, one record per change of policy. Everything a
 * record says comes from its arguments (the decision carries the mode it
 * was made with), never from the state of the moment.
 */
#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include "bpfsig.h"

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

/* The errno the load gets, or would get in enforce mode; 0 if accepted. */
static int refusal(const struct bpfsig_decision *d)
{
	return -bpfsig_decision_errno(d);
}

static void audit(const struct bpfsig_decision *d, int name_len)
{
	struct audit_buffer *ab = audit_start();

	if (!ab)
		return;
	audit_log_format(ab, "op=bpfsig action=%s verdict=%s errno=%d",
			 bpfsig_action_name(d->action),
			 bpfsig_verdict_name(d->verdict), refusal(d));
	audit_log_format(ab, " mode=%s stage=%s", bpfsig_mode_name(d->mode),
			 bpfsig_stage_name(d->stage));
	audit_task(ab);
	audit_log_format(ab, " prog_type=%u insn_cnt=%u appendix_len=%u kernel=%d",
			 d->prog_type, d->insn_cnt, d->appendix_len, d->kernel);
	audit_untrusted(ab, "prog_name", d->name ? d->name : "", name_len);
	if (d->keyid_len)
		audit_log_format(ab, " claimed_signer=%*phN", d->keyid_len,
				 d->keyid);
	else
		audit_log_format(ab, " claimed_signer=?");
	if (d->loader != BPFSIG_LOADER_NONE) {
		audit_log_format(ab, " loader=%s loader_digest=%*phN",
				 bpfsig_loader_name(d->loader),
				 (int)sizeof(d->loader_digest),
				 d->loader_digest);
		audit_untrusted(ab, "loader_path", d->loader_path,
				strlen(d->loader_path));
	}
	audit_log_end(ab);
}

/*
 * The key id a decision names is the one the statement claims: it is
 * covered by the signature, but whether the signature verifies is what the
 * verdict says. Hence "claimed_signer".
 */

/**
 * bpfsig_audit_decision() - log and audit one decision
 * @d: the decision, complete (verdict, mode and action set)
 */
void bpfsig_audit_decision(const struct bpfsig_decision *d)
{
	int name_len = d->name ? strnlen(d->name, BPF_OBJ_NAME_LEN) : 0;
	bool lo = d->loader != BPFSIG_LOADER_NONE;

	pr_info_ratelimited("action=%s verdict=%s errno=%d stage=%s pid=%d comm=%*pE prog_type=%u insn_cnt=%u appendix_len=%u kernel=%d prog_name=%*pE claimed_signer=%*phN%s%s%s%*phN%s%*pE\n",
			    bpfsig_action_name(d->action),
			    bpfsig_verdict_name(d->verdict), refusal(d),
			    bpfsig_stage_name(d->stage), task_tgid_nr(current),
			    (int)strnlen(current->comm, TASK_COMM_LEN),
			    current->comm, d->prog_type, d->insn_cnt,
			    d->appendix_len, d->kernel, name_len,
			    d->name ? d->name : "", d->keyid_len, d->keyid,
			    lo ? " loader=" : "",
			    lo ? bpfsig_loader_name(d->loader) : "",
			    lo ? " loader_digest=" : "",
			    lo ? (int)sizeof(d->loader_digest) : 0,
			    d->loader_digest, lo ? " loader_path=" : "",
			    lo ? (int)strlen(d->loader_path) : 0,
			    lo ? d->loader_path : "");
	audit(d, name_len);
}

/**
 * bpfsig_audit_change() - audit a change of policy made through securityfs
 * @what: "mode", "lock", "revoke", "loader_add" or "loader_remove"
 * @old: the value before (for "loader_remove": "sha256=" and the digest)
 * @new: the value after (for "revoke": the statement digest, in hex; for
 *	"loader_add": "sha256=" and the executable's digest)
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
 * bpfsig_audit_key() - audit a key added to or removed from .bpfsig
 * @what: "key_add" or "key_remove"
 * @serial: the key
 * @desc: its description ("CN: key id"; untrusted)
 */
void bpfsig_audit_key(const char *what, key_serial_t serial,
		      const char *desc)
{
	struct audit_buffer *ab = audit_start();

	if (!ab)
		return;
	audit_log_format(ab, "op=bpfsig_policy change=%s key=%d", what, serial);
	audit_untrusted(ab, "desc", desc, strlen(desc));
	audit_task(ab);
	audit_log_end(ab);
}
