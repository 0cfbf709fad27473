// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: hostile and malformed appended regions, and the order
 * in which the checks run. Every row names the exact errno, the counter
 * that must move and whether the syscall stage refuses it (before the
 * kernel copies the program).
 */
#include <endian.h>
#include "kselftest_harness.h"
#include "common.h"

typedef void (*mutate_t)(struct blob *b);

static void set_trailer_be32(struct blob *b, size_t off, __u32 v)
{
	__be32 be = htobe32(v);

	memcpy((char *)blob_trailer(b) + off, &be, 4);
}

static __u32 trailer_be32(struct blob *b, size_t off)
{
	__be32 be;

	memcpy(&be, (char *)blob_trailer(b) + off, 4);
	return be32toh(be);
}

#define T_OFF(f) offsetof(struct bpfsig_trailer, f)

/* Rebuild the appendix around the first @sig_len bytes of @cms. */
static void rebuild(struct blob *b, const void *cms, __u32 sig_len)
{
	struct bpfsig_statement st = *blob_stmt(b);
	__u32 tot = bpfsig_blob_total_len(sig_len);
	char *app;

	b->insns = realloc(b->insns, b->prog_cnt * 8 + tot);
	app = (char *)(b->insns + b->prog_cnt);
	memset(app, 0, tot);
	memcpy(app, &st, sizeof(st));
	memcpy(app + BPFSIG_STATEMENT_SIZE, cms, sig_len);
	bpfsig_trailer_init((void *)(app + tot - BPFSIG_TRAILER_SIZE), sig_len);
	b->cnt = b->prog_cnt + tot / 8;
}

static void cms_copy(struct blob *b, void **cms, __u32 *len)
{
	*len = trailer_be32(b, T_OFF(sig_len));
	*cms = malloc(*len);
	memcpy(*cms, (char *)blob_stmt(b) + BPFSIG_STATEMENT_SIZE, *len);
}

static void trailer_bad_magic(struct blob *b) { blob_trailer(b)->magic[0] ^= 1; }
static void trailer_version_2(struct blob *b) { blob_trailer(b)->version = 2; }
static void trailer_reserved0(struct blob *b) { blob_trailer(b)->reserved0[1] = 1; }
static void trailer_reserved1(struct blob *b) { blob_trailer(b)->reserved1[7] = 0x80; }
static void stmt_len_64(struct blob *b) { set_trailer_be32(b, T_OFF(stmt_len), 64); }
static void sig_len_zero(struct blob *b) { set_trailer_be32(b, T_OFF(sig_len), 0); }
static void sig_len_huge(struct blob *b) { set_trailer_be32(b, T_OFF(sig_len), ~0u); }

static void sig_len_past_total(struct blob *b)
{
	set_trailer_be32(b, T_OFF(sig_len), trailer_be32(b, T_OFF(sig_len)) + 8);
}

static void total_len_zero(struct blob *b) { set_trailer_be32(b, T_OFF(total_len), 0); }
static void total_len_huge(struct blob *b) { set_trailer_be32(b, T_OFF(total_len), ~7u); }

static void total_len_unaligned(struct blob *b)
{
	set_trailer_be32(b, T_OFF(total_len),
			 trailer_be32(b, T_OFF(total_len)) + 4);
}

static void total_len_past_buffer(struct blob *b)
{
	/* A region that would begin before the buffer does. */
	set_trailer_be32(b, T_OFF(total_len), b->cnt * 8 + 8);
}

static void no_instructions(struct blob *b)
{
	size_t app = (b->cnt - b->prog_cnt) * 8;

	memmove(b->insns, b->insns + b->prog_cnt, app);
	b->cnt = app / 8;
	b->prog_cnt = 0;
}

static void padding_nonzero(struct blob *b)
{
	void *cms;
	__u32 len;

	cms_copy(b, &cms, &len);
	rebuild(b, cms, len);
	if ((BPFSIG_STATEMENT_SIZE + len + BPFSIG_TRAILER_SIZE) % 8 == 0) {
		/* No padding yet: shorten the CMS by one byte to make some. */
		rebuild(b, cms, len - 1);
	}
	((char *)blob_trailer(b))[-1] = 0x5a;
	free(cms);
}

static void cms_truncated(struct blob *b)
{
	void *cms;
	__u32 len;

	cms_copy(b, &cms, &len);
	rebuild(b, cms, len - 16);
	free(cms);
}

static void cms_garbage(struct blob *b)
{
	void *cms;
	__u32 len;

	cms_copy(b, &cms, &len);
	memset(cms, 0x41, len);
	rebuild(b, cms, len);
	free(cms);
}

static void cms_one_byte(struct blob *b)
{
	rebuild(b, "\x30", 1);
}

static void cms_bit_flip(struct blob *b)
{
	void *cms;
	__u32 len;

	/* The last byte is in the RSA signature value. */
	cms_copy(b, &cms, &len);
	((unsigned char *)cms)[len - 1] ^= 0x10;
	rebuild(b, cms, len);
	free(cms);
}

static void stmt_bad_magic(struct blob *b) { blob_stmt(b)->magic[3] ^= 1; }
static void stmt_version_2(struct blob *b) { blob_stmt(b)->version = htobe16(2); }
static void stmt_flags(struct blob *b) { blob_stmt(b)->flags = htobe32(1); }
static void stmt_reserved(struct blob *b) { blob_stmt(b)->reserved[2] = 1; }
static void stmt_keyid_len_33(struct blob *b) { blob_stmt(b)->keyid_len = 33; }
static void stmt_keyid_padding(struct blob *b) { blob_stmt(b)->keyid[31] = 1; }
static void stmt_digest_len_48(struct blob *b) { blob_stmt(b)->digest_len = 48; }
static void stmt_digest_padding(struct blob *b) { blob_stmt(b)->digest[63] = 1; }
static void stmt_hash_algo_9(struct blob *b) { blob_stmt(b)->hash_algo = 9; }

