// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* bpfsig sign: raw instruction files and BPF ELF objects. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "main.h"
#include "object.h"

static int sign_help(void)
{
	fprintf(stderr,
		"Usage: %s sign --key KEY --cert CERT [--hash ALGO] [-o OUT] FILE\n"
		"\n"
		"  Raw instruction file (size a multiple of 8):\n"
		"       --type PROG_TYPE [--attach-type ATTACH]\n"
		"       OUT (default: FILE, replaced) = instructions || signature.\n"
		"       An existing signature is replaced, never stacked.\n"
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

static int sign_raw(const char *path, const char *out, struct bpfsig_key *key,
		    const struct bpfsig_sign_opts *opts, __u32 type,
		    __u32 attach)
{
	struct bpfsig_sig_info info;
	size_t len, insn_cnt, app_len = 0;
	void *buf = NULL, *app = NULL;
	struct iovec iov[2];
	char tb[16];
	int err;

	if (read_file(path, &buf, &len))
		return 1;
	if (!len || len % 8) {
		p_err("%s: not a raw instruction file (size %zu is not a non-zero multiple of 8)",
		      path, len);
		goto err_out;
	}
	err = bpfsig_inspect_blob(buf, len, &info);
	if (!err) {
		insn_cnt = info.insn_cnt;
		p_info("%s: replacing existing signature", path);
	} else if (err == -ENODATA) {
		insn_cnt = len / 8;
	} else {
		p_err("%s: carries a damaged signature trailer: %s; refusing to re-sign",
		      path, bpfsig_strerror(err));
		goto err_out;
	}
	err = bpfsig_sign_insns(key, opts, type, attach, buf, insn_cnt, &app,
				&app_len);
	if (err) {
		p_err("%s: signing failed: %s", path, strerror(-err));
		goto err_out;
	}
	iov[0].iov_base = buf;
	iov[0].iov_len = insn_cnt * 8;
	iov[1].iov_base = app;
	iov[1].iov_len = app_len;
	err = bpfsig_write_file(out, iov, 2);
	if (err) {
		p_err("%s: cannot write: %s", out, strerror(-err));
		goto err_out;
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", out);
		jsonw_uint_field(json_wtr, "insn_cnt", insn_cnt);
		jsonw_uint_field(json_wtr, "appendix_len", app_len);
		jsonw_string_field(json_wtr, "prog_type",
				   prog_type_str(type, tb, sizeof(tb)));
		jsonw_uint_field(json_wtr, "expected_attach_type", attach);
		jsonw_end_object(json_wtr);
	} else if (verbose) {
		printf("%s: signed %zu insns (+%zu bytes)\n", out, insn_cnt,
		       app_len);
	}
	free(app);
	free(buf);
	return 0;
err_out:
	free(app);
	free(buf);
	return 1;
}

int do_sign(int argc, char **argv)
{
	static const struct option options[] = {
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
	BPFSIG_OPTS(bpfsig_sign_opts, sopts);
	struct sign_object_args oargs = {};
	const char *key_path = NULL, *cert_path = NULL, *out = NULL;
	const char *type_s = NULL, *attach_s = NULL, *path;
	__u32 type = 0, attach = 0;
	struct bpfsig_key *key;
	const char **btfs;
	int opt, ret, is_elf;

	if (argc >= 1 && !strcmp(argv[0], "help"))
		return sign_help();
	btfs = calloc(argc + 1, sizeof(*btfs));
	if (!btfs)
		return 1;
	oargs.btfs = btfs;
	optind = 0;
	while ((opt = getopt_long(argc + 1, argv - 1, "k:c:o:h", options,
				  NULL)) >= 0) {
		switch (opt) {
		case 'k':
			key_path = optarg;
			break;
		case 'c':
			cert_path = optarg;
			break;
		case 'H':
			if (bpfsig_hash_by_name(optarg) < 0) {
				p_usage("unsupported --hash '%s' (sha256, sha384, sha512)",
					optarg);
				ret = EXIT_USAGE;
				goto out_free;
			}
			sopts.hash = optarg;
			break;
		case 't':
			type_s = optarg;
			break;
		case 'a':
			attach_s = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'B':
			btfs[oargs.btf_cnt++] = optarg;
			break;
		case 'K':
			oargs.kconfig = optarg;
			break;
		case 'S':
			oargs.detached = optarg;
			break;
		case 'h':
			ret = sign_help();
			goto out_free;
		default:
			p_usage("sign: bad option");
			ret = EXIT_USAGE;
			goto out_free;
		}
	}
	if (optind != argc) {
		p_usage("sign: expected exactly one FILE");
		ret = EXIT_USAGE;
		goto out_free;
	}
	path = argv[optind - 1];
	if (!key_path) {
		p_usage("sign: --key KEY is required");
		ret = EXIT_USAGE;
		goto out_free;
	}
	if (!cert_path) {
		p_usage("sign: --cert CERT is required");
		ret = EXIT_USAGE;
		goto out_free;
	}
	if (type_s && bpfsig_prog_type_by_name(type_s, &type)) {
		p_usage("sign: unknown program type '%s'", type_s);
		ret = EXIT_USAGE;
		goto out_free;
	}
	if (attach_s && bpfsig_attach_type_by_name(attach_s, &attach)) {
		p_usage("sign: unknown attach type '%s'", attach_s);
		ret = EXIT_USAGE;
		goto out_free;
	}
	is_elf = file_is_elf(path);
	if (is_elf < 0) {
		ret = 1;
		goto out_free;
	}
	if (!is_elf && !type_s) {
		p_usage("sign: %s is not an ELF object: raw instructions need --type PROG_TYPE",
			path);
		ret = EXIT_USAGE;
		goto out_free;
	}
	if (!is_elf && (oargs.btf_cnt || oargs.kconfig || oargs.detached)) {
		p_usage("sign: --btf, --kconfig and --detached apply to ELF objects only");
		ret = EXIT_USAGE;
		goto out_free;
	}
	if (is_elf && (type_s || attach_s)) {
		p_usage("sign: --type/--attach-type apply to raw files; an object's programs carry their own");
		ret = EXIT_USAGE;
		goto out_free;
	}

	key = load_key(key_path, cert_path);
	if (!key) {
		ret = 1;
		goto out_free;
	}
	if (is_elf) {
		oargs.path = path;
		oargs.out = out ? out : path;
		oargs.key = key;
		oargs.sign_opts = &sopts;
		ret = sign_object(&oargs);
	} else {
		ret = sign_raw(path, out ? out : path, key, &sopts, type,
			       attach);
	}
	bpfsig_key__free(key);
out_free:
	free(btfs);
	return ret;
}
