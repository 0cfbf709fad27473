// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* bpfsig sign: raw instruction files and BPF ELF objects. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "main.h"
#include "bpfsig_sec.h"

struct sign_args {
	const char *key_path, *cert_path, *out, *path;
	const char *type_s, *attach_s;	/* raw files */
	__u32 type, attach;
	const char **btfs;		/* objects */
	int btf_cnt;
	const char *kconfig, *detached;
	struct bpfsig_sign_opts sopts;
	struct bpfsig_key *key;
	int is_elf;
};

static int sign_help(void)
{
	fprintf(stderr,
		"Usage: %s sign --key KEY --cert CERT [--hash ALGO] [-o OUT] FILE\n"
		"\n"
		"FILE is a raw instruction file, a manifest or a BPF ELF object:\n"
		"\n"
		"  Raw instruction file (size a multiple of 8):\n"
		"       --type PROG_TYPE [--attach-type ATTACH]\n"
		"       OUT (default: FILE, replaced) = instructions || signature.\n"
		"       An existing signature is replaced, never stacked.\n"
		"  Manifest of recorded loads ('bpfsig record'):\n"
		"       OUT (default: MANIFEST.sig) = a signature bundle of its loads,\n"
		"       for 'bpfsig exec --sigs OUT'.\n"
		"  BPF ELF object (clang -target bpf):\n"
		"       [--btf FILE]... [--kconfig FILE] [--detached OUT.sig]\n"
		"       signs every program, subprograms and libbpf's feature probes\n"
		"       exactly as libbpf loads them, once per target kernel BTF\n"
		"       (default /sys/kernel/btf/vmlinux), and stores the signatures\n"
		"       in the object's .bpfsig section (or in OUT.sig).\n"
		"\n"
		"  KEY  := private key file (PEM/DER, passphrase from $BPFSIG_PASSPHRASE)\n"
		"          or pkcs11: URI\n"
		"  CERT := X.509 certificate (PEM/DER) with a subjectKeyIdentifier\n"
		"  ALGO := { sha256 | sha384 | sha512 }   (default sha256)\n"
		"  PROG_TYPE, ATTACH := libbpf names (xdp, kprobe, cgroup_inet_ingress)\n"
		"          or numbers\n",
		bin_name);
	return 0;
}

/* The instructions of a raw file, an existing signature left out. */
static int raw_insns(const char *path, const void *buf, size_t len,
		     size_t *insn_cnt)
{
	struct bpfsig_sig_info info;
	int err;

	if (!len || len % 8) {
		p_err("%s: not a raw instruction file (size %zu is not a non-zero multiple of 8)",
		      path, len);
		return -EINVAL;
	}
	err = bpfsig_inspect_blob(buf, len, &info);
	if (!err) {
		*insn_cnt = info.insn_cnt;
		p_info("%s: replacing existing signature", path);
	} else if (err == -ENODATA) {
		*insn_cnt = len / 8;
	} else {
		p_err("%s: carries a damaged signature trailer: %s; refusing to re-sign",
		      path, bpfsig_strerror(err));
		return err;
	}
	return 0;
}

static void show_signed_raw(const struct sign_args *a, size_t insn_cnt,
			    size_t app_len)
{
	char tb[16];

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", a->out);
		jsonw_uint_field(json_wtr, "insn_cnt", insn_cnt);
		jsonw_uint_field(json_wtr, "appendix_len", app_len);
		jsonw_string_field(json_wtr, "prog_type",
				   prog_type_str(a->type, tb, sizeof(tb)));
		jsonw_uint_field(json_wtr, "expected_attach_type", a->attach);
		jsonw_end_object(json_wtr);
	} else if (verbose) {
		printf("%s: signed %zu insns (+%zu bytes)\n", a->out, insn_cnt,
		       app_len);
	}
}

