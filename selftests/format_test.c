// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of format/, the trailer, statement and canonical
 * form code that the module and the tools share.
 */
#include <endian.h>
#include "kselftest_harness.h"
#include "format.h"

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })
#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)

/* 4 instructions, then a region with a @sig_len-byte dummy CMS. */
struct buf {
	__u8 bytes[4 * 8 + BPFSIG_MAX_TOTAL_LEN];
	__u64 len;
};

static struct bpfsig_statement *make_buf(struct buf *b, __u32 sig_len)
{
	__u32 tot = bpfsig_blob_total_len(sig_len);
	__u8 digest[32] = { 1, 2, 3 };
	struct bpfsig_statement *st;

	memset(b, 0, sizeof(*b));
	b->len = 4 * 8 + tot;
	st = (void *)(b->bytes + 32);
	bpfsig_statement_init(st, BPF_PROG_TYPE_XDP, 0, 4, BPFSIG_HASH_SHA256,
			      digest, (const __u8 *)"kid", 3);
	memset(b->bytes + 32 + BPFSIG_STATEMENT_SIZE, 0x30, sig_len);
	bpfsig_trailer_init((void *)(b->bytes + b->len - BPFSIG_TRAILER_SIZE),
			    sig_len);
	return st;
}

static struct bpfsig_trailer *trailer(struct buf *b)
{
	return (void *)(b->bytes + b->len - BPFSIG_TRAILER_SIZE);
}

TEST(layout_sizes)
{
	EXPECT_EQ(32, sizeof(struct bpfsig_trailer));
	EXPECT_EQ(128, sizeof(struct bpfsig_statement));
	EXPECT_EQ(0, offsetof(struct bpfsig_statement, magic));
	EXPECT_EQ(12, offsetof(struct bpfsig_statement, prog_type));
	EXPECT_EQ(32, offsetof(struct bpfsig_statement, keyid));
	EXPECT_EQ(64, offsetof(struct bpfsig_statement, digest));
	EXPECT_EQ(20, offsetof(struct bpfsig_trailer, total_len));
}

TEST(total_len_is_aligned)
{
	EXPECT_EQ(168, bpfsig_blob_total_len(1));
	EXPECT_EQ(168, bpfsig_blob_total_len(8));
	EXPECT_EQ(176, bpfsig_blob_total_len(9));
	EXPECT_EQ(BPFSIG_MAX_TOTAL_LEN - 7,
		  bpfsig_blob_total_len(BPFSIG_MAX_SIG_LEN));
}

TEST(parse_round_trip)
{
	struct bpfsig_blob blob;
	struct buf b;
	struct bpfsig_statement *st = make_buf(&b, 301);

	ASSERT_EQ(0, bpfsig_blob_parse(b.bytes, b.len, &blob));
	EXPECT_EQ(4, blob.insn_cnt);
	EXPECT_EQ(301, blob.sig_len);
	EXPECT_EQ(bpfsig_blob_total_len(301), blob.total_len);
	EXPECT_EQ((void *)st, (void *)blob.stmt);
	EXPECT_EQ(0, bpfsig_statement_check(blob.stmt, 4, BPF_PROG_TYPE_XDP, 0));
	EXPECT_EQ(-EKEYREJECTED, bpfsig_statement_check(blob.stmt, 5,
							BPF_PROG_TYPE_XDP, 0));
	EXPECT_EQ(-EKEYREJECTED, bpfsig_statement_check(blob.stmt, 4,
				BPF_PROG_TYPE_SOCKET_FILTER, 0));
	EXPECT_EQ(-EKEYREJECTED, bpfsig_statement_check(blob.stmt, 4,
							BPF_PROG_TYPE_XDP, 1));
	EXPECT_EQ(3, st->keyid_len);
	EXPECT_EQ(32, st->digest_len);
}

