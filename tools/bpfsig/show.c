// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfsig show: what a file contains -- a signed raw program, a signature
 * bundle, or a BPF object: its programs, which of them are kernel-specific
 * and why (analyze.c), and the signatures stored in it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "main.h"
#include "analyze.h"
#include "bpfsig_sec.h"

static const char *const reason_desc[R_CNT] = {
	[R_CORE]	= "CO-RE relocations (field offsets, type ids of the target kernel)",
	[R_KSYM]	= "typed ksyms (BTF ids of the target kernel)",
	[R_KFUNC]	= "kfunc calls (BTF ids of the target kernel)",
	[R_TYPELESS]	= "typeless ksyms (kallsyms addresses of the booted kernel: cannot be signed ahead of boot)",
	[R_KCONFIG]	= "kconfig externs (values live in the .kconfig map; instructions unaffected)",
};

static const char *const reason_key[R_CNT] = {
	[R_CORE] = "core_relo", [R_KSYM] = "ksym", [R_KFUNC] = "kfunc",
	[R_TYPELESS] = "typeless_ksym", [R_KCONFIG] = "kconfig",
};

static void show_stmt(const struct bpfsig_sig_info *info)
{
	char hex[129], kid[65], sd[65], tb[16], ab[64];

	hex_str(info->digest, info->digest_len, hex);
	hex_str(info->keyid, info->keyid_len, kid);
	hex_str(info->stmt_digest, sizeof(info->stmt_digest), sd);
	if (json_output) {
		jsonw_string_field(json_wtr, "prog_type",
				   prog_type_str(info->prog_type, tb, sizeof(tb)));
		jsonw_uint_field(json_wtr, "expected_attach_type", info->expected_attach_type);
		jsonw_uint_field(json_wtr, "insn_cnt", info->insn_cnt);
		jsonw_string_field(json_wtr, "hash",
				   bpfsig_hash_str(info->hash_algo));
		jsonw_string_field(json_wtr, "digest", hex);
		jsonw_string_field(json_wtr, "keyid", kid);
		jsonw_uint_field(json_wtr, "sig_len", info->sig_len);
		jsonw_string_field(json_wtr, "statement_digest", sd);
		return;
	}
	printf("\ttype %s  attach %s  insns %u\n",
	       prog_type_str(info->prog_type, tb, sizeof(tb)),
	       attach_type_str(info->expected_attach_type, ab, sizeof(ab)),
	       info->insn_cnt);
	printf("\t%s %s\n\tsigner keyid %s  (CMS %u bytes)\n",
	       bpfsig_hash_str(info->hash_algo), hex, kid, info->sig_len);
	printf("\tstatement sha256 %s\n", sd);
}

static void show_records(const struct bpfsig_sigset *set)
{
	const struct bpfsig_record *r;
	struct bpfsig_sig_info info;
	unsigned char zero[32] = {};
	char tgt[65];
	size_t i;

	if (json_output) {
		jsonw_name(json_wtr, "signatures");
		jsonw_start_array(json_wtr);
	} else {
		printf("signatures: %zu\n", bpfsig_sigset__cnt(set));
	}
	for (i = 0; i < bpfsig_sigset__cnt(set); i++) {
		r = bpfsig_sigset__record(set, i);
		if (memcmp(r->target, zero, 32))
			hex_str(r->target, 32, tgt);
		else
			strcpy(tgt, "any");
		if (bpfsig_inspect_appendix(r->appendix, r->appendix_len,
					    &info))
			memset(&info, 0, sizeof(info));
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_string_field(json_wtr, "name", r->name);
			jsonw_bool_field(json_wtr, "probe",
					 r->flags & BPFSIG_REC_PROBE);
			jsonw_string_field(json_wtr, "target_btf_sha256", tgt);
			show_stmt(&info);
			jsonw_end_object(json_wtr);
		} else {
			printf("  %s%s  target %s%s\n",
			       r->flags & BPFSIG_REC_PROBE ? "[libbpf probe]" : "",
			       r->name, strcmp(tgt, "any") ? "btf sha256:" : "",
			       tgt);
			show_stmt(&info);
		}
	}
	if (json_output)
		jsonw_end_array(json_wtr);
}

