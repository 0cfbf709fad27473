// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfsig show: what a file contains -- a signed raw program, a signature
 * bundle, or a BPF object: its programs, which of them are kernel-specific
 * and why, and the signatures stored in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "main.h"
#include "object.h"
#include "bpfsig_sec.h"

#define MAX_REASONS 4

enum reason {
	R_CORE,		/* CO-RE relocations: field offsets etc. of the target */
	R_KSYM,		/* typed ksyms: BTF ids of the target */
	R_KFUNC,	/* kfunc calls: BTF ids of the target */
	R_TYPELESS,	/* typeless ksyms: addresses of the booted kernel */
	R_KCONFIG,	/* kconfig externs: .kconfig map data only */
	R_CNT,
};

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

struct func {
	char *name;
	size_t shndx;
	GElf_Addr off, size;
	unsigned int reasons;	/* 1 << enum reason */
	unsigned int calls_text;
	char *detail[R_CNT];	/* comma-separated names */
};

struct analysis {
	struct func *funcs;
	size_t cnt;
	unsigned int text_reasons;	/* union over .text subprograms */
};

static void add_detail(struct func *f, enum reason r, const char *name)
{
	char *d = f->detail[r], *n;

	f->reasons |= 1u << r;
	if (!name || (d && strstr(d, name)))
		return;
	if (asprintf(&n, "%s%s%s", d ? d : "", d ? "," : "", name) < 0)
		return;
	free(d);
	f->detail[r] = n;
}

static struct func *func_at(struct analysis *a, size_t shndx, GElf_Addr off)
{
	size_t i;

	for (i = 0; i < a->cnt; i++)
		if (a->funcs[i].shndx == shndx && off >= a->funcs[i].off &&
		    off < a->funcs[i].off + a->funcs[i].size)
			return &a->funcs[i];
	return NULL;
}

/* Kind of an extern from its BTF DATASEC (.ksyms / .kconfig) */
static int extern_kind(const struct btf *btf, const char *name)
{
	const struct btf_type *t, *v;
	const struct btf_var_secinfo *vs;
	const char *sec;
	__u32 i, n, j, tid;

	if (!btf)
		return -1;
	n = btf__type_cnt(btf);
	for (i = 1; i < n; i++) {
		t = btf__type_by_id(btf, i);
		if (!btf_is_datasec(t))
			continue;
		sec = btf__name_by_offset(btf, t->name_off);
		if (!sec || (strcmp(sec, ".ksyms") && strcmp(sec, ".kconfig")))
			continue;
		vs = btf_var_secinfos(t);
		for (j = 0; j < btf_vlen(t); j++, vs++) {
			v = btf__type_by_id(btf, vs->type);
			if (!v || strcmp(btf__name_by_offset(btf, v->name_off),
					 name))
				continue;
			if (!strcmp(sec, ".kconfig"))
				return R_KCONFIG;
			if (btf_is_func(v))
				return R_KFUNC;
			/* typeless: void after modifiers */
			tid = v->type;
			while (tid) {
				const struct btf_type *m = btf__type_by_id(btf, tid);

				if (!m || !(btf_is_mod(m) || btf_is_typedef(m)))
					break;
				tid = m->type;
			}
			return tid ? R_KSYM : R_TYPELESS;
		}
	}
	return -1;
}

static int collect_core(struct analysis *a, Elf *elf, size_t shstrndx,
			const struct btf *btf, Elf_Data *ext)
{
	const unsigned char *d = ext->d_buf;
	__u32 hdr_len, off, len, rec_size, pos, end, num, k;
	const char *secname, *name;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	struct func *f;

	if (ext->d_size < 32 || *(const __u16 *)d != 0xeB9F)
		return 0;
	hdr_len = *(const __u32 *)(d + 4);
	if (hdr_len < 32 || hdr_len > ext->d_size)
		return 0;
	off = *(const __u32 *)(d + 24);
	len = *(const __u32 *)(d + 28);
	if (!len || (size_t)hdr_len + off + len > ext->d_size || len < 4)
		return 0;
	pos = hdr_len + off;
	end = pos + len;
	rec_size = *(const __u32 *)(d + pos);
	pos += 4;
	if (rec_size < 16)
		return 0;
	while (pos + 8 <= end) {
		secname = btf__name_by_offset(btf, *(const __u32 *)(d + pos));
		num = *(const __u32 *)(d + pos + 4);
		pos += 8;
		if ((size_t)num * rec_size > end - pos)
			return -EBADMSG;
		/* find the section by name */
		scn = NULL;
		while (secname && (scn = elf_nextscn(elf, scn))) {
			if (!gelf_getshdr(scn, &sh))
				continue;
			name = elf_strptr(elf, shstrndx, sh.sh_name);
			if (name && !strcmp(name, secname))
				break;
		}
		for (k = 0; k < num && scn; k++) {
			f = func_at(a, elf_ndxscn(scn),
				    *(const __u32 *)(d + pos + k * rec_size));
			if (f)
				add_detail(f, R_CORE, NULL);
		}
		pos += num * rec_size;
	}
	return 0;
}

