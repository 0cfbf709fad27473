/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpfsig internals: not installed. */
#ifndef __LIBBPFSIG_INTERNAL_H
#define __LIBBPFSIG_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "bpfsig.h"
#include "format.h"

#define BPFSIG_INTERNAL __attribute__((visibility("hidden")))

struct bpfsig_key {
	EVP_PKEY *pkey;		/* NULL: certificate only */
	X509 *cert;
	unsigned char keyid[BPFSIG_MAX_KEYID_LEN];
	unsigned int keyid_len;
	char *cert_path;
};

__attribute__((format(printf, 2, 3)))
BPFSIG_INTERNAL void bpfsig_print(enum bpfsig_print_level level,
				  const char *fmt, ...);

#define pr_warn(fmt, ...)  bpfsig_print(BPFSIG_WARN, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)  bpfsig_print(BPFSIG_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) bpfsig_print(BPFSIG_DEBUG, fmt, ##__VA_ARGS__)

/*
 * Print "@what: reason" for every entry of the OpenSSL error queue (empties
 * it), like sign-file's drain_openssl_errors(). Returns the last error code
 * (0 if the queue was empty).
 */
BPFSIG_INTERNAL unsigned long bpfsig_ssl_err(const char *what);

BPFSIG_INTERNAL bool bpfsig_opts_valid(const void *opts, size_t known_sz,
				       const char *type_name);

#define offsetofend(TYPE, FIELD) \
	(offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))
#define OPTS_VALID(opts, type)						\
	(!(opts) || bpfsig_opts_valid(opts,				\
			offsetofend(struct type, type##__last_field), #type))
#define OPTS_HAS(opts, field) \
	((opts) && (opts)->sz >= offsetofend(typeof(*(opts)), field))
#define OPTS_GET(opts, field, fallback) \
	(OPTS_HAS(opts, field) ? (opts)->field : (fallback))

/* errno-style return helpers, like libbpf's libbpf_err() */
static inline int bpfsig_err(int ret)
{
	if (ret < 0)
		errno = -ret;
	return ret;
}

static inline void *bpfsig_err_ptr(int err)
{
	errno = err < 0 ? -err : err;
	return NULL;
}

BPFSIG_INTERNAL const EVP_MD *bpfsig_md(int hash_algo);

/*
 * The CMS of a signature (sign.c): DER SignedData over @data by @key, the
 * profile of the kernel's sign-file (detached, no certificates, no signed
 * attributes, signer by key identifier). Return: its length with *@der
 * malloc()ed by OpenSSL, or a negative errno (-ENOMEM, -EIO).
 */
BPFSIG_INTERNAL int bpfsig_cms_sign(const struct bpfsig_key *key,
				    const EVP_MD *md, const void *data,
				    size_t len, unsigned char **der);

/*
 * Replacing a file atomically (file.c): bpfsig_tmpfile_open() creates a
 * temporary file next to @path (refusing a @path that exists and is not a
 * regular file); the caller writes to fd, then either commits (fsync,
 * mode of @like, rename() over @path) or discards it. Both print why they
 * failed and leave nothing behind.
 */
struct bpfsig_tmpfile {
	int fd;
	char *tmp;
	const char *path;
};

BPFSIG_INTERNAL int bpfsig_tmpfile_open(struct bpfsig_tmpfile *t,
					const char *path);
BPFSIG_INTERNAL int bpfsig_tmpfile_commit(struct bpfsig_tmpfile *t,
					  const char *like);
BPFSIG_INTERNAL void bpfsig_tmpfile_discard(struct bpfsig_tmpfile *t);
BPFSIG_INTERNAL int bpfsig_write_all(int fd, const void *buf, size_t len);

/* The running kernel's BTF: the default target of signing and verifying. */
#define BPFSIG_DEFAULT_VMLINUX "/sys/kernel/btf/vmlinux"

/*
 * verify.c: what the kernel checks of an appendix (a record's) without a
 * load: it parses, its CMS blob keeps to the profile (bpfsig_cms_check()),
 * and its signature over the statement verifies with @cert. Return: 0,
 * -ENODATA, -EBADMSG, -ENOPKG, -ENOKEY (not signed by @cert),
 * -EKEYREJECTED, -ENOMEM. The statement is not compared with any load.
 */
BPFSIG_INTERNAL int bpfsig_verify_appendix(const struct bpfsig_key *cert,
					   const void *appendix, size_t len);

/*
 * sim.c: how many programs libbpf finds in @obj_path (subprograms not
 * counted; 0 for an object of subprograms or maps only): 0 or -errno
 * (printed).
 */
BPFSIG_INTERNAL int bpfsig_object_programs(const char *obj_path, __u32 *cnt);

/* ---- record.c: a load with a signature record appended ---------------- */

union bpf_attr;
struct bpf_program;

/* malloc()ed @insns || @rec's appendix, its length in *len; NULL: ENOMEM */
BPFSIG_INTERNAL void *bpfsig_insns_append(const struct bpf_insn *insns,
					  __u32 insn_cnt,
					  const struct bpfsig_record *rec,
					  size_t *len);
/* A bpf_attr of @size bytes, zero-filled to at least union bpf_attr. */
BPFSIG_INTERNAL union bpf_attr *bpfsig_attr_copy(const void *uattr,
						 unsigned int size);
/*
 * For a hook's bpf() callback: 1 and a copy in *attr (free() it) if the
 * call is a BPF_PROG_LOAD of unsigned instructions, the one kind of call a
 * hook signs; 0 for any other (pass it on unchanged); -ENOMEM.
 */
BPFSIG_INTERNAL int bpfsig_prog_load_copy(int cmd, const void *uattr,
					  unsigned int size,
					  union bpf_attr **attr);
/* BPF_PROG_LOAD of @attr with @rec appended: fd or -errno (hook.c's
 * bpfsig_real_bpf(), so from inside a hook only). */
BPFSIG_INTERNAL long bpfsig_prog_load_signed(union bpf_attr *attr,
					     unsigned int size,
					     const struct bpfsig_record *rec);
/* The program of @obj this load belongs to; NULL: a libbpf probe. */
BPFSIG_INTERNAL struct bpf_program *
bpfsig_load_program(struct bpf_object *obj, const union bpf_attr *attr);

#endif /* __LIBBPFSIG_INTERNAL_H */
