// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* bpfsig verify: offline verification of raw files and objects. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"
#include "object.h"

static int verify_help(void)
{
	fprintf(stderr,
		"Usage: %s verify --cert CERT [--type PROG_TYPE [--attach-type ATTACH]] RAWFILE\n"
		"       %s verify --cert CERT [--btf FILE]... [--sigs FILE]... [--kconfig FILE] OBJ\n"
		"\n"
		"Verify offline as the kernel would. RAWFILE: a signed instruction file;\n"
		"with --type, the statement must name that program/attach type.\n"
		"OBJ: the object is prepared again by libbpf for every target kernel its\n"
		"signatures name (BTF files given with --btf, default\n"
		"/sys/kernel/btf/vmlinux), and every program load must find a signature\n"
		"that verifies. --sigs takes the signatures from detached bundles\n"
		"instead of the object's .bpfsig section.\n"
		"Exit status 0 only if everything verifies. Reasons:\n"
		"  ENODATA not signed, EBADMSG malformed, ENOPKG unsupported algorithm,\n"
		"  EKEYREJECTED bad signature or digest, ENOKEY signed by another key.\n",
		bin_name, bin_name);
	return 0;
}

static int verify_raw(const char *path, struct bpfsig_key *cert,
		      const struct bpfsig_verify_opts *opts)
{
	struct bpfsig_sig_info info;
	unsigned char kid[32];
	char hex[2 * 64 + 1], khex[2 * 32 + 1], tb[16], ab[64];
	size_t len;
	void *buf;
	int err, klen;

	if (read_file(path, &buf, &len))
		return 1;
	err = bpfsig_verify_blob(cert, buf, len, opts, &info);
	free(buf);
	if (err) {
		if (err == -ENOKEY && info.keyid_len) {
			hex_str(info.keyid, info.keyid_len, hex);
			klen = bpfsig_key__keyid(cert, kid, sizeof(kid));
			hex_str(kid, klen > 32 ? 32 : klen, khex);
			p_err("%s: %s: signer keyid %s is not the certificate's (%s)",
			      path, bpfsig_strerror(err), hex, khex);
		} else {
			p_err("%s: %s", path, bpfsig_strerror(err));
		}
		return 1;
	}
	hex_str(info.digest, info.digest_len, hex);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", path);
		jsonw_bool_field(json_wtr, "verified", true);
		jsonw_uint_field(json_wtr, "insn_cnt", info.insn_cnt);
		jsonw_string_field(json_wtr, "prog_type",
				   prog_type_str(info.prog_type, tb, sizeof(tb)));
		jsonw_uint_field(json_wtr, "expected_attach_type", info.expected_attach_type);
		jsonw_string_field(json_wtr, "hash",
				   bpfsig_hash_str(info.hash_algo));
		jsonw_string_field(json_wtr, "digest", hex);
		jsonw_end_object(json_wtr);
	} else {
		printf("%s: OK (%u insns, %s, %s %s:%s)\n", path, info.insn_cnt,
		       prog_type_str(info.prog_type, tb, sizeof(tb)),
		       attach_type_str(info.expected_attach_type, ab,
				       sizeof(ab)),
		       bpfsig_hash_str(info.hash_algo), hex);
	}
	return 0;
}

int do_verify(int argc, char **argv)
{
	static const struct option options[] = {
		{ "cert",	 required_argument,	NULL,	'c' },
		{ "type",	 required_argument,	NULL,	't' },
		{ "attach-type", required_argument,	NULL,	'a' },
		{ "btf",	 required_argument,	NULL,	'B' },
		{ "sigs",	 required_argument,	NULL,	'S' },
		{ "kconfig",	 required_argument,	NULL,	'K' },
		{ "help",	 no_argument,		NULL,	'h' },
		{ 0 }
	};
	BPFSIG_OPTS(bpfsig_verify_opts, vopts);
	const char *cert_path = NULL, *path, *kconfig = NULL;
	const char **btfs = NULL, **sigs = NULL;
	int btf_cnt = 0, sig_cnt = 0, opt, ret = EXIT_USAGE, is_elf;
	struct bpfsig_key *cert;

	if (argc >= 1 && !strcmp(argv[0], "help"))
		return verify_help();
	btfs = calloc(argc + 1, sizeof(*btfs));
	sigs = calloc(argc + 1, sizeof(*sigs));
	if (!btfs || !sigs) {
		ret = 1;
		goto out;
	}
	optind = 0;
	while ((opt = getopt_long(argc + 1, argv - 1, "c:h", options,
				  NULL)) >= 0) {
		switch (opt) {
		case 'c':
			cert_path = optarg;
			break;
		case 't':
			if (bpfsig_prog_type_by_name(optarg, &vopts.prog_type)) {
				p_usage("verify: unknown program type '%s'",
					optarg);
				goto out;
			}
			vopts.check_type = true;
			break;
		case 'a':
			if (bpfsig_attach_type_by_name(optarg,
						       &vopts.expected_attach_type)) {
				p_usage("verify: unknown attach type '%s'",
					optarg);
				goto out;
			}
			break;
		case 'B':
			btfs[btf_cnt++] = optarg;
			break;
		case 'S':
			sigs[sig_cnt++] = optarg;
			break;
		case 'K':
			kconfig = optarg;
			break;
		case 'h':
			ret = verify_help();
			goto out;
		default:
			p_usage("verify: bad option");
			goto out;
		}
	}
	if (optind != argc) {
		p_usage("verify: expected exactly one FILE");
		goto out;
	}
	path = argv[optind - 1];
	if (!cert_path) {
		p_usage("verify: --cert CERT is required");
		goto out;
	}
	ret = 1;
	is_elf = file_is_elf(path);
	if (is_elf < 0)
		goto out;
	if (!is_elf && (btf_cnt || sig_cnt || kconfig)) {
		p_usage("verify: %s is not an ELF object: --btf, --sigs and --kconfig apply to objects",
			path);
		ret = EXIT_USAGE;
		goto out;
	}
	cert = load_key(NULL, cert_path);
	if (!cert)
		goto out;
	if (is_elf)
		ret = verify_object(path, cert, btfs, btf_cnt, sigs, sig_cnt,
				    kconfig);
	else
		ret = verify_raw(path, cert, &vopts);
	bpfsig_key__free(cert);
out:
	free(btfs);
	free(sigs);
	return ret;
}