static void show_reasons_json(const struct func *f, unsigned int reasons)
{
	int r;

	jsonw_name(json_wtr, "reasons");
	jsonw_start_array(json_wtr);
	for (r = 0; r < R_CNT; r++) {
		if (!(reasons & (1u << r)))
			continue;
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "kind", reason_key[r]);
		jsonw_string_field(json_wtr, "why", reason_desc[r]);
		if (f && f->detail[r])
			jsonw_string_field(json_wtr, "symbols", f->detail[r]);
		jsonw_end_object(json_wtr);
	}
	jsonw_end_array(json_wtr);
}

static void show_program_json(const struct bpf_program *prog,
			      const struct func *f, unsigned int reasons)
{
	char tb[16];

	jsonw_start_object(json_wtr);
	jsonw_string_field(json_wtr, "name", bpf_program__name(prog));
	jsonw_string_field(json_wtr, "section",
			   bpf_program__section_name(prog));
	jsonw_string_field(json_wtr, "prog_type",
			   prog_type_str(bpf_program__type(prog), tb,
					 sizeof(tb)));
	jsonw_uint_field(json_wtr, "expected_attach_type",
			 bpf_program__expected_attach_type(prog));
	jsonw_bool_field(json_wtr, "autoload", bpf_program__autoload(prog));
	jsonw_bool_field(json_wtr, "kernel_specific", reasons & R_SPECIFIC);
	show_reasons_json(f, reasons);
	jsonw_end_object(json_wtr);
}

static void show_program_text(const struct bpf_program *prog,
			      const struct func *f, unsigned int reasons)
{
	char tb[16], ab[64];
	int r;

	printf("  %s  (section %s, type %s, attach %s%s)\n",
	       bpf_program__name(prog), bpf_program__section_name(prog),
	       prog_type_str(bpf_program__type(prog), tb, sizeof(tb)),
	       attach_type_str(bpf_program__expected_attach_type(prog), ab,
			       sizeof(ab)),
	       bpf_program__autoload(prog) ? "" : ", not autoloaded");
	printf("\t%s\n", reasons & R_SPECIFIC ?
	       "kernel-specific: sign once per target kernel (--btf)" :
	       "kernel-independent");
	for (r = 0; r < R_CNT; r++)
		if (reasons & (1u << r))
			printf("\t- %s%s%s%s\n", reason_desc[r],
			       f && f->detail[r] ? ": " : "",
			       f && f->detail[r] ? f->detail[r] : "",
			       f && !(f->reasons & (1u << r)) ?
			       " (via subprograms)" : "");
}

/* The programs of @obj, each with why it is kernel-specific. */
static void show_programs(const char *path, struct bpf_object *obj,
			 const struct analysis *a)
{
	struct bpf_program *prog;
	const struct func *f;
	int nprogs = 0;

	if (json_output) {
		jsonw_string_field(json_wtr, "file", path);
		jsonw_string_field(json_wtr, "kind", "object");
		jsonw_name(json_wtr, "programs");
		jsonw_start_array(json_wtr);
	} else {
		printf("%s: BPF object\nprograms:\n", path);
	}
	bpf_object__for_each_program(prog, obj) {
		f = find_func(a, bpf_program__name(prog));
		if (json_output)
			show_program_json(prog, f, func_reasons(a, f));
		else
			show_program_text(prog, f, func_reasons(a, f));
		nprogs++;
	}
	if (json_output)
		jsonw_end_array(json_wtr);
	else if (!nprogs)
		printf("  none (only subprograms, maps or data: libbpf loads no program from it)\n");
}