static int sign_raw(const struct sign_args *a)
{
	size_t len, insn_cnt, app_len = 0;
	void *buf = NULL, *app = NULL;
	struct iovec iov[2];
	int err, ret = 1;

	if (read_file(a->path, &buf, &len) ||
	    raw_insns(a->path, buf, len, &insn_cnt))
		goto out;
	err = bpfsig_sign_insns(a->key, &a->sopts, a->type, a->attach, buf,
				insn_cnt, &app, &app_len);
	if (err) {
		p_err("%s: signing failed: %s", a->path, strerror(-err));
		goto out;
	}
	iov[0].iov_base = buf;
	iov[0].iov_len = insn_cnt * 8;
	iov[1].iov_base = app;
	iov[1].iov_len = app_len;
	err = bpfsig_write_file(a->out, iov, 2);
	if (err) {
		p_err("%s: cannot write: %s", a->out, strerror(-err));
		goto out;
	}
	show_signed_raw(a, insn_cnt, app_len);
	ret = 0;
out:
	free(app);
	free(buf);
	return ret;
}

static void show_signed_object(const char *dest,
			       const struct bpfsig_sigset *set, int targets)
{
	size_t i, progs = 0, probes = 0;

	for (i = 0; i < bpfsig_sigset__cnt(set); i++) {
		if (bpfsig_sigset__record(set, i)->flags & BPFSIG_REC_PROBE)
			probes++;
		else
			progs++;
	}
	/* every program is signed, autoload or not: none signed, none there */
	if (!progs)
		p_info("%s: note: no programs to sign (only subprograms, maps or data): wrote the signatures of the %zu probe loads libbpf makes for it",
		       dest, probes);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", dest);
		jsonw_uint_field(json_wtr, "programs", progs);
		jsonw_uint_field(json_wtr, "probes", probes);
		jsonw_uint_field(json_wtr, "targets", targets);
		jsonw_end_object(json_wtr);
	} else if (verbose) {
		printf("%s: %zu program signatures, %zu probe signatures, %d target(s)\n",
		       dest, progs, probes, targets);
	}
}

static int sign_object(const struct sign_args *a)
{
	BPFSIG_OPTS(bpfsig_obj_sign_opts, opts,
		.hash = a->sopts.hash,
		.btf_paths = a->btfs,
		.btf_cnt = a->btf_cnt,
	);
	const char *dest = a->detached ? a->detached : a->out;
	struct bpfsig_sigset *set = NULL;
	char *kconfig = NULL;
	int err, ret = 1;

	if (read_kconfig(a->kconfig, &kconfig))
		return 1;
	opts.kconfig = kconfig;
	set = bpfsig_sigset__new();
	err = set ? bpfsig_object__sign_file(a->key, a->path, &opts, set) :
		    -ENOMEM;
	if (err) {
		p_err("%s: signing failed: %s", a->path, strerror(-err));
		goto out;
	}
	if (a->detached)
		err = bpfsig_sigset__write_bundle(set, dest);
	else
		err = bpfsig_sigset__write_elf(set, a->path, dest);
	if (err) {
		p_err("%s: cannot write signatures: %s", dest, strerror(-err));
		goto out;
	}
	show_signed_object(dest, set, a->btf_cnt ? a->btf_cnt : 1);
	ret = 0;
out:
	bpfsig_sigset__free(set);
	free(kconfig);
	return ret;
}

static const struct option sign_options[] = {
	{ "key",	 required_argument,	NULL,	'k' },
	{ "cert",	 required_argument,	NULL,	'c' },
	{ "hash",	 required_argument,	NULL,	'H' },
	{ "type",	 required_argument,	NULL,	't' },
	{ "attach-type", required_argument,	NULL,	'a' },
	{ "output",	 required_argument,	NULL,	'o' },
	{ "btf",	 required_argument,	NULL,	'B' },
	{ "kconfig",	 required_argument,	NULL,	'K' },
	{ "detached",	 required_argument,	NULL,	'S' },
	{ "help",	 no_argument,		NULL,	'h' },
	{ 0 }
};

