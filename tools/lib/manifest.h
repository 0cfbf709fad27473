/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libbpfsig internals: manifests of recorded loads ('bpfsig record'), not
 * installed. A manifest lists the BPF_PROG_LOADs a loader made, unsigned:
 * what 'bpfsig sign' turns into a signature bundle, on any machine.
 * Documentation/format-elf.md ("Manifests") is the same contract in words;
 * all integers are big-endian.
 *
 *   header                 32 bytes: magic "BPFSIGM\0", version (1),
 *                          hdr_len (32), entry count, total length
 *                          (trailer included), 8 zero bytes
 *   entries, each:
 *     struct bpfsig_mf_hdr 40 bytes
 *     name                 name_len bytes, zero-padded to 8
 *     loader               loader_len bytes, zero-padded to 8
 *     insns                insn_cnt * 8 bytes, canonical form
 *   trailer                32 bytes: SHA-256 of everything before it
 *
 * The trailer detects damage (truncation, a changed byte), not a deliberate
 * change: a manifest is not authenticated. The preload library writes the
 * entries alone, one write() each, to the capture file of a recording.
 */
#ifndef __BPFSIG_MANIFEST_H
#define __BPFSIG_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/types.h>

#include "libbpfsig_internal.h"

#define BPFSIG_MF_MAGIC		"BPFSIGM\0"
#define BPFSIG_MF_VERSION	1
#define BPFSIG_MF_HDR_SIZE	32
#define BPFSIG_MF_ENT_SIZE	40
#define BPFSIG_MF_TRAILER	32
#define BPFSIG_MF_MAX_NAME	255
#define BPFSIG_MF_MAX_LOADER	4095
#define BPFSIG_MF_MAX_INSNS	(1u << 20)

/* One recorded load. */
struct bpfsig_mf_entry {
	char *name;		/* the load's prog_name */
	char *loader;		/* the command line that made it */
	__u32 prog_type;
	__u32 expected_attach_type;
	__u32 seq;		/* its place among the loader's loads, from 1 */
	__u32 runs;		/* runs that made exactly this load */
	__u32 err;		/* errno of the load when recorded; 0: loaded */
	__u32 insn_cnt;
	struct bpf_insn *insns;	/* canonical form */
};

struct bpfsig_manifest {
	struct bpfsig_mf_entry *e;
	size_t cnt, cap;
};

/* true if @buf (@len bytes) starts like a manifest */
BPFSIG_INTERNAL bool bpfsig_manifest_magic(const void *buf, size_t len);
BPFSIG_INTERNAL void bpfsig_manifest_clear(struct bpfsig_manifest *m);
/* Append a copy of @e (its instructions canonicalized): 0, -EINVAL, -ENOMEM */
BPFSIG_INTERNAL int bpfsig_manifest_add(struct bpfsig_manifest *m,
					const struct bpfsig_mf_entry *e);
/* One entry encoded (malloc()ed): 0, -EINVAL, -ENOMEM */
BPFSIG_INTERNAL int bpfsig_mf_entry_encode(const struct bpfsig_mf_entry *e,
					   void **buf, size_t *len);
/*
 * Entries without header or trailer (a capture file) into @m: 0, -EBADMSG
 * (*@bad: the offset of the entry that does not parse), -ENOMEM.
 */
BPFSIG_INTERNAL int bpfsig_manifest_add_entries(struct bpfsig_manifest *m,
						const void *buf, size_t len,
						size_t *bad);
/*
 * A whole manifest into @m: 0, -ENOEXEC (not a manifest), -EBADMSG (the
 * reason in @why), -ENOMEM. @m is unchanged on error.
 */
BPFSIG_INTERNAL int bpfsig_manifest_parse(struct bpfsig_manifest *m,
					  const void *buf, size_t len,
					  const char **why);
/* Write @m to @path atomically (bpfsig_write_file()): 0 or -errno */
BPFSIG_INTERNAL int bpfsig_manifest_write(const struct bpfsig_manifest *m,
					  const char *path);
/*
 * The name a signature of @e carries in a bundle: "NAME (load SEQ of
 * LOADER)", cut to BPFSIG_SEC_MAX_NAME bytes; malloc()ed, NULL: ENOMEM.
 */
BPFSIG_INTERNAL char *bpfsig_mf_entry_origin(const struct bpfsig_mf_entry *e);
/* Sign every entry of @m into @set: 0 or -errno (printed, naming it) */
BPFSIG_INTERNAL int bpfsig_manifest_sign(const struct bpfsig_manifest *m,
					 const struct bpfsig_key *key,
					 const struct bpfsig_sign_opts *opts,
					 struct bpfsig_sigset *set);

#endif