TEST(tail_parse_needs_whole_region)
{
	struct bpfsig_blob blob;
	struct buf b;
	__u32 tot;

	make_buf(&b, 100);
	tot = bpfsig_blob_total_len(100);
	EXPECT_EQ(0, bpfsig_tail_parse(b.bytes + b.len - tot, tot, b.len,
				       &blob));
	EXPECT_EQ(-EBADMSG, bpfsig_tail_parse(b.bytes + b.len - tot + 8,
					      tot - 8, b.len, &blob));
	EXPECT_EQ(-ENODATA, bpfsig_tail_parse(b.bytes + b.len - 16, 16, b.len,
					      &blob));
}

TEST(unsigned_buffers)
{
	struct bpfsig_blob blob;
	__u8 zero[64] = { 0 };

	EXPECT_EQ(-ENODATA, bpfsig_blob_parse(zero, 8, &blob));
	EXPECT_EQ(-ENODATA, bpfsig_blob_parse(zero, 64, &blob));
	EXPECT_EQ(-ENODATA, bpfsig_blob_parse(zero, 0, &blob));
}

struct trailer_row {
	const char *what;
	size_t off;	/* byte in the trailer to change */
	__u8 val;
	int err;
};

TEST(trailer_rows)
{
	static const struct trailer_row rows[] = {
		{ "magic", 0, '!', -ENODATA },
		{ "version", 8, 2, -EBADMSG },
		{ "reserved0", 10, 1, -EBADMSG },
		{ "stmt_len", 15, 64, -EBADMSG },
		{ "sig_len high byte", 16, 0x80, -EBADMSG },
		{ "sig_len zero", 19, 0, -EBADMSG },
		{ "total_len unaligned", 23, 0xad, -EBADMSG },
		{ "total_len huge", 20, 0xff, -EBADMSG },
		{ "reserved1", 31, 1, -EBADMSG },
	};
	struct bpfsig_blob blob;
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		make_buf(&b, 173);
		if (rows[i].off == 19) {
			/* sig_len = 0 */
			memset((__u8 *)trailer(&b) + 16, 0, 4);
		} else {
			((__u8 *)trailer(&b))[rows[i].off] = rows[i].val;
		}
		EXPECT_EQ(rows[i].err, bpfsig_blob_parse(b.bytes, b.len, &blob))
			TH_LOG("row %s", rows[i].what);
	}
}

TEST(region_must_leave_an_instruction)
{
	struct bpfsig_blob blob;
	struct buf b;
	__u32 tot = bpfsig_blob_total_len(40);

	make_buf(&b, 40);
	/* Only the region, no instruction before it. */
	EXPECT_EQ(-EBADMSG, bpfsig_blob_parse(b.bytes + 32, tot, &blob));
	/* Buffer length not a multiple of 8. */
	EXPECT_EQ(-EBADMSG, bpfsig_trailer_parse(trailer(&b), b.len + 4,
						 &tot, &tot));
}

TEST(statement_rows)
{
	struct bpfsig_statement *st;
	struct bpfsig_blob blob;
	struct buf b;

	st = make_buf(&b, 64);
	st->hash_algo = 0;
	EXPECT_EQ(-ENOPKG, bpfsig_blob_parse(b.bytes, b.len, &blob));
	st = make_buf(&b, 64);
	st->hash_algo = BPFSIG_HASH_SHA512;
	EXPECT_EQ(-EBADMSG, bpfsig_blob_parse(b.bytes, b.len, &blob));
	st->digest_len = 64;
	EXPECT_EQ(0, bpfsig_blob_parse(b.bytes, b.len, &blob));
	st = make_buf(&b, 64);
	st->keyid[3] = 1;
	EXPECT_EQ(-EBADMSG, bpfsig_blob_parse(b.bytes, b.len, &blob));
	st = make_buf(&b, 64);
	st->flags = htobe32(0x100);
	EXPECT_EQ(-EBADMSG, bpfsig_blob_parse(b.bytes, b.len, &blob));
	st = make_buf(&b, 64);
	st->magic[7] = 'x';
	EXPECT_EQ(-EBADMSG, bpfsig_blob_parse(b.bytes, b.len, &blob));
}

