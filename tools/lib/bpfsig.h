/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libbpfsig: sign eBPF programs for the bpfsig kernel module, verify them
 * offline, and attach signatures to the loads libbpf makes.
 *
 * Conventions follow libbpf: options structs start with a size_t sz field and
 * are declared with BPFSIG_OPTS(); functions return 0 or a negative errno, or
 * a pointer / NULL with errno set; nothing here exits; diagnostics go through
 * the callback installed with bpfsig_set_print().
 *
 * What linking libbpfsig (libbpfsig.so or libbpfsig.a) gives a program:
 * the functions declared here, every one named bpfsig_*, and nothing else;
 * it defines no libc function. The object functions that run libbpf --
 * bpfsig_object__sign_file(), bpfsig_object__verify_file(),
 * bpfsig_object__simulate() and bpfsig_object__load() -- must see libbpf's
 * bpf(2) calls and its reads of /sys/kernel/btf/vmlinux. The first of them
 * called redirects, for the rest of the process, libbpf's own imports of
 * syscall(), open(), open64(), fopen(), fopen64() and faccessat() (the
 * entries of libbpf's global offset table: libbpf.so.1's, or the program's
 * when libbpf is linked in statically) to libbpfsig, which passes every
 * call through unchanged unless the calling thread is inside one of these
 * functions. The rest of the program, libbpfsig included, keeps calling
 * libc directly. A static (-static) program cannot be redirected: these
 * functions then fail with -ENOTSUP, the reason printed. The other
 * functions (keys, signing and verifying instructions, signature sets,
 * files) redirect nothing.
 *
 * Errors shared with the kernel module (see Documentation/format.md and the
 * errno table of Documentation/admin-guide.md):
 *   -ENODATA       the program carries no signature (offline)
 *   -EPERM         the module refused a program without a signature
 *   -EBADMSG       the trailer, statement or CMS blob is malformed
 *   -ENOPKG        digest or public-key algorithm not supported
 *   -EKEYREJECTED  bad signature, statement not describing this load, or
 *                  digest mismatch
 *   -ENOKEY        the signer is not the given certificate (not in keyring)
 *   -EKEYREVOKED   the signing key or the signed statement is revoked
 *                  (the module only)
 * bpfsig_strerror() and bpfsig_errno_name() know all seven.
 */
#ifndef __BPFSIG_H
#define __BPFSIG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BPFSIG_API __attribute__((visibility("default")))

#define BPFSIG_MAJOR_VERSION 0
#define BPFSIG_MINOR_VERSION 1

struct bpf_insn;
struct bpf_object;

/* Declare and zero-initialize an options struct, setting its sz field. */
#define BPFSIG_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = ({						\
		memset(&NAME, 0, sizeof(struct TYPE));			\
		(struct TYPE) {						\
			.sz = sizeof(struct TYPE),			\
			__VA_ARGS__					\
		};							\
	})

/* ---- diagnostics ---------------------------------------------------- */

enum bpfsig_print_level {
	BPFSIG_WARN,	/* errors and warnings */
	BPFSIG_INFO,
	BPFSIG_DEBUG,
};

typedef int (*bpfsig_print_fn_t)(enum bpfsig_print_level level,
				 const char *fmt, va_list args);

/* Install @fn (NULL silences the library); returns the previous callback. */
BPFSIG_API bpfsig_print_fn_t bpfsig_set_print(bpfsig_print_fn_t fn);

/*
 * Human-readable reason for a libbpfsig / bpfsig errno (@err may be negative):
 * "not signed (ENODATA)", "signature rejected (EKEYREJECTED)", ...; falls
 * back to strerror(). Never NULL.
 */
BPFSIG_API const char *bpfsig_strerror(int err);

/* Symbolic name of an errno ("EKEYREJECTED"), or NULL if not in the table. */
BPFSIG_API const char *bpfsig_errno_name(int err);

/* ---- hash algorithms ------------------------------------------------ */

/* Digest algorithms of a statement (its hash_algo byte, on the wire). */
#ifndef BPFSIG_HASH_ALGO_DEFINED	/* also defined by the format code */
#define BPFSIG_HASH_ALGO_DEFINED
enum bpfsig_hash_algo {
	BPFSIG_HASH_SHA256 = 1,
	BPFSIG_HASH_SHA384 = 2,
	BPFSIG_HASH_SHA512 = 3,
};
#endif

