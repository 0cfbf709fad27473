// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libbpfsig: generating a self-signed RSA signing key and certificate. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "libbpfsig_internal.h"

static int add_ext(X509 *cert, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return 0;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static X509 *make_cert(EVP_PKEY *pkey, const char *cn, unsigned int days)
{
	unsigned char serial[16];
	X509_NAME *name;
	BIGNUM *bn;
	X509 *cert;

	cert = X509_new();
	if (!cert)
		return NULL;
	if (RAND_bytes(serial, sizeof(serial)) != 1)
		goto err;
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert))) {
		BN_free(bn);
		goto err;
	}
	BN_free(bn);
	name = X509_get_subject_name(cert);
	if (!X509_set_version(cert, X509_VERSION_3) ||
	    !X509_gmtime_adj(X509_getm_notBefore(cert), 0) ||
	    !X509_time_adj_ex(X509_getm_notAfter(cert), days, 0, NULL) ||
	    !X509_set_pubkey(cert, pkey) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(cert, name))
		goto err;
	if (!add_ext(cert, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext(cert, NID_key_usage, "critical,digitalSignature") ||
	    !add_ext(cert, NID_subject_key_identifier, "hash") ||
	    !add_ext(cert, NID_authority_key_identifier, "keyid:always"))
		goto err;
	if (!X509_sign(cert, pkey, EVP_sha256()))
		goto err;
	return cert;
err:
	X509_free(cert);
	return NULL;
}

/* Create @path exclusively and write it through a BIO-less FILE. */
static FILE *create_file(const char *path, mode_t mode, int *err)
{
	FILE *f;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		*err = -errno;
		pr_warn("%s: %s\n", path, strerror(errno));
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		*err = -errno;
		close(fd);
		unlink(path);
	}
	return f;
}

static int close_file(FILE *f, const char *path, int ok)
{
	if (fflush(f) || fsync(fileno(f)))
		ok = 0;
	if (fclose(f))
		ok = 0;
	if (!ok) {
		pr_warn("%s: write failed\n", path);
		return -EIO;
	}
	return 0;
}

static int check_params(unsigned int bits, unsigned int days)
{
	if (bits != 2048 && bits != 3072 && bits != 4096) {
		pr_warn("RSA key size %u not accepted by the kernel (2048, 3072 or 4096)\n",
			bits);
		return -EINVAL;
	}
	if (days > 36500 * 2) {
		pr_warn("validity of %u days is too long\n", days);
		return -EINVAL;
	}
	return 0;
}

/* PREFIX.key, .crt and .der, none of which may exist yet. */
static int key_paths(const char *prefix, char *paths[3])
{
	static const char *const sfx[3] = { ".key", ".crt", ".der" };
	int i;

	for (i = 0; i < 3; i++) {
		if (asprintf(&paths[i], "%s%s", prefix, sfx[i]) < 0) {
			paths[i] = NULL;
			return -ENOMEM;
		}
		if (access(paths[i], F_OK) == 0) {
			pr_warn("%s: already exists, not overwriting\n",
				paths[i]);
			return -EEXIST;
		}
	}
	return 0;
}

/* The key (0600), the certificate in PEM and in DER; all or none. */
static int write_key_files(char *const paths[3], EVP_PKEY *pkey, X509 *cert)
{
	static const mode_t modes[3] = { 0600, 0644, 0644 };
	int n, ok, err = 0;
	FILE *f;

	/* on exit, n files exist */
	for (n = 0; n < 3 && !err; n++) {
		f = create_file(paths[n], modes[n], &err);
		if (!f)
			break;
		if (n == 0)
			ok = PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL,
						  NULL);
		else if (n == 1)
			ok = PEM_write_X509(f, cert);
		else
			ok = i2d_X509_fp(f, cert);
		err = close_file(f, paths[n], ok);
	}
	while (err && n--)
		unlink(paths[n]);
	return err;
}

int bpfsig_keygen(const char *prefix, const struct bpfsig_keygen_opts *opts)
{
	char *paths[3] = {};
	unsigned int bits, days;
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	int err, i;

	if (!OPTS_VALID(opts, bpfsig_keygen_opts) || !prefix || !*prefix)
		return bpfsig_err(-EINVAL);
	bits = OPTS_GET(opts, bits, 0) ?: 4096;
	days = OPTS_GET(opts, days, 0) ?: 36500;
	err = check_params(bits, days) ?: key_paths(prefix, paths);
	if (err)
		goto out;
	ERR_clear_error();
	pkey = EVP_RSA_gen(bits);
	if (pkey)
		cert = make_cert(pkey, OPTS_GET(opts, subject, NULL) ?:
				 "bpfsig signing key", days);
	if (!cert) {
		bpfsig_ssl_err(pkey ? "certificate" : "RSA key generation");
		err = -EIO;
		goto out;
	}
	err = write_key_files(paths, pkey, cert);
out:
	for (i = 0; i < 3; i++)
		free(paths[i]);
	X509_free(cert);
	EVP_PKEY_free(pkey);
	return bpfsig_err(err);
}
