// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: offline verification, mirroring the module's checks and errnos.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/sha.h>

#include "libbpfsig_internal.h"

static void fill_info(struct bpfsig_sig_info *info,
		      const struct bpfsig_blob *blob)
{
	const struct bpfsig_statement *st = blob->stmt;

	memset(info, 0, sizeof(*info));
	info->insn_cnt = be32toh(st->insn_cnt);
	info->appendix_len = blob->total_len;
	info->prog_type = be32toh(st->prog_type);
	info->expected_attach_type = be32toh(st->expected_attach_type);
	info->hash_algo = st->hash_algo;
	info->digest_len = st->digest_len;
	memcpy(info->digest, st->digest, sizeof(info->digest));
	info->keyid_len = st->keyid_len;
	memcpy(info->keyid, st->keyid, sizeof(info->keyid));
	info->sig_len = blob->sig_len;
	SHA256((const unsigned char *)st, BPFSIG_STATEMENT_SIZE,
	       info->stmt_digest);
}

int bpfsig_inspect_blob(const void *buf, size_t buf_len,
			struct bpfsig_sig_info *info)
{
	struct bpfsig_blob blob;
	int err;

	if (!buf || !info)
		return bpfsig_err(-EINVAL);
	err = bpfsig_blob_parse(buf, buf_len, &blob);
	if (err)
		return bpfsig_err(err);
	fill_info(info, &blob);
	return 0;
}

/* An appendix on its own, parsed as the tail of a load: 0 or -errno. */
static int tail_blob(const void *appendix, size_t len,
		     struct bpfsig_blob *blob)
{
	size_t tail = len < BPFSIG_MAX_TOTAL_LEN ? len : BPFSIG_MAX_TOTAL_LEN;
	int err;

	/* as the tail of a load: the format wants one instruction before it */
	err = bpfsig_tail_parse((const char *)appendix + len - tail, tail,
				(__u64)len + 8, blob);
	if (err)
		return err;
	return blob->total_len == len ? 0 : -EBADMSG;
}

int bpfsig_inspect_appendix(const void *appendix, size_t len,
			    struct bpfsig_sig_info *info)
{
	struct bpfsig_blob blob;
	int err;

	if (!appendix || !info)
		return bpfsig_err(-EINVAL);
	err = tail_blob(appendix, len, &blob);
	if (err)
		return bpfsig_err(err);
	fill_info(info, &blob);
	return 0;
}

/* Is @cert among the signers of @cms? 0, -EBADMSG (none) or -ENOKEY. */
static int check_signer(CMS_ContentInfo *cms, X509 *cert)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	int i;

	if (!sis || sk_CMS_SignerInfo_num(sis) < 1)
		return -EBADMSG;
	for (i = 0; i < sk_CMS_SignerInfo_num(sis); i++)
		if (!CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(sis, i),
					     cert))
			return 0;
	return -ENOKEY;
}

/* The signature of @cms over @data: 0, -EKEYREJECTED, -ENOPKG, -ENOMEM. */
static int check_signature(CMS_ContentInfo *cms, X509 *cert,
			   const void *data, size_t len)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	BIO *bd = BIO_new_mem_buf(data, len);
	unsigned long e;
	int err = 0;

	if (!certs || !bd || !sk_X509_push(certs, cert)) {
		err = -ENOMEM;
	} else if (CMS_verify(cms, certs, NULL, bd, NULL,
			      CMS_BINARY | CMS_NOINTERN |
			      CMS_NO_SIGNER_CERT_VERIFY | CMS_NOCRL |
			      CMS_NO_ATTR_VERIFY) != 1) {
		e = ERR_peek_last_error();
		err = ERR_GET_REASON(e) == CMS_R_UNKNOWN_DIGEST_ALGORITHM ?
		      -ENOPKG : -EKEYREJECTED;
	}
	BIO_free(bd);
	sk_X509_free(certs);
	return err;
}

/*
 * Verify the detached CMS @sig over @data with @cert as the only acceptable
 * signer: -EBADMSG unparsable, -ENOKEY signer is not @cert, -ENOPKG
 * non-RSA, -EKEYREJECTED signature does not verify.
 */
static int cms_verify(X509 *cert, const void *data, size_t len,
		      const unsigned char *sig, size_t sig_len)
{
	const unsigned char *p = sig;
	CMS_ContentInfo *cms;
	int err;

	ERR_clear_error();
	cms = d2i_CMS_ContentInfo(NULL, &p, sig_len);
	if (!cms || p != sig + sig_len)
		err = -EBADMSG;
	else
		err = check_signer(cms, cert);
	if (!err && EVP_PKEY_base_id(X509_get0_pubkey(cert)) != EVP_PKEY_RSA)
		err = -ENOPKG;
	if (!err)
		err = check_signature(cms, cert, data, len);
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	return err;
}

/*
 * The kernel's checks of a parsed region that need no load (steps 20-21 of
 * Documentation/format.md): the CMS profile, then the signature over the
 * statement with @cert as the only trusted key.
 */
static int verify_statement(const struct bpfsig_key *cert,
			    const struct bpfsig_blob *blob)
{
	int err = bpfsig_cms_check(blob);

	if (err)
		return err;
	return cms_verify(cert->cert, blob->stmt, BPFSIG_STATEMENT_SIZE,
			  blob->sig, blob->sig_len);
}

int bpfsig_verify_appendix(const struct bpfsig_key *cert,
			   const void *appendix, size_t len)
{
	struct bpfsig_blob blob;
	int err;

	err = tail_blob(appendix, len, &blob);
	return err ?: verify_statement(cert, &blob);
}

int bpfsig_verify_blob(const struct bpfsig_key *cert, const void *buf,
		       size_t buf_len, const struct bpfsig_verify_opts *opts,
		       struct bpfsig_sig_info *info)
{
	unsigned char digest[BPFSIG_MAX_DIGEST_LEN];
	const struct bpfsig_statement *st;
	struct bpfsig_blob blob;
	__u32 type, attach;
	int err, dlen;

	if (!OPTS_VALID(opts, bpfsig_verify_opts) || !cert || !buf)
		return bpfsig_err(-EINVAL);
	if (info)
		memset(info, 0, sizeof(*info));
	err = bpfsig_blob_parse(buf, buf_len, &blob);
	if (err)
		return bpfsig_err(err);
	st = blob.stmt;
	if (info)
		fill_info(info, &blob);

	if (OPTS_GET(opts, check_type, false)) {
		type = OPTS_GET(opts, prog_type, 0);
		/* as the kernel sees it: see bpfsig_load_attach_type() */
		attach = bpfsig_load_attach_type(type,
				OPTS_GET(opts, expected_attach_type, 0));
	} else {
		type = be32toh(st->prog_type);
		attach = be32toh(st->expected_attach_type);
	}
	err = bpfsig_statement_check(st, blob.insn_cnt, type, attach);
	if (err)
		return bpfsig_err(err);

	err = verify_statement(cert, &blob);
	if (err)
		return bpfsig_err(err);

	dlen = bpfsig_digest_insns(st->hash_algo, buf, blob.insn_cnt, digest);
	if (dlen < 0)
		return dlen;
	if (dlen != st->digest_len || memcmp(digest, st->digest, dlen))
		return bpfsig_err(-EKEYREJECTED);
	return 0;
}
