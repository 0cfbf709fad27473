// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: bpf_object__load() with signatures. A hook appends the
 * matching signature to each BPF_PROG_LOAD libbpf makes before passing it
 * to the kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>

#include "libbpfsig_internal.h"
#include "bpfsig_sec.h"
#include "hook.h"

struct loader {
	struct bpfsig_hook hook;
	struct bpf_object *obj;
	const struct bpfsig_sigset *set;
	bool allow_unsigned;
	int err;
	__u64 last_refused;
};

/* No signature matches @attr: load it unsigned (0) or refuse it (-ENOKEY). */
static int no_signature(struct loader *ld, const union bpf_attr *attr)
{
	struct bpf_program *prog = bpfsig_load_program(ld->obj, attr);

	/* libbpf retries a failed load to fetch the verifier log */
	if (prog && attr->insns == ld->last_refused)
		return -ENOKEY;
	if (!prog) {
		pr_debug("no signature for a libbpf probe (type %u, %u insns): loading it unsigned\n",
			 attr->prog_type, attr->insn_cnt);
		return 0;
	}
	if (ld->allow_unsigned) {
		pr_warn("program '%s': no matching signature, loading it unsigned\n",
			bpf_program__name(prog));
		return 0;
	}
	pr_warn("program '%s': no matching signature (type %s, attach type %u, %u insns); re-sign the object for this kernel\n",
		bpf_program__name(prog),
		libbpf_bpf_prog_type_str(attr->prog_type) ?: "?",
		attr->expected_attach_type, attr->insn_cnt);
	ld->err = -ENOKEY;
	ld->last_refused = attr->insns;
	return -ENOKEY;
}

static long load_bpf(struct bpfsig_hook *hook, int cmd, void *uattr,
		     unsigned int size)
{
	struct loader *ld = (struct loader *)hook;
	const struct bpfsig_record *rec;
	union bpf_attr *attr;
	long ret;

	ret = bpfsig_prog_load_copy(cmd, uattr, size, &attr);
	if (ret <= 0)
		return ret ?: bpfsig_real_bpf(cmd, uattr, size);
	rec = bpfsig_sigset__find(ld->set, attr->prog_type,
				  attr->expected_attach_type,
				  (const void *)(unsigned long)attr->insns,
				  attr->insn_cnt);
	if (rec)
		ret = bpfsig_prog_load_signed(attr, size, rec);
	else
		ret = no_signature(ld, attr) ?: bpfsig_real_bpf(cmd, uattr, size);
	free(attr);
	return ret;
}

/*
 * The signatures of @opts in one set (*own, to free): bundles, the object's
 * section (optional when there are other sources, or with allow_unsigned),
 * a caller's set. NULL *own: the caller's set alone.
 */
static int collect_sigs(const struct bpfsig_load_opts *opts,
			struct bpfsig_sigset **own)
{
	const struct bpfsig_sigset *set = OPTS_GET(opts, sigset, NULL);
	const char *obj_path = OPTS_GET(opts, obj_path, NULL);
	const char **paths = OPTS_GET(opts, sig_paths, NULL);
	size_t i, n = OPTS_GET(opts, sig_path_cnt, 0);
	int err = 0;

	*own = NULL;
	if (!obj_path && !n)
		return 0;
	*own = bpfsig_sigset__new();
	if (!*own)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++)
		err = bpfsig_sigset__add_file(*own, paths[i]);
	if (!err && obj_path) {
		err = bpfsig_sigset__add_file(*own, obj_path);
		if (err == -ENODATA &&
		    (n || set || OPTS_GET(opts, allow_unsigned, false)))
			err = 0;
		else if (err == -ENODATA)
			pr_warn("%s: not signed (no %s section)\n", obj_path,
				BPFSIG_SEC_NAME);
	}
	for (i = 0; !err && i < bpfsig_sigset__cnt(set); i++)
		err = bpfsig_sigset__add_record(*own,
						bpfsig_sigset__record(set, i));
	return err;
}

int bpfsig_object__load(struct bpf_object *obj,
			const struct bpfsig_load_opts *opts)
{
	struct loader ld = { .hook.bpf = load_bpf, .obj = obj };
	struct bpfsig_sigset *own;
	int err;

	if (!obj || !OPTS_VALID(opts, bpfsig_load_opts))
		return bpfsig_err(-EINVAL);
	ld.set = OPTS_GET(opts, sigset, NULL);
	ld.allow_unsigned = OPTS_GET(opts, allow_unsigned, false);
	if (!ld.set && !OPTS_GET(opts, obj_path, NULL) &&
	    !OPTS_GET(opts, sig_path_cnt, 0)) {
		pr_warn("bpfsig_object__load: no signature source given\n");
		return bpfsig_err(-EINVAL);
	}
	err = bpfsig_hook_ready();
	if (err)
		return bpfsig_err(err);
	err = collect_sigs(opts, &own);
	if (!err) {
		if (own)
			ld.set = own;
		bpfsig_hook_push(&ld.hook);
		err = bpf_object__load(obj);
		bpfsig_hook_pop(&ld.hook);
		if (ld.err && err)
			err = ld.err;
	}
	bpfsig_sigset__free(own);
	return bpfsig_err(err);
}
