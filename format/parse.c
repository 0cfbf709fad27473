// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bpfsig signature format: trailer and statement parsing, canonical form.
 *
 * Compiled unchanged into the kernel module and the userspace tools. Every check
 * here is bounded by constants, never by the size of the program, and
 * returns a distinct errno:
 *
 *   -ENODATA	 no trailer: the program is unsigned
 *   -EBADMSG	 trailer or statement malformed, CMS outside the profile
 *   -ENOPKG	 digest algorithm not supported
 *   -EKEYREJECTED statement does not describe this load
 */
#include "compat.h"
#include "format.h"

int bpfsig_hash_digest_len(unsigned int hash_algo)
{
	switch (hash_algo) {
	case BPFSIG_HASH_SHA256:
		return 32;
	case BPFSIG_HASH_SHA384:
		return 48;
	case BPFSIG_HASH_SHA512:
		return 64;
	}
	return -ENOPKG;
}

const char *bpfsig_hash_name(unsigned int hash_algo)
{
	switch (hash_algo) {
	case BPFSIG_HASH_SHA256:
		return "sha256";
	case BPFSIG_HASH_SHA384:
		return "sha384";
	case BPFSIG_HASH_SHA512:
		return "sha512";
	}
	return NULL;
}

static bool all_zero(const u8 *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

/* The on-wire layout of Documentation/format.md, field by field. */
static void check_layout(void)
{
	BUILD_BUG_ON(sizeof(struct bpf_insn) != 8);
	BUILD_BUG_ON(sizeof(struct bpfsig_trailer) != BPFSIG_TRAILER_SIZE);
	BUILD_BUG_ON(BPFSIG_TRAILER_SIZE != 32);
	BUILD_BUG_ON(offsetof(struct bpfsig_trailer, magic) != 0);
	BUILD_BUG_ON(offsetof(struct bpfsig_trailer, version) != 8);
	BUILD_BUG_ON(offsetof(struct bpfsig_trailer, reserved0) != 9);
	BUILD_BUG_ON(offsetof(struct bpfsig_trailer, stmt_len) != 12);
	BUILD_BUG_ON(offsetof(struct bpfsig_trailer, sig_len) != 16);
	BUILD_BUG_ON(offsetof(struct bpfsig_trailer, total_len) != 20);
	BUILD_BUG_ON(offsetof(struct bpfsig_trailer, reserved1) != 24);
	BUILD_BUG_ON(sizeof(struct bpfsig_statement) != BPFSIG_STATEMENT_SIZE);
	BUILD_BUG_ON(BPFSIG_STATEMENT_SIZE != 128);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement, magic) != 0);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement, version) != 8);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement, hash_algo) != 10);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement, digest_len) != 11);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement, prog_type) != 12);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement,
			      expected_attach_type) != 16);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement, insn_cnt) != 20);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement, flags) != 24);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement, keyid_len) != 28);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement, reserved) != 29);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement, keyid) != 32);
	BUILD_BUG_ON(offsetof(struct bpfsig_statement, digest) != 64);
}

/**
 * bpfsig_trailer_parse() - validate the trailer record alone
 * @t: the last BPFSIG_TRAILER_SIZE bytes of the buffer
 * @buf_len: length of the whole buffer, in bytes
 * @total_len: set to the length of the appended region
 * @sig_len: set to the length of the CMS blob
 *
 * Checks in this order: magic, version, reserved bytes, statement length,
 * signature length, total length (alignment, padding, room for at least one
 * instruction). Needs only the trailer, so a caller can refuse a load after
 * reading 32 bytes.
 *
 * Return: 0, -ENODATA if @t has no trailer magic (or the buffer is too small
 * to hold one), -EBADMSG if the trailer is malformed.
 */
