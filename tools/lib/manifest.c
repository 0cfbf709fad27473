// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: manifests of recorded loads (manifest.h), and signing them
 * into a set of signed loads with the one signer of instructions,
 * bpfsig_sign_insns().
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <openssl/sha.h>

#include "manifest.h"
#include "bpfsig_sec.h"

struct bpfsig_mf_hdr {
	__be32 ent_len;
	__be32 prog_type;
	__be32 expected_attach_type;
	__be32 insn_cnt;
	__be32 seq;
	__be32 runs;
	__be32 err;
	__be16 name_len;
	__be16 loader_len;
	__be32 reserved[2];
};

_Static_assert(sizeof(struct bpfsig_mf_hdr) == BPFSIG_MF_ENT_SIZE,
	       "struct bpfsig_mf_hdr size");

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

bool bpfsig_manifest_magic(const void *buf, size_t len)
{
	return len >= 8 && !memcmp(buf, BPFSIG_MF_MAGIC, 8);
}

static void entry_free(struct bpfsig_mf_entry *e)
{
	free(e->name);
	free(e->loader);
	free(e->insns);
}

void bpfsig_manifest_clear(struct bpfsig_manifest *m)
{
	size_t i;

	for (i = 0; i < m->cnt; i++)
		entry_free(&m->e[i]);
	free(m->e);
	memset(m, 0, sizeof(*m));
}

static bool entry_valid(const struct bpfsig_mf_entry *e)
{
	return e->name && e->loader && e->insns && e->insn_cnt &&
	       e->insn_cnt <= BPFSIG_MF_MAX_INSNS &&
	       strlen(e->name) <= BPFSIG_MF_MAX_NAME &&
	       strlen(e->loader) <= BPFSIG_MF_MAX_LOADER && e->runs;
}