/* The signatures stored in the object: 0, or the error reading them. */
static int show_object_sigs(const char *path)
{
	struct bpfsig_sigset *set = bpfsig_sigset__new();
	int err;

	if (!set)
		return -ENOMEM;
	err = bpfsig_sigset__add_file(set, path);
	if (err == -ENODATA) {
		if (json_output)
			jsonw_bool_field(json_wtr, "signed", false);
		else
			printf("signatures: none (not signed)\n");
		err = 0;
	} else if (!err) {
		if (json_output)
			jsonw_bool_field(json_wtr, "signed", true);
		show_records(set);
	}
	bpfsig_sigset__free(set);
	return err;
}

static int show_object(const char *path)
{
	struct bpf_object *obj;
	struct analysis a;
	int err;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		p_err("%s: libbpf cannot open the object: %s", path,
		      strerror(errno));
		return 1;
	}
	err = analyze(path, &a);
	if (err) {
		p_err("%s: corrupt ELF: %s", path, strerror(-err));
		free_analysis(&a);
		bpf_object__close(obj);
		return 1;
	}
	if (json_output)
		jsonw_start_object(json_wtr);
	show_programs(path, obj, &a);
	free_analysis(&a);
	bpf_object__close(obj);
	err = show_object_sigs(path);
	if (json_output)
		jsonw_end_object(json_wtr);
	return err ? 1 : 0;
}

static void show_bundle(const char *path, const struct bpfsig_sigset *set)
{
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", path);
		jsonw_string_field(json_wtr, "kind", "bundle");
	} else {
		printf("%s: signature bundle\n", path);
	}
	show_records(set);
	if (json_output)
		jsonw_end_object(json_wtr);
}

static void show_raw(const char *path, const struct bpfsig_sig_info *info)
{
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", path);
		jsonw_string_field(json_wtr, "kind", "raw");
		jsonw_uint_field(json_wtr, "appendix_len", info->appendix_len);
		show_stmt(info);
		jsonw_end_object(json_wtr);
	} else {
		printf("%s: signed raw program (+%u bytes)\n", path,
		       info->appendix_len);
		show_stmt(info);
	}
}

static int show_raw_or_bundle(const char *path)
{
	struct bpfsig_sig_info info;
	struct bpfsig_sigset *set;
	size_t len;
	void *buf;
	int err;

	if (read_file(path, &buf, &len))
		return 1;
	set = bpfsig_sigset__new();
	if (set && !bpfsig_sigset__add_buf(set, buf, len)) {
		free(buf);
		show_bundle(path, set);
		bpfsig_sigset__free(set);
		return 0;
	}
	bpfsig_sigset__free(set);
	err = len % 8 ? -ENODATA : bpfsig_inspect_blob(buf, len, &info);
	free(buf);
	if (err) {
		p_err("%s: %s", path, len % 8 ?
		      "neither a BPF object, a signature bundle nor a raw instruction file" :
		      bpfsig_strerror(err));
		return 1;
	}
	show_raw(path, &info);
	return 0;
}

static int show_help(void)
{
	fprintf(stderr,
		"Usage: %s show FILE\n"
		"\n"
		"FILE: a BPF object (programs, whether each is kernel-specific and why,\n"
		"stored signatures), a signature bundle (each signature's name; for\n"
		"recorded loads, where it came from), a manifest of recorded loads\n"
		"('bpfsig record': each load, the command that made it, its place\n"
		"and the runs it was seen in), or a signed raw program.\n"
		"Nothing is verified: see '%s verify'.\n",
		bin_name, bin_name);
	return 0;
}

int do_show(int argc, char **argv)
{
	int is_elf;

	if (argc == 1 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "-h") ||
			  !strcmp(argv[0], "--help")))
		return show_help();
	if (argc != 1) {
		p_usage("show: expected exactly one FILE");
		return EXIT_USAGE;
	}
	is_elf = file_is_elf(argv[0]);
	if (is_elf < 0)
		return 1;
	if (is_elf)
		return show_object(argv[0]);
	if (file_is_manifest(argv[0]) == 1)
		return show_manifest(argv[0]);
	return show_raw_or_bundle(argv[0]);
}
