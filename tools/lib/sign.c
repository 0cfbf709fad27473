// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: signing one program load.
 *
 * The CMS profile is the kernel's scripts/sign-file.c: detached SignedData,
 * no certificates, signer identified by subjectKeyIdentifier, no signed
 * attributes (so RSA PKCS#1 v1.5 signatures are deterministic), verified by
 * the module with verify_pkcs7_signature() over the 128 statement bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/cms.h>
#include <openssl/err.h>

#include "libbpfsig_internal.h"

/* bpfsig_hash_update_t for an OpenSSL digest context. */
static int evp_update(void *ctx, const void *data, size_t len)
{
	return EVP_DigestUpdate(ctx, data, len) ? 0 : -EIO;
}

int bpfsig_digest_insns(int hash_algo, const struct bpf_insn *insns,
			size_t insn_cnt, void *digest)
{
	struct bpf_insn chunk[BPFSIG_CANON_CHUNK];
	const EVP_MD *md = bpfsig_md(hash_algo);
	unsigned int dlen = 0;
	EVP_MD_CTX *ctx;

	if (!md)
		return bpfsig_err(-ENOPKG);
	if (insn_cnt > UINT32_MAX)
		return bpfsig_err(-E2BIG);
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return bpfsig_err(-ENOMEM);
	if (!EVP_DigestInit_ex(ctx, md, NULL) ||
	    bpfsig_canon_hash(insns, insn_cnt, chunk, evp_update, ctx) ||
	    !EVP_DigestFinal_ex(ctx, digest, &dlen)) {
		bpfsig_ssl_err("digest");
		EVP_MD_CTX_free(ctx);
		return bpfsig_err(-EIO);
	}
	EVP_MD_CTX_free(ctx);
	return dlen;
}

/* DER CMS SignedData over @data, sign-file's profile (libbpfsig_internal.h). */
int bpfsig_cms_sign(const struct bpfsig_key *key, const EVP_MD *md,
		    const void *data, size_t len, unsigned char **der)
{
	CMS_ContentInfo *cms = NULL;
	BIO *bd = NULL;
	int n = -EIO;

	*der = NULL;
	ERR_clear_error();
	bd = BIO_new_mem_buf(data, len);
	if (!bd)
		return -ENOMEM;
	cms = CMS_sign(NULL, NULL, NULL, NULL,
		       CMS_NOCERTS | CMS_PARTIAL | CMS_BINARY |
		       CMS_DETACHED | CMS_STREAM);
	if (!cms) {
		bpfsig_ssl_err("CMS_sign");
		goto out;
	}
	if (!CMS_add1_signer(cms, key->cert, key->pkey, md,
			     CMS_NOCERTS | CMS_BINARY | CMS_NOSMIMECAP |
			     CMS_USE_KEYID | CMS_NOATTR)) {
		bpfsig_ssl_err("CMS_add1_signer");
		goto out;
	}
	if (CMS_final(cms, bd, NULL, CMS_NOCERTS | CMS_BINARY) != 1) {
		bpfsig_ssl_err("CMS_final");
		goto out;
	}
	n = i2d_CMS_ContentInfo(cms, der);
	if (n <= 0) {
		bpfsig_ssl_err("i2d_CMS_ContentInfo");
		*der = NULL;
		n = -EIO;
	}
out:
	CMS_ContentInfo_free(cms);
	BIO_free(bd);
	return n;
}

/* statement || CMS || padding || trailer, in a malloc()ed buffer */
static int build_appendix(const struct bpfsig_statement *stmt,
			  const unsigned char *der, int sig_len,
			  void **appendix, size_t *appendix_len)
{
	struct bpfsig_trailer trailer;
	unsigned char *out;
	__u32 total;

	if (sig_len > BPFSIG_MAX_SIG_LEN) {
		pr_warn("CMS signature of %d bytes exceeds the %d byte limit\n",
			sig_len, BPFSIG_MAX_SIG_LEN);
		return -E2BIG;
	}
	total = bpfsig_blob_total_len(sig_len);
	out = calloc(1, total);
	if (!out)
		return -ENOMEM;
	bpfsig_trailer_init(&trailer, sig_len);
	memcpy(out, stmt, sizeof(*stmt));
	memcpy(out + sizeof(*stmt), der, sig_len);
	memcpy(out + total - sizeof(trailer), &trailer, sizeof(trailer));
	*appendix = out;
	*appendix_len = total;
	return 0;
}

int bpfsig_sign_insns(const struct bpfsig_key *key,
		      const struct bpfsig_sign_opts *opts,
		      __u32 prog_type, __u32 expected_attach_type,
		      const struct bpf_insn *insns, size_t insn_cnt,
		      void **appendix, size_t *appendix_len)
{
	unsigned char digest[BPFSIG_MAX_DIGEST_LEN];
	struct bpfsig_statement stmt;
	unsigned char *der = NULL;
	int hash, dlen, sig_len, err;

	if (!OPTS_VALID(opts, bpfsig_sign_opts) || !key || !appendix ||
	    !appendix_len || (!insns && insn_cnt))
		return bpfsig_err(-EINVAL);
	if (!insn_cnt || insn_cnt > UINT32_MAX) {
		pr_warn("cannot sign a program of %zu instructions\n",
			insn_cnt);
		return bpfsig_err(-EINVAL);
	}
	if (!key->pkey) {
		pr_warn("%s: no private key loaded, cannot sign\n",
			key->cert_path);
		return bpfsig_err(-ENOKEY);
	}
	hash = bpfsig_hash_by_name(OPTS_GET(opts, hash, NULL));
	if (hash < 0) {
		pr_warn("unsupported hash algorithm '%s' (sha256, sha384, sha512)\n",
			OPTS_GET(opts, hash, NULL));
		return bpfsig_err(-ENOPKG);
	}
	dlen = bpfsig_digest_insns(hash, insns, insn_cnt, digest);
	if (dlen < 0)
		return dlen;
	bpfsig_statement_init(&stmt, prog_type, expected_attach_type, insn_cnt,
			      hash, digest, key->keyid, key->keyid_len);
	sig_len = bpfsig_cms_sign(key, bpfsig_md(hash), &stmt, sizeof(stmt),
				  &der);
	if (sig_len < 0)
		return bpfsig_err(sig_len);
	err = build_appendix(&stmt, der, sig_len, appendix, appendix_len);
	OPENSSL_free(der);
	return bpfsig_err(err);
}

int bpfsig_sign_loader(const struct bpfsig_key *key, const char *line,
		       void **entry, size_t *entry_len)
{
	size_t len = line ? strlen(line) : 0;
	unsigned char *der = NULL, *out;
	int sig_len;

	if (!key || !line || !entry || !entry_len || !len ||
	    line[len - 1] != '\n' || memchr(line, '\n', len - 1))
		return bpfsig_err(-EINVAL);
	if (!key->pkey) {
		pr_warn("%s: no private key loaded, cannot sign\n",
			key->cert_path);
		return bpfsig_err(-ENOKEY);
	}
	sig_len = bpfsig_cms_sign(key, bpfsig_md(BPFSIG_HASH_SHA256), line,
				  len, &der);
	if (sig_len < 0)
		return bpfsig_err(sig_len);
	out = malloc(len + sig_len);
	if (!out) {
		OPENSSL_free(der);
		return bpfsig_err(-ENOMEM);
	}
	memcpy(out, line, len);
	memcpy(out + len, der, sig_len);
	OPENSSL_free(der);
	*entry = out;
	*entry_len = len + sig_len;
	return 0;
}