/* "sha256"/"sha384"/"sha512" -> BPFSIG_HASH_* (1..3), or -ENOPKG. */
BPFSIG_API int bpfsig_hash_by_name(const char *name);
/* BPFSIG_HASH_* -> "sha256"..., or NULL. */
BPFSIG_API const char *bpfsig_hash_str(int hash_algo);

/* ---- keys ----------------------------------------------------------- */

struct bpfsig_key;

struct bpfsig_key_opts {
	size_t sz;
	/* passphrase of an encrypted private key (or PKCS#11 PIN); when NULL,
	 * $BPFSIG_PASSPHRASE, then $KBUILD_SIGN_PIN, then a prompt on the
	 * controlling tty unless no_prompt is set */
	const char *passphrase;
	bool no_prompt;
	/* don't warn about expired / non-signing certificates, non-RSA keys */
	bool quiet;
	size_t :0;
};
#define bpfsig_key_opts__last_field quiet

/*
 * bpfsig_key__load() - load a signing key and its certificate
 * @key_path: private key file, PEM or DER (sniffed), optionally encrypted;
 *	or a "pkcs11:" URI (OpenSSL 3 pkcs11 provider); NULL to load only the
 *	certificate (enough for verification)
 * @cert_path: X.509 certificate, PEM or DER (sniffed); NULL to take the
 *	certificate from @key_path (a PEM file holding both, like the kernel's
 *	certs/signing_key.pem)
 *
 * The certificate must carry a subjectKeyIdentifier (the statement's keyid
 * and the CMS signer identifier). Warns (does not fail) about an expired or
 * not-yet-valid certificate, a keyUsage without digitalSignature, and a key
 * the kernel will refuse (not RSA 2048..4096).
 *
 * Return: a key, or NULL with errno: ENOENT/EACCES/... file errors, EINVAL
 * unparsable key or certificate, EKEYREJECTED wrong or missing passphrase or
 * key not matching the certificate, ENOKEY certificate without
 * subjectKeyIdentifier, ENOPKG PKCS#11 unavailable.
 */
BPFSIG_API struct bpfsig_key *bpfsig_key__load(const char *key_path,
					       const char *cert_path,
					       const struct bpfsig_key_opts *opts);
BPFSIG_API void bpfsig_key__free(struct bpfsig_key *key);

/* true if @key holds a private key (can sign), false if certificate only */
BPFSIG_API bool bpfsig_key__can_sign(const struct bpfsig_key *key);

/*
 * Subject key identifier of the certificate: copies up to @len bytes to
 * @buf, returns the full length (at most 32 is used in statements).
 */
BPFSIG_API int bpfsig_key__keyid(const struct bpfsig_key *key, void *buf,
				 size_t len);

/*
 * bpfsig_cert_der() - read an X.509 certificate, PEM or DER (sniffed, as
 * bpfsig_key__load() does), and return its DER encoding in a malloc()ed
 * *der: what the kernel's keyring takes. No other check is made.
 * Return: 0, file errors, -EINVAL (not a certificate), -ENOMEM, -EIO.
 */
BPFSIG_API int bpfsig_cert_der(const char *path, void **der, size_t *der_len);

/* ---- key generation ------------------------------------------------- */

struct bpfsig_keygen_opts {
	size_t sz;
	unsigned int bits;	/* 2048, 3072 or 4096; default 4096 */
	const char *subject;	/* CN; default "bpfsig signing key" */
	unsigned int days;	/* default 36500, like the kernel's certs/ */
	size_t :0;
};
#define bpfsig_keygen_opts__last_field days

/*
 * bpfsig_keygen() - create PREFIX.key (PEM, mode 0600), PREFIX.crt (PEM) and
 * PREFIX.der (DER): a self-signed RSA certificate with basicConstraints
 * CA:FALSE, keyUsage=critical,digitalSignature, subjectKeyIdentifier=hash.
 * Never overwrites: -EEXIST (naming the file) if any of the three exists.
 *
 * Return: 0, -EEXIST, -EINVAL (bad bits/days), file errors, -ENOMEM.
 */
