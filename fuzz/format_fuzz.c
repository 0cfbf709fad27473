// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness over format/parse.c, the C the module runs on every
 * load: trailer, region and statement parsing, and the canonical form.
 *
 * The input is an instruction buffer as BPF_PROG_LOAD would get it. On
 * every input the oracle checks, and aborts on the first violation:
 *  - bpfsig_blob_parse() returns exactly what the spec's own reader
 *    (spec.h, steps 1-17 of Documentation/format.md) returns;
 *  - bpfsig_trailer_parse() agrees with it on the trailer alone;
 *  - on success: the statement and the CMS blob lie inside the buffer,
 *    insn_cnt * 8 + total_len == buf_len, the trailer and the statement
 *    re-encode (format/write.c) to the same bytes;
 *  - bpfsig_tail_parse() gives the same answer for every tail that covers
 *    the region, and -EBADMSG for one that does not;
 *  - bpfsig_statement_check() and bpfsig_load_attach_type() do what the
 *    spec says;
 *  - canonical form: the same as the spec's, idempotent, independent of
 *    how the program is cut into chunks; bpfsig_canon_hash() feeds exactly
 *    those bytes in BPFSIG_CANON_CHUNK pieces and stops at an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <endian.h>

#include "format.h"
#include "spec.h"

