/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfsig - internal interfaces of the module.
 */
#ifndef _BPFSIG_H
#define _BPFSIG_H

#include <crypto/sha2.h>
#include <linux/bpf.h>
#include <linux/key.h>
#include <linux/types.h>
#include "format.h"
#include "compat.h"

enum bpfsig_mode {
	BPFSIG_MODE_OFF,
	BPFSIG_MODE_PERMISSIVE,
	BPFSIG_MODE_ENFORCE,
};

/* Whose keys can sign: the trusted set. */
enum bpfsig_trust {
	BPFSIG_TRUST_BPFSIG,	/* .bpfsig only (default) */
	BPFSIG_TRUST_SYSTEM,	/* .bpfsig, builtin and secondary trusted keys */
};

/* Verdicts, one counter each in securityfs "stats". */
enum bpfsig_verdict {
	BPFSIG_V_ACCEPTED,	/* valid signature */
	BPFSIG_V_UNSIGNED,	/* no trailer: EPERM */
	BPFSIG_V_MALFORMED,	/* EBADMSG */
	BPFSIG_V_NOKEY,		/* signer not trusted: ENOKEY */
	BPFSIG_V_REJECTED,	/* EKEYREJECTED */
	BPFSIG_V_REVOKED,	/* EKEYREVOKED */
	BPFSIG_V_NOPKG,		/* ENOPKG */
	BPFSIG_V_ERROR,		/* ENOMEM and other internal failures */
	BPFSIG_V_EXEMPT,	/* kernel-originated load, not checked */
	BPFSIG_V_MAINLINE,	/* the kernel's own signature, trusted keyring */
	BPFSIG_V_LOADER,	/* unsigned, from a trusted loader (loader.c) */
	BPFSIG_V_LOADER_TYPE,	/* from a trusted loader, type not its: EPROTOTYPE */
	BPFSIG_V_NR,
};

/* What the trusted loaders say about an unsigned load (loader.c). */
enum bpfsig_loader_state {
	BPFSIG_LOADER_NONE,	/* no entry concerns the caller's executable */
	BPFSIG_LOADER_TRUSTED,	/* its digest's entry allows this load */
	BPFSIG_LOADER_TYPE,	/* its digest's entry lacks this type */
	BPFSIG_LOADER_CHANGED,	/* an entry for its path, not its digest */
};

#define BPFSIG_LOADER_PATH_MAX 256

enum bpfsig_stage {
	BPFSIG_STAGE_SYSCALL,	/* bpf_prog_load() entry, caller's buffer */
	BPFSIG_STAGE_VERIFIER,	/* bpf_check() entry, kernel's copy */
};

/* What happens to a load, given its verdict and the mode. */
enum bpfsig_action {
	BPFSIG_ALLOW,			/* accepted, or exempt */
	BPFSIG_DENY,			/* refused: enforce mode */
	BPFSIG_ALLOW_PERMISSIVE,	/* enforce would refuse it */
};

/**
 * struct bpfsig_decision - one load's check: everything its log line, audit
 *	record and counters say, so that they agree with what happened
 * @err: 0 or the negative errno of the verdict (the errno table)
 * @verdict: the verdict @err maps to
 * @mode: the mode the decision was made with
 * @action: what happens to the load (from @verdict and @mode)
 * @stage: where the decision was taken
 * @prog_type: the load's program type
 * @insn_cnt: the program's own instructions: those the caller passed, less
 *	the appended region once it parses (all of them until then, and for
 *	a load whose region is missing or does not parse)
 * @appendix_len: bytes of the appended region, once it parses; else 0
 * @name: program name, BPF_OBJ_NAME_LEN bytes, NUL-terminated only when
 *	shorter (at the syscall stage: attr->prog_name, unchecked); untrusted
 * @keyid: signer key id the statement claims, if parsed (verified only if
 *	the verdict says the signature is)
 * @keyid_len: its length (0 if none)
 * @kernel: the load came from inside the kernel (uattr.is_kernel)
 * @unprivileged: the caller has neither CAP_BPF nor CAP_SYS_ADMIN: a
 *	refusal tells it EPERM only, never which check failed (which would
 *	tell it which keys are trusted)
 * @sig_reused: the verifier stage relied on the syscall stage's
 *	verification of this very signature, made under the same trust
 *	generation (inflight.c)
 * @mainline: no appendix of bpfsig's; the load is judged by the kernel's
 *	own signature (mainline.c): accepted means BPFSIG_V_MAINLINE
 * @loader: for an unsigned load, what the trusted loaders say
 * @loader_digest: SHA-256 of the caller's executable (@loader set)
 * @loader_path: its path, kmalloc()ed (bpfsig_loader_done() frees it)
 */
