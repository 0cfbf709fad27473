// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libbpfsig: diagnostics, errno table, options validation, hash names. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>

#include "libbpfsig_internal.h"

static int default_print(enum bpfsig_print_level level, const char *fmt,
			 va_list args)
{
	if (level == BPFSIG_DEBUG)
		return 0;
	fputs("libbpfsig: ", stderr);
	return vfprintf(stderr, fmt, args);
}

static bpfsig_print_fn_t print_fn = default_print;

bpfsig_print_fn_t bpfsig_set_print(bpfsig_print_fn_t fn)
{
	bpfsig_print_fn_t old = print_fn;

	print_fn = fn;
	return old;
}

void bpfsig_print(enum bpfsig_print_level level, const char *fmt, ...)
{
	int saved = errno;
	va_list args;

	if (!print_fn)
		return;
	va_start(args, fmt);
	print_fn(level, fmt, args);
	va_end(args);
	errno = saved;
}

unsigned long bpfsig_ssl_err(const char *what)
{
	unsigned long e, last = 0;
	const char *file, *data, *func;
	int line, flags;
	char buf[256];

	while ((e = ERR_get_error_all(&file, &line, &func, &data, &flags))) {
		ERR_error_string_n(e, buf, sizeof(buf));
		if ((flags & ERR_TXT_STRING) && data && *data)
			pr_warn("%s: %s (%s)\n", what, buf, data);
		else
			pr_warn("%s: %s\n", what, buf);
		last = e;
	}
	return last;
}

static const struct {
	int err;
	const char *name;
	const char *reason;
} errtab[] = {
	{ ENODATA,	"ENODATA",	"not signed" },
	{ EBADMSG,	"EBADMSG",	"malformed signature" },
	{ ENOPKG,	"ENOPKG",	"unsupported algorithm" },
	{ EKEYREJECTED,	"EKEYREJECTED",	"signature rejected" },
	{ ENOKEY,	"ENOKEY",	"signed by an unknown key" },
	{ EKEYREVOKED,	"EKEYREVOKED",	"key or signature revoked" },
	{ EPERM,	"EPERM",	"refused: not signed" },
};

const char *bpfsig_errno_name(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
		if (errtab[i].err == err)
			return errtab[i].name;
	return NULL;
}

const char *bpfsig_strerror(int err)
{
	static __thread char buf[128];
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++) {
		if (errtab[i].err == err) {
			snprintf(buf, sizeof(buf), "%s (%s)", errtab[i].reason,
				 errtab[i].name);
			return buf;
		}
	}
	return strerror(err);
}

bool bpfsig_opts_valid(const void *opts, size_t known_sz, const char *type_name)
{
	size_t user_sz = *(const size_t *)opts;
	const char *p = opts;
	size_t i;

	if (user_sz < sizeof(size_t)) {
		pr_warn("%s size (%zu) is too small\n", type_name, user_sz);
		return false;
	}
	for (i = known_sz; i < user_sz; i++) {
		if (p[i]) {
			pr_warn("%s has non-zero extra bytes\n", type_name);
			return false;
		}
	}
	return true;
}

int bpfsig_hash_by_name(const char *name)
{
	int i;

	if (!name)
		return BPFSIG_HASH_SHA256;
	for (i = BPFSIG_HASH_SHA256; i <= BPFSIG_HASH_SHA512; i++)
		if (!strcmp(name, bpfsig_hash_name(i)))
			return i;
	return -ENOPKG;
}

const char *bpfsig_hash_str(int hash_algo)
{
	return bpfsig_hash_name(hash_algo);
}

const EVP_MD *bpfsig_md(int hash_algo)
{
	switch (hash_algo) {
	case BPFSIG_HASH_SHA256:
		return EVP_sha256();
	case BPFSIG_HASH_SHA384:
		return EVP_sha384();
	case BPFSIG_HASH_SHA512:
		return EVP_sha512();
	}
	return NULL;
}
