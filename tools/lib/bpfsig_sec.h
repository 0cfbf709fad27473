/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * On-disk format of a set of bpfsig signatures: the content of the ".bpfsig"
 * ELF section of a signed BPF object, and of a detached bundle file (the
 * same bytes in a file of its own). Documentation/format-elf.md is the same
 * contract in words. All integers are big-endian, like the trailer.
 *
 *   struct bpfsig_sec_header         32 bytes
 *   rec_cnt records, each:
 *     struct bpfsig_sec_record       48 bytes
 *     name                           name_len bytes, zero-padded to 8
 *     appendix                       appendix_len bytes (a multiple of 8):
 *                                    statement || CMS || padding || trailer,
 *                                    exactly what is appended to the load
 *
 * The section is SHT_PROGBITS with no flags (not SHF_ALLOC, not
 * SHF_EXECINSTR): libbpf 1.x skips it ("skipping unrecognized data
 * section", info level) and it occupies no memory at run time.
 */
#ifndef __BPFSIG_SEC_H
#define __BPFSIG_SEC_H

#include <linux/types.h>

#define BPFSIG_SEC_NAME		".bpfsig"
#define BPFSIG_SEC_MAGIC	"BPFSIGS\0"
#define BPFSIG_SEC_VERSION	1
#define BPFSIG_SEC_HDR_SIZE	32
#define BPFSIG_SEC_REC_SIZE	48
#define BPFSIG_SEC_MAX_NAME	255

/* record flags */
#define BPFSIG_REC_PROBE	(1u << 0)	/* a libbpf feature probe / internal
						 * load, not a program of the object */

/**
 * struct bpfsig_sec_header - start of the section / bundle
 * @magic: BPFSIG_SEC_MAGIC
 * @version: BPFSIG_SEC_VERSION
 * @hdr_len: BPFSIG_SEC_HDR_SIZE (readers skip unknown trailing header bytes)
 * @rec_cnt: number of records that follow
 * @total_len: length of the whole section, header included
 * @reserved: zero
 */
struct bpfsig_sec_header {
	__u8 magic[8];
	__be32 version;
	__be32 hdr_len;
	__be32 rec_cnt;
	__be32 total_len;
	__u8 reserved[8];
};

/**
 * struct bpfsig_sec_record - one signed load
 * @rec_len: bytes of this record: 48 + name padded to 8 + appendix_len
 * @flags: BPFSIG_REC_*; unknown bits must be zero
 * @name_len: length of the program name (libbpf's bpf_program__name(),
 *	full length, no NUL); 0 for probes
 * @reserved0: zero
 * @appendix_len: bytes of the appendix, a multiple of 8
 * @target: SHA-256 of the target kernel BTF file the program was prepared
 *	against (raw BTF, as /sys/kernel/btf/vmlinux); all zero for loads that
 *	do not depend on the kernel (libbpf probes)
 */
struct bpfsig_sec_record {
	__be32 rec_len;
	__be32 flags;
	__be16 name_len;
	__be16 reserved0;
	__be32 appendix_len;
	__u8 target[32];
};

#endif /* __BPFSIG_SEC_H */
