// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: verifying a signed BPF ELF object offline.
 *
 * The object is prepared again by libbpf under the simulated kernel
 * (sim.c) for every target kernel BTF, and every program load must find a
 * signature that verifies with the certificate -- appended exactly as
 * bpfsig_object__load() appends it, checked as the kernel checks it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "libbpfsig_internal.h"
#include "bpfsig_sec.h"

struct target {
	const char *path;
	__u8 sha[32];
};

struct vctx {
	const char *path;
	const struct bpfsig_key *cert;
	const struct bpfsig_sigset *set;
	const char *target;
	bool *used;		/* per record: matched by a simulated load */
	bool default_target;	/* no target BTF given: the running kernel's */
	struct bpfsig_obj_verify_info info;
	int err;		/* the first failure */
};

static void fail(struct vctx *v, int err)
{
	if (!v->err)
		v->err = err;
}

/* @r and the records with the same appendix (signed for several targets) */
static void mark_used(struct vctx *v, const struct bpfsig_record *r)
{
	const struct bpfsig_record *o;
	size_t i;

	for (i = 0; i < bpfsig_sigset__cnt(v->set); i++) {
		o = bpfsig_sigset__record(v->set, i);
		if (o->appendix_len == r->appendix_len &&
		    !memcmp(o->appendix, r->appendix, r->appendix_len))
			v->used[i] = true;
	}
}

static int verify_load(const struct bpfsig_sim_load *ld, void *ctx)
{
	BPFSIG_OPTS(bpfsig_verify_opts, vopts,
		.check_type = true,
		.prog_type = ld->prog_type,
		.expected_attach_type = ld->expected_attach_type,
	);
	struct vctx *v = ctx;
	const struct bpfsig_record *r;
	size_t len;
	void *buf;
	int err;

	r = bpfsig_sigset__find(v->set, ld->prog_type,
				ld->expected_attach_type, ld->insns,
				ld->insn_cnt);
	if (!r && ld->probe) {
		v->info.probes_unsigned++;
		return 0;
	}
	if (!r) {
		pr_warn("%s: program '%s' (%s, %u insns) has no signature for target %s\n",
			v->path, ld->name,
			libbpf_bpf_prog_type_str(ld->prog_type) ?: "?",
			ld->insn_cnt, v->target);
		fail(v, -ENODATA);
		return 0;
	}
	mark_used(v, r);
	buf = bpfsig_insns_append(ld->insns, ld->insn_cnt, r, &len);
	if (!buf)
		return -ENOMEM;
	err = bpfsig_verify_blob(v->cert, buf, len, &vopts, NULL);
	free(buf);
	if (err) {
		pr_warn("%s: %s%s%s: %s\n", v->path,
			ld->probe ? "libbpf probe" : "program '", ld->name,
			ld->probe ? "" : "'", bpfsig_strerror(err));
		fail(v, err);
	} else if (!ld->probe) {
		v->info.programs++;
	}
	return 0;
}

/* The bundles of @opts, or else the object's own .bpfsig section. */
static int collect_sigs(const char *path,
			const struct bpfsig_obj_verify_opts *opts,
			struct bpfsig_sigset *set)
{
	const char **sigs = OPTS_GET(opts, sig_paths, NULL);
	size_t i, n = OPTS_GET(opts, sig_path_cnt, 0);
	int err;

	for (i = 0; i < n; i++) {
		err = bpfsig_sigset__add_file(set, sigs[i]);
		if (err) {
			pr_warn("%s: cannot read signatures\n", sigs[i]);
			return err;
		}
	}
	if (n)
		return 0;
	err = bpfsig_sigset__add_file(set, path);
	if (err == -ENODATA)
		pr_warn("%s: %s: no %s section\n", path, bpfsig_strerror(err),
			BPFSIG_SEC_NAME);
	return err;
}

static bool signed_for(const struct bpfsig_sigset *set, const __u8 sha[32])
{
	size_t i;

	for (i = 0; i < bpfsig_sigset__cnt(set); i++)
		if (!memcmp(bpfsig_sigset__record(set, i)->target, sha, 32))
			return true;
	return false;
}

