// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* bpfsig CLI: signing and verifying BPF ELF objects. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>
#include <bpf/libbpf.h>

#include "main.h"
#include "object.h"
#include "bpfsig_sec.h"

#define DEFAULT_VMLINUX "/sys/kernel/btf/vmlinux"

int file_is_elf(const char *path)
{
	unsigned char h[20];
	int fd, n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		n = -errno;
		p_err("%s: %s", path, strerror(errno));
		return n;
	}
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n < 4 || memcmp(h, ELFMAG, SELFMAG))
		return 0;
	if (n < 20 || h[EI_CLASS] != ELFCLASS64) {
		p_err("%s: not a BPF object (not a 64-bit ELF file)", path);
		return -ENOEXEC;
	}
	/* e_machine, in the file's byte order */
	n = h[EI_DATA] == ELFDATA2MSB ? h[18] << 8 | h[19] : h[19] << 8 | h[18];
	if (n != EM_BPF) {
		p_err("%s: not a BPF object (ELF machine %d, expected EM_BPF)",
		      path, n);
		return -ENOEXEC;
	}
	return 1;
}

int read_kconfig(const char *path, char **out)
{
	size_t len;
	void *buf;
	char *s;

	*out = NULL;
	if (!path)
		return 0;
	if (read_file(path, &buf, &len))
		return -1;
	s = realloc(buf, len + 1);
	if (!s) {
		free(buf);
		return -1;
	}
	s[len] = 0;
	if (strlen(s) != len) {
		p_err("%s: not a Kconfig text file", path);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

static void count_records(const struct bpfsig_sigset *set, int *progs,
			  int *probes)
{
	const struct bpfsig_record *r;
	size_t i;

	*progs = *probes = 0;
	for (i = 0; i < bpfsig_sigset__cnt(set); i++) {
		r = bpfsig_sigset__record(set, i);
		if (r->flags & BPFSIG_REC_PROBE)
			(*probes)++;
		else
			(*progs)++;
	}
}

int sign_object(const struct sign_object_args *args)
{
	BPFSIG_OPTS(bpfsig_obj_sign_opts, opts);
	struct bpfsig_sigset *set;
	char *kconfig = NULL;
	int err, progs, probes, ret = 1;
	const char *dest;

	if (read_kconfig(args->kconfig, &kconfig))
		return 1;
	set = bpfsig_sigset__new();
	if (!set) {
		free(kconfig);
		return 1;
	}
	opts.hash = args->sign_opts->hash;
	opts.btf_paths = args->btfs;
	opts.btf_cnt = args->btf_cnt;
	opts.kconfig = kconfig;
	err = bpfsig_object__sign_file(args->key, args->path, &opts, set);
	if (err) {
		p_err("%s: signing failed: %s", args->path, strerror(-err));
		goto out;
	}
	if (args->detached) {
		dest = args->detached;
		err = bpfsig_sigset__write_bundle(set, dest);
	} else {
		dest = args->out;
		err = bpfsig_sigset__write_elf(set, args->path, dest);
	}
	if (err) {
		p_err("%s: cannot write signatures: %s", dest, strerror(-err));
		goto out;
	}
	count_records(set, &progs, &probes);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", dest);
		jsonw_uint_field(json_wtr, "programs", progs);
		jsonw_uint_field(json_wtr, "probes", probes);
		jsonw_uint_field(json_wtr, "targets",
				 args->btf_cnt ? args->btf_cnt : 1);
		jsonw_end_object(json_wtr);
	} else if (verbose) {
		printf("%s: %d program signatures, %d probe signatures, %d target(s)\n",
		       dest, progs, probes, args->btf_cnt ? args->btf_cnt : 1);
	}
	ret = 0;
out:
	bpfsig_sigset__free(set);
	free(kconfig);
	return ret;
}

/* ---- verify ------------------------------------------------------------ */

struct vctx {
	const char *path;
	struct bpfsig_key *cert;
	const struct bpfsig_sigset *set;
	char *used;		/* per record: matched by a simulated load */
	int failures;
	int programs;
	int probes_unsigned;
	const char *target;
};

static int verify_load(const struct bpfsig_sim_load *ld, void *ctx)
{
	BPFSIG_OPTS(bpfsig_verify_opts, vopts,
		.check_type = true,
		.prog_type = ld->prog_type,
		.expected_attach_type = ld->expected_attach_type,
	);
	struct vctx *v = ctx;
	const struct bpfsig_record *r;
	size_t len = (size_t)ld->insn_cnt * 8, i;
	char tb[16];
	void *buf;
	int err;

	r = bpfsig_sigset__find(v->set, ld->prog_type,
				ld->expected_attach_type, ld->insns,
				ld->insn_cnt);
	if (!r) {
		if (ld->probe) {
			v->probes_unsigned++;
			return 0;
		}
		p_err("%s: program '%s' (%s, %u insns) has no signature for target %s",
		      v->path, ld->name,
		      prog_type_str(ld->prog_type, tb, sizeof(tb)),
		      ld->insn_cnt, v->target);
		v->failures++;
		return 0;
	}
	/* identical appendices: the same load signed for several targets */
	for (i = 0; i < bpfsig_sigset__cnt(v->set); i++) {
		const struct bpfsig_record *o = bpfsig_sigset__record(v->set, i);

		if (o->appendix_len == r->appendix_len &&
		    !memcmp(o->appendix, r->appendix, r->appendix_len))
			v->used[i] = 1;
	}
	buf = malloc(len + r->appendix_len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, ld->insns, len);
	memcpy((char *)buf + len, r->appendix, r->appendix_len);
	err = bpfsig_verify_blob(v->cert, buf, len + r->appendix_len, &vopts,
				 NULL);
	free(buf);
	if (err) {
		p_err("%s: %s%s%s: %s", v->path,
		      ld->probe ? "libbpf probe" : "program '",
		      ld->name, ld->probe ? "" : "'", bpfsig_strerror(err));
		v->failures++;
	} else if (!ld->probe) {
		v->programs++;
	}
	return 0;
}

int verify_object(const char *path, struct bpfsig_key *cert,
		  const char **btfs, int btf_cnt, const char **sigs,
		  int sig_cnt, const char *kconfig_path)
{
	struct vctx v = { .path = path, .cert = cert };
	const struct bpfsig_record *r;
	struct bpfsig_sigset *set;
	unsigned char dg[32];
	char hex[65], *kconfig = NULL;
	const char *def = DEFAULT_VMLINUX;
	int i, j, err, ret = 1, targets = 0;
	size_t k, n;

	if (read_kconfig(kconfig_path, &kconfig))
		return 1;
	set = bpfsig_sigset__new();
	if (!set)
		goto out;
	for (i = 0; i < sig_cnt; i++)
		if (bpfsig_sigset__add_file(set, sigs[i])) {
			p_err("%s: cannot read signatures", sigs[i]);
			goto out;
		}
	if (!sig_cnt) {
		err = bpfsig_sigset__add_file(set, path);
		if (err == -ENODATA) {
			p_err("%s: %s: no %s section", path,
			      bpfsig_strerror(err), BPFSIG_SEC_NAME);
			goto out;
		} else if (err) {
			p_err("%s: %s", path, strerror(-err));
			goto out;
		}
	}
	n = bpfsig_sigset__cnt(set);
	v.set = set;
	v.used = calloc(n + 1, 1);
	if (!v.used)
		goto out;
	if (!btf_cnt) {
		btfs = &def;
		btf_cnt = 1;
	}

	/* re-prepare the object for each target and check every load */
	for (j = 0; j < btf_cnt; j++) {
		bool wanted = false;

		if (bpfsig_file_sha256(btfs[j], dg)) {
			p_err("%s: cannot read target BTF", btfs[j]);
			goto out;
		}
		for (k = 0; k < n; k++)
			if (!memcmp(bpfsig_sigset__record(set, k)->target, dg,
				    32))
				wanted = true;
		if (!wanted) {
			hex_str(dg, 32, hex);
			p_err("%s: not signed for target %s (BTF sha256:%.16s...)%s",
			      path, btfs[j], hex,
			      btfs == &def ? "; pass the target's BTF with --btf FILE" : "");
			v.failures++;
			continue;
		}
		v.target = btfs[j];
		targets++;
		err = bpfsig_object__simulate(path, btfs[j], kconfig,
					      verify_load, &v);
		if (err) {
			p_err("%s: cannot prepare the object for %s: %s", path,
			      btfs[j], strerror(-err));
			goto out;
		}
	}
	if (v.failures)
		goto out;
	if (!targets) {
		p_err("%s: no signatures for any given target", path);
		goto out;
	}
	for (k = 0, i = 0; k < n; k++) {
		r = bpfsig_sigset__record(set, k);
		if (v.used[k] || (r->flags & BPFSIG_REC_PROBE))
			continue;
		for (j = 0; j < btf_cnt; j++)
			if (!bpfsig_file_sha256(btfs[j], dg) &&
			    !memcmp(dg, r->target, 32))
				break;
		if (j < btf_cnt)
			p_info("%s: warning: signature for '%s' matches no load of this object (stale)",
			       path, r->name);
		else
			i++;
	}
	if (i)
		p_info("%s: note: %d signature(s) for other targets not checked",
		       path, i);
	if (v.probes_unsigned)
		p_info("%s: warning: %d libbpf probe load(s) have no signature (this libbpf differs from the signer's?)",
		       path, v.probes_unsigned);
	if (v.failures)
		goto out;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", path);
		jsonw_bool_field(json_wtr, "verified", true);
		jsonw_uint_field(json_wtr, "programs", v.programs);
		jsonw_uint_field(json_wtr, "targets", targets);
		jsonw_end_object(json_wtr);
	} else {
		printf("%s: OK (%d program loads verified, %d target(s))\n",
		       path, v.programs, targets);
	}
	ret = 0;
out:
	free(v.used);
	bpfsig_sigset__free(set);
	free(kconfig);
	return ret;
}
