// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: sets of signed loads, their on-disk encoding (bpfsig_sec.h)
 * and matching a load against them.
 */
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "libbpfsig_internal.h"
#include "bpfsig_sec.h"

struct bpfsig_sigset {
	struct bpfsig_record *recs;
	size_t cnt, cap;
};

/* The on-disk layout of bpfsig_sec.h, field by field. */
#define SEC_FIELD(type, field, off) \
	static_assert(offsetof(struct type, field) == (off), #type "." #field)
static_assert(sizeof(struct bpfsig_sec_header) == BPFSIG_SEC_HDR_SIZE &&
	      BPFSIG_SEC_HDR_SIZE == 32, "struct bpfsig_sec_header size");
SEC_FIELD(bpfsig_sec_header, magic, 0);
SEC_FIELD(bpfsig_sec_header, version, 8);
SEC_FIELD(bpfsig_sec_header, hdr_len, 12);
SEC_FIELD(bpfsig_sec_header, rec_cnt, 16);
SEC_FIELD(bpfsig_sec_header, total_len, 20);
SEC_FIELD(bpfsig_sec_header, reserved, 24);
static_assert(sizeof(struct bpfsig_sec_record) == BPFSIG_SEC_REC_SIZE &&
	      BPFSIG_SEC_REC_SIZE == 48, "struct bpfsig_sec_record size");
SEC_FIELD(bpfsig_sec_record, rec_len, 0);
SEC_FIELD(bpfsig_sec_record, flags, 4);
SEC_FIELD(bpfsig_sec_record, name_len, 8);
SEC_FIELD(bpfsig_sec_record, reserved0, 10);
SEC_FIELD(bpfsig_sec_record, appendix_len, 12);
SEC_FIELD(bpfsig_sec_record, target, 16);
static_assert(sizeof(BPFSIG_SEC_MAGIC) - 1 == 8, "BPFSIG_SEC_MAGIC length");

struct bpfsig_sigset *bpfsig_sigset__new(void)
{
	struct bpfsig_sigset *set = calloc(1, sizeof(*set));

	if (!set)
		return bpfsig_err_ptr(-ENOMEM);
	return set;
}

void bpfsig_sigset__free(struct bpfsig_sigset *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->cnt; i++) {
		free((void *)set->recs[i].name);
		free((void *)set->recs[i].appendix);
	}
	free(set->recs);
	free(set);
}

size_t bpfsig_sigset__cnt(const struct bpfsig_sigset *set)
{
	return set ? set->cnt : 0;
}

const struct bpfsig_record *bpfsig_sigset__record(const struct bpfsig_sigset *set,
						  size_t idx)
{
	if (!set || idx >= set->cnt)
		return bpfsig_err_ptr(-ENOENT);
	return &set->recs[idx];
}

static bool same_record(const struct bpfsig_record *a,
			const struct bpfsig_record *b)
{
	return a->flags == b->flags && a->appendix_len == b->appendix_len &&
	       !memcmp(a->target, b->target, sizeof(a->target)) &&
	       !strcmp(a->name, b->name) &&
	       !memcmp(a->appendix, b->appendix, a->appendix_len);
}