static int analyze(const char *path, struct analysis *a)
{
	Elf_Data *symdata = NULL, *ext = NULL;
	size_t shstrndx, strndx = 0, i, nsyms;
	Elf_Scn *scn = NULL, *symscn = NULL;
	struct btf *btf;
	const char *name;
	GElf_Shdr sh;
	GElf_Sym sym;
	int fd, err = 0;
	Elf *elf;

	memset(a, 0, sizeof(*a));
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx)) {
		err = -EBADMSG;
		goto out;
	}
	btf = btf__parse_elf(path, NULL);
	if (!btf)
		btf = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB) {
			symscn = scn;
			symdata = elf_getdata(scn, NULL);
			strndx = sh.sh_link;
		} else if (name && !strcmp(name, ".BTF.ext")) {
			ext = elf_getdata(scn, NULL);
		}
	}
	if (!symscn || !symdata) {
		err = -EBADMSG;
		goto out_btf;
	}
	nsyms = symdata->d_size / sizeof(Elf64_Sym);
	/* functions (programs and subprograms) in executable sections */
	for (i = 0; i < nsyms; i++) {
		Elf_Scn *s;
		struct func *nf;

		if (!gelf_getsym(symdata, i, &sym) ||
		    GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
			continue;
		s = elf_getscn(elf, sym.st_shndx);
		if (!s || !gelf_getshdr(s, &sh) || !(sh.sh_flags & SHF_EXECINSTR))
			continue;
		nf = realloc(a->funcs, (a->cnt + 1) * sizeof(*nf));
		if (!nf) {
			err = -ENOMEM;
			goto out_btf;
		}
		a->funcs = nf;
		memset(&nf[a->cnt], 0, sizeof(*nf));
		nf[a->cnt].name = strdup(elf_strptr(elf, strndx, sym.st_name) ?: "");
		nf[a->cnt].shndx = sym.st_shndx;
		nf[a->cnt].off = sym.st_value;
		nf[a->cnt].size = sym.st_size;
		a->cnt++;
	}
	/* relocations: externs and calls into .text */
	scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *rd;
		size_t r, nrel;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_REL)
			continue;
		rd = elf_getdata(scn, NULL);
		if (!rd || !sh.sh_entsize)
			continue;
		nrel = sh.sh_size / sh.sh_entsize;
		for (r = 0; r < nrel; r++) {
			GElf_Rel rel;
			struct func *f;
			Elf_Scn *ts;
			GElf_Shdr tsh;
			const char *sname, *tname;
			int kind;

			if (!gelf_getrel(rd, r, &rel) ||
			    !gelf_getsym(symdata, GELF_R_SYM(rel.r_info), &sym))
				continue;
			f = func_at(a, sh.sh_info, rel.r_offset);
			if (!f)
				continue;
			sname = elf_strptr(elf, strndx, sym.st_name);
			if (sym.st_shndx == SHN_UNDEF && sname && *sname) {
				kind = extern_kind(btf, sname);
				if (kind >= 0)
					add_detail(f, kind, sname);
				continue;
			}
			if (sym.st_shndx == SHN_UNDEF ||
			    sym.st_shndx >= SHN_LORESERVE)
				continue;
			ts = elf_getscn(elf, sym.st_shndx);
			if (ts && gelf_getshdr(ts, &tsh) &&
			    (tname = elf_strptr(elf, shstrndx, tsh.sh_name)) &&
			    !strcmp(tname, ".text"))
				f->calls_text = 1;
		}
	}
	if (ext && btf)
		collect_core(a, elf, shstrndx, btf, ext);
	/* subprograms in .text: their reasons reach every caller */
	for (i = 0; i < a->cnt; i++) {
		scn = elf_getscn(elf, a->funcs[i].shndx);
		if (scn && gelf_getshdr(scn, &sh) &&
		    (name = elf_strptr(elf, shstrndx, sh.sh_name)) &&
		    !strcmp(name, ".text"))
			a->text_reasons |= a->funcs[i].reasons;
	}
out_btf:
	btf__free(btf);
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

static void free_analysis(struct analysis *a)
{
	size_t i;
	int r;

	for (i = 0; i < a->cnt; i++) {
		free(a->funcs[i].name);
		for (r = 0; r < R_CNT; r++)
			free(a->funcs[i].detail[r]);
	}
	free(a->funcs);
}

