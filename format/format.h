/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpfsig signature format: the trailer appended to a BPF program's
 * instructions, the signed statement it carries, and the canonical form of
 * the instructions that the statement's digest covers.
 *
 * This header and parse.c compile unchanged into the kernel module and into
 * the userspace tools; write.c (building statements and trailers) only into
 * the tools. Documentation/format.md is the same contract in words. Only
 * __u8-style types appear here, so that the header means the same in both
 * worlds without bringing kernel names into userspace.
 *
 * Layout of a signed instruction buffer (all lengths in bytes):
 *
 *   +--------------------------+  offset 0
 *   | program instructions     |  insn_cnt * 8
 *   +--------------------------+
 *   | struct bpfsig_statement  |  128
 *   | CMS SignedData (DER)     |  sig_len, detached, over the statement
 *   | zero padding             |  0..7, so the total is a multiple of 8
 *   | struct bpfsig_trailer    |  32
 *   +--------------------------+  end of buffer = insn_cnt*8 + total_len
 */
#ifndef BPFSIG_FORMAT_H
#define BPFSIG_FORMAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/bpf.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/bpf.h>
#endif

#define BPFSIG_TRAILER_MAGIC	"~BPFSIG~"
#define BPFSIG_STATEMENT_MAGIC	"BPFSTMT\0"
#define BPFSIG_MAGIC_LEN	8
#define BPFSIG_VERSION		1

#define BPFSIG_TRAILER_SIZE	32
#define BPFSIG_STATEMENT_SIZE	128
/*
 * Largest CMS blob accepted. The profile (Documentation/format.md: no
 * certificates, one SignerInfo naming a key id of at most 32 bytes, no
 * attributes) needs at most 647 bytes with RSA-4096 and SHA-512.
 */
#define BPFSIG_MAX_SIG_LEN	1024
#define BPFSIG_MAX_DIGEST_LEN	64
#define BPFSIG_MAX_KEYID_LEN	32
/* Smallest appended region: statement + 1 byte of CMS + trailer, rounded. */
#define BPFSIG_MIN_TOTAL_LEN	(BPFSIG_STATEMENT_SIZE + 8 + BPFSIG_TRAILER_SIZE)
#define BPFSIG_MAX_TOTAL_LEN	(BPFSIG_STATEMENT_SIZE + BPFSIG_MAX_SIG_LEN + \
				 7 + BPFSIG_TRAILER_SIZE)

/**
 * struct bpfsig_trailer - fixed-size record at the very end of the buffer
 * @magic: BPFSIG_TRAILER_MAGIC; anything else means "unsigned"
 * @version: BPFSIG_VERSION
 * @reserved0: must be zero
 * @stmt_len: big-endian, must be BPFSIG_STATEMENT_SIZE
 * @sig_len: big-endian length of the CMS blob, 1..BPFSIG_MAX_SIG_LEN
 * @total_len: big-endian length of everything appended, this record
 *	included; a multiple of 8, and equal to stmt_len + sig_len + padding +
 *	BPFSIG_TRAILER_SIZE with 0..7 bytes of zero padding
 * @reserved1: must be zero
 */
struct bpfsig_trailer {
	__u8 magic[BPFSIG_MAGIC_LEN];
	__u8 version;
	__u8 reserved0[3];
	__be32 stmt_len;
	__be32 sig_len;
	__be32 total_len;
	__u8 reserved1[8];
};

/*
 * Digest algorithms of the canonical instructions (statement @hash_algo);
 * tools/lib/bpfsig.h, the tools' public header, defines the same enum.
 */
#ifndef BPFSIG_HASH_ALGO_DEFINED
#define BPFSIG_HASH_ALGO_DEFINED
enum bpfsig_hash_algo {
	BPFSIG_HASH_SHA256 = 1,
	BPFSIG_HASH_SHA384 = 2,
	BPFSIG_HASH_SHA512 = 3,
};
#endif