static void stmt_digest_changed(struct blob *b)
{
	blob_stmt(b)->digest[0] ^= 1;
}

static void stmt_insn_cnt(struct blob *b)
{
	blob_stmt(b)->insn_cnt = htobe32(b->prog_cnt + 1);
}

static void order_nopkg_before_statement(struct blob *b)
{
	blob_stmt(b)->hash_algo = 9;
	blob_stmt(b)->prog_type = htobe32(BPF_PROG_TYPE_XDP);
}

static void order_malformed_before_statement(struct blob *b)
{
	blob_stmt(b)->version = htobe16(2);
	blob_stmt(b)->prog_type = htobe32(BPF_PROG_TYPE_XDP);
}

static void none(struct blob *b) { (void)b; }

FIXTURE(malformed) {
	struct blob b;
};

FIXTURE_VARIANT(malformed) {
	mutate_t mutate;
	const char *key;	/* signer; NULL: rsa2048 */
	int err;
	const char *verdict;
	int early;
};

#define ROW(name, e, v, early_) \
	FIXTURE_VARIANT_ADD(malformed, name) { \
		.mutate = name, .err = e, .verdict = v, .early = early_ }

ROW(trailer_bad_magic, EPERM, "unsigned", 1);
ROW(trailer_version_2, EBADMSG, "malformed", 1);
ROW(trailer_reserved0, EBADMSG, "malformed", 1);
ROW(trailer_reserved1, EBADMSG, "malformed", 1);
ROW(stmt_len_64, EBADMSG, "malformed", 1);
ROW(sig_len_zero, EBADMSG, "malformed", 1);
ROW(sig_len_huge, EBADMSG, "malformed", 1);
ROW(sig_len_past_total, EBADMSG, "malformed", 1);
ROW(total_len_zero, EBADMSG, "malformed", 1);
ROW(total_len_huge, EBADMSG, "malformed", 1);
ROW(total_len_unaligned, EBADMSG, "malformed", 1);
ROW(total_len_past_buffer, EBADMSG, "malformed", 1);
ROW(no_instructions, EBADMSG, "malformed", 1);
ROW(padding_nonzero, EBADMSG, "malformed", 1);
ROW(cms_truncated, EBADMSG, "malformed", 1);
ROW(cms_garbage, EBADMSG, "malformed", 1);
ROW(cms_one_byte, EBADMSG, "malformed", 1);
ROW(cms_bit_flip, EKEYREJECTED, "rejected", 1);
ROW(stmt_bad_magic, EBADMSG, "malformed", 1);
ROW(stmt_version_2, EBADMSG, "malformed", 1);
ROW(stmt_flags, EBADMSG, "malformed", 1);
ROW(stmt_reserved, EBADMSG, "malformed", 1);
ROW(stmt_keyid_len_33, EBADMSG, "malformed", 1);
ROW(stmt_keyid_padding, EBADMSG, "malformed", 1);
ROW(stmt_digest_len_48, EBADMSG, "malformed", 1);
ROW(stmt_digest_padding, EBADMSG, "malformed", 1);
ROW(stmt_hash_algo_9, ENOPKG, "nopkg", 1);
ROW(stmt_digest_changed, EKEYREJECTED, "rejected", 1);
ROW(stmt_insn_cnt, EKEYREJECTED, "rejected", 1);
ROW(order_nopkg_before_statement, ENOPKG, "nopkg", 1);
ROW(order_malformed_before_statement, EBADMSG, "malformed", 1);

/* Statement checked before the signature: not ENOKEY. */
FIXTURE_VARIANT_ADD(malformed, order_statement_before_signature) {
	.mutate = stmt_insn_cnt, .key = "untrusted",
	.err = EKEYREJECTED, .verdict = "rejected", .early = 1,
};

/* An untrusted but intact signature. */
FIXTURE_VARIANT_ADD(malformed, untrusted_intact) {
	.mutate = none, .key = "untrusted",
	.err = ENOKEY, .verdict = "nokey", .early = 1,
};

FIXTURE_SETUP(malformed)
{
	struct bpfsig_key *key;

	ASSERT_EQ(0, set_mode("enforce"));
	ASSERT_LT(0, enroll("rsa2048"));
	key = test_key(variant->key ? variant->key : "rsa2048");
	ASSERT_NE(NULL, key);
	make_prog(&self->b, 6, 9);
	ASSERT_EQ(0, sign_blob(&self->b, key, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	bpfsig_key__free(key);
}

FIXTURE_TEARDOWN(malformed)
{
	free_blob(&self->b);
}

TEST_F(malformed, refused_with_exact_errno)
{
	variant->mutate(&self->b);
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, variant->err,
		    variant->verdict, variant->early);
}

TEST_F(malformed, permissive_loads_nothing_refused)
{
	struct counters a, b;
	int fd;

	variant->mutate(&self->b);
	ASSERT_EQ(0, set_mode("permissive"));
	counters_read(&a);
	fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &self->b);
	counters_read(&b);
	/*
	 * Counted once, at the verifier stage, and never refused by bpfsig:
	 * what the verifier makes of an unstripped region is its business.
	 */
	EXPECT_EQ(NULL, counters_delta(&a, &b, variant->verdict, 0));
	if (fd >= 0)
		close(fd);
	else
		EXPECT_EQ(-EINVAL, fd);
	set_mode("enforce");
}

TEST_HARNESS_MAIN
