// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: files. Reading one whole, and replacing one atomically: a
 * temporary file in the same directory, fsync(), then rename() over the
 * original, like the kernel's scripts/sign-file.c. A failed write leaves
 * the original untouched and no temporary file behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "libbpfsig_internal.h"

/* @fd to its end, in a malloc()ed NUL-terminated buffer of @cap at first */
static int read_all(int fd, size_t cap, void **bufp, size_t *lenp)
{
	char *buf = malloc(cap), *nb;
	size_t len = 0;
	ssize_t n;

	while (buf) {
		if (len + 1 >= cap) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return n;
		}
		if (!n) {
			buf[len] = 0;
			*bufp = buf;
			*lenp = len;
			return 0;
		}
		len += n;
	}
	free(buf);
	return -ENOMEM;
}

int bpfsig_read_file(const char *path, void **bufp, size_t *lenp)
{
	struct stat st = {};
	size_t cap = 4096;
	int fd, err;

	if (!path || !bufp || !lenp)
		return bpfsig_err(-EINVAL);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bpfsig_err(-errno);
	if (!fstat(fd, &st) && S_ISDIR(st.st_mode)) {
		close(fd);
		return bpfsig_err(-EISDIR);
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		cap = st.st_size + 1;
	err = read_all(fd, cap, bufp, lenp);
	close(fd);
	return bpfsig_err(err);
}

int bpfsig_file_sha256(const char *path, __u8 digest[32])
{
	unsigned int dlen;
	size_t len;
	void *buf;
	int err;

	err = bpfsig_read_file(path, &buf, &len);
	if (err)
		return err;
	err = EVP_Digest(buf, len, digest, &dlen, EVP_sha256(), NULL) ? 0 : -EIO;
	free(buf);
	return bpfsig_err(err);
}

int bpfsig_write_all(int fd, const void *buf, size_t len)
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

int bpfsig_tmpfile_open(struct bpfsig_tmpfile *t, const char *path)
{
	char *dir = strdup(path), *base = strdup(path);
	struct stat st;
	int err = 0;

	t->fd = -1;
	t->tmp = NULL;
	t->path = path;
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		pr_warn("%s: not a regular file\n", path);
		err = -EINVAL;
	} else if (!dir || !base || asprintf(&t->tmp, "%s/.%s.XXXXXX",
					     dirname(dir), basename(base)) < 0) {
		t->tmp = NULL;
		err = -ENOMEM;
	} else if ((t->fd = mkstemp(t->tmp)) < 0) {
		err = -errno;
		pr_warn("%s: cannot create a temporary file in its directory: %s\n",
			path, strerror(errno));
		free(t->tmp);
		t->tmp = NULL;
	}
	free(dir);
	free(base);
	return err;
}

void bpfsig_tmpfile_discard(struct bpfsig_tmpfile *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->tmp)
		unlink(t->tmp);
	free(t->tmp);
	t->fd = -1;
	t->tmp = NULL;
}

/* The mode of @like if it is a regular file, else 0644 less the umask. */
static mode_t mode_like(const char *like)
{
	struct stat st;
	mode_t um;

	if (like && !stat(like, &st) && S_ISREG(st.st_mode))
		return st.st_mode & 07777;
	um = umask(0);
	umask(um);
	return 0644 & ~um;
}

int bpfsig_tmpfile_commit(struct bpfsig_tmpfile *t, const char *like)
{
	int err = 0;

	if (fchmod(t->fd, mode_like(like)) || fsync(t->fd))
		err = -errno;
	if (close(t->fd) && !err)
		err = -errno;
	t->fd = -1;
	if (!err && rename(t->tmp, t->path))
		err = -errno;
	if (err) {
		pr_warn("%s: %s\n", t->path, strerror(-err));
		bpfsig_tmpfile_discard(t);
		return err;
	}
	free(t->tmp);
	t->tmp = NULL;
	return 0;
}

int bpfsig_write_file(const char *path, const struct iovec *iov, int iov_cnt)
{
	struct bpfsig_tmpfile t;
	int i, err;

	if (!path || (!iov && iov_cnt) || iov_cnt < 0)
		return bpfsig_err(-EINVAL);
	err = bpfsig_tmpfile_open(&t, path);
	if (err)
		return bpfsig_err(err);
	for (i = 0; i < iov_cnt && !err; i++)
		err = bpfsig_write_all(t.fd, iov[i].iov_base, iov[i].iov_len);
	if (err) {
		pr_warn("%s: write failed: %s\n", path, strerror(-err));
		bpfsig_tmpfile_discard(&t);
		return bpfsig_err(err);
	}
	return bpfsig_err(bpfsig_tmpfile_commit(&t, path));
}