#define BUG_IF(cond, ...) do { \
	if (cond) { \
		fprintf(stderr, "format_fuzz: %s:%d: %s: ", __FILE__, \
			__LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* Deterministic choices derived from the input (split points, tails). */
static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void seed_rng(const uint8_t *d, size_t n)
{
	size_t i;

	rng = 0xcbf29ce484222325ull;
	for (i = 0; i < n; i++)
		rng = (rng ^ d[i]) * 0x100000001b3ull;
	rng |= 1;
}

static bool inside(const void *p, size_t len, const uint8_t *buf, size_t size)
{
	const uint8_t *q = p;

	return q >= buf && q <= buf + size && len <= (size_t)(buf + size - q);
}

static void check_tail(const uint8_t *buf, size_t size, uint32_t tail_len,
		       int want, const struct bpfsig_blob *wb)
{
	struct bpfsig_blob b = {};
	int err;

	err = bpfsig_tail_parse(buf + size - tail_len, tail_len, size, &b);
	BUG_IF(err != want, "tail_len %u: %d, blob_parse %d", tail_len, err,
	       want);
	if (!err)
		BUG_IF(b.insn_cnt != wb->insn_cnt ||
		       b.total_len != wb->total_len || b.stmt != wb->stmt ||
		       b.sig != wb->sig || b.sig_len != wb->sig_len,
		       "tail_len %u: another region", tail_len);
}

/* bpfsig_statement_check() against the spec, on a load of @n insns. */
static void check_statement(const struct bpfsig_statement *st,
			    const uint8_t *raw, uint32_t n, uint32_t pt,
			    uint32_t eat)
{
	uint32_t fixed = spec_attach_type(pt, eat), own = be32toh(st->insn_cnt);

	BUG_IF(bpfsig_statement_check(st, n, pt, fixed) !=
	       spec_statement_check(raw, n, pt, eat),
	       "load of %u insns, type %u, attach type %u", n, pt, eat);
	/* The statement's own fields match; changing any one does not. */
	BUG_IF(bpfsig_statement_check(st, own, be32toh(st->prog_type),
				      be32toh(st->expected_attach_type)),
	       "its own fields");
	BUG_IF(bpfsig_statement_check(st, own + 1, pt, fixed) != -EKEYREJECTED ||
	       bpfsig_statement_check(st, own, be32toh(st->prog_type) ^ 1,
				      be32toh(st->expected_attach_type)) !=
	       -EKEYREJECTED ||
	       bpfsig_statement_check(st, own, be32toh(st->prog_type),
				      be32toh(st->expected_attach_type) ^ 1) !=
	       -EKEYREJECTED, "other fields");
}

static void check_parse(const uint8_t *buf, size_t size)
{
	struct bpfsig_blob blob = {};
	struct spec_region r;
	uint32_t tot = 0, sig = 0, lo, tail;
	int err, want, terr;

	err = bpfsig_blob_parse(buf, size, &blob);
	want = spec_parse(buf, size, &r);
	BUG_IF(err != want, "blob_parse %d, spec %d (len %zu)", err, want,
	       size);

	/* The trailer alone decides "unsigned", and a malformed trailer. */
	if (size >= BPFSIG_TRAILER_SIZE) {
		struct bpfsig_trailer t;

		/* As the module's syscall stage does: a struct of its own. */
		memcpy(&t, buf + size - sizeof(t), sizeof(t));
		terr = bpfsig_trailer_parse(&t, size, &tot, &sig);
		BUG_IF((terr == -ENODATA) != (err == -ENODATA) ||
		       (terr && terr != -ENODATA && err != terr) ||
		       (terr != 0 && terr != -ENODATA && terr != -EBADMSG),
		       "trailer_parse %d, blob_parse %d", terr, err);
	}

	/* Every tail that covers the region gives the same answer. */
	lo = size < BPFSIG_MAX_TOTAL_LEN ? size : BPFSIG_MAX_TOTAL_LEN;
	check_tail(buf, size, lo, err, &blob);
	check_tail(buf, size, size, err, &blob);
	if (size > lo) {
		tail = lo + next() % (size - lo + 1);
		check_tail(buf, size, tail, err, &blob);
	}
	if (size < BPFSIG_TRAILER_SIZE)
		BUG_IF(err != -ENODATA, "short buffer: %d", err);
	if (err)
		return;

	/* Bounds and lengths. */
	BUG_IF(blob.insn_cnt < 1, "no instruction");
	BUG_IF((uint64_t)blob.insn_cnt * 8 + blob.total_len != size,
	       "insn_cnt %u * 8 + total_len %u != %zu", blob.insn_cnt,
	       blob.total_len, size);
	BUG_IF((const uint8_t *)blob.stmt != buf + (size_t)blob.insn_cnt * 8,
	       "statement not right after the program");
	BUG_IF(!inside(blob.stmt, BPFSIG_STATEMENT_SIZE, buf, size),
	       "statement outside the buffer");
	BUG_IF(blob.sig != (const uint8_t *)blob.stmt + BPFSIG_STATEMENT_SIZE,
	       "CMS not right after the statement");
	BUG_IF(!inside(blob.sig, blob.sig_len, buf,
		       size - BPFSIG_TRAILER_SIZE), "CMS outside the region");
	BUG_IF(blob.total_len % 8 || blob.total_len < BPFSIG_MIN_TOTAL_LEN ||
	       blob.total_len > BPFSIG_MAX_TOTAL_LEN, "total_len %u",
	       blob.total_len);
	BUG_IF(blob.total_len != tot || blob.sig_len != sig ||
	       blob.total_len != r.total_len || blob.sig_len != r.sig_len,
	       "lengths differ between the parsers");

	/* The trailer re-encodes to the same 32 bytes. */
	{
		struct bpfsig_trailer t;

		BUG_IF(bpfsig_blob_total_len(blob.sig_len) != blob.total_len,
		       "total_len not the writer's for sig_len %u",
		       blob.sig_len);
		bpfsig_trailer_init(&t, blob.sig_len);
		BUG_IF(memcmp(&t, buf + size - sizeof(t), sizeof(t)),
		       "trailer does not re-encode");
	}

	/* So does the statement, up to the documented attach-type fixup. */
	{
		const struct bpfsig_statement *st = blob.stmt;
		struct bpfsig_statement re, want_st = *st;
		uint32_t pt = be32toh(st->prog_type);
		uint32_t eat = be32toh(st->expected_attach_type);

		want_st.expected_attach_type =
			htobe32(bpfsig_load_attach_type(pt, eat));
		bpfsig_statement_init(&re, pt, eat, be32toh(st->insn_cnt),
				      st->hash_algo, st->digest, st->keyid,
				      st->keyid_len);
		BUG_IF(memcmp(&re, &want_st, sizeof(re)),
		       "statement does not re-encode");

		/* Step 19, as the spec reads it (the caller applies the fixup). */
		check_statement(st, r.stmt, blob.insn_cnt, pt, 0);
		check_statement(st, r.stmt, blob.insn_cnt, pt, eat);
	}

	/* Step 20: the CMS profile, as the spec reads it. */
	BUG_IF(bpfsig_cms_check(&blob) !=
	       spec_cms_profile(r.stmt, r.sig, r.sig_len),
	       "cms_check %d, spec %d", bpfsig_cms_check(&blob),
	       spec_cms_profile(r.stmt, r.sig, r.sig_len));

	/* A tail one instruction short of the region is refused. */
	if (blob.total_len - 8 >= BPFSIG_TRAILER_SIZE)
		check_tail(buf, size, blob.total_len - 8, -EBADMSG, NULL);
	check_tail(buf, size, blob.total_len, 0, &blob);
}

/* bpfsig_hash_update_t collecting what bpfsig_canon_hash() feeds. */
struct sink {
	uint8_t *out;
	size_t len, cap;
	unsigned int calls, fail_at;
	bool short_seen;
};

static int collect(void *ctx, const void *data, size_t len)
{
	struct sink *s = ctx;

	BUG_IF(s->short_seen, "a short chunk before the last one");
	BUG_IF(len == 0 || len % 8 || len > BPFSIG_CANON_CHUNK * 8,
	       "chunk of %zu bytes", len);
	s->short_seen = len < BPFSIG_CANON_CHUNK * 8;
	if (++s->calls == s->fail_at)
		return -EIO;
	BUG_IF(s->len + len > s->cap, "more bytes than instructions");
	memcpy(s->out + s->len, data, len);
	s->len += len;
	return 0;
}

static void check_canon(const uint8_t *buf, size_t size)
{
	uint32_t n = size / 8, i, done, step;
	struct bpf_insn *src, *one, *again, *cut, *chunk;
	struct bpfsig_canon c;
	uint8_t *ref;
	int pending = -1, err;
	struct sink s = {};

	if (!n)
		return;
	src = malloc(n * 8);
	one = malloc(n * 8);
	again = malloc(n * 8);
	cut = malloc(n * 8);
	ref = malloc(n * 8);
	chunk = malloc(BPFSIG_CANON_CHUNK * sizeof(*chunk));
	BUG_IF(!src || !one || !again || !cut || !ref || !chunk, "malloc");
	memcpy(src, buf, n * 8);

	spec_canon(ref, (const uint8_t *)src, n, &pending);
	bpfsig_canon_init(&c);
	bpfsig_canon_copy(&c, one, src, n);
	BUG_IF(memcmp(one, ref, n * 8), "canonical form differs from the spec");

	/* Idempotent. */
	bpfsig_canon_init(&c);
	bpfsig_canon_copy(&c, again, one, n);
	BUG_IF(memcmp(again, one, n * 8), "canonical form not idempotent");

	/* Any cut into chunks, ld_imm64 halves split or not. */
	bpfsig_canon_init(&c);
	for (done = 0; done < n; done += step) {
		step = 1 + next() % (n - done < 9 ? n - done : 9);
		if (next() % 4 == 0)
			step = n - done;
		bpfsig_canon_copy(&c, cut + done, src + done, step);
	}
	BUG_IF(memcmp(cut, one, n * 8), "canonical form depends on chunks");

	/* bpfsig_canon_hash() feeds exactly the canonical bytes. */
	s.out = malloc(n * 8);
	s.cap = n * 8;
	BUG_IF(!s.out, "malloc");
	err = bpfsig_canon_hash(src, n, chunk, collect, &s);
	BUG_IF(err || s.len != n * 8 || memcmp(s.out, ref, n * 8),
	       "canon_hash fed other bytes (err %d, %zu of %u)", err, s.len,
	       n * 8);
	BUG_IF(s.calls != (n + BPFSIG_CANON_CHUNK - 1) / BPFSIG_CANON_CHUNK,
	       "canon_hash: %u calls for %u instructions", s.calls, n);

	/* An error from the hash stops the loop and is returned. */
	free(s.out);
	memset(&s, 0, sizeof(s));
	s.out = malloc(n * 8);
	s.cap = n * 8;
	i = (n + BPFSIG_CANON_CHUNK - 1) / BPFSIG_CANON_CHUNK;
	s.fail_at = 1 + next() % i;
	err = bpfsig_canon_hash(src, n, chunk, collect, &s);
	BUG_IF(err != -EIO || s.calls != s.fail_at,
	       "canon_hash after a failing update: %d, %u calls (fail at %u)",
	       err, s.calls, s.fail_at);

	free(s.out);
	free(src);
	free(one);
	free(again);
	free(cut);
	free(ref);
	free(chunk);
}

static void check_attach_type(const uint8_t *d, size_t size)
{
	uint32_t pt, eat;

	if (size < 8)
		return;
	/* Small values reach the two program types that are fixed up. */
	pt = d[0] < 0x80 ? d[0] % 32 : spec_be32(d);
	eat = d[4] < 0x80 ? d[4] % 4 : spec_be32(d + 4);
	BUG_IF(bpfsig_load_attach_type(pt, eat) != spec_attach_type(pt, eat),
	       "load_attach_type(%u, %u)", pt, eat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	seed_rng(data, size);
	check_parse(data, size);
	check_canon(data, size);
	check_attach_type(data, size);
	return 0;
}
