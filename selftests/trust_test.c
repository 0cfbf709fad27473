// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: which keys are trusted. Only what the administrator
 * enrolled in .bpfsig by default; the kernel's builtin and secondary
 * trusted keyrings only when chosen (trust=bpfsig+system). CMS blobs follow
 * the documented profile: no certificates or CRLs (they would let any
 * certificate a trusted key issued sign programs), one SignerInfo naming
 * the statement's keyid, at most BPFSIG_MAX_SIG_LEN bytes.
 */
#include <endian.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "kselftest_harness.h"
#include "common.h"

static X509 *load_cert(const char *name)
{
	char path[512];
	X509 *cert;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.der", keys_dir(), name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	cert = d2i_X509_fp(f, NULL);
	fclose(f);
	return cert;
}

static EVP_PKEY *load_pkey(const char *name)
{
	char path[512];
	EVP_PKEY *pkey;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.key", keys_dir(), name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return pkey;
}

/*
 * A small certificate that is not self-signed (the kernel parses it but
 * never checks its signature): something a CMS blob can carry.
 */
static X509 *small_cert(void)
{
	EVP_PKEY *pkey = EVP_RSA_gen(1024);
	X509_NAME *subj, *iss;
	X509 *x = X509_new();

	if (!pkey || !x)
		return NULL;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, pkey);
	subj = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC,
				   (const unsigned char *)"s", -1, -1, 0);
	iss = X509_NAME_new();
	X509_NAME_add_entry_by_txt(iss, "CN", MBSTRING_ASC,
				   (const unsigned char *)"i", -1, -1, 0);
	X509_set_issuer_name(x, iss);
	X509_NAME_free(iss);
	if (!X509_sign(x, pkey, EVP_sha256())) {
		X509_free(x);
		x = NULL;
	}
	EVP_PKEY_free(pkey);
	return x;
}

/*
 * The CMS profile of format.md over @b's statement, signed by @name's key,
 * optionally carrying the signer's certificate and @extra; the appendix is
 * rebuilt around it. 0 or -1.
 */
static int resign(struct blob *b, const char *name, bool signer_cert,
		  X509 *extra)
{
	struct bpfsig_statement st = *blob_stmt(b);
	unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_NOATTR |
			     CMS_NOSMIMECAP | CMS_USE_KEYID | CMS_PARTIAL;
	X509 *cert = load_cert(name);
	EVP_PKEY *pkey = load_pkey(name);
	CMS_ContentInfo *cms = NULL;
	unsigned char *der = NULL;
	__u32 tot;
	BIO *in;
	char *app;
	int len = -1;

	in = BIO_new_mem_buf(&st, sizeof(st));
	if (!cert || !pkey || !in)
		goto out;
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	if (!cms || !CMS_add1_signer(cms, cert, pkey, EVP_sha256(),
				     flags | (signer_cert ? 0 : CMS_NOCERTS)))
		goto out;
	if (extra && !CMS_add1_cert(cms, extra))
		goto out;
	if (CMS_final(cms, in, NULL, flags) != 1)
		goto out;
	len = i2d_CMS_ContentInfo(cms, &der);
	if (len <= 0)
		goto out;
	tot = bpfsig_blob_total_len(len);
	b->insns = realloc(b->insns, b->prog_cnt * 8 + tot);
	app = (char *)(b->insns + b->prog_cnt);
	memset(app, 0, tot);
	memcpy(app, &st, sizeof(st));
	memcpy(app + BPFSIG_STATEMENT_SIZE, der, len);
	bpfsig_trailer_init((void *)(app + tot - BPFSIG_TRAILER_SIZE), len);
	b->cnt = b->prog_cnt + tot / 8;
out:
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	X509_free(cert);
	EVP_PKEY_free(pkey);
	return len > 0 ? len : -1;
}

/*
 * The subjectKeyIdentifier of a key in the kernel's builtin trusted keyring
 * (its description ends in it, "CN: hex"), in @skid; its length or 0.
 */
static int builtin_skid(unsigned char *skid, int size)
{
	key_serial_t ring, *keys = NULL;
	char *desc = NULL, *hex;
	int n, i, len = 0;

	ring = find_key_by_type_and_desc("keyring", ".builtin_trusted_keys", 0);
	if (ring < 0)
		return 0;
	n = keyctl_read_alloc(ring, (void **)&keys) / sizeof(*keys);
	for (i = 0; i < n && !len; i++) {
		if (keyctl_describe_alloc(keys[i], &desc) < 0)
			continue;
		hex = strrchr(desc, ' ');
		if (!strncmp(desc, "asymmetric;", 11) && hex) {
			for (hex++; len < size && sscanf(hex, "%2hhx", &skid[len]) == 1; hex += 2)
				len++;
		}
		free(desc);
	}
	free(keys);
	return len;
}

FIXTURE(trust) {
	struct bpfsig_key *k2048;
	struct blob b;
	char trust[32];
};

FIXTURE_SETUP(trust)
{
	ASSERT_LT(0, sfs_read("trust", self->trust, sizeof(self->trust)));
	ASSERT_EQ(0, set_mode("enforce"));
	ASSERT_LT(0, enroll("rsa2048"));
	self->k2048 = test_key("rsa2048");
	ASSERT_NE(NULL, self->k2048);
	make_prog(&self->b, 6, 71);
	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
}

FIXTURE_TEARDOWN(trust)
{
	sfs_write("trust", self->trust);
	free_blob(&self->b);
	bpfsig_key__free(self->k2048);
}