TEST(attach_type_fixup)
{
	EXPECT_EQ(BPF_CGROUP_INET_SOCK_CREATE,
		  bpfsig_load_attach_type(BPF_PROG_TYPE_CGROUP_SOCK, 0));
	EXPECT_EQ(BPF_SK_REUSEPORT_SELECT,
		  bpfsig_load_attach_type(BPF_PROG_TYPE_SK_REUSEPORT, 0));
	EXPECT_EQ(0, bpfsig_load_attach_type(BPF_PROG_TYPE_CGROUP_SKB, 0));
	EXPECT_EQ(BPF_CGROUP_INET4_POST_BIND,
		  bpfsig_load_attach_type(BPF_PROG_TYPE_CGROUP_SOCK,
					  BPF_CGROUP_INET4_POST_BIND));
}

TEST(canonical_form_zeroes_only_fds)
{
	struct bpf_insn in[] = {
		INSN(LD_IMM64, 1, BPF_PSEUDO_MAP_FD, 0, 7),
		INSN(0, 0, 0, 0, 0),
		INSN(LD_IMM64, 2, BPF_PSEUDO_MAP_VALUE, 0, 8),
		INSN(0, 0, 0, 0, 16),
		INSN(LD_IMM64, 3, BPF_PSEUDO_BTF_ID, 0, 1234),
		INSN(0, 0, 0, 0, 9),
		INSN(LD_IMM64, 4, BPF_PSEUDO_MAP_IDX, 0, 2),
		INSN(0, 0, 0, 0, 0),
		INSN(LD_IMM64, 5, 0, 0, 0x11),
		INSN(0, 0, 0, 0, 0x22),
		INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 1, 555),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, BPF_PSEUDO_MAP_FD, 0, 3),
	};
	struct bpf_insn out[12];
	struct bpfsig_canon c;

	bpfsig_canon_init(&c);
	bpfsig_canon_copy(&c, out, in, 12);
	EXPECT_EQ(0, out[0].imm);	/* map fd */
	EXPECT_EQ(0, out[2].imm);	/* map fd of a map value */
	EXPECT_EQ(16, out[3].imm);	/* value offset is covered */
	EXPECT_EQ(1234, out[4].imm);	/* BTF id is covered */
	EXPECT_EQ(0, out[5].imm);	/* module BTF fd */
	EXPECT_EQ(2, out[6].imm);	/* fd_array index is covered */
	EXPECT_EQ(0x11, out[8].imm);
	EXPECT_EQ(0x22, out[9].imm);
	EXPECT_EQ(555, out[10].imm);
	EXPECT_EQ(1, out[10].off);
	EXPECT_EQ(3, out[11].imm);	/* not an ld_imm64 */
	EXPECT_EQ(0, memcmp(&out[1], &in[1], 8));
	EXPECT_EQ(7, in[0].imm);	/* input untouched */
}

TEST(canonical_form_across_chunks)
{
	struct bpf_insn in[4] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1),
		INSN(LD_IMM64, 1, BPF_PSEUDO_BTF_ID, 0, 77),
		INSN(0, 0, 0, 0, 5),	/* second half, in the next chunk */
		INSN(LD_IMM64, 1, BPF_PSEUDO_MAP_FD, 0, 6),
	};
	struct bpf_insn whole[4], split[4];
	struct bpfsig_canon c;

	bpfsig_canon_init(&c);
	bpfsig_canon_copy(&c, whole, in, 4);
	bpfsig_canon_init(&c);
	bpfsig_canon_copy(&c, split, in, 2);
	bpfsig_canon_copy(&c, split + 2, in + 2, 2);
	EXPECT_EQ(0, memcmp(whole, split, sizeof(whole)));
	EXPECT_EQ(0, split[2].imm);
	EXPECT_EQ(0, split[3].imm);
	/* The second half of an ld_imm64 is never read as an opcode. */
	in[2] = INSN(LD_IMM64, 0, BPF_PSEUDO_MAP_FD, 0, 99);
	bpfsig_canon_init(&c);
	bpfsig_canon_copy(&c, whole, in, 3);
	EXPECT_EQ(0, whole[2].imm);	/* BTF_ID second half rule */
	in[1] = INSN(LD_IMM64, 1, 0, 0, 77);
	bpfsig_canon_init(&c);
	bpfsig_canon_copy(&c, whole, in, 3);
	EXPECT_EQ(99, whole[2].imm);
}