struct bpfsig_decision {
	int err;
	enum bpfsig_verdict verdict;
	enum bpfsig_mode mode;
	enum bpfsig_action action;
	enum bpfsig_stage stage;
	u32 prog_type;
	u32 insn_cnt;
	u32 appendix_len;
	const char *name;
	u8 keyid[BPFSIG_MAX_KEYID_LEN];
	u8 keyid_len;
	bool kernel;
	bool unprivileged;
	bool sig_reused;
	bool mainline;
	enum bpfsig_loader_state loader;
	u8 loader_digest[32];
	char *loader_path;
};

/**
 * bpfsig_errno() - the errno a refused load returns
 * @err: 0 or a negative errno from the checks
 *
 * Return: @err, except -EPERM for an unsigned program (-ENODATA).
 */
static inline int bpfsig_errno(int err)
{
	return err == -ENODATA ? -EPERM : err;
}

/**
 * bpfsig_decision_errno() - the errno a decision gives its load
 * @d: a decision whose verdict is set
 *
 * Return: 0 for an accepted or exempt load, else the errno the load gets
 * in enforce mode (or would get, in permissive mode): -EPERM for an
 * unprivileged caller, bpfsig_errno() of the check's result otherwise.
 */
static inline int bpfsig_decision_errno(const struct bpfsig_decision *d)
{
	if (d->verdict == BPFSIG_V_ACCEPTED || d->verdict == BPFSIG_V_EXEMPT ||
	    d->verdict == BPFSIG_V_MAINLINE || d->verdict == BPFSIG_V_LOADER)
		return 0;
	return d->unprivileged ? -EPERM : bpfsig_errno(d->err);
}

/**
 * bpfsig_err_verdict() - the verdict of a check's result (the errno table)
 * @err: 0 or a negative errno from bpfsig_check_*()
 *
 * Return: the verdict.
 */
static inline enum bpfsig_verdict bpfsig_err_verdict(int err)
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
	case -EPROTOTYPE:
		return BPFSIG_V_LOADER_TYPE;
	}
	return BPFSIG_V_ERROR;
}

/* Names, as the log, the audit records and securityfs spell them. */
static inline const char *bpfsig_mode_name(enum bpfsig_mode mode)
{
	switch (mode) {
	case BPFSIG_MODE_OFF:
		return "off";
	case BPFSIG_MODE_PERMISSIVE:
		return "permissive";
	case BPFSIG_MODE_ENFORCE:
		return "enforce";
	}
	return "?";
}

static inline const char *bpfsig_trust_name(enum bpfsig_trust trust)
{
	return trust == BPFSIG_TRUST_SYSTEM ? "bpfsig+system" : "bpfsig";
}

static inline const char *bpfsig_verdict_name(enum bpfsig_verdict verdict)
{
	switch (verdict) {
	case BPFSIG_V_ACCEPTED:
		return "accepted";
	case BPFSIG_V_UNSIGNED:
		return "unsigned";
	case BPFSIG_V_MALFORMED:
		return "malformed";
	case BPFSIG_V_NOKEY:
		return "nokey";
	case BPFSIG_V_REJECTED:
		return "rejected";
	case BPFSIG_V_REVOKED:
		return "revoked";
	case BPFSIG_V_NOPKG:
		return "nopkg";
	case BPFSIG_V_ERROR:
		return "error";
	case BPFSIG_V_EXEMPT:
		return "kernel_exempt";
	case BPFSIG_V_MAINLINE:
		return "mainline";
	case BPFSIG_V_LOADER:
		return "loader";
	case BPFSIG_V_LOADER_TYPE:
		return "loader_type";
	case BPFSIG_V_NR:
		break;
	}
	return "?";
}

static inline const char *bpfsig_loader_name(enum bpfsig_loader_state s)
{
	switch (s) {
	case BPFSIG_LOADER_NONE:
		return "none";
	case BPFSIG_LOADER_TRUSTED:
		return "trusted";
	case BPFSIG_LOADER_TYPE:
		return "type_not_allowed";
	case BPFSIG_LOADER_CHANGED:
		return "file_changed";
	}
	return "?";
}

static inline const char *bpfsig_action_name(enum bpfsig_action action)
{
	switch (action) {
	case BPFSIG_ALLOW:
		return "allow";
	case BPFSIG_DENY:
		return "deny";
	case BPFSIG_ALLOW_PERMISSIVE:
		return "allow-permissive";
	}
	return "?";
}

static inline const char *bpfsig_stage_name(enum bpfsig_stage stage)
{
	return stage == BPFSIG_STAGE_SYSCALL ? "syscall" : "verifier";
}