BPFSIG_API int bpfsig_keygen(const char *prefix,
			     const struct bpfsig_keygen_opts *opts);

/* ---- signing -------------------------------------------------------- */

struct bpfsig_sign_opts {
	size_t sz;
	const char *hash;	/* "sha256" (default), "sha384", "sha512" */
	size_t :0;
};
#define bpfsig_sign_opts__last_field hash

/*
 * bpfsig_sign_insns() - sign one program load
 * @prog_type, @expected_attach_type: exactly as they will be passed to
 *	BPF_PROG_LOAD
 * @insns, @insn_cnt: the instructions as they will be loaded (map fds etc.
 *	included: they are canonicalized away)
 * @appendix, @appendix_len: set to a malloc()ed region (statement || CMS ||
 *	padding || trailer) to append after the instructions; the load then
 *	passes insn_cnt + *appendix_len / 8 instructions
 *
 * Return: 0, -EINVAL, -ENOPKG (hash), -ENOKEY (@key has no private key),
 * -ENOMEM, -EIO (OpenSSL failure, reason printed).
 */
BPFSIG_API int bpfsig_sign_insns(const struct bpfsig_key *key,
				 const struct bpfsig_sign_opts *opts,
				 __u32 prog_type, __u32 expected_attach_type,
				 const struct bpf_insn *insns, size_t insn_cnt,
				 void **appendix, size_t *appendix_len);

/*
 * bpfsig_sign_loader() - sign a trusted loader entry (a "loader statement")
 * @line: the entry's line, "bpfsig-loader-v1 sha256=HEX types=N[,N...]
 *	[attach=N[,N...]] [path=PATH]", ending with its only newline
 * @entry, @entry_len: set to a malloc()ed buffer, @line followed by a
 *	detached CMS signature (SHA-256, the profile of program signatures)
 *	over it: what the module's securityfs file loader_add takes
 *
 * Return: 0, -EINVAL, -ENOKEY (@key has no private key), -ENOMEM, -EIO
 * (OpenSSL failure, reason printed).
 */
BPFSIG_API int bpfsig_sign_loader(const struct bpfsig_key *key,
				  const char *line, void **entry,
				  size_t *entry_len);

/*
 * bpfsig_digest_insns() - digest of the canonical form of @insns
 * @hash_algo: BPFSIG_HASH_* (1..3); @digest: at least 64 bytes
 * Return: digest length, or -ENOPKG / -ENOMEM / -EIO.
 */
BPFSIG_API int bpfsig_digest_insns(int hash_algo, const struct bpf_insn *insns,
				   size_t insn_cnt, void *digest);

/* ---- offline verification ------------------------------------------- */

/* What a signed buffer claims; filled by bpfsig_verify_blob() / _inspect(). */
struct bpfsig_sig_info {
	__u32 insn_cnt;		/* instruction count the statement names */
	__u32 appendix_len;	/* bytes appended */
	__u32 prog_type;
	__u32 expected_attach_type;
	int hash_algo;		/* BPFSIG_HASH_* */
	__u32 digest_len;
	__u8 digest[64];
	__u32 keyid_len;
	__u8 keyid[32];
	__u32 sig_len;		/* CMS DER length */
	/* SHA-256 of the 128 statement bytes: what "bpfsig revoke" takes */
	__u8 stmt_digest[32];
};

struct bpfsig_verify_opts {
	size_t sz;
	/* when set, the statement must name this prog/attach type (as the
	 * kernel checks against the load); otherwise only insn_cnt is checked */
	bool check_type;
	__u32 prog_type;
	__u32 expected_attach_type;
	size_t :0;
};
#define bpfsig_verify_opts__last_field expected_attach_type

/*
 * bpfsig_inspect_blob() - parse a signed buffer without verifying it
 * Return: 0, -ENODATA, -EBADMSG, -ENOPKG (as bpfsig_blob_parse()).
 */
BPFSIG_API int bpfsig_inspect_blob(const void *buf, size_t buf_len,
				   struct bpfsig_sig_info *info);

