// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* bpfsig verify: offline verification of raw files and objects. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

static int verify_help(void)
{
	fprintf(stderr,
		"Usage: %s verify --cert CERT [--type PROG_TYPE [--attach-type ATTACH]] RAWFILE\n"
		"       %s verify --cert CERT [--btf FILE]... [--sigs FILE]... [--kconfig FILE] OBJ\n"
		"\n"
		"Verify offline as the kernel would. RAWFILE: a signed instruction file;\n"
		"with --type, the statement must name that program/attach type.\n"
		"OBJ: every signature it carries must verify with CERT (no BTF needed);\n"
		"then, for each target kernel whose BTF is at hand (--btf FILE, which\n"
		"must be a target of the signatures; else /sys/kernel/btf/vmlinux if it\n"
		"is one), the object is prepared again by libbpf and every program load\n"
		"must find a signature that verifies. Targets without BTF are named:\n"
		"their programs are not compared. --sigs takes the signatures from\n"
		"detached bundles instead of the object's .bpfsig section.\n"
		"Exit status 0 only if everything checked verifies. Reasons:\n"
		"  ENODATA not signed, EBADMSG malformed, ENOPKG unsupported algorithm,\n"
		"  EKEYREJECTED bad signature or digest, ENOKEY signed by another key.\n",
		bin_name, bin_name);
	return 0;
}

struct verify_args {
	const char *cert_path, *path, *kconfig;
	const char **btfs, **sigs;
	int btf_cnt, sig_cnt;
	struct bpfsig_verify_opts vopts;
};

static void raw_failed(const char *path, const struct bpfsig_key *cert,
		       const struct bpfsig_sig_info *info, int err)
{
	char hex[2 * 32 + 1], khex[2 * 32 + 1];
	unsigned char kid[32];
	int klen;

	if (err != -ENOKEY || !info->keyid_len) {
		p_err("%s: %s", path, bpfsig_strerror(err));
		return;
	}
	hex_str(info->keyid, info->keyid_len, hex);
	klen = bpfsig_key__keyid(cert, kid, sizeof(kid));
	hex_str(kid, klen > 32 ? 32 : klen, khex);
	p_err("%s: %s: signer keyid %s is not the certificate's (%s)", path,
	      bpfsig_strerror(err), hex, khex);
}

static void show_verified_raw(const char *path,
			      const struct bpfsig_sig_info *info)
{
	char hex[2 * 64 + 1], tb[16], ab[64];

	hex_str(info->digest, info->digest_len, hex);
	if (!json_output) {
		printf("%s: OK (%u insns, %s, %s %s:%s)\n", path, info->insn_cnt,
		       prog_type_str(info->prog_type, tb, sizeof(tb)),
		       attach_type_str(info->expected_attach_type, ab,
				       sizeof(ab)),
		       bpfsig_hash_str(info->hash_algo), hex);
		return;
	}
	jsonw_start_object(json_wtr);
	jsonw_string_field(json_wtr, "file", path);
	jsonw_bool_field(json_wtr, "verified", true);
	jsonw_uint_field(json_wtr, "insn_cnt", info->insn_cnt);
	jsonw_string_field(json_wtr, "prog_type",
			   prog_type_str(info->prog_type, tb, sizeof(tb)));
	jsonw_uint_field(json_wtr, "expected_attach_type",
			 info->expected_attach_type);
	jsonw_string_field(json_wtr, "hash", bpfsig_hash_str(info->hash_algo));
	jsonw_string_field(json_wtr, "digest", hex);
	jsonw_end_object(json_wtr);
}

static int verify_raw(const struct verify_args *a, struct bpfsig_key *cert)
{
	struct bpfsig_sig_info info;
	size_t len;
	void *buf;
	int err;

	if (read_file(a->path, &buf, &len))
		return 1;
	err = bpfsig_verify_blob(cert, buf, len, &a->vopts, &info);
	free(buf);
	if (err) {
		raw_failed(a->path, cert, &info, err);
		return 1;
	}
	show_verified_raw(a->path, &info);
	return 0;
}

/*
 * What was verified, and what was not: targets whose BTF was not at hand
 * (the library named each in a note), or no programs at all.
 */
static void show_verified_object(const char *path,
				 const struct bpfsig_obj_verify_info *info)
{
	printf("%s: OK (%u signatures verified", path, info->signatures);
	if (!info->object_programs) {
		printf("; no programs to compare)\n");
		return;
	}
	printf("; %u program loads verified for %u target(s)", info->programs,
	       info->targets);
	if (info->targets_unchecked)
		printf("; %u target(s) not compared: no BTF",
		       info->targets_unchecked);
	printf(")\n");
}

