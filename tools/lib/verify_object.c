// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: verifying a signed BPF ELF object offline.
 *
 * Two passes. First, every signature the object carries is checked as the
 * kernel checks it without a load: it parses, its CMS blob keeps to the
 * profile, and it verifies with the certificate -- this needs no kernel
 * BTF. Second, for each target kernel whose BTF is at hand (given, or the
 * running kernel's when it is one of the object's targets), the object is
 * prepared again by libbpf under the simulated kernel (sim.c) and every
 * program load must find a signature that verifies for it -- appended
 * exactly as bpfsig_object__load() appends it, checked as the kernel
 * checks it. Targets without BTF are named: their programs' instructions
 * are not compared with what was signed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "libbpfsig_internal.h"
#include "bpfsig_sec.h"

struct target {
	const char *path;	/* BTF file; NULL: none at hand */
	__u8 sha[32];
	__u32 sigs;		/* program signatures naming it */
	bool checked;
};

struct vctx {
	const char *path;
	const struct bpfsig_key *cert;
	const struct bpfsig_sigset *set;
	const char *target;
	bool *used;		/* per record: matched by a simulated load */
	int *rec_err;		/* per record: its own check (first pass) */
	struct bpfsig_obj_verify_info info;
	int err;		/* the first failure */
};

static void fail(struct vctx *v, int err)
{
	if (!v->err)
		v->err = err;
}

static void sha_hex(const __u8 sha[32], char hex[65])
{
	int i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sha[i]);
}

/* ---- first pass: every signature, without BTF ---------------------------- */

static void report_record(const struct vctx *v, const struct bpfsig_record *r,
			  int err)
{
	char hex[65];

	sha_hex(r->target, hex);
	pr_warn("%s: signature of program '%s' (target btf sha256:%s): %s\n",
		v->path, r->name, hex, bpfsig_strerror(err));
}

/* Failed probe signatures: one line per reason, with their number. */
static void report_probes(const struct vctx *v, size_t cnt)
{
	const struct bpfsig_record *r;
	size_t i, j;
	__u32 n;

	for (i = 0; i < cnt; i++) {
		r = bpfsig_sigset__record(v->set, i);
		if (!v->rec_err[i] || !(r->flags & BPFSIG_REC_PROBE))
			continue;
		for (j = 0, n = 0; j < cnt; j++) {
			r = bpfsig_sigset__record(v->set, j);
			if ((r->flags & BPFSIG_REC_PROBE) &&
			    v->rec_err[j] == v->rec_err[i]) {
				if (j < i)
					break;
				n++;
			}
		}
		if (j == cnt)
			pr_warn("%s: %u libbpf probe signature(s): %s\n", v->path,
				n, bpfsig_strerror(v->rec_err[i]));
	}
}

static void check_records(struct vctx *v)
{
	size_t i, cnt = bpfsig_sigset__cnt(v->set);
	const struct bpfsig_record *r;

	for (i = 0; i < cnt; i++) {
		r = bpfsig_sigset__record(v->set, i);
		v->rec_err[i] = bpfsig_verify_appendix(v->cert, r->appendix,
						       r->appendix_len);
		if (!v->rec_err[i]) {
			v->info.signatures++;
			continue;
		}
		fail(v, v->rec_err[i]);
		if (!(r->flags & BPFSIG_REC_PROBE))
			report_record(v, r, v->rec_err[i]);
	}
	report_probes(v, cnt);
}

/* ---- second pass: the program loads of one target ------------------------ */

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

