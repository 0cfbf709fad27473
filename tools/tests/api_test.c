// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libbpfsig API test, linked against libbpfsig.so: options validation,
 * errno returns, sign/verify round trip, and (given an object) signing and
 * verifying an object in-process, which proves that the shared library
 * sees libbpf's calls on its own.
 *
 * Usage: api_test KEY CERT OTHER_CERT [OBJ]
 * Prints "ok - ..." / "not ok - ..." lines; exit status = failures.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "bpfsig.h"

static int failures;

#define CHECK(cond, fmt, ...) do {					\
	if (cond)							\
		printf("ok - " fmt "\n", ##__VA_ARGS__);		\
	else {								\
		printf("not ok - " fmt "\n", ##__VA_ARGS__);		\
		failures++;						\
	}								\
} while (0)

static int silent(enum bpfsig_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static const struct bpf_insn insns[2] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* options validation and errno returns */
static void test_errors(const char *cert_path, struct bpfsig_key *key,
			struct bpfsig_key *cert)
{
	size_t app_len;
	void *app = NULL;
	int err;

	bpfsig_set_print(silent);
	errno = 0;
	CHECK(!bpfsig_key__load("/nonexistent/key", cert_path, NULL) &&
	      errno == ENOENT, "missing key file: NULL, errno ENOENT");
	{
		struct { struct bpfsig_sign_opts o; long extra; } big = {
			.o.sz = sizeof(big), .extra = 1 };

		err = bpfsig_sign_insns(key, &big.o, BPF_PROG_TYPE_XDP, 0,
					insns, 2, &app, &app_len);
		CHECK(err == -EINVAL && errno == EINVAL,
		      "opts with non-zero unknown tail: -EINVAL (%d)", err);
	}
	{
		BPFSIG_OPTS(bpfsig_sign_opts, o, .hash = "md5");

		err = bpfsig_sign_insns(key, &o, BPF_PROG_TYPE_XDP, 0, insns,
					2, &app, &app_len);
		CHECK(err == -ENOPKG, "unknown hash: -ENOPKG (%d)", err);
	}
	err = bpfsig_sign_insns(cert, NULL, BPF_PROG_TYPE_XDP, 0, insns, 2,
				&app, &app_len);
	CHECK(err == -ENOKEY, "sign with cert only: -ENOKEY (%d)", err);
	err = bpfsig_sign_insns(key, NULL, BPF_PROG_TYPE_XDP, 0, insns, 0,
				&app, &app_len);
	CHECK(err == -EINVAL, "sign 0 insns: -EINVAL (%d)", err);
	bpfsig_set_print(NULL);
}

/* insns || appendix of a sha384 signature, NULL on failure */
static char *sign_sha384(struct bpfsig_key *key, size_t *len)
{
	BPFSIG_OPTS(bpfsig_sign_opts, o, .hash = "sha384");
	struct bpfsig_sig_info info;
	size_t app_len;
	void *app;
	char *buf;
	int err;

	err = bpfsig_sign_insns(key, &o, BPF_PROG_TYPE_XDP, 0, insns, 2, &app,
				&app_len);
	CHECK(!err && app_len % 8 == 0, "sign sha384: %d, %zu bytes", err,
	      app_len);
	if (err)
		return NULL;
	err = bpfsig_inspect_appendix(app, app_len, &info);
	CHECK(!err && info.insn_cnt == 2 && info.appendix_len == app_len,
	      "inspect the appendix alone: %d", err);
	*len = sizeof(insns) + app_len;
	buf = malloc(*len);
	memcpy(buf, insns, sizeof(insns));
	memcpy(buf + sizeof(insns), app, app_len);
	free(app);
	return buf;
}

static void test_verify_type(struct bpfsig_key *cert, const char *buf,
			     size_t len)
{
	BPFSIG_OPTS(bpfsig_verify_opts, v, .check_type = true,
		    .prog_type = BPF_PROG_TYPE_XDP);
	int err;

	CHECK(!bpfsig_verify_blob(cert, buf, len, &v, NULL),
	      "verify with matching type");
	v.prog_type = BPF_PROG_TYPE_KPROBE;
	err = bpfsig_verify_blob(cert, buf, len, &v, NULL);
	CHECK(err == -EKEYREJECTED, "verify other type: -EKEYREJECTED (%d)",
	      err);
}

/* sign/verify round trip, and every way verification fails */
static void test_verify(struct bpfsig_key *key, struct bpfsig_key *cert,
			struct bpfsig_key *other)
{
	struct bpfsig_sig_info info;
	size_t len;
	char *buf;
	int err;

	buf = sign_sha384(key, &len);
	if (!buf)
		return;
	err = bpfsig_verify_blob(cert, buf, len, NULL, &info);
	CHECK(!err && info.insn_cnt == 2 &&
	      info.hash_algo == BPFSIG_HASH_SHA384 && info.digest_len == 48,
	      "verify: %d", err);
	test_verify_type(cert, buf, len);
	err = bpfsig_verify_blob(other, buf, len, NULL, NULL);
	CHECK(err == -ENOKEY, "verify other cert: -ENOKEY (%d)", err);
	err = bpfsig_verify_blob(cert, insns, sizeof(insns), NULL, NULL);
	CHECK(err == -ENODATA, "verify unsigned: -ENODATA (%d)", err);
	buf[len - 32 + 9] = 1;	/* trailer reserved0 */
	err = bpfsig_verify_blob(cert, buf, len, NULL, NULL);
	CHECK(err == -EBADMSG, "verify bad trailer: -EBADMSG (%d)", err);
	buf[len - 32 + 9] = 0;
	buf[sizeof(insns) + 10] = 9;	/* statement hash_algo */
	err = bpfsig_verify_blob(cert, buf, len, NULL, NULL);
	CHECK(err == -ENOPKG, "verify unknown hash algo: -ENOPKG (%d)", err);
	buf[sizeof(insns) + 10] = 2;
	buf[4] ^= 1;		/* insn 0 imm */
	err = bpfsig_verify_blob(cert, buf, len, NULL, NULL);
	CHECK(err == -EKEYREJECTED, "verify modified insn: -EKEYREJECTED (%d)",
	      err);
	buf[4] ^= 1;
	buf[sizeof(insns) + 128 + 40] ^= 1;	/* inside the CMS blob */
	err = bpfsig_verify_blob(cert, buf, len, NULL, NULL);
	CHECK(err == -EKEYREJECTED || err == -EBADMSG,
	      "verify damaged CMS: -EKEYREJECTED/-EBADMSG (%d)", err);
	free(buf);
}

/* the object functions from libbpfsig.so: libbpf's calls are seen */
static void test_object(struct bpfsig_key *key, struct bpfsig_key *cert,
			const char *obj)
{
	struct bpfsig_obj_verify_info info = {};
	struct bpfsig_sigset *set;
	int err;

	set = bpfsig_sigset__new();
	err = bpfsig_object__sign_file(key, obj, NULL, set);
	CHECK(!err && bpfsig_sigset__cnt(set) > 0,
	      "object__sign_file from libbpfsig.so: %d, %zu records",
	      err, bpfsig_sigset__cnt(set));
	err = bpfsig_sigset__write_elf(set, obj, "api_signed.o");
	CHECK(!err, "sigset__write_elf: %d", err);
	bpfsig_sigset__free(set);
	err = bpfsig_object__verify_file(cert, "api_signed.o", NULL, &info);
	CHECK(!err && info.programs > 0 && info.targets == 1,
	      "object__verify_file from libbpfsig.so: %d, %u programs", err,
	      info.programs);
	bpfsig_set_print(silent);
	err = bpfsig_object__verify_file(cert, obj, NULL, NULL);
	bpfsig_set_print(NULL);
	CHECK(err == -ENODATA, "object__verify_file unsigned: -ENODATA (%d)",
	      err);
}

int main(int argc, char **argv)
{
	struct bpfsig_key *key, *cert, *other;

	if (argc < 4) {
		fprintf(stderr, "usage: %s KEY CERT OTHER_CERT [OBJ]\n", argv[0]);
		return 2;
	}
	key = bpfsig_key__load(argv[1], argv[2], NULL);
	CHECK(key && bpfsig_key__can_sign(key), "key__load key+cert");
	cert = bpfsig_key__load(NULL, argv[2], NULL);
	CHECK(cert && !bpfsig_key__can_sign(cert), "key__load cert only");
	other = bpfsig_key__load(NULL, argv[3], NULL);
	CHECK(other != NULL, "key__load other cert");
	if (!key || !cert || !other)
		return 1;
	test_errors(argv[2], key, cert);
	test_verify(key, cert, other);
	CHECK(!strcmp(bpfsig_strerror(-EKEYREJECTED),
		      "signature rejected (EKEYREJECTED)"), "bpfsig_strerror");
	CHECK(!strcmp(bpfsig_errno_name(EKEYREVOKED), "EKEYREVOKED") &&
	      !strcmp(bpfsig_errno_name(-EPERM), "EPERM"),
	      "errno table: EKEYREVOKED, EPERM");
	if (argc > 4)
		test_object(key, cert, argv[4]);
	bpfsig_key__free(key);
	bpfsig_key__free(cert);
	bpfsig_key__free(other);
	return failures;
}