/*
 * bpfsig_cms_check(): a SignedData built by hand, element by element, and
 * one change per row. The signature bytes are never looked at.
 */
struct der {
	__u8 b[1100];
	size_t len;
};

/* Append a DER element with @tag around @n bytes of @v. */
static void der_put(struct der *d, __u8 tag, const void *v, size_t n)
{
	d->b[d->len++] = tag;
	if (n < 0x80) {
		d->b[d->len++] = n;
	} else if (n < 0x100) {
		d->b[d->len++] = 0x81;
		d->b[d->len++] = n;
	} else {
		d->b[d->len++] = 0x82;
		d->b[d->len++] = n >> 8;
		d->b[d->len++] = n & 0xff;
	}
	memcpy(d->b + d->len, v, n);
	d->len += n;
}

static void der_add(struct der *d, __u8 tag, const struct der *inner)
{
	der_put(d, tag, inner->b, inner->len);
}

enum cms_change {
	CMS_PROFILE, CMS_CERTS, CMS_CRLS, CMS_TWO_SIGNERS, CMS_SID_ISSUER,
	CMS_SID_OTHER_KEY, CMS_SID_SHORTER, CMS_NO_KEYID, CMS_TRAILING_BYTE,
	CMS_INNER_TRAILING, CMS_TRUNCATED, CMS_LONG_LENGTH, CMS_INDEFINITE,
	CMS_NOT_SEQUENCE,
};

static const __u8 oid_signed_data[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };
static const __u8 oid_data[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };
static const __u8 sha256_alg[] = {
	0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };
static const __u8 rsa_alg[] = {
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
	0x05, 0x00 };
static const __u8 keyid[20] = { 0xb8, 0x34, 0xe2, 0xdd, 9, 8, 7, 6, 5 };

static void make_cms(struct der *out, enum cms_change c)
{
	struct der si = { 0 }, sis = { 0 }, sd = { 0 }, sdseq = { 0 };
	struct der ci = { 0 }, tmp = { 0 }, sig = { 0 };
	__u8 three = 3, one = 1;

	/* SignerInfo: version 3, sid [0] keyid, sha256, rsa, signature */
	der_put(&si, 0x02, &three, 1);
	if (c == CMS_SID_ISSUER) {
		der_put(&tmp, 0x02, &one, 1);
		der_put(&si, 0x30, tmp.b, tmp.len);
	} else if (c == CMS_SID_SHORTER) {
		der_put(&si, 0x80, keyid, 19);
	} else {
		__u8 id[20];

		memcpy(id, keyid, 20);
		if (c == CMS_SID_OTHER_KEY)
			id[19] ^= 1;
		der_put(&si, 0x80, id, 20);
	}
	der_put(&si, 0x30, sha256_alg, sizeof(sha256_alg));
	der_put(&si, 0x30, rsa_alg, sizeof(rsa_alg));
	memset(sig.b, 0x5a, 256);
	der_put(&si, 0x04, sig.b, 256);
	der_add(&sis, 0x30, &si);
	if (c == CMS_TWO_SIGNERS)
		der_add(&sis, 0x30, &si);

	/* SignedData: version, digestAlgorithms, encapContentInfo, ... */
	der_put(&sd, 0x02, &three, 1);
	memset(&tmp, 0, sizeof(tmp));
	der_put(&tmp, 0x30, sha256_alg, sizeof(sha256_alg));
	der_add(&sd, 0x31, &tmp);
	memset(&tmp, 0, sizeof(tmp));
	der_put(&tmp, 0x06, oid_data, sizeof(oid_data));
	der_add(&sd, 0x30, &tmp);
	if (c == CMS_CERTS)
		der_put(&sd, 0xa0, "\x30\x03\x02\x01\x01", 5);
	if (c == CMS_CRLS)
		der_put(&sd, 0xa1, "\x30\x03\x02\x01\x01", 5);
	der_add(&sd, 0x31, &sis);
	if (c == CMS_INNER_TRAILING)
		der_put(&sd, 0x05, "", 0);
	der_add(&sdseq, 0x30, &sd);

	der_put(&ci, 0x06, oid_signed_data, sizeof(oid_signed_data));
	der_add(&ci, 0xa0, &sdseq);
	memset(out, 0, sizeof(*out));
	der_add(out, c == CMS_NOT_SEQUENCE ? 0x31 : 0x30, &ci);
	if (c == CMS_TRAILING_BYTE)
		out->b[out->len++] = 0;
	if (c == CMS_TRUNCATED)
		out->len -= 1;
	if (c == CMS_LONG_LENGTH) {
		/* the outer length in three bytes: 83 00 LL LL */
		memmove(out->b + 5, out->b + 4, out->len - 4);
		out->b[1] = 0x83;
		out->b[2] = 0;
		out->len++;
	}
	if (c == CMS_INDEFINITE)
		out->b[1] = 0x80;
}

