// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: signing a BPF ELF object -- every load libbpf makes for it,
 * once per target kernel BTF, as the simulated kernel (sim.c) records them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "libbpfsig_internal.h"
#include "bpfsig_sec.h"

struct sign_ctx {
	const struct bpfsig_key *key;
	const struct bpfsig_sign_opts *sopts;
	struct bpfsig_sigset *set;
	const char *obj_path;
	__u8 target[32];
	int loads;
};

static int sign_load(const struct bpfsig_sim_load *ld, void *ctx)
{
	struct sign_ctx *sc = ctx;
	struct bpfsig_record rec = {};
	size_t app_len;
	void *app;
	int err;

	err = bpfsig_sign_insns(sc->key, sc->sopts, ld->prog_type,
				ld->expected_attach_type, ld->insns,
				ld->insn_cnt, &app, &app_len);
	if (err) {
		pr_warn("%s: cannot sign %s%s: %s\n", sc->obj_path,
			ld->probe ? "a libbpf probe" : "program ", ld->name,
			strerror(-err));
		return err;
	}
	rec.name = ld->name;
	rec.flags = ld->probe ? BPFSIG_REC_PROBE : 0;
	if (!ld->probe)
		memcpy(rec.target, sc->target, sizeof(rec.target));
	rec.appendix = app;
	rec.appendix_len = app_len;
	err = bpfsig_sigset__add_record(sc->set, &rec);
	free(app);
	sc->loads++;
	pr_debug("%s: signed %s%s (type %u, attach %u, %u insns)\n",
		 sc->obj_path, ld->probe ? "probe" : "program ", ld->name,
		 ld->prog_type, ld->expected_attach_type, ld->insn_cnt);
	return err;
}

/*
 * Programs libbpf loads only when a program is attached, which the
 * simulated load never reaches: the perf-link probe of libbpf 1.1
 * (probe_perf_link(), run by bpftool's built-in libbpf too): "r0 = 0; exit"
 * as a tracepoint program.
 */
static int sign_attach_probes(struct sign_ctx *sc)
{
	static const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpfsig_sim_load ld = {
		.name = "",
		.probe = true,
		.prog_type = BPF_PROG_TYPE_TRACEPOINT,
		.insns = ret0,
		.insn_cnt = 2,
	};

	return sign_load(&ld, sc);
}

int bpfsig_object__sign_file(const struct bpfsig_key *key,
			     const char *obj_path,
			     const struct bpfsig_obj_sign_opts *opts,
			     struct bpfsig_sigset *set)
{
	BPFSIG_OPTS(bpfsig_sign_opts, sopts);
	const char *def[1] = { BPFSIG_DEFAULT_VMLINUX };
	struct sign_ctx sc = {
		.key = key, .sopts = &sopts, .set = set, .obj_path = obj_path,
	};
	const char **btfs;
	size_t cnt, i;
	int err;

	if (!OPTS_VALID(opts, bpfsig_obj_sign_opts) || !key || !obj_path ||
	    !set)
		return bpfsig_err(-EINVAL);
	if (!key->pkey) {
		pr_warn("%s: no private key loaded, cannot sign\n",
			key->cert_path);
		return bpfsig_err(-ENOKEY);
	}
	sopts.hash = OPTS_GET(opts, hash, NULL);
	btfs = OPTS_GET(opts, btf_paths, NULL);
	cnt = OPTS_GET(opts, btf_cnt, 0);
	if (!btfs || !cnt) {
		btfs = def;
		cnt = 1;
	}
	for (i = 0; i < cnt; i++) {
		err = bpfsig_file_sha256(btfs[i], sc.target);
		if (err) {
			pr_warn("%s: target BTF: %s\n", btfs[i],
				strerror(-err));
			return err;
		}
		err = bpfsig_object__simulate(obj_path, btfs[i],
					      OPTS_GET(opts, kconfig, NULL),
					      sign_load, &sc);
		if (err)
			return err;
	}
	return sign_attach_probes(&sc);
}
