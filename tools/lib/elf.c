// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: the .bpfsig section of BPF ELF objects (read, replace, add)
 * and signature files (objects or detached bundles).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "libbpfsig_internal.h"
#include "bpfsig_sec.h"

static int elf_init(void)
{
	if (elf_version(EV_CURRENT) == EV_NONE) {
		pr_warn("libelf initialization failed: %s\n", elf_errmsg(-1));
		return -EIO;
	}
	return 0;
}

/* The .bpfsig section of @elf, NULL if none; -EBADMSG-style errors to *err */
static Elf_Scn *find_sec(Elf *elf, const char *path, int *err)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;
	const char *name;

	*err = 0;
	if (elf_getshdrstrndx(elf, &shstrndx)) {
		pr_warn("%s: corrupt ELF: %s\n", path, elf_errmsg(-1));
		*err = -EBADMSG;
		return NULL;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh)) {
			pr_warn("%s: corrupt ELF: %s\n", path, elf_errmsg(-1));
			*err = -EBADMSG;
			return NULL;
		}
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, BPFSIG_SEC_NAME))
			return scn;
	}
	return NULL;
}

/* Is @elf a BPF relocatable object? */
static int check_bpf_elf(Elf *elf, const char *path)
{
	GElf_Ehdr eh;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		pr_warn("%s: not an ELF object (or corrupt ELF header)\n", path);
		return -ENOEXEC;
	}
	if (eh.e_machine != EM_BPF) {
		pr_warn("%s: not a BPF object (ELF machine %u, expected EM_BPF %u)\n",
			path, eh.e_machine, EM_BPF);
		return -ENOEXEC;
	}
	return 0;
}

static int add_from_elf(struct bpfsig_sigset *set, const char *path,
			const void *buf, size_t len)
{
	Elf_Data *data;
	Elf_Scn *scn;
	Elf *elf;
	int err;

	err = elf_init();
	if (err)
		return err;
	elf = elf_memory((char *)buf, len);
	if (!elf) {
		pr_warn("%s: corrupt ELF: %s\n", path, elf_errmsg(-1));
		return -EBADMSG;
	}
	err = check_bpf_elf(elf, path);
	if (err)
		goto out;
	scn = find_sec(elf, path, &err);
	if (!scn) {
		if (!err)
			err = -ENODATA;
		goto out;
	}
	data = elf_getdata(scn, NULL);
	if (!data || !data->d_buf) {
		pr_warn("%s: corrupt %s section\n", path, BPFSIG_SEC_NAME);
		err = -EBADMSG;
		goto out;
	}
	err = bpfsig_sigset__add_buf(set, data->d_buf, data->d_size);
	if (err)
		pr_warn("%s: malformed %s section: %s\n", path,
			BPFSIG_SEC_NAME, strerror(-err));
out:
	elf_end(elf);
	return err;
}

int bpfsig_sigset__add_file(struct bpfsig_sigset *set, const char *path)
{
	size_t len;
	void *buf;
	int err;

	if (!set || !path)
		return bpfsig_err(-EINVAL);
	err = bpfsig_read_file(path, &buf, &len);
	if (err) {
		pr_warn("%s: %s\n", path, strerror(-err));
		return bpfsig_err(err);
	}
	if (len >= 4 && !memcmp(buf, ELFMAG, SELFMAG)) {
		err = add_from_elf(set, path, buf, len);
	} else {
		err = bpfsig_sigset__add_buf(set, buf, len);
		if (err == -ENOEXEC)
			pr_warn("%s: neither a BPF object nor a bpfsig signature bundle\n",
				path);
		else if (err)
			pr_warn("%s: malformed signature bundle: %s\n", path,
				strerror(-err));
	}
	free(buf);
	return bpfsig_err(err);
}

int bpfsig_sigset__write_bundle(const struct bpfsig_sigset *set,
				const char *path)
{
	struct iovec iov;
	int err;

	if (!set || !path)
		return bpfsig_err(-EINVAL);
	err = bpfsig_sigset__encode(set, &iov.iov_base, &iov.iov_len);
	if (err)
		return err;
	err = bpfsig_write_file(path, &iov, 1);
	free(iov.iov_base);
	return err;
}

/* Append .bpfsig to the section name string table: its offset, or -errno. */
static long add_sec_name(Elf *elf, const char *path, char **new_strtab)
{
	Elf_Data *sdata;
	Elf_Scn *sscn;
	size_t shstrndx, off;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return -EBADMSG;
	sscn = elf_getscn(elf, shstrndx);
	sdata = sscn ? elf_getdata(sscn, NULL) : NULL;
	if (!sdata || elf_getdata(sscn, sdata)) {
		pr_warn("%s: unexpected section name table layout\n", path);
		return -EBADMSG;
	}
	off = sdata->d_size;
	*new_strtab = malloc(off + sizeof(BPFSIG_SEC_NAME));
	if (!*new_strtab)
		return -ENOMEM;
	memcpy(*new_strtab, sdata->d_buf, off);
	memcpy(*new_strtab + off, BPFSIG_SEC_NAME, sizeof(BPFSIG_SEC_NAME));
	sdata->d_buf = *new_strtab;
	sdata->d_size = off + sizeof(BPFSIG_SEC_NAME);
	elf_flagdata(sdata, ELF_C_SET, ELF_F_DIRTY);
	return off;
}