FIXTURE(cms) {
	struct buf b;
};

FIXTURE_VARIANT(cms) {
	enum cms_change change;
	int err;
};

FIXTURE_VARIANT_ADD(cms, profile) { .change = CMS_PROFILE, .err = 0 };
FIXTURE_VARIANT_ADD(cms, certificates) { .change = CMS_CERTS, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, crls) { .change = CMS_CRLS, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, two_signers) { .change = CMS_TWO_SIGNERS, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, sid_issuer_and_serial) { .change = CMS_SID_ISSUER, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, sid_other_key) { .change = CMS_SID_OTHER_KEY, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, sid_shorter_than_keyid) { .change = CMS_SID_SHORTER, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, statement_without_keyid) { .change = CMS_NO_KEYID, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, byte_after_content_info) { .change = CMS_TRAILING_BYTE, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, element_after_signer_infos) { .change = CMS_INNER_TRAILING, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, truncated) { .change = CMS_TRUNCATED, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, three_byte_length) { .change = CMS_LONG_LENGTH, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, indefinite_length) { .change = CMS_INDEFINITE, .err = -EBADMSG };
FIXTURE_VARIANT_ADD(cms, not_a_sequence) { .change = CMS_NOT_SEQUENCE, .err = -EBADMSG };

FIXTURE_SETUP(cms)
{
}

FIXTURE_TEARDOWN(cms)
{
}

TEST_F(cms, profile_check)
{
	struct bpfsig_statement *st;
	struct bpfsig_blob blob;
	struct der cms;

	make_cms(&cms, variant->change);
	ASSERT_GE(BPFSIG_MAX_SIG_LEN, cms.len);
	st = make_buf(&self->b, cms.len);
	memset(st->keyid, 0, sizeof(st->keyid));
	st->keyid_len = variant->change == CMS_NO_KEYID ? 0 : 20;
	memcpy(st->keyid, keyid, st->keyid_len);
	memcpy(self->b.bytes + 32 + BPFSIG_STATEMENT_SIZE, cms.b, cms.len);
	ASSERT_EQ(0, bpfsig_blob_parse(self->b.bytes, self->b.len, &blob));
	EXPECT_EQ(variant->err, bpfsig_cms_check(&blob));
}

TEST(cms_size_cap)
{
	struct bpfsig_blob blob;
	struct buf b;

	/* The profile needs at most 647 bytes; 1024 are allowed, no more. */
	EXPECT_EQ(1024, BPFSIG_MAX_SIG_LEN);
	make_buf(&b, BPFSIG_MAX_SIG_LEN);
	EXPECT_EQ(0, bpfsig_blob_parse(b.bytes, b.len, &blob));
	trailer(&b)->sig_len = htobe32(BPFSIG_MAX_SIG_LEN + 1);
	EXPECT_EQ(-EBADMSG, bpfsig_blob_parse(b.bytes, b.len, &blob));
}

TEST_HARNESS_MAIN