/*
 * bpfsig_inspect_appendix() - parse an appendix on its own (what
 * bpfsig_sign_insns() returns, a record's appendix), without instructions
 * Return: 0, -ENODATA, -EBADMSG (also if the appendix does not end where
 * its trailer says), -ENOPKG.
 */
BPFSIG_API int bpfsig_inspect_appendix(const void *appendix, size_t len,
				       struct bpfsig_sig_info *info);

/*
 * bpfsig_verify_blob() - verify insns || appendix offline, as the kernel does
 * @cert: the trusted certificate (a key loaded with or without private key)
 * @buf, @buf_len: the whole buffer as it would be loaded
 * @info: optional, filled in as far as parsing got
 *
 * Order, the kernel's (Documentation/format.md, "Validation"): parse
 * trailer and statement; compare the statement with the load; check that
 * the CMS blob keeps to the profile (no certificates or CRLs, one
 * SignerInfo naming the statement's keyid: -EBADMSG otherwise, as in the
 * kernel); check the CMS signer is @cert; verify the CMS signature over
 * the statement; recompute the canonical digest.
 *
 * Return: 0, -ENODATA, -EBADMSG, -ENOPKG, -EKEYREJECTED, -ENOKEY, -ENOMEM.
 */
BPFSIG_API int bpfsig_verify_blob(const struct bpfsig_key *cert,
				  const void *buf, size_t buf_len,
				  const struct bpfsig_verify_opts *opts,
				  struct bpfsig_sig_info *info);

/* libbpf names ("xdp", "cgroup_inet_ingress") or decimal numbers. */
BPFSIG_API int bpfsig_prog_type_by_name(const char *name, __u32 *type);
BPFSIG_API int bpfsig_attach_type_by_name(const char *name, __u32 *type);

/* ---- BPF ELF objects ------------------------------------------------ */

/*
 * A set of signed loads: the content of a signed object's ".bpfsig" section
 * or of a detached bundle (format: bpfsig_sec.h, Documentation/format-elf.md).
 */
struct bpfsig_sigset;

struct bpfsig_record {
	const char *name;	/* program name; "" for libbpf probes */
	__u32 flags;		/* BPFSIG_REC_* (bpfsig_sec.h) */
	__u8 target[32];	/* SHA-256 of the target BTF; zero: any */
	const void *appendix;	/* statement || CMS || padding || trailer */
	__u32 appendix_len;
};

BPFSIG_API struct bpfsig_sigset *bpfsig_sigset__new(void);
BPFSIG_API void bpfsig_sigset__free(struct bpfsig_sigset *set);
/*
 * Add the records of @path: a BPF ELF object (its .bpfsig section) or a
 * bundle file. Return: 0, -ENODATA (object without .bpfsig section),
 * -EBADMSG (malformed), -ENOEXEC (neither ELF nor bundle), file errors.
 */
BPFSIG_API int bpfsig_sigset__add_file(struct bpfsig_sigset *set,
				       const char *path);
BPFSIG_API int bpfsig_sigset__add_buf(struct bpfsig_sigset *set,
				      const void *buf, size_t len);
BPFSIG_API int bpfsig_sigset__add_record(struct bpfsig_sigset *set,
					 const struct bpfsig_record *rec);
BPFSIG_API size_t bpfsig_sigset__cnt(const struct bpfsig_sigset *set);
BPFSIG_API const struct bpfsig_record *
bpfsig_sigset__record(const struct bpfsig_sigset *set, size_t idx);
/* Serialize (malloc'd buffer) / write a bundle file atomically. */
BPFSIG_API int bpfsig_sigset__encode(const struct bpfsig_sigset *set,
				     void **buf, size_t *len);
BPFSIG_API int bpfsig_sigset__write_bundle(const struct bpfsig_sigset *set,
					   const char *path);
/*
 * Write @obj_path to @out_path (may be the same file) with its .bpfsig
 * section replaced by (or added as) @set, via a temporary file in the
 * directory of @out_path and rename(); @out_path is untouched on error.
 */
BPFSIG_API int bpfsig_sigset__write_elf(const struct bpfsig_sigset *set,
					const char *obj_path,
					const char *out_path);
/*
 * The record whose statement describes this load (prog type, attach type,
 * instruction count, canonical digest), or NULL.
 */