/* Prepare the object for @t and check every load. */
static int verify_target(struct vctx *v, const struct target *t,
			 const char *kconfig)
{
	char hex[17];
	int err, i;

	if (!signed_for(v->set, t->sha)) {
		for (i = 0; i < 8; i++)
			snprintf(hex + 2 * i, 3, "%02x", t->sha[i]);
		pr_warn("%s: not signed for target %s (BTF sha256:%s...)%s\n",
			v->path, t->path, hex, v->default_target ?
			"; give the BTF of the kernel it was signed for" : "");
		fail(v, -ENODATA);
		return 0;
	}
	v->target = t->path;
	v->info.targets++;
	err = bpfsig_object__simulate(v->path, t->path, kconfig, verify_load,
				      v);
	if (err)
		pr_warn("%s: cannot prepare the object for %s: %s\n", v->path,
			t->path, strerror(-err));
	return err;
}

/* Signatures for a checked target that no load used, and the rest. */
static void count_unused(struct vctx *v, const struct target *t, size_t cnt)
{
	const struct bpfsig_record *r;
	size_t k, j;

	for (k = 0; k < bpfsig_sigset__cnt(v->set); k++) {
		r = bpfsig_sigset__record(v->set, k);
		if (v->used[k] || (r->flags & BPFSIG_REC_PROBE))
			continue;
		for (j = 0; j < cnt && memcmp(t[j].sha, r->target, 32); j++)
			;
		if (j == cnt) {
			v->info.other_targets++;
			continue;
		}
		pr_warn("%s: warning: signature for '%s' matches no load of this object (stale)\n",
			v->path, r->name);
		v->info.stale++;
	}
}

static int hash_targets(struct vctx *v,
			const struct bpfsig_obj_verify_opts *opts,
			struct target **tp, size_t *cnt)
{
	static const char *def[1] = { BPFSIG_DEFAULT_VMLINUX };
	const char **btfs = OPTS_GET(opts, btf_paths, NULL);
	size_t i;
	int err;

	*cnt = OPTS_GET(opts, btf_cnt, 0);
	v->default_target = !btfs || !*cnt;
	if (v->default_target) {
		btfs = def;
		*cnt = 1;
	}
	*tp = calloc(*cnt, sizeof(**tp));
	if (!*tp)
		return -ENOMEM;
	for (i = 0; i < *cnt; i++) {
		(*tp)[i].path = btfs[i];
		err = bpfsig_file_sha256(btfs[i], (*tp)[i].sha);
		if (err) {
			pr_warn("%s: cannot read target BTF: %s\n", btfs[i],
				strerror(-err));
			return err;
		}
	}
	return 0;
}

static int verify_targets(struct vctx *v,
			  const struct bpfsig_obj_verify_opts *opts)
{
	struct target *t = NULL;
	size_t i, cnt;
	int err;

	err = hash_targets(v, opts, &t, &cnt);
	for (i = 0; !err && i < cnt; i++)
		err = verify_target(v, &t[i], OPTS_GET(opts, kconfig, NULL));
	if (!err && !v->err)
		count_unused(v, t, cnt);
	free(t);
	return err;
}

int bpfsig_object__verify_file(const struct bpfsig_key *cert,
			       const char *obj_path,
			       const struct bpfsig_obj_verify_opts *opts,
			       struct bpfsig_obj_verify_info *info)
{
	struct vctx v = { .path = obj_path, .cert = cert };
	struct bpfsig_sigset *set;
	int err;

	if (!OPTS_VALID(opts, bpfsig_obj_verify_opts) || !cert || !obj_path)
		return bpfsig_err(-EINVAL);
	set = bpfsig_sigset__new();
	if (!set)
		return bpfsig_err(-ENOMEM);
	err = collect_sigs(obj_path, opts, set);
	v.set = set;
	v.used = calloc(bpfsig_sigset__cnt(set) + 1, sizeof(*v.used));
	if (!err && !v.used)
		err = -ENOMEM;
	if (!err)
		err = verify_targets(&v, opts);
	if (info)
		*info = v.info;
	free(v.used);
	bpfsig_sigset__free(set);
	return bpfsig_err(err ?: v.err);
}