int bpfsig_trailer_parse(const struct bpfsig_trailer *t, u64 buf_len,
			 u32 *total_len, u32 *sig_len)
{
	u32 tot, sig, pad;

	check_layout();
	if (buf_len < BPFSIG_TRAILER_SIZE ||
	    memcmp(t->magic, BPFSIG_TRAILER_MAGIC, BPFSIG_MAGIC_LEN))
		return -ENODATA;
	if (t->version != BPFSIG_VERSION)
		return -EBADMSG;
	if (!all_zero(t->reserved0, sizeof(t->reserved0)) ||
	    !all_zero(t->reserved1, sizeof(t->reserved1)))
		return -EBADMSG;
	if (be32_to_cpu(t->stmt_len) != BPFSIG_STATEMENT_SIZE)
		return -EBADMSG;
	sig = be32_to_cpu(t->sig_len);
	if (sig == 0 || sig > BPFSIG_MAX_SIG_LEN)
		return -EBADMSG;
	tot = be32_to_cpu(t->total_len);
	if (tot % 8 || tot < BPFSIG_MIN_TOTAL_LEN || tot > BPFSIG_MAX_TOTAL_LEN)
		return -EBADMSG;
	if (tot < BPFSIG_STATEMENT_SIZE + sig + BPFSIG_TRAILER_SIZE)
		return -EBADMSG;
	pad = tot - BPFSIG_STATEMENT_SIZE - sig - BPFSIG_TRAILER_SIZE;
	if (pad > 7)
		return -EBADMSG;
	/* At least one instruction must precede the appended region. */
	if (buf_len % 8 || (u64)tot + 8 > buf_len)
		return -EBADMSG;
	*total_len = tot;
	*sig_len = sig;
	return 0;
}

/**
 * bpfsig_tail_parse() - validate the appended region from the buffer's tail
 * @tail: the last @tail_len bytes of the instruction buffer
 * @tail_len: how many bytes @tail holds; must cover the whole appended
 *	region (BPFSIG_MAX_TOTAL_LEN, or the whole buffer if smaller, is always
 *	enough)
 * @buf_len: length of the whole buffer, in bytes
 * @blob: filled in on success (pointers into @tail)
 *
 * Validates the trailer, the padding and the statement's own fields; does not
 * compare the statement with the load (bpfsig_statement_check()). Lets a
 * caller that has copied only the tail of a large buffer parse it.
 *
 * Return: 0, -ENODATA (unsigned), -EBADMSG (malformed, or @tail_len too short
 * for the region the trailer announces) or -ENOPKG (unknown digest
 * algorithm).
 */
int bpfsig_tail_parse(const void *tail, u32 tail_len, u64 buf_len,
		      struct bpfsig_blob *blob)
{
	const u8 *end = (const u8 *)tail + tail_len;
	const struct bpfsig_statement *st;
	struct bpfsig_trailer t;
	u32 tot, sig, pad;
	int dlen, err;

	if (tail_len < BPFSIG_TRAILER_SIZE || tail_len > buf_len)
		return -ENODATA;
	/* A copy: the buffer's length need not be a multiple of 4 yet. */
	memcpy(&t, end - BPFSIG_TRAILER_SIZE, sizeof(t));
	err = bpfsig_trailer_parse(&t, buf_len, &tot, &sig);
	if (err)
		return err;
	if (tot > tail_len)
		return -EBADMSG;
	pad = tot - BPFSIG_STATEMENT_SIZE - sig - BPFSIG_TRAILER_SIZE;
	if (!all_zero(end - BPFSIG_TRAILER_SIZE - pad, pad))
		return -EBADMSG;

	st = (const void *)(end - tot);
	if (memcmp(st->magic, BPFSIG_STATEMENT_MAGIC, BPFSIG_MAGIC_LEN) ||
	    be16_to_cpu(st->version) != BPFSIG_VERSION || st->flags ||
	    !all_zero(st->reserved, sizeof(st->reserved)) ||
	    st->keyid_len > BPFSIG_MAX_KEYID_LEN ||
	    !all_zero(st->keyid + st->keyid_len,
		      BPFSIG_MAX_KEYID_LEN - st->keyid_len))
		return -EBADMSG;
	dlen = bpfsig_hash_digest_len(st->hash_algo);
	if (dlen < 0)
		return dlen;
	if (st->digest_len != dlen ||
	    !all_zero(st->digest + dlen, BPFSIG_MAX_DIGEST_LEN - dlen))
		return -EBADMSG;

	blob->insn_cnt = (buf_len - tot) / 8;
	blob->total_len = tot;
	blob->stmt = st;
	blob->sig = (const u8 *)st + BPFSIG_STATEMENT_SIZE;
	blob->sig_len = sig;
	return 0;
}

/**
 * bpfsig_blob_parse() - locate and validate the appended region
 * @buf: the whole instruction buffer, as loaded
 * @buf_len: its length in bytes
 * @blob: filled in on success (pointers into @buf)
 *
 * Return: as bpfsig_tail_parse().
 */
int bpfsig_blob_parse(const void *buf, u64 buf_len, struct bpfsig_blob *blob)
{
	u32 tail_len = buf_len < BPFSIG_MAX_TOTAL_LEN ? buf_len :
			BPFSIG_MAX_TOTAL_LEN;

	return bpfsig_tail_parse((const u8 *)buf + buf_len - tail_len, tail_len,
				 buf_len, blob);
}