/* The profile itself, rebuilt here, loads: the other cases differ by one thing. */
TEST_F(trust, profile_resigned_loads)
{
	int len = resign(&self->b, "rsa2048", false, NULL);

	ASSERT_LT(0, len);
	EXPECT_GT(1024, len);
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, 0, "accepted", 0);
}

TEST_F(trust, cms_with_certificate_ebadmsg)
{
	X509 *extra = small_cert();
	int len;

	ASSERT_NE(NULL, extra);
	len = resign(&self->b, "rsa2048", false, extra);
	X509_free(extra);
	ASSERT_LT(0, len);
	ASSERT_GE(1024, len) TH_LOG("CMS of %d bytes: over the size cap", len);
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EBADMSG,
		    "malformed", 1);
}

TEST_F(trust, cms_over_1024_bytes_ebadmsg)
{
	/* The signer's own certificate makes a valid CMS of over 1 KiB. */
	int len = resign(&self->b, "rsa2048", true, NULL);

	ASSERT_LT(1024, len);
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EBADMSG,
		    "malformed", 1);
}

TEST_F(trust, statement_keyid_must_name_the_signer_ebadmsg)
{
	struct bpfsig_statement *st = blob_stmt(&self->b);

	/* Signed by rsa2048, but the statement names another key. */
	st->keyid[0] ^= 0xff;
	ASSERT_LT(0, resign(&self->b, "rsa2048", false, NULL));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EBADMSG,
		    "malformed", 1);
}

/*
 * A signature that names the key of the kernel's builtin trusted keyring
 * (the build-time module signing key, whose private half nobody here has;
 * no key can be put into the builtin or secondary keyrings in the test
 * VM): under the default trust the key is not even looked at (ENOKEY);
 * with trust=bpfsig+system it is found, and the signature does not verify
 * (EKEYREJECTED).
 */
static void name_builtin_key(struct __test_metadata *_metadata,
			     struct blob *b)
{
	unsigned char skid[32], *cms;
	struct bpfsig_statement *st;
	unsigned char old[32];
	int len, i, n;
	__u32 sig_len;

	len = builtin_skid(skid, sizeof(skid));
	ASSERT_LT(0, len) TH_LOG("no key in .builtin_trusted_keys");
	st = blob_stmt(b);
	ASSERT_EQ(len, st->keyid_len) TH_LOG("builtin key id of %d bytes", len);
	memcpy(old, st->keyid, len);
	memcpy(st->keyid, skid, len);
	/* The CMS SignerInfo names the same key: patch its sid. */
	cms = (unsigned char *)st + BPFSIG_STATEMENT_SIZE;
	sig_len = be32toh(blob_trailer(b)->sig_len);
	for (i = 0, n = 0; i + len <= (int)sig_len; i++) {
		if (!memcmp(cms + i, old, len)) {
			memcpy(cms + i, skid, len);
			n++;
		}
	}
	ASSERT_EQ(1, n);
}

TEST_F(trust, builtin_key_not_trusted_by_default_enokey)
{
	char buf[32];

	ASSERT_LT(0, sfs_read("trust", buf, sizeof(buf)));
	ASSERT_STREQ("bpfsig\n", buf);
	name_builtin_key(_metadata, &self->b);
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, ENOKEY, "nokey", 1);
}

TEST_F(trust, builtin_key_found_with_system_trust_ekeyrejected)
{
	ASSERT_EQ(0, sfs_write("trust", "bpfsig+system"));
	name_builtin_key(_metadata, &self->b);
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREJECTED,
		    "rejected", 1);
	/* And back: narrowing is always allowed. */
	ASSERT_EQ(0, sfs_write("trust", "bpfsig\n"));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, ENOKEY, "nokey", 1);
}

/*
 * With the kernel's keyrings trusted, which change without bpfsig's trust
 * generation, the verifier stage never relies on the syscall stage's
 * verification.
 */
TEST_F(trust, system_trust_verifies_at_both_stages)
{
	long long reused, hits;

	reused = stat_get("syscall_stage_verified");
	hits = stat_get("cache_hits");
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, 0, "accepted", 0);
	/* Verified at the syscall stage, or a cache hit verified nowhere. */
	EXPECT_EQ(1, stat_get("syscall_stage_verified") - reused +
		     stat_get("cache_hits") - hits);
	reused = stat_get("syscall_stage_verified");
	ASSERT_EQ(0, sfs_write("trust", "bpfsig+system"));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, 0, "accepted", 0);
	EXPECT_EQ(reused, stat_get("syscall_stage_verified"));
}

TEST_F(trust, trust_file_and_parameter)
{
	char buf[32], param[32];
	int fd;
	ssize_t n;

	EXPECT_EQ(-EINVAL, sfs_write("trust", "system"));
	EXPECT_EQ(-EINVAL, sfs_write("trust", "bpfsig+"));
	EXPECT_EQ(-EINVAL, sfs_write("trust", " bpfsig"));
	ASSERT_EQ(0, sfs_write("trust", "bpfsig+system"));
	ASSERT_LT(0, sfs_read("trust", buf, sizeof(buf)));
	EXPECT_STREQ("bpfsig+system\n", buf);
	fd = open("/sys/module/bpfsig/parameters/trust", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, param, sizeof(param) - 1);
	close(fd);
	ASSERT_LT(0, n);
	param[n] = 0;
	EXPECT_STREQ(buf, param);
	snprintf(buf, sizeof(buf), "by pid=%d$", getpid());
	EXPECT_TRUE(log_has("bpfsig: trust bpfsig -> bpfsig\\+system by pid=[0-9]+$"));
}

TEST_HARNESS_MAIN
