// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig-preload.so: saying so when the kernel's bpfsig refuses a load.
 *
 * A loader that knows nothing of bpfsig reports a refused BPF_PROG_LOAD
 * with its own guess at the cause (libbpf: "Couldn't load trivial BPF
 * program. Make sure your kernel supports BPF (CONFIG_BPF_SYSCALL=y)
 * and/or that RLIMIT_MEMLOCK is set to big enough value."). Before such a
 * guess reaches the user, one line from here says what happened.
 *
 * The errno alone does not prove that bpfsig refused a load (the kernel
 * itself returns EPERM for missing capabilities, for one), so a load is
 * attributed to bpfsig only when (1) it failed with one of bpfsig's errnos
 * (Documentation/admin-guide.md, "The errno table"), (2) one of the
 * module's refusal counters (securityfs "stats") moved while the load was
 * in the kernel, and (3) the module is in enforce mode, when the "mode"
 * file can be read (root only). A load elsewhere on the system, refused at
 * the same moment, can still be mistaken for this one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>

#include "libbpfsig_internal.h"
#include "refusal.h"

#define SECURITYFS "/sys/kernel/security/bpfsig"

/* bpfsig's refusal outcomes: counter in stats, errno, why (admin guide) */
static const struct {
	const char *counter;
	int err;
	const char *name;
	const char *why;
} outcomes[BPFSIG_OUTCOMES] = {
	{ "unsigned",	EPERM,		"EPERM",	"not signed" },
	{ "malformed",	EBADMSG,	"EBADMSG",	"malformed signature" },
	{ "nokey",	ENOKEY,		"ENOKEY",	"signed by a key it does not trust" },
	{ "rejected",	EKEYREJECTED,	"EKEYREJECTED",	"the signature does not describe this load or does not verify" },
	{ "revoked",	EKEYREVOKED,	"EKEYREVOKED",	"the signed statement, or its key, is revoked" },
	{ "nopkg",	ENOPKG,		"ENOPKG",	"an algorithm it does not support" },
	{ "error",	ENOMEM,		"ENOMEM",	"it ran out of memory" },
};

/*
 * The last load explained: the same load failing again right after it is
 * libbpf retrying to fetch the verifier log, and is not explained twice.
 */
static __thread struct {
	__u64 hash;
	__u32 type, insn_cnt;
	int err;
} last;

__u64 bpfsig_load_hash(const union bpf_attr *attr)
{
	const unsigned char *p = (const void *)(unsigned long)attr->insns;
	__u64 h = 0xcbf29ce484222325ull;
	size_t i, n = (size_t)attr->insn_cnt * sizeof(struct bpf_insn);

	for (i = 0; i < sizeof(attr->prog_name); i++)
		h = (h ^ (unsigned char)attr->prog_name[i]) * 0x100000001b3ull;
	for (i = 0; p && i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static FILE *open_sfs(const char *file)
{
	const char *dir = getenv("BPFSIG_SECURITYFS");
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : SECURITYFS,
		 file);
	return fopen(path, "re");
}

int bpfsig_refusal_counters(struct bpfsig_counters *c)
{
	unsigned long long v;
	char name[64];
	FILE *f;
	int i, n = 0;

	f = open_sfs("stats");
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %llu", name, &v) == 2) {
		for (i = 0; i < BPFSIG_OUTCOMES; i++) {
			if (!strcmp(name, outcomes[i].counter)) {
				c->v[i] = v;
				n++;
			}
		}
	}
	fclose(f);
	return n == BPFSIG_OUTCOMES ? 0 : -ENODATA;
}

/* Not enforcing, as far as we can tell: nothing bpfsig refuses. */
static bool not_enforcing(void)
{
	char mode[32] = "";
	FILE *f = open_sfs("mode");

	if (!f)
		return false;	/* root only: cannot tell */
	if (!fgets(mode, sizeof(mode), f))
		mode[0] = 0;
	fclose(f);
	return strncmp(mode, "enforce", 7) != 0;
}

/* The outcome whose counter moved, preferring the one of @err: or -1. */
static int moved_outcome(const struct bpfsig_counters *before,
			 const struct bpfsig_counters *after, int err)
{
	int i, found = -1;

	for (i = 0; i < BPFSIG_OUTCOMES; i++) {
		if (after->v[i] == before->v[i])
			continue;
		if (outcomes[i].err == err)
			return i;
		if (found < 0)
			found = i;
	}
	return found;
}

/* The name of @err if it is one of bpfsig's errnos, else NULL. */
static const char *errno_name(int err)
{
	int i;

	for (i = 0; i < BPFSIG_OUTCOMES; i++)
		if (outcomes[i].err == err)
			return outcomes[i].name;
	return NULL;
}

/*
 * libbpf's "make sure basic loading works" probe, "r0 = 0; exit" as a
 * socket filter, then as a tracepoint program: when both are refused,
 * libbpf blames the kernel's configuration and RLIMIT_MEMLOCK.
 */
static bool trivial_probe(const union bpf_attr *attr)
{
	static const struct bpf_insn ret0[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	const void *insns = (const void *)(unsigned long)attr->insns;

	return !attr->prog_name[0] && attr->insn_cnt == 2 && insns &&
	       !memcmp(insns, ret0, sizeof(ret0)) &&
	       (attr->prog_type == BPF_PROG_TYPE_SOCKET_FILTER ||
		attr->prog_type == BPF_PROG_TYPE_TRACEPOINT);
}

void bpfsig_refusal_explain(const void *uattr, unsigned int size, long ret,
			    const struct bpfsig_counters *before)
{
	struct bpfsig_counters after;
	union bpf_attr *attr;
	int err = -ret, o;
	__u64 h;

	if (ret >= 0) {
		memset(&last, 0, sizeof(last));
		return;
	}
	if (!errno_name(err) || bpfsig_refusal_counters(&after))
		return;
	o = moved_outcome(before, &after, err);
	if (o < 0 || not_enforcing())
		return;
	attr = bpfsig_attr_copy(uattr, size);
	if (!attr)
		return;
	h = bpfsig_load_hash(attr);
	if (last.err == err && last.type == attr->prog_type &&
	    last.insn_cnt == attr->insn_cnt && last.hash == h) {
		free(attr);
		return;
	}
	last.err = err;
	last.type = attr->prog_type;
	last.insn_cnt = attr->insn_cnt;
	last.hash = h;
	fprintf(stderr,
		"bpfsig-preload: the kernel's bpfsig refused BPF_PROG_LOAD '%.16s' (type %s, %u insns): %s (%s)%s\n",
		attr->prog_name,
		libbpf_bpf_prog_type_str(attr->prog_type) ?: "?",
		attr->insn_cnt, outcomes[o].why, errno_name(err),
		trivial_probe(attr) ?
		"; libbpf's advice about CONFIG_BPF_SYSCALL and RLIMIT_MEMLOCK, if it follows, does not apply" :
		"");
	free(attr);
}
