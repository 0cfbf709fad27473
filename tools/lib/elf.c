// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: the .bpfsig section of BPF ELF objects (read, replace, add)
 * and signature files (objects or detached bundles).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Create a temporary file next to @path; its name in *tmp. */
static int tmp_next_to(const char *path, char **tmp)
{
	char *dup = strdup(path), *dup2 = strdup(path);
	int fd = -ENOMEM;

	*tmp = NULL;
	if (dup && dup2 && asprintf(tmp, "%s/.%s.XXXXXX", dirname(dup),
				    basename(dup2)) >= 0) {
		fd = mkstemp(*tmp);
		if (fd < 0) {
			fd = -errno;
			free(*tmp);
			*tmp = NULL;
		}
	}
	free(dup);
	free(dup2);
	return fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

/* fsync, close, chmod like @like (or 0644 & ~umask), rename onto @path. */
static int commit_tmp(int fd, char *tmp, const char *path, const char *like)
{
	struct stat st;
	mode_t mode, um;
	int err = 0;

	if (stat(like, &st) == 0 && S_ISREG(st.st_mode)) {
		mode = st.st_mode & 07777;
	} else {
		um = umask(0);
		umask(um);
		mode = 0644 & ~um;
	}
	if (fchmod(fd, mode) || fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		pr_warn("%s: %s\n", path, strerror(-err));
		unlink(tmp);
	}
	free(tmp);
	return err;
}

int bpfsig_sigset__write_bundle(const struct bpfsig_sigset *set,
				const char *path)
{
	size_t len;
	char *tmp;
	void *buf;
	int fd, err;

	err = bpfsig_sigset__encode(set, &buf, &len);
	if (err)
		return err;
	fd = tmp_next_to(path, &tmp);
	if (fd < 0) {
		pr_warn("%s: cannot create a temporary file next to it: %s\n",
			path, strerror(-fd));
		free(buf);
		return bpfsig_err(fd);
	}
	err = write_all(fd, buf, len);
	free(buf);
	if (err) {
		pr_warn("%s: write failed: %s\n", path, strerror(-err));
		close(fd);
		unlink(tmp);
		free(tmp);
		return bpfsig_err(err);
	}
	return bpfsig_err(commit_tmp(fd, tmp, path, path));
}

/* Replace or add the .bpfsig section of the ELF open for update in @elf. */
static int set_section(Elf *elf, const char *path, void *sec, size_t sec_len,
		       char **new_strtab)
{
	Elf_Data *data, *sdata;
	Elf_Scn *scn, *sscn;
	size_t shstrndx, off;
	GElf_Shdr sh;
	int err;

	scn = find_sec(elf, path, &err);
	if (err)
		return err;
	if (scn) {
		data = elf_getdata(scn, NULL);
		if (!data)
			return -EBADMSG;
		data->d_buf = sec;
		data->d_size = sec_len;
		data->d_type = ELF_T_BYTE;
		elf_flagdata(data, ELF_C_SET, ELF_F_DIRTY);
		return 0;
	}

	/* New section: append its name to the section name string table. */
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

	scn = elf_newscn(elf);
	if (!scn || !gelf_getshdr(scn, &sh))
		return -EIO;
	sh.sh_name = off;
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

int bpfsig_sigset__write_elf(const struct bpfsig_sigset *set,
			     const char *obj_path, const char *out_path)
{
	char *tmp = NULL, *new_strtab = NULL;
	void *orig = NULL, *sec = NULL;
	size_t orig_len, sec_len;
	Elf *elf = NULL;
	int fd = -1, err;
	off_t size;

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
		goto out;
	}
	fd = tmp_next_to(out_path, &tmp);
	if (fd < 0) {
		err = fd;
		fd = -1;
		pr_warn("%s: cannot create a temporary file next to it: %s\n",
			out_path, strerror(-err));
		goto out;
	}
	err = write_all(fd, orig, orig_len);
	if (err) {
		pr_warn("%s: write failed: %s\n", out_path, strerror(-err));
		goto out;
	}
	elf = elf_begin(fd, ELF_C_RDWR, NULL);
	if (!elf) {
		pr_warn("%s: corrupt ELF: %s\n", obj_path, elf_errmsg(-1));
		err = -EBADMSG;
		goto out;
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
		pr_warn("%s: writing ELF failed: %s\n", out_path,
			elf_errmsg(-1));
		err = -EIO;
		goto out;
	}
	elf_end(elf);
	elf = NULL;
	/* the file shrinks when a larger old section was replaced */
	if (ftruncate(fd, size)) {
		err = -errno;
		pr_warn("%s: %s\n", out_path, strerror(errno));
		goto out;
	}
	err = commit_tmp(fd, tmp, out_path, obj_path);
	fd = -1;
	tmp = NULL;
out:
	if (elf)
		elf_end(elf);
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	free(new_strtab);
	free(orig);
	free(sec);
	return bpfsig_err(err);
}