/* policy.c; the parameters of main.c set the first two */
extern bool bpfsig_require_kernel_sig;
extern bool bpfsig_require_chain;
#define BPFSIG_MAX_REVOKED 4096
enum bpfsig_mode bpfsig_mode_get(void);
int bpfsig_mode_set(enum bpfsig_mode mode, enum bpfsig_mode *old);
int bpfsig_mode_parse(const char *s, enum bpfsig_mode *mode);
u64 bpfsig_trust_gen(void);
void bpfsig_trust_changed(void);
enum bpfsig_trust bpfsig_trust_get(void);
int bpfsig_trust_set(enum bpfsig_trust trust, enum bpfsig_trust *old);
int bpfsig_trust_parse(const char *s, enum bpfsig_trust *trust);
bool bpfsig_locked(void);
bool bpfsig_lock(void);
int bpfsig_revoke_add(const u8 digest[32]);
bool bpfsig_revoked(const u8 digest[32]);
const u8 *bpfsig_revoked_nth(loff_t pos);
void bpfsig_policy_exit(void);

/* gate.c: the checks */
int bpfsig_gate_init(void);
void bpfsig_gate_exit(void);
int bpfsig_check_tail(const void *tail, u32 tail_len, u64 buf_len,
		      u32 prog_type, u32 expected_attach_type,
		      struct bpfsig_blob *blob, struct bpfsig_decision *d,
		      bool *verified);
int bpfsig_check_prog(struct bpf_prog *prog, struct bpfsig_blob *blob,
		      struct bpfsig_decision *d);
const char *bpfsig_hash_driver(void);
int bpfsig_verify_detached(const void *data, size_t len, const void *sig,
			   size_t sig_len);

/* loader.c: trusted loaders */
struct seq_file;
int bpfsig_loader_check(struct bpfsig_decision *d, u32 prog_type,
			u32 attach_type);
void bpfsig_loader_done(struct bpfsig_decision *d);
int bpfsig_loader_add(const u8 *buf, size_t len, char *line, size_t size,
		      u8 *digest);
int bpfsig_loader_remove(const u8 *digest);
int bpfsig_loader_show(struct seq_file *m);
void bpfsig_loader_exit(void);

/* inflight.c */
void bpfsig_inflight_put(const void *tail, u32 len, u64 gen);
bool bpfsig_inflight_verified(const void *tail, u32 len, u64 gen);
void bpfsig_inflight_drop(void);

/* keyring.c */
extern struct key *bpfsig_keyring;
int bpfsig_keyring_init(void);
void bpfsig_keyring_exit(void);
int bpfsig_key_add(const void *der, size_t len, key_serial_t *serial,
		   char *desc, size_t desc_size);
int bpfsig_key_remove(key_serial_t serial, char *desc, size_t desc_size);

/* stats.c: the counters */
struct seq_file;
void bpfsig_stats_count(const struct bpfsig_decision *d, u64 ns);
void bpfsig_stats_add_ns(u64 ns);
int bpfsig_stats_show(struct seq_file *m, bool early_stage);

/* audit.c: kernel log lines and audit records */
void bpfsig_audit_decision(const struct bpfsig_decision *d);
void bpfsig_audit_change(const char *what, const char *old, const char *new);
void bpfsig_audit_key(const char *what, key_serial_t serial,
		      const char *desc);

/* securityfs.c */
int bpfsig_fs_init(void);
void bpfsig_fs_ready(void);
void bpfsig_fs_exit(void);

/* mainline.c: the kernel's own signatures, 7.3 only */
#ifdef BPFSIG_KERNEL_7_3
int bpfsig_mainline_keyring(const union bpf_attr *attr);
int bpfsig_mainline_verdict(struct bpf_prog *prog, const union bpf_attr *attr,
			    u64 gen);
int bpfsig_mainline_chain(const union bpf_attr *attr);
void bpfsig_mainline_exit(void);
#else
static inline void bpfsig_mainline_exit(void)
{
}
#endif

/* hook.c */
int bpfsig_hook_init(void);
void bpfsig_hook_exit(void);
bool bpfsig_early_stage_active(void);

/* cache.c: verified signatures */
struct bpfsig_cache_entry;
bool bpfsig_cache_lookup(const struct bpfsig_blob *blob, u64 gen,
			 bool count_hit);
struct bpfsig_cache_entry *bpfsig_cache_get(const struct bpfsig_blob *blob,
					    u64 gen, bool count);
void bpfsig_cache_put(struct bpfsig_cache_entry *e);
const u8 *bpfsig_cache_digest(const struct bpfsig_cache_entry *e);
bool bpfsig_cache_same_insns(const struct bpfsig_cache_entry *e,
			     const struct bpf_insn *insns, u32 cnt);
void bpfsig_cache_keep_insns(struct bpfsig_cache_entry *e,
			     const struct bpf_insn *insns, u32 cnt);
void bpfsig_cache_add(const struct bpfsig_blob *blob, u64 gen,
		      const u8 digest[SHA256_DIGEST_SIZE]);
void bpfsig_cache_show(struct seq_file *m);
void bpfsig_cache_exit(void);

#endif /* _BPFSIG_H */