/**
 * bpfsig_statement_check() - does the statement describe this load?
 * @stmt: a statement accepted by bpfsig_blob_parse()
 * @insn_cnt: program instructions, the appended region excluded
 * @prog_type: the load's program type
 * @expected_attach_type: the load's expected attach type
 *
 * Return: 0 or -EKEYREJECTED.
 */
int bpfsig_statement_check(const struct bpfsig_statement *stmt, u32 insn_cnt,
			   u32 prog_type, u32 expected_attach_type)
{
	if (be32_to_cpu(stmt->insn_cnt) != insn_cnt ||
	    be32_to_cpu(stmt->prog_type) != prog_type ||
	    be32_to_cpu(stmt->expected_attach_type) != expected_attach_type)
		return -EKEYREJECTED;
	return 0;
}

/* DER tags the CMS profile check looks at. */
#define DER_INTEGER	0x02
#define DER_OID		0x06
#define DER_SEQUENCE	0x30
#define DER_SET		0x31
#define DER_CTX0	0xa0	/* [0] constructed */
#define DER_CTX0_PRIM	0x80	/* [0] primitive: subjectKeyIdentifier */

/*
 * The next DER element of [*p, end): its tag and contents. Definite
 * lengths of at most two bytes only (BPFSIG_MAX_SIG_LEN needs no more).
 */
static int der_next(const u8 **p, const u8 *end, u8 *tag, const u8 **val,
		    u32 *len)
{
	const u8 *q = *p;
	u32 l, n;

	if (end - q < 2)
		return -EBADMSG;
	*tag = *q++;
	l = *q++;
	if (l & 0x80) {
		n = l & 0x7f;
		if (n < 1 || n > 2 || end - q < n)
			return -EBADMSG;
		for (l = 0; n; n--)
			l = l << 8 | *q++;
	}
	if (l > (u32)(end - q))
		return -EBADMSG;
	*val = q;
	*len = l;
	*p = q + l;
	return 0;
}

/* The next element must have tag @want; *val and *len are its contents. */
static int der_expect(const u8 **p, const u8 *end, u8 want, const u8 **val,
		      u32 *len)
{
	u8 tag;
	int err = der_next(p, end, &tag, val, len);

	return err ? err : tag == want ? 0 : -EBADMSG;
}

/* The region [*p, *end) is exactly one @want element: descend into it. */
static int der_enter(const u8 **p, const u8 **end, u8 want)
{
	const u8 *v;
	u32 len;

	if (der_expect(p, *end, want, &v, &len) || *p != *end)
		return -EBADMSG;
	*p = v;
	*end = v + len;
	return 0;
}

/**
 * bpfsig_cms_check() - does the CMS blob keep to the profile?
 * @blob: a blob accepted by bpfsig_tail_parse()
 *
 * Walks the DER of ContentInfo / SignedData (RFC 5652) as far as the
 * profile of Documentation/format.md needs: no certificates and no CRLs
 * (an embedded certificate would let any certificate issued by a trusted
 * key sign), exactly one SignerInfo, and its sid a subjectKeyIdentifier
 * ([0]) equal to the statement's keyid, so that the key id the statement
 * names is the key that signs. The signature itself is not looked at.
 *
 * Return: 0 or -EBADMSG.
 */
int bpfsig_cms_check(const struct bpfsig_blob *blob)
{
	const u8 *p = blob->sig, *end = p + blob->sig_len, *v;
	const struct bpfsig_statement *st = blob->stmt;
	u32 len;

	/*
	 * ContentInfo (the whole blob): contentType, then content [0] EXPLICIT
	 * SignedData and no more; SignedData: version, digestAlgorithms,
	 * encapContentInfo, then signerInfos and nothing before it (no [0]
	 * certificates, no [1] CRLs), holding exactly one SignerInfo.
	 */
	if (der_enter(&p, &end, DER_SEQUENCE) ||
	    der_expect(&p, end, DER_OID, &v, &len) ||
	    der_enter(&p, &end, DER_CTX0) ||
	    der_enter(&p, &end, DER_SEQUENCE) ||
	    der_expect(&p, end, DER_INTEGER, &v, &len) ||
	    der_expect(&p, end, DER_SET, &v, &len) ||
	    der_expect(&p, end, DER_SEQUENCE, &v, &len) ||
	    der_enter(&p, &end, DER_SET) ||
	    der_enter(&p, &end, DER_SEQUENCE))
		return -EBADMSG;
	/* version, then sid: [0] subjectKeyIdentifier, the statement's keyid */
	if (der_expect(&p, end, DER_INTEGER, &v, &len) ||
	    der_expect(&p, end, DER_CTX0_PRIM, &v, &len))
		return -EBADMSG;
	if (!st->keyid_len || len != st->keyid_len ||
	    memcmp(v, st->keyid, len))
		return -EBADMSG;
	return 0;
}