static void show_verified_object_json(const char *path,
				      const struct bpfsig_obj_verify_info *info)
{
	jsonw_start_object(json_wtr);
	jsonw_string_field(json_wtr, "file", path);
	jsonw_bool_field(json_wtr, "verified", true);
	jsonw_uint_field(json_wtr, "signatures", info->signatures);
	jsonw_uint_field(json_wtr, "object_programs", info->object_programs);
	jsonw_uint_field(json_wtr, "programs", info->programs);
	jsonw_uint_field(json_wtr, "targets", info->targets);
	jsonw_uint_field(json_wtr, "targets_unchecked",
			 info->targets_unchecked);
	jsonw_end_object(json_wtr);
}

static int verify_object(const struct verify_args *a, struct bpfsig_key *cert)
{
	BPFSIG_OPTS(bpfsig_obj_verify_opts, opts,
		.btf_paths = a->btfs,
		.btf_cnt = a->btf_cnt,
		.sig_paths = a->sigs,
		.sig_path_cnt = a->sig_cnt,
	);
	struct bpfsig_obj_verify_info info = {};
	char *kconfig;
	int err;

	if (read_kconfig(a->kconfig, &kconfig))
		return 1;
	opts.kconfig = kconfig;
	err = bpfsig_object__verify_file(cert, a->path, &opts, &info);
	free(kconfig);
	if (err) {
		p_err("%s: not verified: %s", a->path, bpfsig_strerror(err));
		return 1;
	}
	if (info.probes_unsigned)
		p_info("%s: warning: %u libbpf probe load(s) have no signature (this libbpf differs from the signer's?)",
		       a->path, info.probes_unsigned);
	if (json_output)
		show_verified_object_json(a->path, &info);
	else
		show_verified_object(a->path, &info);
	return 0;
}

static const struct option verify_options[] = {
	{ "cert",	 required_argument,	NULL,	'c' },
	{ "type",	 required_argument,	NULL,	't' },
	{ "attach-type", required_argument,	NULL,	'a' },
	{ "btf",	 required_argument,	NULL,	'B' },
	{ "sigs",	 required_argument,	NULL,	'S' },
	{ "kconfig",	 required_argument,	NULL,	'K' },
	{ "help",	 no_argument,		NULL,	'h' },
	{ 0 }
};

/* One option into @args: 0, or EXIT_USAGE (printed). */
static int verify_option(int opt, void *args)
{
	struct verify_args *a = args;

	switch (opt) {
	case 'c':
		a->cert_path = optarg;
		break;
	case 't':
		if (bpfsig_prog_type_by_name(optarg, &a->vopts.prog_type)) {
			p_usage("verify: unknown program type '%s'", optarg);
			return EXIT_USAGE;
		}
		a->vopts.check_type = true;
		break;
	case 'a':
		if (bpfsig_attach_type_by_name(optarg,
					       &a->vopts.expected_attach_type)) {
			p_usage("verify: unknown attach type '%s'", optarg);
			return EXIT_USAGE;
		}
		break;
	case 'B':
		a->btfs[a->btf_cnt++] = optarg;
		break;
	case 'S':
		a->sigs[a->sig_cnt++] = optarg;
		break;
	case 'K':
		a->kconfig = optarg;
		break;
	default:
		p_usage("verify: bad option");
		return EXIT_USAGE;
	}
	return 0;
}

/* Options and FILE into @a: 0, OPT_HELP, or EXIT_USAGE (printed). */
static int parse_verify_args(int argc, char **argv, struct verify_args *a)
{
	int err;

	err = parse_options(argc, argv, "c:h", verify_options, verify_option,
			    a) ?: one_file(argc, argv, "verify", &a->path);
	if (!err && !a->cert_path) {
		p_usage("verify: --cert CERT is required");
		return EXIT_USAGE;
	}
	return err;
}

static int verify_file(const struct verify_args *a)
{
	struct bpfsig_key *cert;
	int is_elf, ret;

	is_elf = file_is_elf(a->path);
	if (is_elf < 0)
		return 1;
	if (!is_elf && (a->btf_cnt || a->sig_cnt || a->kconfig)) {
		p_usage("verify: %s is not an ELF object: --btf, --sigs and --kconfig apply to objects",
			a->path);
		return EXIT_USAGE;
	}
	cert = load_key(NULL, a->cert_path);
	if (!cert)
		return 1;
	ret = is_elf ? verify_object(a, cert) : verify_raw(a, cert);
	bpfsig_key__free(cert);
	return ret;
}

int do_verify(int argc, char **argv)
{
	struct verify_args a = { .vopts.sz = sizeof(a.vopts) };
	int ret;

	a.btfs = calloc(argc + 1, sizeof(*a.btfs));
	a.sigs = calloc(argc + 1, sizeof(*a.sigs));
	if (!a.btfs || !a.sigs)
		ret = 1;
	else
		ret = parse_verify_args(argc, argv, &a);
	if (ret == OPT_HELP)
		ret = verify_help();
	else if (!ret)
		ret = verify_file(&a);
	free(a.btfs);
	free(a.sigs);
	return ret;
}