BPFSIG_API const struct bpfsig_record *
bpfsig_sigset__find(const struct bpfsig_sigset *set, __u32 prog_type,
		    __u32 expected_attach_type, const struct bpf_insn *insns,
		    size_t insn_cnt);


struct bpfsig_obj_sign_opts {
	size_t sz;
	const char *hash;	/* as bpfsig_sign_opts */
	/* target kernel BTF files (raw BTF, or ELF with .BTF); one signature
	 * set per target; default: /sys/kernel/btf/vmlinux */
	const char **btf_paths;
	size_t btf_cnt;
	/* Kconfig contents (not a path), as bpf_object_open_opts.kconfig */
	const char *kconfig;
	size_t :0;
};
#define bpfsig_obj_sign_opts__last_field kconfig

/*
 * bpfsig_object__sign_file() - sign every load libbpf makes for an object
 *
 * Runs libbpf's own bpf_object__open_file() + bpf_object__load() against a
 * simulated kernel (no BPF privileges, no target kernel needed): every
 * BPF_PROG_LOAD -- the object's programs, with subprograms appended,
 * relocated against the target BTF, and libbpf's feature probes -- is
 * recorded and signed. All programs are signed, autoload or not. Records
 * are added to @set. Return: 0 or a negative errno (reason printed);
 * -ENOTSUP if libbpf's calls cannot be seen (see the top of this file).
 *
 * libbpf caches its feature probes per process: sign before any real
 * bpf_object__load() in the same process (else the probes are not
 * recorded), and know that afterwards libbpf believes every feature is
 * supported. Not thread-safe against concurrent libbpf use in the process.
 */
BPFSIG_API int bpfsig_object__sign_file(const struct bpfsig_key *key,
					const char *obj_path,
					const struct bpfsig_obj_sign_opts *opts,
					struct bpfsig_sigset *set);

struct bpfsig_obj_verify_opts {
	size_t sz;
	/* target kernel BTF files, as bpfsig_obj_sign_opts; each must have
	 * signatures; default: /sys/kernel/btf/vmlinux when it is one of the
	 * targets the signatures name (none otherwise) */
	const char **btf_paths;
	size_t btf_cnt;
	/* signatures from these bundles (or signed objects) instead of the
	 * object's own .bpfsig section */
	const char **sig_paths;
	size_t sig_path_cnt;
	/* Kconfig contents, as bpfsig_obj_sign_opts */
	const char *kconfig;
	size_t :0;
};
#define bpfsig_obj_verify_opts__last_field kconfig

/* What bpfsig_object__verify_file() checked. */
struct bpfsig_obj_verify_info {
	__u32 programs;		/* program loads verified, over all targets */
	__u32 targets;		/* targets whose loads were checked */
	__u32 probes_unsigned;	/* libbpf probe loads without a signature
				 * (a libbpf other than the signer's) */
	__u32 stale;		/* signatures for a checked target that match
				 * no load (named in a warning) */
	__u32 other_targets;	/* program signatures for targets whose
				 * loads were not checked (only their
				 * signatures were) */
	__u32 signatures;	/* signatures that verify with @cert, each
				 * on its own (all the object carries) */
	__u32 targets_unchecked; /* targets the signatures name whose loads
				  * were not checked: no BTF for them */
	__u32 object_programs;	/* programs of the object (0: only
				 * subprograms or maps, nothing to load) */
};

/*
 * bpfsig_object__verify_file() - verify a signed object offline
 * @cert: the trusted certificate
 * @info: optional, filled in as far as verification got
 *
 * First every signature the object carries (or @opts' bundles) is checked
 * on its own, as the kernel does before it looks at the instructions: it
 * parses, its CMS blob keeps to the profile, and it verifies with @cert.
 * No kernel BTF is needed for that. Then, for every target kernel whose
 * BTF is at hand -- each of @opts' btf_paths, which must be targets of the
 * signatures, or else /sys/kernel/btf/vmlinux if it is one -- the object
 * is prepared again by libbpf under the simulated kernel (as
 * bpfsig_object__simulate()), and every program load must find a
 * signature -- appended as bpfsig_object__load() appends it -- that
 * bpfsig_verify_blob() accepts for that load. The other targets are
 * named in a note and counted in @info->targets_unchecked: their
 * programs' instructions were not compared with what was signed. An
 * object without programs has nothing to compare. Each failure is
 * printed, naming the program.
 *
 * Return: 0 if everything checked verifies; else the first failure:
 * -ENODATA (the object, a given target or a program has no signature, or
 * only probes are signed), -EKEYREJECTED, -ENOKEY, -EBADMSG, -ENOPKG (a
 * signature), -EINVAL, file and libbpf errors, -ENOTSUP (see the top of
 * this file).
 */