static const struct func *find_func(const struct analysis *a,
				    const char *name)
{
	size_t i;

	for (i = 0; i < a->cnt; i++)
		if (!strcmp(a->funcs[i].name, name))
			return &a->funcs[i];
	return NULL;
}

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

static int show_object(const char *path)
{
	struct bpfsig_sigset *set;
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct analysis a;
	char tb[16], ab[64];
	int err, r, nprogs = 0;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		p_err("%s: libbpf cannot open the object: %s", path,
		      strerror(errno));
		return 1;
	}
	err = analyze(path, &a);
	if (err) {
		p_err("%s: corrupt ELF: %s", path, strerror(-err));
		bpf_object__close(obj);
		return 1;
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", path);
		jsonw_string_field(json_wtr, "kind", "object");
		jsonw_name(json_wtr, "programs");
		jsonw_start_array(json_wtr);
	} else {
		printf("%s: BPF object\nprograms:\n", path);
	}
	bpf_object__for_each_program(prog, obj) {
		const struct func *f = find_func(&a, bpf_program__name(prog));
		unsigned int reasons = 0;
		bool specific;

		nprogs++;
		if (f) {
			reasons = f->reasons;
			if (f->calls_text)
				reasons |= a.text_reasons;
		}
		specific = reasons & (1u << R_CORE | 1u << R_KSYM |
				      1u << R_KFUNC | 1u << R_TYPELESS);
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_string_field(json_wtr, "name",
					   bpf_program__name(prog));
			jsonw_string_field(json_wtr, "section",
					   bpf_program__section_name(prog));
			jsonw_string_field(json_wtr, "prog_type",
				prog_type_str(bpf_program__type(prog), tb,
					      sizeof(tb)));
			jsonw_uint_field(json_wtr, "expected_attach_type", bpf_program__expected_attach_type(prog));
			jsonw_bool_field(json_wtr, "autoload",
					 bpf_program__autoload(prog));
			jsonw_bool_field(json_wtr, "kernel_specific", specific);
			jsonw_name(json_wtr, "reasons");
			jsonw_start_array(json_wtr);
			for (r = 0; r < R_CNT; r++) {
				if (!(reasons & (1u << r)))
					continue;
				jsonw_start_object(json_wtr);
				jsonw_string_field(json_wtr, "kind",
						   reason_key[r]);
				jsonw_string_field(json_wtr, "why",
						   reason_desc[r]);
				if (f && f->detail[r])
					jsonw_string_field(json_wtr, "symbols",
							   f->detail[r]);
				jsonw_end_object(json_wtr);
			}
			jsonw_end_array(json_wtr);
			jsonw_end_object(json_wtr);
			continue;
		}
		printf("  %s  (section %s, type %s, attach %s%s)\n",
		       bpf_program__name(prog),
		       bpf_program__section_name(prog),
		       prog_type_str(bpf_program__type(prog), tb, sizeof(tb)),
		       attach_type_str(bpf_program__expected_attach_type(prog),
				       ab, sizeof(ab)),
		       bpf_program__autoload(prog) ? "" : ", not autoloaded");
		printf("\t%s\n", specific ?
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
	if (json_output)
		jsonw_end_array(json_wtr);
	free_analysis(&a);
	bpf_object__close(obj);

	set = bpfsig_sigset__new();
	if (!set)
		return 1;
	err = bpfsig_sigset__add_file(set, path);
	if (err == -ENODATA) {
		if (json_output)
			jsonw_bool_field(json_wtr, "signed", false);
		else
			printf("signatures: none (not signed)\n");
	} else if (!err) {
		if (json_output)
			jsonw_bool_field(json_wtr, "signed", true);
		show_records(set);
	}
	if (json_output)
		jsonw_end_object(json_wtr);
	bpfsig_sigset__free(set);
	if (!nprogs) {
		p_err("%s: object has no BPF programs", path);
		return 1;
	}
	return err && err != -ENODATA ? 1 : 0;
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
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", path);
		jsonw_string_field(json_wtr, "kind", "raw");
		jsonw_uint_field(json_wtr, "appendix_len", info.appendix_len);
		show_stmt(&info);
		jsonw_end_object(json_wtr);
	} else {
		printf("%s: signed raw program (+%u bytes)\n", path,
		       info.appendix_len);
		show_stmt(&info);
	}
	return 0;
}

static int show_help(void)
{
	fprintf(stderr,
		"Usage: %s show FILE\n"
		"\n"
		"FILE: a BPF object (programs, whether each is kernel-specific and why,\n"
		"stored signatures), a signature bundle, or a signed raw program.\n"
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
	return is_elf ? show_object(argv[0]) : show_raw_or_bundle(argv[0]);
}