int bpfsig_sigset__add_record(struct bpfsig_sigset *set,
			      const struct bpfsig_record *rec)
{
	struct bpfsig_sig_info info;
	struct bpfsig_record *r, tmp;
	size_t i, name_len;
	int err;

	if (!set || !rec || !rec->appendix)
		return bpfsig_err(-EINVAL);
	name_len = rec->name ? strlen(rec->name) : 0;
	if (name_len > BPFSIG_SEC_MAX_NAME || rec->appendix_len % 8 ||
	    rec->appendix_len < BPFSIG_MIN_TOTAL_LEN ||
	    rec->flags & ~BPFSIG_REC_PROBE)
		return bpfsig_err(-EINVAL);
	err = bpfsig_inspect_appendix(rec->appendix, rec->appendix_len, &info);
	if (err)
		return bpfsig_err(err);
	tmp = *rec;
	tmp.name = rec->name ?: "";
	for (i = 0; i < set->cnt; i++)
		if (same_record(&set->recs[i], &tmp))
			return 0;	/* exact duplicate */
	if (set->cnt == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;

		r = realloc(set->recs, cap * sizeof(*r));
		if (!r)
			return bpfsig_err(-ENOMEM);
		set->recs = r;
		set->cap = cap;
	}
	r = &set->recs[set->cnt];
	memset(r, 0, sizeof(*r));
	r->name = strdup(rec->name ?: "");
	r->appendix = malloc(rec->appendix_len);
	if (!r->name || !r->appendix) {
		free((void *)r->name);
		free((void *)r->appendix);
		return bpfsig_err(-ENOMEM);
	}
	memcpy((void *)r->appendix, rec->appendix, rec->appendix_len);
	r->appendix_len = rec->appendix_len;
	r->flags = rec->flags;
	memcpy(r->target, rec->target, sizeof(r->target));
	set->cnt++;
	return 0;
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Add the encoded record at @p (@avail bytes left): its length, or -errno. */
static long add_encoded(struct bpfsig_sigset *set, const unsigned char *p,
			size_t avail)
{
	const struct bpfsig_sec_record *r = (const void *)p;
	char name[BPFSIG_SEC_MAX_NAME + 1];
	struct bpfsig_record rec = {};
	__u32 rec_len, nlen, alen;
	int err;

	if (avail < BPFSIG_SEC_REC_SIZE)
		return -EBADMSG;
	rec_len = be32toh(r->rec_len);
	nlen = be16toh(r->name_len);
	alen = be32toh(r->appendix_len);
	if (rec_len > avail || r->reserved0 || nlen > BPFSIG_SEC_MAX_NAME ||
	    rec_len != BPFSIG_SEC_REC_SIZE + pad8(nlen) + alen)
		return -EBADMSG;
	memcpy(name, p + BPFSIG_SEC_REC_SIZE, nlen);
	name[nlen] = 0;
	if (strlen(name) != nlen)
		return -EBADMSG;
	rec.name = name;
	rec.flags = be32toh(r->flags);
	memcpy(rec.target, r->target, sizeof(rec.target));
	rec.appendix = p + BPFSIG_SEC_REC_SIZE + pad8(nlen);
	rec.appendix_len = alen;
	err = bpfsig_sigset__add_record(set, &rec);
	if (err)
		return err == -ENOMEM ? err : -EBADMSG;
	return rec_len;
}

int bpfsig_sigset__add_buf(struct bpfsig_sigset *set, const void *buf,
			   size_t len)
{
	const struct bpfsig_sec_header *hdr = buf;
	const unsigned char *p = buf, *end = p + len;
	__u32 hdr_len, cnt, i;
	long n;

	if (!set || !buf)
		return bpfsig_err(-EINVAL);
	if (len < BPFSIG_SEC_HDR_SIZE ||
	    memcmp(hdr->magic, BPFSIG_SEC_MAGIC, sizeof(hdr->magic)))
		return bpfsig_err(-ENOEXEC);
	hdr_len = be32toh(hdr->hdr_len);
	if (be32toh(hdr->version) != BPFSIG_SEC_VERSION ||
	    hdr_len < BPFSIG_SEC_HDR_SIZE || hdr_len % 8 || hdr_len > len ||
	    be32toh(hdr->total_len) != len)
		return bpfsig_err(-EBADMSG);
	cnt = be32toh(hdr->rec_cnt);
	for (p += hdr_len, i = 0; i < cnt; i++, p += n) {
		n = add_encoded(set, p, end - p);
		if (n < 0)
			return bpfsig_err(n);
	}
	return p == end ? 0 : bpfsig_err(-EBADMSG);
}

int bpfsig_sigset__encode(const struct bpfsig_sigset *set, void **bufp,
			  size_t *lenp)
{
	struct bpfsig_sec_header *hdr;
	size_t len = BPFSIG_SEC_HDR_SIZE, i;
	unsigned char *buf, *p;

	if (!set || !bufp || !lenp)
		return bpfsig_err(-EINVAL);
	for (i = 0; i < set->cnt; i++)
		len += BPFSIG_SEC_REC_SIZE + pad8(strlen(set->recs[i].name)) +
		       set->recs[i].appendix_len;
	if (len > UINT32_MAX)
		return bpfsig_err(-E2BIG);
	buf = calloc(1, len);
	if (!buf)
		return bpfsig_err(-ENOMEM);
	hdr = (void *)buf;
	memcpy(hdr->magic, BPFSIG_SEC_MAGIC, sizeof(hdr->magic));
	hdr->version = htobe32(BPFSIG_SEC_VERSION);
	hdr->hdr_len = htobe32(BPFSIG_SEC_HDR_SIZE);
	hdr->rec_cnt = htobe32(set->cnt);
	hdr->total_len = htobe32(len);
	p = buf + BPFSIG_SEC_HDR_SIZE;
	for (i = 0; i < set->cnt; i++) {
		const struct bpfsig_record *rec = &set->recs[i];
		struct bpfsig_sec_record *r = (void *)p;
		size_t nlen = strlen(rec->name);

		r->rec_len = htobe32(BPFSIG_SEC_REC_SIZE + pad8(nlen) +
					 rec->appendix_len);
		r->flags = htobe32(rec->flags);
		r->name_len = htobe16(nlen);
		r->appendix_len = htobe32(rec->appendix_len);
		memcpy(r->target, rec->target, sizeof(r->target));
		p += BPFSIG_SEC_REC_SIZE;
		memcpy(p, rec->name, nlen);
		p += pad8(nlen);
		memcpy(p, rec->appendix, rec->appendix_len);
		p += rec->appendix_len;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

const struct bpfsig_record *
bpfsig_sigset__find(const struct bpfsig_sigset *set, __u32 prog_type,
		    __u32 expected_attach_type, const struct bpf_insn *insns,
		    size_t insn_cnt)
{
	unsigned char digests[BPFSIG_HASH_SHA512 + 1][BPFSIG_MAX_DIGEST_LEN];
	int have[BPFSIG_HASH_SHA512 + 1] = {};
	const struct bpfsig_statement *st;
	size_t i;
	int h;

	if (!set || !insns || !insn_cnt)
		return bpfsig_err_ptr(-EINVAL);
	/* Statements hold the attach type as the verifier will see it. */
	expected_attach_type = bpfsig_load_attach_type(prog_type,
						       expected_attach_type);
	for (i = 0; i < set->cnt; i++) {
		st = set->recs[i].appendix;
		if (bpfsig_statement_check(st, insn_cnt, prog_type,
					   expected_attach_type))
			continue;
		h = st->hash_algo;
		if (h < BPFSIG_HASH_SHA256 || h > BPFSIG_HASH_SHA512)
			continue;
		if (!have[h]) {
			have[h] = bpfsig_digest_insns(h, insns, insn_cnt,
						      digests[h]);
			if (have[h] < 0)
				return NULL;
		}
		if (have[h] == st->digest_len &&
		    !memcmp(digests[h], st->digest, st->digest_len))
			return &set->recs[i];
	}
	return bpfsig_err_ptr(-ENOENT);
}