BPFSIG_API int bpfsig_object__verify_file(const struct bpfsig_key *cert,
					  const char *obj_path,
					  const struct bpfsig_obj_verify_opts *opts,
					  struct bpfsig_obj_verify_info *info);

/* Loads made by libbpf under the simulated kernel, for one target. */
struct bpfsig_sim_load {
	const char *name;	/* program name; "" for probes */
	bool probe;
	__u32 prog_type;
	__u32 expected_attach_type;
	const struct bpf_insn *insns;
	__u32 insn_cnt;
};

typedef int (*bpfsig_sim_cb)(const struct bpfsig_sim_load *load, void *ctx);

/*
 * bpfsig_object__simulate() - prepare an object for @btf_path (NULL: the
 * default) as libbpf would and call @cb for every program load (probes
 * included, at most once per process). Return: 0, @cb's error, libbpf's,
 * or -ENOTSUP (see the top of this file).
 */
BPFSIG_API int bpfsig_object__simulate(const char *obj_path,
				       const char *btf_path,
				       const char *kconfig,
				       bpfsig_sim_cb cb, void *ctx);

struct bpfsig_load_opts {
	size_t sz;
	/* signature sources: the object file (its .bpfsig section), bundle
	 * files, and/or a ready set; at least one */
	const char *obj_path;
	const char **sig_paths;
	size_t sig_path_cnt;
	const struct bpfsig_sigset *sigset;
	/* load programs without a matching signature unsigned (the kernel
	 * decides) instead of failing with -ENOKEY */
	bool allow_unsigned;
	size_t :0;
};
#define bpfsig_load_opts__last_field allow_unsigned

/*
 * bpfsig_object__load() - bpf_object__load() with signatures attached
 *
 * Every BPF_PROG_LOAD libbpf makes for @obj (probes included) gets the
 * matching signature appended before it reaches the kernel. A program of
 * @obj without a matching signature fails with -ENOKEY (message naming the
 * program) unless allow_unsigned; probes without one go unsigned.
 *
 * Return: 0, -EINVAL, -ENOKEY, -ENOTSUP (see the top of this file), or
 * bpf_object__load()'s error.
 */
BPFSIG_API int bpfsig_object__load(struct bpf_object *obj,
				   const struct bpfsig_load_opts *opts);

/* ---- files ----------------------------------------------------------- */

struct iovec;

/*
 * bpfsig_read_file() - read a whole file into a malloc()ed buffer
 * @buf: set to the contents, NUL-terminated (not counted in @len)
 * Return: 0, -errno of open()/read(), -EISDIR, -ENOMEM. Prints nothing.
 */
BPFSIG_API int bpfsig_read_file(const char *path, void **buf, size_t *len);

/*
 * bpfsig_write_file() - replace @path atomically with @iov_cnt buffers
 *
 * Writes a temporary file in the directory of @path, fsync()s it, gives it
 * the mode of the file it replaces (new files: 0644 less the umask) and
 * rename()s it over @path: @path is complete or untouched, and no
 * temporary file is left behind. A @path that exists and is not a regular
 * file is refused.
 *
 * Return: 0, -EINVAL, or -errno of the failing call (reason printed).
 */
BPFSIG_API int bpfsig_write_file(const char *path, const struct iovec *iov,
				 int iov_cnt);

/* SHA-256 of a file (a target BTF). Return: 0 or as bpfsig_read_file(). */
BPFSIG_API int bpfsig_file_sha256(const char *path, __u8 digest[32]);

#ifdef __cplusplus
}
#endif

#endif /* __BPFSIG_H */
