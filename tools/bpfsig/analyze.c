// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfsig show: which programs of an object are kernel-specific and why.
 *
 * From the ELF alone: its functions (programs and subprograms), the
 * externs their relocations name (kinds from the .ksyms / .kconfig BTF
 * data sections), their CO-RE relocations (.BTF.ext), and the calls into
 * .text subprograms, whose reasons reach every caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "analyze.h"

/* The object being analysed. */
struct elf_obj {
	Elf *elf;
	size_t shstrndx, strndx;
	Elf_Data *symdata, *ext;	/* symbol table, .BTF.ext */
	struct btf *btf;
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

/* The section named @name, NULL if none. */
static Elf_Scn *section_by_name(const struct elf_obj *o, const char *name)
{
	Elf_Scn *scn = NULL;
	const char *n;
	GElf_Shdr sh;

	while (name && (scn = elf_nextscn(o->elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		n = elf_strptr(o->elf, o->shstrndx, sh.sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/*
 * Where the CO-RE relocation records of .BTF.ext are: 0 and [*pos, *end)
 * with records of *rec_size bytes, or -1 if there are none.
 */
static int core_relo_range(const Elf_Data *ext, __u32 *pos, __u32 *end,
			   __u32 *rec_size)
{
	const unsigned char *d = ext->d_buf;
	__u32 hdr_len, off, len;

	if (ext->d_size < 32 || *(const __u16 *)d != 0xeB9F)
		return -1;
	hdr_len = *(const __u32 *)(d + 4);
	if (hdr_len < 32 || hdr_len > ext->d_size)
		return -1;
	off = *(const __u32 *)(d + 24);
	len = *(const __u32 *)(d + 28);
	if (!len || (size_t)hdr_len + off + len > ext->d_size || len < 4)
		return -1;
	*pos = hdr_len + off + 4;
	*end = hdr_len + off + len;
	*rec_size = *(const __u32 *)(d + hdr_len + off);
	return *rec_size < 16 ? -1 : 0;
}

/* CO-RE relocation records of .BTF.ext: mark the functions they patch. */
static int collect_core(struct analysis *a, const struct elf_obj *o)
{
	const unsigned char *d = o->ext->d_buf;
	__u32 pos, end, rec_size, num, k;
	Elf_Scn *scn;
	struct func *f;

	if (core_relo_range(o->ext, &pos, &end, &rec_size))
		return 0;
	while (pos + 8 <= end) {
		scn = section_by_name(o, btf__name_by_offset(o->btf,
						*(const __u32 *)(d + pos)));
		num = *(const __u32 *)(d + pos + 4);
		pos += 8;
		if ((size_t)num * rec_size > end - pos)
			return -EBADMSG;
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

/* Symbol table, its strings and .BTF.ext of @o->elf: 0 or -EBADMSG. */
static int find_tables(struct elf_obj *o)
{
	Elf_Scn *scn = NULL;
	const char *name;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(o->elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(o->elf, o->shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB) {
			o->symdata = elf_getdata(scn, NULL);
			o->strndx = sh.sh_link;
		} else if (name && !strcmp(name, ".BTF.ext")) {
			o->ext = elf_getdata(scn, NULL);
		}
	}
	return o->symdata ? 0 : -EBADMSG;
}

static bool in_text(const struct elf_obj *o, size_t shndx)
{
	Elf_Scn *scn = elf_getscn(o->elf, shndx);
	const char *name;
	GElf_Shdr sh;

	return scn && gelf_getshdr(scn, &sh) &&
	       (name = elf_strptr(o->elf, o->shstrndx, sh.sh_name)) &&
	       !strcmp(name, ".text");
}

/* Functions (programs and subprograms) in executable sections. */
static int collect_funcs(struct analysis *a, const struct elf_obj *o)
{
	size_t i, nsyms = o->symdata->d_size / sizeof(Elf64_Sym);
	struct func *nf;
	GElf_Shdr sh;
	GElf_Sym sym;
	Elf_Scn *s;

	for (i = 0; i < nsyms; i++) {
		if (!gelf_getsym(o->symdata, i, &sym) ||
		    GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
			continue;
		s = elf_getscn(o->elf, sym.st_shndx);
		if (!s || !gelf_getshdr(s, &sh) || !(sh.sh_flags & SHF_EXECINSTR))
			continue;
		nf = realloc(a->funcs, (a->cnt + 1) * sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		a->funcs = nf;
		nf = &a->funcs[a->cnt++];
		memset(nf, 0, sizeof(*nf));
		nf->name = strdup(elf_strptr(o->elf, o->strndx, sym.st_name) ?: "");
		nf->shndx = sym.st_shndx;
		nf->off = sym.st_value;
		nf->size = sym.st_size;
	}
	return 0;
}

/* One relocation of section @shndx: an extern, or a call into .text. */
static void collect_reloc(struct analysis *a, const struct elf_obj *o,
			  size_t shndx, const GElf_Rel *rel)
{
	struct func *f = func_at(a, shndx, rel->r_offset);
	const char *sname;
	GElf_Sym sym;
	int kind;

	if (!f || !gelf_getsym(o->symdata, GELF_R_SYM(rel->r_info), &sym))
		return;
	sname = elf_strptr(o->elf, o->strndx, sym.st_name);
	if (sym.st_shndx == SHN_UNDEF && sname && *sname) {
		kind = extern_kind(o->btf, sname);
		if (kind >= 0)
			add_detail(f, kind, sname);
	} else if (sym.st_shndx != SHN_UNDEF && sym.st_shndx < SHN_LORESERVE &&
		   in_text(o, sym.st_shndx)) {
		f->calls_text = 1;
	}
}

static void collect_relocs(struct analysis *a, const struct elf_obj *o)
{
	Elf_Scn *scn = NULL;
	Elf_Data *rd;
	GElf_Shdr sh;
	GElf_Rel rel;
	size_t r;

	while ((scn = elf_nextscn(o->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_REL ||
		    !sh.sh_entsize)
			continue;
		rd = elf_getdata(scn, NULL);
		for (r = 0; rd && r < sh.sh_size / sh.sh_entsize; r++)
			if (gelf_getrel(rd, r, &rel))
				collect_reloc(a, o, sh.sh_info, &rel);
	}
}

static int analyze_elf(struct analysis *a, struct elf_obj *o)
{
	size_t i;
	int err;

	err = find_tables(o) ?: collect_funcs(a, o);
	if (err)
		return err;
	collect_relocs(a, o);
	if (o->ext && o->btf)
		collect_core(a, o);
	/* subprograms in .text: their reasons reach every caller */
	for (i = 0; i < a->cnt; i++)
		if (in_text(o, a->funcs[i].shndx))
			a->text_reasons |= a->funcs[i].reasons;
	return 0;
}

int analyze(const char *path, struct analysis *a)
{
	struct elf_obj o = {};
	int fd, err;

	memset(a, 0, sizeof(*a));
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	o.elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!o.elf || elf_getshdrstrndx(o.elf, &o.shstrndx)) {
		err = -EBADMSG;
	} else {
		o.btf = btf__parse_elf(path, NULL);
		err = analyze_elf(a, &o);
		btf__free(o.btf);
	}
	if (o.elf)
		elf_end(o.elf);
	close(fd);
	return err;
}

void free_analysis(struct analysis *a)
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

const struct func *find_func(const struct analysis *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->cnt; i++)
		if (!strcmp(a->funcs[i].name, name))
			return &a->funcs[i];
	return NULL;
}

unsigned int func_reasons(const struct analysis *a, const struct func *f)
{
	if (!f)
		return 0;
	return f->reasons | (f->calls_text ? a->text_reasons : 0);
}