/**
 * bpfsig_load_attach_type() - the expected attach type the verifier sees
 * @prog_type: program type of the load
 * @expected_attach_type: expected attach type passed to BPF_PROG_LOAD
 *
 * The kernel replaces a zero expected attach type for two program types
 * before the verifier runs (bpf_prog_load_fixup_attach_type()); statements
 * hold the replaced value.
 *
 * Return: the expected attach type as the verifier sees it.
 */
u32 bpfsig_load_attach_type(u32 prog_type, u32 expected_attach_type)
{
	if (expected_attach_type)
		return expected_attach_type;
	switch (prog_type) {
	case BPF_PROG_TYPE_CGROUP_SOCK:
		return BPF_CGROUP_INET_SOCK_CREATE;
	case BPF_PROG_TYPE_SK_REUSEPORT:
		return BPF_SK_REUSEPORT_SELECT;
	}
	return expected_attach_type;
}

void bpfsig_canon_init(struct bpfsig_canon *c)
{
	c->pending_src = -1;
}

/**
 * bpfsig_canon_copy() - copy instructions in canonical form
 * @c: state, carried across calls so that the program can be processed in
 *	chunks (an ld_imm64 may straddle two chunks)
 * @dst: output, @cnt instructions
 * @src: input, the next @cnt instructions of the program
 * @cnt: number of instructions
 *
 * The canonical form zeroes exactly the fields that hold per-load file
 * descriptors and nothing else:
 *  - ld_imm64 with src_reg BPF_PSEUDO_MAP_FD or BPF_PSEUDO_MAP_VALUE: the
 *    first half's imm (a map fd; the second half's imm, the value offset,
 *    is kept);
 *  - ld_imm64 with src_reg BPF_PSEUDO_BTF_ID: the second half's imm (the fd
 *    of the module BTF holding the symbol, 0 for vmlinux).
 * Map indexes (BPF_PSEUDO_MAP_IDX*), BTF ids, kfunc ids and fd_array slots
 * are deterministic for a given target kernel and stay covered.
 */
void bpfsig_canon_copy(struct bpfsig_canon *c, struct bpf_insn *dst,
		       const struct bpf_insn *src, u32 cnt)
{
	u32 i;

	for (i = 0; i < cnt; i++) {
		struct bpf_insn insn = src[i];

		if (c->pending_src >= 0) {
			if (c->pending_src == BPF_PSEUDO_BTF_ID)
				insn.imm = 0;
			c->pending_src = -1;
		} else if (insn.code == (BPF_LD | BPF_IMM | BPF_DW)) {
			if (insn.src_reg == BPF_PSEUDO_MAP_FD ||
			    insn.src_reg == BPF_PSEUDO_MAP_VALUE)
				insn.imm = 0;
			c->pending_src = insn.src_reg;
		}
		dst[i] = insn;
	}
}

/**
 * bpfsig_canon_hash() - feed the canonical form of a program to a hash
 * @insns: the program's instructions
 * @cnt: how many
 * @chunk: scratch space for BPFSIG_CANON_CHUNK instructions
 * @update: adds bytes to the caller's hash (and may reschedule)
 * @ctx: passed to @update
 *
 * The one loop the module and the tools use to hash what a statement's
 * digest covers; an ld_imm64 may straddle two chunks.
 *
 * Return: 0, or the first non-zero return of @update.
 */
int bpfsig_canon_hash(const struct bpf_insn *insns, u32 cnt,
		      struct bpf_insn chunk[BPFSIG_CANON_CHUNK],
		      bpfsig_hash_update_t update, void *ctx)
{
	struct bpfsig_canon canon;
	u32 i, n;
	int err;

	bpfsig_canon_init(&canon);
	for (i = 0; i < cnt; i += n) {
		n = cnt - i < BPFSIG_CANON_CHUNK ? cnt - i : BPFSIG_CANON_CHUNK;
		bpfsig_canon_copy(&canon, chunk, insns + i, n);
		err = update(ctx, chunk, n * sizeof(*chunk));
		if (err)
			return err;
	}
	return 0;
}