/* One option into @args: 0, or EXIT_USAGE (printed). */
static int sign_option(int opt, void *args)
{
	struct sign_args *a = args;

	switch (opt) {
	case 'k':
		a->key_path = optarg;
		break;
	case 'c':
		a->cert_path = optarg;
		break;
	case 'H':
		return hash_option(optarg, &a->sopts);
	case 't':
		a->type_s = optarg;
		break;
	case 'a':
		a->attach_s = optarg;
		break;
	case 'o':
		a->out = optarg;
		break;
	case 'B':
		a->btfs[a->btf_cnt++] = optarg;
		break;
	case 'K':
		a->kconfig = optarg;
		break;
	case 'S':
		a->detached = optarg;
		break;
	default:
		p_usage("sign: bad option");
		return EXIT_USAGE;
	}
	return 0;
}

/* Required options and names: 0, or EXIT_USAGE (printed). */
static int check_sign_args(struct sign_args *a)
{
	if (!a->key_path) {
		p_usage("sign: --key KEY is required");
	} else if (!a->cert_path) {
		p_usage("sign: --cert CERT is required");
	} else if (a->type_s &&
		   bpfsig_prog_type_by_name(a->type_s, &a->type)) {
		p_usage("sign: unknown program type '%s'", a->type_s);
	} else if (a->attach_s &&
		   bpfsig_attach_type_by_name(a->attach_s, &a->attach)) {
		p_usage("sign: unknown attach type '%s'", a->attach_s);
	} else {
		return 0;
	}
	return EXIT_USAGE;
}

/* The options that fit the kind of file: 0, or EXIT_USAGE (printed). */
static int check_file_args(const struct sign_args *a)
{
	if (!a->is_elf && !a->type_s) {
		p_usage("sign: %s is not an ELF object: raw instructions need --type PROG_TYPE",
			a->path);
	} else if (!a->is_elf && (a->btf_cnt || a->kconfig || a->detached)) {
		p_usage("sign: --btf, --kconfig and --detached apply to ELF objects only");
	} else if (a->is_elf && (a->type_s || a->attach_s)) {
		p_usage("sign: --type/--attach-type apply to raw files; an object's programs carry their own");
	} else {
		return 0;
	}
	return EXIT_USAGE;
}

/* A manifest of recorded loads: its signatures into a bundle */
static int sign_manifest_file(struct sign_args *a)
{
	char *out = NULL;
	int ret;

	if (a->type_s || a->attach_s || a->btf_cnt || a->kconfig ||
	    a->detached) {
		p_usage("sign: %s is a manifest: its loads carry their types; --type, --attach-type, --btf, --kconfig and --detached do not apply",
			a->path);
		return EXIT_USAGE;
	}
	if (!a->out && asprintf(&out, "%s.sig", a->path) < 0)
		return 1;
	a->key = load_key(a->key_path, a->cert_path);
	if (!a->key) {
		free(out);
		return 1;
	}
	ret = sign_manifest(a->path, a->out ?: out, a->key, &a->sopts);
	bpfsig_key__free(a->key);
	free(out);
	return ret;
}

int do_sign(int argc, char **argv)
{
	struct sign_args a = { .sopts.sz = sizeof(a.sopts) };
	int ret;

	a.btfs = calloc(argc + 1, sizeof(*a.btfs));
	if (!a.btfs)
		return 1;
	ret = parse_options(argc, argv, "k:c:o:h", sign_options, sign_option,
			    &a);
	if (ret == OPT_HELP) {
		ret = sign_help();
		goto out;
	}
	ret = ret ?: one_file(argc, argv, "sign", &a.path) ?:
	      check_sign_args(&a);
	if (ret)
		goto out;
	ret = file_is_manifest(a.path);
	if (ret) {
		ret = ret < 0 ? 1 : sign_manifest_file(&a);
		goto out;
	}
	a.is_elf = file_is_elf(a.path);
	ret = a.is_elf < 0 ? 1 : check_file_args(&a);
	if (ret)
		goto out;
	if (!a.out)
		a.out = a.path;
	a.key = load_key(a.key_path, a.cert_path);
	if (!a.key) {
		ret = 1;
		goto out;
	}
	ret = a.is_elf ? sign_object(&a) : sign_raw(&a);
	bpfsig_key__free(a.key);
out:
	free(a.btfs);
	return ret;
}
