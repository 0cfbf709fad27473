/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Documentation/format.md read a second time, independently of format/:
 * the validation steps 1-17 and the canonical form, written from the
 * tables of the spec with byte offsets instead of format.h's structs.
 *
 * The fuzzers compare format/parse.c with this reader on every input, and
 * the in-VM stress test uses it to predict the module's errno for every
 * load. Where the two disagree, one of them has a bug: the spec decides.
 */
#ifndef BPFSIG_FUZZ_SPEC_H
#define BPFSIG_FUZZ_SPEC_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* What spec_parse() finds in a buffer whose appended region is valid. */
struct spec_region {
	uint64_t prog_insns;	/* N: instructions before the region */
	uint32_t total_len;
	uint32_t sig_len;
	uint32_t pad;
	const uint8_t *stmt;	/* 128 bytes */
	const uint8_t *sig;	/* sig_len bytes */
};

static inline uint32_t spec_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline bool spec_zero(const uint8_t *p, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* "Digest algorithms": 1, 2, 3 -> 32, 48, 64; anything else 0. */
static inline unsigned int spec_digest_len(unsigned int hash_algo)
{
	return hash_algo >= 1 && hash_algo <= 3 ? 16 + 16 * hash_algo : 0;
}

/*
 * Steps 1-17 of "Validation", in the spec's order, on a whole buffer of
 * @len bytes. Return: 0, -ENODATA, -EBADMSG or -ENOPKG.
 */
static inline int spec_parse(const uint8_t *buf, uint64_t len,
			     struct spec_region *r)
{
	const uint8_t *t, *s;
	uint64_t sig, tot, pad;
	unsigned int dlen, kl;

	/* Trailer: the last 32 bytes. */
	if (len < 32 || memcmp(buf + len - 32, "~BPFSIG~", 8))
		return -ENODATA;				/* 1 */
	t = buf + len - 32;
	if (t[8] != 1)
		return -EBADMSG;				/* 2 */
	if (!spec_zero(t + 9, 3) || !spec_zero(t + 24, 8))
		return -EBADMSG;				/* 3 */
	if (spec_be32(t + 12) != 128)
		return -EBADMSG;				/* 4 */
	sig = spec_be32(t + 16);
	if (sig < 1 || sig > 1024)
		return -EBADMSG;				/* 5 */
	tot = spec_be32(t + 20);
	if (tot % 8 || tot < 168 || tot > 1191)
		return -EBADMSG;				/* 6 */
	if (tot < 128 + sig + 32)
		return -EBADMSG;				/* 7 */
	pad = tot - 160 - sig;
	if (pad > 7)
		return -EBADMSG;				/* 8 */
	if (len % 8 || tot + 8 > len)
		return -EBADMSG;				/* 9 */

	/* Region and statement. */
	if (!spec_zero(t - pad, pad))
		return -EBADMSG;				/* 10 */
	s = buf + len - tot;
	if (memcmp(s, "BPFSTMT\0", 8))
		return -EBADMSG;				/* 11 */
	if (s[8] != 0 || s[9] != 1)
		return -EBADMSG;				/* 12 */
	if (spec_be32(s + 24))
		return -EBADMSG;				/* 13 */
	if (!spec_zero(s + 29, 3))
		return -EBADMSG;				/* 14 */
	kl = s[28];
	if (kl > 32 || !spec_zero(s + 32 + kl, 32 - kl))
		return -EBADMSG;				/* 15 */
	dlen = spec_digest_len(s[10]);
	if (!dlen)
		return -ENOPKG;					/* 16 */
	if (s[11] != dlen || !spec_zero(s + 64 + dlen, 64 - dlen))
		return -EBADMSG;				/* 17 */

	r->prog_insns = (len - tot) / 8;
	r->total_len = tot;
	r->sig_len = sig;
	r->pad = pad;
	r->stmt = s;
	r->sig = s + 128;
	return 0;
}

/* One DER element at *p (< end): tag, contents; lengths of 1-2 bytes. */
struct spec_der {
	uint8_t tag;
	const uint8_t *val;
	uint32_t len;
};

static inline bool spec_der(const uint8_t **p, const uint8_t *end,
			    struct spec_der *e)
{
	const uint8_t *q = *p;
	uint32_t n, i;

	if (end - q < 2)
		return false;
	e->tag = q[0];
	e->len = q[1];
	q += 2;
	if (e->len >= 0x80) {
		n = e->len - 0x80;
		if (n < 1 || n > 2 || (uint32_t)(end - q) < n)
			return false;
		for (e->len = 0, i = 0; i < n; i++)
			e->len = e->len << 8 | *q++;
	}
	if (e->len > (uint32_t)(end - q))
		return false;
	e->val = q;
	*p = q + e->len;
	return true;
}

/*
 * Step 20, "CMS profile": ContentInfo filling the blob; in it contentType
 * and [0] SignedData, nothing more; SignedData: version, digestAlgorithms,
 * encapContentInfo and then signerInfos, nothing more (no certificates, no
 * CRLs); one SignerInfo; its sid [0] equal to the statement's keyid.
 * Return: 0 or -EBADMSG.
 */
static inline int spec_cms_profile(const uint8_t *stmt, const uint8_t *sig,
				   uint32_t sig_len)
{
	static const uint8_t seq[] = { 0x02, 0x31, 0x30, 0x31 };
	const uint8_t *p = sig, *end = sig + sig_len;
	struct spec_der e, ci, sd, si;
	unsigned int i;

	if (!spec_der(&p, end, &ci) || ci.tag != 0x30 || p != end)
		return -EBADMSG;
	p = ci.val;
	end = ci.val + ci.len;
	if (!spec_der(&p, end, &e) || e.tag != 0x06 ||
	    !spec_der(&p, end, &sd) || sd.tag != 0xa0 || p != end)
		return -EBADMSG;
	p = sd.val;
	end = sd.val + sd.len;
	if (!spec_der(&p, end, &sd) || sd.tag != 0x30 || p != end)
		return -EBADMSG;
	p = sd.val;
	end = sd.val + sd.len;
	for (i = 0; i < 4; i++)
		if (!spec_der(&p, end, &e) || e.tag != seq[i])
			return -EBADMSG;
	if (p != end)
		return -EBADMSG;
	p = e.val;			/* signerInfos: one SignerInfo */
	end = e.val + e.len;
	if (!spec_der(&p, end, &si) || si.tag != 0x30 || p != end)
		return -EBADMSG;
	p = si.val;
	end = si.val + si.len;
	if (!spec_der(&p, end, &e) || e.tag != 0x02 ||
	    !spec_der(&p, end, &e) || e.tag != 0x80)
		return -EBADMSG;
	if (!stmt[28] || e.len != stmt[28] || memcmp(e.val, stmt + 32, e.len))
		return -EBADMSG;
	return 0;
}

/* "expected_attach_type fixup": the value a statement must hold. */
static inline uint32_t spec_attach_type(uint32_t prog_type, uint32_t eat)
{
	if (eat == 0 && prog_type == 9)		/* CGROUP_SOCK */
		return 2;			/* CGROUP_INET_SOCK_CREATE */
	if (eat == 0 && prog_type == 21)	/* SK_REUSEPORT */
		return 39;			/* SK_REUSEPORT_SELECT */
	return eat;
}

/* Step 19: does the statement describe this load? 0 or -EKEYREJECTED. */
static inline int spec_statement_check(const uint8_t *stmt, uint64_t n,
				       uint32_t prog_type, uint32_t eat)
{
	if (spec_be32(stmt + 20) != n || spec_be32(stmt + 12) != prog_type ||
	    spec_be32(stmt + 16) != spec_attach_type(prog_type, eat))
		return -EKEYREJECTED;
	return 0;
}

/*
 * "Canonical form": copy @n instructions of 8 bytes from @src to @dst,
 * zeroing the fd fields. @pending carries "the previous instruction was the
 * first half of an ld_imm64 with this src_reg" (-1: it was not) across
 * calls; start with -1.
 */
static inline void spec_canon(uint8_t *dst, const uint8_t *src, uint64_t n,
			      int *pending)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		uint8_t *d = dst + 8 * i;

		memmove(d, src + 8 * i, 8);
		if (*pending >= 0) {			/* rule 1 */
			if (*pending == 3)
				memset(d + 4, 0, 4);
			*pending = -1;
		} else if (d[0] == 0x18) {		/* rule 2 */
			int src_reg = d[1] >> 4;

			if (src_reg == 1 || src_reg == 2)
				memset(d + 4, 0, 4);
			*pending = src_reg;
		}
	}
}

#endif /* BPFSIG_FUZZ_SPEC_H */
