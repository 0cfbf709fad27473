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

TEST_HARNESS_MAIN
