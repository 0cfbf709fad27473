// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: redirecting the imports of one loaded object.
 *
 * A call from a shared object or a PIE program to a function of another
 * object goes through an entry of its global offset table that the dynamic
 * linker fills with the function's address (R_*_JUMP_SLOT for PLT calls,
 * R_*_GLOB_DAT for address loads). Rewriting those entries of one object
 * changes where that object's calls go, and nothing else: the rest of the
 * program keeps calling libc. The entries may sit in the RELRO region,
 * which the dynamic linker has made read-only: its page is made writable
 * for the store and read-only again, as the dynamic linker left it.
 */
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "hook.h"

#if defined(__x86_64__)
#define R_JUMP_SLOT	R_X86_64_JUMP_SLOT
#define R_GLOB_DAT	R_X86_64_GLOB_DAT
#elif defined(__aarch64__)
#define R_JUMP_SLOT	R_AARCH64_JUMP_SLOT
#define R_GLOB_DAT	R_AARCH64_GLOB_DAT
#else
#error "libbpfsig: the GOT relocations of this architecture are not known"
#endif

struct request {
	const void *addr;
	const struct bpfsig_import *imp;
	size_t cnt;
	int ret;		/* entries changed, or -errno */
	bool found;
};

/* What the object's dynamic section says about its relocations. */
struct dyn {
	const ElfW(Sym) *symtab;
	const char *strtab;
	const ElfW(Rela) *rela[2];	/* DT_RELA, DT_JMPREL */
	size_t relasz[2];
	uintptr_t ro_start, ro_end;	/* pages of the RELRO region */
};

static bool contains(const struct dl_phdr_info *info, const void *addr)
{
	uintptr_t a = (uintptr_t)addr, start;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && a >= start && a < start + ph->p_memsz)
			return true;
	}
	return false;
}

/* glibc has relocated the addresses in the dynamic section already */
static uintptr_t dyn_ptr(const struct dl_phdr_info *info, ElfW(Addr) v)
{
	return v < info->dlpi_addr ? info->dlpi_addr + v : v;
}

/* The dynamic section entries read_dyn() needs, by index. */
enum { SYMTAB, STRTAB, RELA, RELASZ, JMPREL, PLTRELSZ, PLTREL, NR_TAGS };
static const ElfW(Sxword) dyn_tags[NR_TAGS] = {
	DT_SYMTAB, DT_STRTAB, DT_RELA, DT_RELASZ, DT_JMPREL, DT_PLTRELSZ,
	DT_PLTREL,
};

static int read_dyn(const struct dl_phdr_info *info, struct dyn *d)
{
	uintptr_t page = sysconf(_SC_PAGESIZE), start, v[NR_TAGS] = {};
	const ElfW(Dyn) *e = NULL;
	int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_DYNAMIC) {
			e = (const void *)start;
		} else if (ph->p_type == PT_GNU_RELRO) {
			d->ro_start = start & ~(page - 1);
			d->ro_end = (start + ph->p_memsz) & ~(page - 1);
		}
	}
	for (; e && e->d_tag != DT_NULL; e++)
		for (i = 0; i < NR_TAGS; i++)
			if (e->d_tag == dyn_tags[i])
				v[i] = e->d_un.d_val;
	if (!v[SYMTAB] || !v[STRTAB])
		return -ENOENT;
	if (v[PLTREL] && v[PLTREL] != DT_RELA)
		return -ENOTSUP;
	d->symtab = (const void *)dyn_ptr(info, v[SYMTAB]);
	d->strtab = (const void *)dyn_ptr(info, v[STRTAB]);
	d->rela[0] = v[RELA] ? (const void *)dyn_ptr(info, v[RELA]) : NULL;
	d->relasz[0] = v[RELASZ];
	d->rela[1] = v[JMPREL] ? (const void *)dyn_ptr(info, v[JMPREL]) : NULL;
	d->relasz[1] = v[PLTRELSZ];
	return 0;
}

static int store(void **slot, void *fn, const struct dyn *d)
{
	size_t len = sysconf(_SC_PAGESIZE);
	uintptr_t page = (uintptr_t)slot & ~(len - 1);
	bool ro = page >= d->ro_start && page < d->ro_end;

	if (ro && mprotect((void *)page, len, PROT_READ | PROT_WRITE))
		return -errno;
	__atomic_store_n(slot, fn, __ATOMIC_RELEASE);
	if (ro && mprotect((void *)page, len, PROT_READ))
		return -errno;
	return 0;
}

static const struct bpfsig_import *wanted(const struct request *req,
					  const struct dyn *d,
					  const ElfW(Rela) *r)
{
	unsigned long type = ELF64_R_TYPE(r->r_info);
	const char *name;
	size_t i;

	if ((type != R_JUMP_SLOT && type != R_GLOB_DAT) ||
	    !ELF64_R_SYM(r->r_info))
		return NULL;
	name = d->strtab + d->symtab[ELF64_R_SYM(r->r_info)].st_name;
	for (i = 0; i < req->cnt; i++)
		if (!strcmp(name, req->imp[i].name))
			return &req->imp[i];
	return NULL;
}

static int redirect_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	const struct bpfsig_import *imp;
	struct request *req = arg;
	const ElfW(Rela) *r;
	struct dyn d;
	size_t t, i;
	int err;

	(void)size;
	if (!contains(info, req->addr))
		return 0;
	req->found = true;
	err = read_dyn(info, &d);
	if (err) {
		req->ret = err;
		return 1;
	}
	for (t = 0; t < 2; t++) {
		for (i = 0; i < d.relasz[t] / sizeof(*r); i++) {
			r = &d.rela[t][i];
			imp = wanted(req, &d, r);
			if (!imp)
				continue;
			err = store((void **)(info->dlpi_addr + r->r_offset),
				    imp->fn, &d);
			if (err) {
				req->ret = err;
				return 1;
			}
			req->ret++;
		}
	}
	return 1;
}

int bpfsig_got_redirect(const void *addr, const struct bpfsig_import *imp,
			size_t cnt)
{
	struct request req = { .addr = addr, .imp = imp, .cnt = cnt };

	dl_iterate_phdr(redirect_object, &req);
	return req.found ? req.ret : -ENOENT;
}