static int record_index(const struct vctx *v, const struct bpfsig_record *r)
{
	size_t i;

	for (i = 0; i < bpfsig_sigset__cnt(v->set); i++)
		if (bpfsig_sigset__record(v->set, i) == r)
			return i;
	return -1;
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
	int err, i;

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
	i = record_index(v, r);
	if (i >= 0 && v->rec_err[i])
		return 0;	/* reported by the first pass */
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

/* Prepare the object for @t and check every load. */
static int verify_target(struct vctx *v, struct target *t,
			 const char *kconfig)
{
	int err;

	v->target = t->path;
	v->info.targets++;
	t->checked = true;
	err = bpfsig_object__simulate(v->path, t->path, kconfig, verify_load,
				      v);
	if (err)
		pr_warn("%s: cannot prepare the object for %s: %s\n", v->path,
			t->path, strerror(-err));
	return err;
}

/* ---- which targets ---------------------------------------------------------- */

/* The signatures of @opts, or else the object's own .bpfsig section. */
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

static struct target *find_target(struct target *t, size_t cnt,
				  const __u8 sha[32])
{
	size_t i;

	for (i = 0; i < cnt; i++)
		if (!memcmp(t[i].sha, sha, 32))
			return &t[i];
	return NULL;
}

/* The targets the program signatures name, each once: their number. */
static size_t recorded_targets(const struct bpfsig_sigset *set,
			       struct target *t)
{
	const struct bpfsig_record *r;
	struct target *o;
	size_t i, cnt = 0;

	for (i = 0; i < bpfsig_sigset__cnt(set); i++) {
		r = bpfsig_sigset__record(set, i);
		if (r->flags & BPFSIG_REC_PROBE)
			continue;
		o = find_target(t, cnt, r->target);
		if (!o) {
			o = &t[cnt++];
			memcpy(o->sha, r->target, 32);
		}
		o->sigs++;
	}
	return cnt;
}

/*
 * The BTF files at hand for the recorded targets @t: each --btf FILE
 * (which must be one of them), or else the running kernel's when it is.
 */
static int attach_btfs(struct vctx *v,
		       const struct bpfsig_obj_verify_opts *opts,
		       struct target *t, size_t cnt)
{
	const char **btfs = OPTS_GET(opts, btf_paths, NULL);
	size_t i, n = btfs ? OPTS_GET(opts, btf_cnt, 0) : 0;
	const char *def = BPFSIG_DEFAULT_VMLINUX;
	struct target *o;
	char hex[65];
	__u8 sha[32];
	int err;

	for (i = 0; i < n; i++) {
		err = bpfsig_file_sha256(btfs[i], sha);
		if (err) {
			pr_warn("%s: cannot read target BTF: %s\n", btfs[i],
				strerror(-err));
			return err;
		}
		o = find_target(t, cnt, sha);
		if (o) {
			o->path = btfs[i];
			continue;
		}
		sha_hex(sha, hex);
		pr_warn("%s: not signed for target %s (btf sha256:%s)\n",
			v->path, btfs[i], hex);
		fail(v, -ENODATA);
	}
	if (n)
		return 0;
	if (access(def, R_OK) || bpfsig_file_sha256(def, sha)) {
		pr_info("%s: note: no BTF at %s to compare the programs with\n",
			v->path, def);
		return 0;
	}
	o = find_target(t, cnt, sha);
	if (o)
		o->path = def;
	else
		pr_info("%s: note: the running kernel (%s) is not one of the object's targets\n",
			v->path, def);
	return 0;
}

/* Signatures for a checked target that no load used, and the rest. */
static void count_unused(struct vctx *v, const struct target *t, size_t cnt)
{
	const struct bpfsig_record *r;
	const struct target *o;
	size_t k;

	for (k = 0; k < bpfsig_sigset__cnt(v->set); k++) {
		r = bpfsig_sigset__record(v->set, k);
		if (v->used[k] || (r->flags & BPFSIG_REC_PROBE))
			continue;
		o = find_target((struct target *)t, cnt, r->target);
		if (!o || !o->checked) {
			v->info.other_targets++;
			continue;
		}
		pr_warn("%s: warning: signature for '%s' matches no load of this object (stale)\n",
			v->path, r->name);
		v->info.stale++;
	}
}

static void report_unchecked(struct vctx *v, const struct target *t,
			     size_t cnt)
{
	char hex[65];
	size_t i;

	for (i = 0; i < cnt; i++) {
		if (t[i].checked)
			continue;
		v->info.targets_unchecked++;
		sha_hex(t[i].sha, hex);
		pr_info("%s: note: target btf sha256:%s: %u program signature(s) not compared with the object's programs (no BTF for that kernel: --btf FILE)\n",
			v->path, hex, t[i].sigs);
	}
}

static int verify_targets(struct vctx *v,
			  const struct bpfsig_obj_verify_opts *opts)
{
	struct target *t;
	size_t i, cnt;
	int err;

	t = calloc(bpfsig_sigset__cnt(v->set) + 1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	cnt = recorded_targets(v->set, t);
	if (!cnt) {
		pr_warn("%s: %s: no signature for any program, only for libbpf probes\n",
			v->path, bpfsig_strerror(-ENODATA));
		fail(v, -ENODATA);
		free(t);
		return 0;
	}
	err = attach_btfs(v, opts, t, cnt);
	for (i = 0; !err && i < cnt; i++)
		if (t[i].path)
			err = verify_target(v, &t[i],
					    OPTS_GET(opts, kconfig, NULL));
	if (!err && !v->err)
		count_unused(v, t, cnt);
	if (!err)
		report_unchecked(v, t, cnt);
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
	size_t cnt;
	int err;

	if (!OPTS_VALID(opts, bpfsig_obj_verify_opts) || !cert || !obj_path)
		return bpfsig_err(-EINVAL);
	set = bpfsig_sigset__new();
	if (!set)
		return bpfsig_err(-ENOMEM);
	err = collect_sigs(obj_path, opts, set);
	v.set = set;
	cnt = bpfsig_sigset__cnt(set);
	v.used = calloc(cnt + 1, sizeof(*v.used));
	v.rec_err = calloc(cnt + 1, sizeof(*v.rec_err));
	if (!err && (!v.used || !v.rec_err))
		err = -ENOMEM;
	if (!err)
		err = bpfsig_object_programs(obj_path, &v.info.object_programs);
	if (!err)
		check_records(&v);
	if (!err && v.info.object_programs)
		err = verify_targets(&v, opts);
	if (info)
		*info = v.info;
	free(v.rec_err);
	free(v.used);
	bpfsig_sigset__free(set);
	return bpfsig_err(err ?: v.err);
}
