// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libbpfsig: loading signing keys and certificates. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/store.h>
#include <openssl/ui.h>
#include <openssl/x509v3.h>

#include "libbpfsig_internal.h"

struct pw_ctx {
	const char *pass;
	const char *path;
	bool prompt;
	bool asked;		/* the key wanted a passphrase */
};

static int pw_cb(char *buf, int size, int rwflag, void *u)
{
	struct pw_ctx *ctx = u;
	char prompt[512];
	int len;

	(void)rwflag;
	ctx->asked = true;
	if (ctx->pass) {
		len = strlen(ctx->pass);
		if (len >= size)
			return -1;
		memcpy(buf, ctx->pass, len + 1);
		/* If it's wrong, don't keep trying it. */
		ctx->pass = NULL;
		return len;
	}
	if (!ctx->prompt)
		return -1;
	ctx->prompt = false;
	snprintf(prompt, sizeof(prompt), "Enter passphrase for %s: ",
		 ctx->path);
	if (EVP_read_pw_string(buf, size, prompt, 0))
		return -1;
	return strlen(buf);
}

static bool is_pem(const void *buf, size_t len)
{
	return memmem(buf, len, "-----BEGIN ", 11) != NULL;
}

static EVP_PKEY *load_pkcs11(const char *uri, struct pw_ctx *pw, int *err)
{
	EVP_PKEY *pkey = NULL;
	OSSL_STORE_CTX *store;
	UI_METHOD *ui;

	if (!OSSL_PROVIDER_try_load(NULL, "pkcs11", 1)) {
		bpfsig_ssl_err(uri);
		pr_warn("%s: OpenSSL pkcs11 provider not available\n", uri);
		*err = -ENOPKG;
		return NULL;
	}
	OSSL_PROVIDER_try_load(NULL, "default", 1);
	ui = UI_UTIL_wrap_read_pem_callback(pw_cb, 0);
	store = OSSL_STORE_open(uri, ui, pw, NULL, NULL);
	if (!store) {
		bpfsig_ssl_err(uri);
		UI_destroy_method(ui);
		*err = -ENOENT;
		return NULL;
	}
	while (!pkey && !OSSL_STORE_eof(store)) {
		OSSL_STORE_INFO *info = OSSL_STORE_load(store);

		if (!info)
			continue;
		if (OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
			pkey = OSSL_STORE_INFO_get1_PKEY(info);
		OSSL_STORE_INFO_free(info);
	}
	OSSL_STORE_close(store);
	UI_destroy_method(ui);
	if (!pkey) {
		bpfsig_ssl_err(uri);
		pr_warn("%s: no private key found\n", uri);
		*err = -ENOENT;
	}
	return pkey;
}

static EVP_PKEY *load_pkey(const char *path, struct pw_ctx *pw, int *err)
{
	EVP_PKEY *pkey = NULL;
	size_t len;
	void *buf;
	BIO *b;

	*err = bpfsig_read_file(path, &buf, &len);
	if (*err) {
		pr_warn("%s: %s\n", path, strerror(-*err));
		return NULL;
	}
	b = BIO_new_mem_buf(buf, len);
	if (!b) {
		free(buf);
		*err = -ENOMEM;
		return NULL;
	}
	ERR_clear_error();
	if (is_pem(buf, len)) {
		pkey = PEM_read_bio_PrivateKey(b, NULL, pw_cb, pw);
	} else {
		/* DER: plain (PKCS#8 or traditional), then encrypted PKCS#8 */
		pkey = d2i_PrivateKey_bio(b, NULL);
		if (!pkey) {
			ERR_clear_error();
			BIO_reset(b);
			pkey = d2i_PKCS8PrivateKey_bio(b, NULL, pw_cb, pw);
		}
	}
	BIO_free(b);
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (pkey)
		return pkey;

	if (pw->asked) {
		/* it is encrypted: bad decrypt, or no passphrase available */
		ERR_clear_error();
		pr_warn("%s: wrong or missing passphrase (set BPFSIG_PASSPHRASE)\n",
			path);
		*err = -EKEYREJECTED;
	} else {
		bpfsig_ssl_err(path);
		pr_warn("%s: not a private key (PEM or DER)\n", path);
		*err = -EINVAL;
	}
	return NULL;
}

static X509 *load_cert(const char *path, int *err)
{
	const unsigned char *p;
	X509 *cert = NULL;
	size_t len;
	void *buf;
	BIO *b;

	*err = bpfsig_read_file(path, &buf, &len);
	if (*err) {
		pr_warn("%s: %s\n", path, strerror(-*err));
		return NULL;
	}
	ERR_clear_error();
	p = buf;
	/* sniff like sign-file: DER starts with a SEQUENCE, long form length */
	if (len >= 2 && p[0] == 0x30 && p[1] >= 0x81 && p[1] <= 0x84) {
		cert = d2i_X509(NULL, &p, len);
	} else if (is_pem(buf, len)) {
		b = BIO_new_mem_buf(buf, len);
		if (b) {
			cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
			BIO_free(b);
		}
	}
	free(buf);
	if (!cert) {
		bpfsig_ssl_err(path);
		pr_warn("%s: not an X.509 certificate (PEM or DER)\n", path);
		*err = -EINVAL;
	}
	return cert;
}

static void check_cert(const struct bpfsig_key *key, const char *path)
{
	const ASN1_TIME *nb = X509_get0_notBefore(key->cert);
	const ASN1_TIME *na = X509_get0_notAfter(key->cert);
	EVP_PKEY *pub = X509_get0_pubkey(key->cert);
	uint32_t ku;
	int bits;

	if (na && X509_cmp_current_time(na) < 0)
		pr_warn("%s: warning: certificate has expired (the kernel does not check validity dates)\n",
			path);
	if (nb && X509_cmp_current_time(nb) > 0)
		pr_warn("%s: warning: certificate is not yet valid\n", path);
	ku = X509_get_key_usage(key->cert);
	if (ku != UINT32_MAX && !(ku & KU_DIGITAL_SIGNATURE))
		pr_warn("%s: warning: certificate keyUsage lacks digitalSignature\n",
			path);
	if (X509_get_extension_flags(key->cert) & EXFLAG_CA)
		pr_warn("%s: warning: certificate is a CA certificate\n", path);
	if (!pub)
		return;
	if (EVP_PKEY_base_id(pub) != EVP_PKEY_RSA) {
		pr_warn("%s: warning: %s key: the kernel only accepts RSA signatures (2048-4096 bits)\n",
			path, EVP_PKEY_get0_type_name(pub));
		return;
	}
	bits = EVP_PKEY_get_bits(pub);
	if (bits < 2048 || bits > 4096)
		pr_warn("%s: warning: RSA-%d key: the kernel accepts 2048-4096 bits\n",
			path, bits);
}

/* The private key of @key_path, which must match the certificate. */
static int load_private(struct bpfsig_key *key, const char *key_path,
			const struct bpfsig_key_opts *opts)
{
	struct pw_ctx pw = { .path = key_path };
	int err = 0;

	pw.pass = OPTS_GET(opts, passphrase, NULL);
	if (!pw.pass)
		pw.pass = getenv("BPFSIG_PASSPHRASE");
	if (!pw.pass)
		pw.pass = getenv("KBUILD_SIGN_PIN");
	pw.prompt = !OPTS_GET(opts, no_prompt, false) && isatty(STDIN_FILENO);
	if (!strncmp(key_path, "pkcs11:", 7))
		key->pkey = load_pkcs11(key_path, &pw, &err);
	else
		key->pkey = load_pkey(key_path, &pw, &err);
	if (!key->pkey)
		return err;
	if (X509_check_private_key(key->cert, key->pkey) != 1) {
		ERR_clear_error();
		pr_warn("%s: private key does not match certificate %s\n",
			key_path, key->cert_path);
		return -EKEYREJECTED;
	}
	return 0;
}

/* The certificate's subjectKeyIdentifier: the signer id. */
static int set_keyid(struct bpfsig_key *key)
{
	const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(key->cert);

	if (!skid || ASN1_STRING_length(skid) <= 0) {
		ERR_clear_error();
		pr_warn("%s: certificate has no subjectKeyIdentifier (needed as the signer id)\n",
			key->cert_path);
		return -ENOKEY;
	}
	key->keyid_len = ASN1_STRING_length(skid);
	if (key->keyid_len > BPFSIG_MAX_KEYID_LEN)
		key->keyid_len = BPFSIG_MAX_KEYID_LEN;
	memcpy(key->keyid, ASN1_STRING_get0_data(skid), key->keyid_len);
	return 0;
}

struct bpfsig_key *bpfsig_key__load(const char *key_path, const char *cert_path,
				    const struct bpfsig_key_opts *opts)
{
	struct bpfsig_key *key;
	int err = 0;

	if (!OPTS_VALID(opts, bpfsig_key_opts))
		return bpfsig_err_ptr(-EINVAL);
	if (!key_path && !cert_path) {
		pr_warn("bpfsig_key__load: no key or certificate given\n");
		return bpfsig_err_ptr(-EINVAL);
	}
	if (!cert_path && !strncmp(key_path, "pkcs11:", 7)) {
		pr_warn("%s: a PKCS#11 key needs a certificate file\n",
			key_path);
		return bpfsig_err_ptr(-EINVAL);
	}
	key = calloc(1, sizeof(*key));
	if (!key)
		return bpfsig_err_ptr(-ENOMEM);
	key->cert_path = strdup(cert_path ? cert_path : key_path);
	if (!key->cert_path) {
		err = -ENOMEM;
		goto err_out;
	}
	key->cert = load_cert(key->cert_path, &err);
	if (!key->cert)
		goto err_out;
	err = key_path ? load_private(key, key_path, opts) : 0;
	if (!err)
		err = set_keyid(key);
	if (err)
		goto err_out;
	if (!OPTS_GET(opts, quiet, false))
		check_cert(key, key->cert_path);
	return key;

err_out:
	bpfsig_key__free(key);
	return bpfsig_err_ptr(err ?: -EINVAL);
}

void bpfsig_key__free(struct bpfsig_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey);
	X509_free(key->cert);
	free(key->cert_path);
	free(key);
}

bool bpfsig_key__can_sign(const struct bpfsig_key *key)
{
	return key && key->pkey;
}

int bpfsig_key__keyid(const struct bpfsig_key *key, void *buf, size_t len)
{
	if (!key)
		return bpfsig_err(-EINVAL);
	memcpy(buf, key->keyid, len < key->keyid_len ? len : key->keyid_len);
	return key->keyid_len;
}

int bpfsig_cert_der(const char *path, void **der, size_t *der_len)
{
	unsigned char *p = NULL;
	X509 *cert;
	int err, n;

	if (!path || !der || !der_len)
		return bpfsig_err(-EINVAL);
	cert = load_cert(path, &err);
	if (!cert)
		return bpfsig_err(err);
	n = i2d_X509(cert, &p);
	X509_free(cert);
	if (n <= 0) {
		bpfsig_ssl_err(path);
		return bpfsig_err(-EIO);
	}
	*der = malloc(n);
	if (*der)
		memcpy(*der, p, n);
	OPENSSL_free(p);
	if (!*der)
		return bpfsig_err(-ENOMEM);
	*der_len = n;
	return 0;
}