/* A new .bpfsig section holding @sec: SHT_PROGBITS, no flags. */
static int add_section(Elf *elf, const char *path, void *sec, size_t sec_len,
		       char **new_strtab)
{
	long name = add_sec_name(elf, path, new_strtab);
	Elf_Data *data;
	Elf_Scn *scn;
	GElf_Shdr sh;

	if (name < 0)
		return name;
	scn = elf_newscn(elf);
	if (!scn || !gelf_getshdr(scn, &sh))
		return -EIO;
	sh.sh_name = name;
	sh.sh_type = SHT_PROGBITS;
	sh.sh_flags = 0;
	sh.sh_addralign = 8;
	sh.sh_entsize = 0;
	if (!gelf_update_shdr(scn, &sh))
		return -EIO;
	data = elf_newdata(scn);
	if (!data)
		return -EIO;
	data->d_buf = sec;
	data->d_size = sec_len;
	data->d_type = ELF_T_BYTE;
	data->d_align = 8;
	data->d_version = EV_CURRENT;
	return 0;
}

/* Replace or add the .bpfsig section of the ELF open for update in @elf. */
static int set_section(Elf *elf, const char *path, void *sec, size_t sec_len,
		       char **new_strtab)
{
	Elf_Data *data;
	Elf_Scn *scn;
	int err;

	scn = find_sec(elf, path, &err);
	if (err)
		return err;
	if (!scn)
		return add_section(elf, path, sec, sec_len, new_strtab);
	data = elf_getdata(scn, NULL);
	if (!data)
		return -EBADMSG;
	data->d_buf = sec;
	data->d_size = sec_len;
	data->d_type = ELF_T_BYTE;
	elf_flagdata(data, ELF_C_SET, ELF_F_DIRTY);
	return 0;
}

/*
 * Write @orig to the temporary file @t, set its .bpfsig section to @sec and
 * cut the file to the size libelf wrote (smaller when a larger section was
 * replaced).
 */
static int write_with_section(struct bpfsig_tmpfile *t, const char *obj_path,
			      const void *orig, size_t orig_len, void *sec,
			      size_t sec_len)
{
	char *new_strtab = NULL;
	off_t size;
	Elf *elf;
	int err;

	err = bpfsig_write_all(t->fd, orig, orig_len);
	if (err) {
		pr_warn("%s: write failed: %s\n", t->path, strerror(-err));
		return err;
	}
	elf = elf_begin(t->fd, ELF_C_RDWR, NULL);
	if (!elf) {
		pr_warn("%s: corrupt ELF: %s\n", obj_path, elf_errmsg(-1));
		return -EBADMSG;
	}
	err = check_bpf_elf(elf, obj_path);
	if (err)
		goto out;
	err = set_section(elf, obj_path, sec, sec_len, &new_strtab);
	if (err) {
		pr_warn("%s: cannot set %s section: %s\n", obj_path,
			BPFSIG_SEC_NAME, elf_errmsg(-1));
		goto out;
	}
	size = elf_update(elf, ELF_C_WRITE);
	if (size < 0) {
		pr_warn("%s: writing ELF failed: %s\n", t->path, elf_errmsg(-1));
		err = -EIO;
	} else if (ftruncate(t->fd, size)) {
		err = -errno;
		pr_warn("%s: %s\n", t->path, strerror(errno));
	}
out:
	elf_end(elf);
	free(new_strtab);
	return err;
}

int bpfsig_sigset__write_elf(const struct bpfsig_sigset *set,
			     const char *obj_path, const char *out_path)
{
	struct bpfsig_tmpfile t;
	size_t orig_len, sec_len;
	void *orig, *sec;
	int err;

	if (!set || !obj_path || !out_path)
		return bpfsig_err(-EINVAL);
	err = elf_init();
	if (err)
		return bpfsig_err(err);
	err = bpfsig_sigset__encode(set, &sec, &sec_len);
	if (err)
		return err;
	err = bpfsig_read_file(obj_path, &orig, &orig_len);
	if (err) {
		pr_warn("%s: %s\n", obj_path, strerror(-err));
		free(sec);
		return err;
	}
	err = bpfsig_tmpfile_open(&t, out_path);
	if (!err) {
		err = write_with_section(&t, obj_path, orig, orig_len, sec,
					 sec_len);
		if (err)
			bpfsig_tmpfile_discard(&t);
		else
			err = bpfsig_tmpfile_commit(&t, obj_path);
	}
	free(orig);
	free(sec);
	return bpfsig_err(err);
}