/**
 * struct bpfsig_statement - what the CMS signature covers, byte for byte
 * @magic: BPFSIG_STATEMENT_MAGIC
 * @version: big-endian, BPFSIG_VERSION
 * @hash_algo: enum bpfsig_hash_algo of @digest
 * @digest_len: 32, 48 or 64, matching @hash_algo
 * @prog_type: big-endian enum bpf_prog_type the program is loaded as
 * @expected_attach_type: big-endian enum bpf_attach_type of the load
 * @insn_cnt: big-endian number of program instructions (trailer excluded)
 * @flags: big-endian, must be zero in version 1
 * @keyid_len: length of @keyid, 0..32
 * @reserved: must be zero
 * @keyid: subject key identifier of the signing certificate, zero-padded;
 *	the CMS SignerInfo must name the same one (bpfsig_cms_check())
 * @digest: digest of the canonical instructions, zero-padded
 */
struct bpfsig_statement {
	__u8 magic[BPFSIG_MAGIC_LEN];
	__be16 version;
	__u8 hash_algo;
	__u8 digest_len;
	__be32 prog_type;
	__be32 expected_attach_type;
	__be32 insn_cnt;
	__be32 flags;
	__u8 keyid_len;
	__u8 reserved[3];
	__u8 keyid[BPFSIG_MAX_KEYID_LEN];
	__u8 digest[BPFSIG_MAX_DIGEST_LEN];
};

/**
 * struct bpfsig_blob - a parsed, bounds-checked signed buffer
 * @insn_cnt: program instructions before the appended region
 * @total_len: bytes appended after them
 * @stmt: the statement (points into the parsed buffer)
 * @sig: the CMS blob (points into the parsed buffer)
 * @sig_len: its length
 */
struct bpfsig_blob {
	__u32 insn_cnt;
	__u32 total_len;
	const struct bpfsig_statement *stmt;
	const __u8 *sig;
	__u32 sig_len;
};

/**
 * struct bpfsig_canon - streaming state for canonicalizing instructions
 * @pending_src: src_reg of an ld_imm64 whose second half comes next, or -1
 */
struct bpfsig_canon {
	int pending_src;
};

int bpfsig_hash_digest_len(unsigned int hash_algo);
const char *bpfsig_hash_name(unsigned int hash_algo);

/* parse.c: reading and checking, in the module and the tools */
int bpfsig_trailer_parse(const struct bpfsig_trailer *t, __u64 buf_len,
			 __u32 *total_len, __u32 *sig_len);
int bpfsig_tail_parse(const void *tail, __u32 tail_len, __u64 buf_len,
		      struct bpfsig_blob *blob);
int bpfsig_blob_parse(const void *buf, __u64 buf_len,
		      struct bpfsig_blob *blob);
int bpfsig_statement_check(const struct bpfsig_statement *stmt,
			   __u32 insn_cnt, __u32 prog_type,
			   __u32 expected_attach_type);
int bpfsig_cms_check(const struct bpfsig_blob *blob);
__u32 bpfsig_load_attach_type(__u32 prog_type, __u32 expected_attach_type);

void bpfsig_canon_init(struct bpfsig_canon *c);
void bpfsig_canon_copy(struct bpfsig_canon *c, struct bpf_insn *dst,
		       const struct bpf_insn *src, __u32 cnt);

/* Instructions canonicalized per call of the hash update function. */
#define BPFSIG_CANON_CHUNK	512

/**
 * typedef bpfsig_hash_update_t - feed bytes to a hash
 * @ctx: the caller's hash state
 * @data: bytes to add
 * @len: their length
 *
 * Return: 0, or a negative errno that stops bpfsig_canon_hash().
 */
typedef int (*bpfsig_hash_update_t)(void *ctx, const void *data, size_t len);

int bpfsig_canon_hash(const struct bpf_insn *insns, __u32 cnt,
		      struct bpf_insn chunk[BPFSIG_CANON_CHUNK],
		      bpfsig_hash_update_t update, void *ctx);

#ifndef __KERNEL__
/* write.c: building what a signer appends, in the tools only */
void bpfsig_statement_init(struct bpfsig_statement *stmt, __u32 prog_type,
			   __u32 expected_attach_type, __u32 insn_cnt,
			   unsigned int hash_algo, const __u8 *digest,
			   const __u8 *keyid, unsigned int keyid_len);
__u32 bpfsig_blob_total_len(__u32 sig_len);
void bpfsig_trailer_init(struct bpfsig_trailer *t, __u32 sig_len);
#endif

#endif /* BPFSIG_FORMAT_H */