int bpfsig_manifest_add(struct bpfsig_manifest *m,
			const struct bpfsig_mf_entry *e)
{
	struct bpfsig_mf_entry *n;
	struct bpfsig_canon c;

	if (!entry_valid(e))
		return -EINVAL;
	if (m->cnt == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;

		n = realloc(m->e, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		m->e = n;
		m->cap = cap;
	}
	n = &m->e[m->cnt];
	*n = *e;
	n->name = strdup(e->name);
	n->loader = strdup(e->loader);
	n->insns = malloc((size_t)e->insn_cnt * sizeof(*e->insns));
	if (!n->name || !n->loader || !n->insns) {
		entry_free(n);
		return -ENOMEM;
	}
	bpfsig_canon_init(&c);
	bpfsig_canon_copy(&c, n->insns, e->insns, e->insn_cnt);
	m->cnt++;
	return 0;
}

static size_t entry_len(const struct bpfsig_mf_entry *e)
{
	return BPFSIG_MF_ENT_SIZE + pad8(strlen(e->name)) +
	       pad8(strlen(e->loader)) + (size_t)e->insn_cnt * 8;
}

/* @e encoded at @p, which has entry_len(@e) zeroed bytes */
static void entry_put(const struct bpfsig_mf_entry *e, unsigned char *p)
{
	struct bpfsig_mf_hdr *h = (void *)p;
	size_t nl = strlen(e->name), ll = strlen(e->loader);
	struct bpfsig_canon c;

	h->ent_len = htobe32(entry_len(e));
	h->prog_type = htobe32(e->prog_type);
	h->expected_attach_type = htobe32(e->expected_attach_type);
	h->insn_cnt = htobe32(e->insn_cnt);
	h->seq = htobe32(e->seq);
	h->runs = htobe32(e->runs);
	h->err = htobe32(e->err);
	h->name_len = htobe16(nl);
	h->loader_len = htobe16(ll);
	p += BPFSIG_MF_ENT_SIZE;
	memcpy(p, e->name, nl);
	p += pad8(nl);
	memcpy(p, e->loader, ll);
	p += pad8(ll);
	bpfsig_canon_init(&c);
	bpfsig_canon_copy(&c, (void *)p, e->insns, e->insn_cnt);
}

int bpfsig_mf_entry_encode(const struct bpfsig_mf_entry *e, void **buf,
			   size_t *len)
{
	if (!entry_valid(e))
		return -EINVAL;
	*len = entry_len(e);
	*buf = calloc(1, *len);
	if (!*buf)
		return -ENOMEM;
	entry_put(e, *buf);
	return 0;
}

/* A string of @len bytes at @p with no NUL in it, into *@out: 0 or -errno */
static int get_str(const unsigned char *p, size_t len, char **out)
{
	if (memchr(p, 0, len))
		return -EBADMSG;
	*out = strndup((const char *)p, len);
	return *out ? 0 : -ENOMEM;
}

/* The entry at @p (@avail bytes) into @m: its length, or -errno */
static long entry_get(struct bpfsig_manifest *m, const unsigned char *p,
		      size_t avail)
{
	const struct bpfsig_mf_hdr *h = (const void *)p;
	struct bpfsig_mf_entry e = {};
	size_t len, nl, ll;
	int err;

	if (avail < BPFSIG_MF_ENT_SIZE)
		return -EBADMSG;
	len = be32toh(h->ent_len);
	nl = be16toh(h->name_len);
	ll = be16toh(h->loader_len);
	e.insn_cnt = be32toh(h->insn_cnt);
	if (len > avail || h->reserved[0] || h->reserved[1] ||
	    nl > BPFSIG_MF_MAX_NAME || ll > BPFSIG_MF_MAX_LOADER ||
	    !e.insn_cnt || e.insn_cnt > BPFSIG_MF_MAX_INSNS ||
	    len != BPFSIG_MF_ENT_SIZE + pad8(nl) + pad8(ll) +
		   (size_t)e.insn_cnt * 8)
		return -EBADMSG;
	e.prog_type = be32toh(h->prog_type);
	e.expected_attach_type = be32toh(h->expected_attach_type);
	e.seq = be32toh(h->seq);
	e.runs = be32toh(h->runs);
	e.err = be32toh(h->err);
	p += BPFSIG_MF_ENT_SIZE;
	err = get_str(p, nl, &e.name) ?: get_str(p + pad8(nl), ll, &e.loader);
	if (!err) {
		e.insns = (void *)(p + pad8(nl) + pad8(ll));
		err = bpfsig_manifest_add(m, &e);
		if (err == -EINVAL)
			err = -EBADMSG;
	}
	free(e.name);
	free(e.loader);
	return err ?: (long)len;
}

int bpfsig_manifest_add_entries(struct bpfsig_manifest *m, const void *buf,
				size_t len, size_t *bad)
{
	const unsigned char *p = buf;
	size_t off = 0;
	long n;

	for (; off < len; off += n) {
		n = entry_get(m, p + off, len - off);
		if (n < 0) {
			*bad = off;
			return n;
		}
	}
	return 0;
}

int bpfsig_manifest_parse(struct bpfsig_manifest *m, const void *buf,
			  size_t len, const char **why)
{
	struct bpfsig_manifest tmp = {};
	const unsigned char *p = buf;
	unsigned char sum[SHA256_DIGEST_LENGTH];
	size_t off, cnt, i;
	long n;

	*why = NULL;
	if (!bpfsig_manifest_magic(buf, len))
		return -ENOEXEC;
	if (len < BPFSIG_MF_HDR_SIZE + BPFSIG_MF_TRAILER ||
	    be32toh(*(const __be32 *)(p + 20)) != len) {
		*why = "truncated, or its length field is damaged";
		return -EBADMSG;
	}
	SHA256(p, len - BPFSIG_MF_TRAILER, sum);
	if (memcmp(sum, p + len - BPFSIG_MF_TRAILER, sizeof(sum))) {
		*why = "checksum mismatch: the file was changed or damaged";
		return -EBADMSG;
	}
	if (be32toh(*(const __be32 *)(p + 8)) != BPFSIG_MF_VERSION ||
	    be32toh(*(const __be32 *)(p + 12)) != BPFSIG_MF_HDR_SIZE) {
		*why = "unsupported version";
		return -EBADMSG;
	}
	cnt = be32toh(*(const __be32 *)(p + 16));
	len -= BPFSIG_MF_TRAILER;
	for (off = BPFSIG_MF_HDR_SIZE, i = 0; i < cnt; i++, off += n) {
		n = entry_get(&tmp, p + off, len - off);
		if (n < 0)
			break;
	}
	if (i < cnt || off != len) {
		bpfsig_manifest_clear(&tmp);
		*why = "malformed entry";
		return i < cnt && n == -ENOMEM ? -ENOMEM : -EBADMSG;
	}
	for (i = 0; i < tmp.cnt; i++) {
		if (bpfsig_manifest_add(m, &tmp.e[i])) {
			bpfsig_manifest_clear(&tmp);
			return -ENOMEM;
		}
	}
	bpfsig_manifest_clear(&tmp);
	return 0;
}

int bpfsig_manifest_write(const struct bpfsig_manifest *m, const char *path)
{
	size_t len = BPFSIG_MF_HDR_SIZE + BPFSIG_MF_TRAILER, i, off;
	unsigned char *buf;
	struct iovec iov;
	int err;

	for (i = 0; i < m->cnt; i++)
		len += entry_len(&m->e[i]);
	if (len > UINT32_MAX)
		return -E2BIG;
	buf = calloc(1, len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, BPFSIG_MF_MAGIC, 8);
	*(__be32 *)(buf + 8) = htobe32(BPFSIG_MF_VERSION);
	*(__be32 *)(buf + 12) = htobe32(BPFSIG_MF_HDR_SIZE);
	*(__be32 *)(buf + 16) = htobe32(m->cnt);
	*(__be32 *)(buf + 20) = htobe32(len);
	for (off = BPFSIG_MF_HDR_SIZE, i = 0; i < m->cnt; i++) {
		entry_put(&m->e[i], buf + off);
		off += entry_len(&m->e[i]);
	}
	SHA256(buf, off, buf + off);
	iov.iov_base = buf;
	iov.iov_len = len;
	err = bpfsig_write_file(path, &iov, 1);
	free(buf);
	return err;
}

char *bpfsig_mf_entry_origin(const struct bpfsig_mf_entry *e)
{
	char *s;

	if (asprintf(&s, "%s (load %u of %s)", e->name, e->seq,
		     e->loader) < 0)
		return NULL;
	if (strlen(s) > BPFSIG_SEC_MAX_NAME)
		strcpy(s + BPFSIG_SEC_MAX_NAME - 4, "...)");
	return s;
}

int bpfsig_manifest_sign(const struct bpfsig_manifest *m,
			 const struct bpfsig_key *key,
			 const struct bpfsig_sign_opts *opts,
			 struct bpfsig_sigset *set)
{
	const struct bpfsig_mf_entry *e;
	struct bpfsig_record rec = {};
	size_t i, len;
	void *app;
	int err;

	for (i = 0; i < m->cnt; i++) {
		e = &m->e[i];
		err = bpfsig_sign_insns(key, opts, e->prog_type,
					e->expected_attach_type, e->insns,
					e->insn_cnt, &app, &len);
		if (err) {
			pr_warn("signing load %u '%s' of %s: %s\n", e->seq,
				e->name, e->loader, bpfsig_strerror(err));
			return err;
		}
		rec.name = bpfsig_mf_entry_origin(e);
		rec.appendix = app;
		rec.appendix_len = len;
		err = rec.name ? bpfsig_sigset__add_record(set, &rec) : -ENOMEM;
		free((void *)rec.name);
		free(app);
		if (err)
			return err;
	}
	return 0;
}
