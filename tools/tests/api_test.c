// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libbpfsig API test, linked against libbpfsig.so: options validation,
 * errno returns, sign/verify round trip, and (given an object) signing an
 * object in-process, which proves that the shared library sees libbpf's
 * calls on its own.
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

int main(int argc, char **argv)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpfsig_key *key, *cert, *other;
	struct bpfsig_sig_info info;
	struct bpfsig_sigset *set;
	size_t app_len, len;
	void *app = NULL;
	char *buf;
	int err;

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

	bpfsig_set_print(silent);
	errno = 0;
	CHECK(!bpfsig_key__load("/nonexistent/key", argv[2], NULL) &&
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

	{
		BPFSIG_OPTS(bpfsig_sign_opts, o, .hash = "sha384");

		err = bpfsig_sign_insns(key, &o, BPF_PROG_TYPE_XDP, 0, insns,
					2, &app, &app_len);
	}
	CHECK(!err && app_len % 8 == 0, "sign sha384: %d, %zu bytes", err,
	      app_len);
	if (err)
		return 1;
	len = sizeof(insns) + app_len;
	buf = malloc(len);
	memcpy(buf, insns, sizeof(insns));
	memcpy(buf + sizeof(insns), app, app_len);

	err = bpfsig_verify_blob(cert, buf, len, NULL, &info);
	CHECK(!err && info.insn_cnt == 2 &&
	      info.hash_algo == BPFSIG_HASH_SHA384 &&
	      info.digest_len == 48, "verify: %d", err);
	{
		BPFSIG_OPTS(bpfsig_verify_opts, v, .check_type = true,
			    .prog_type = BPF_PROG_TYPE_XDP);

		CHECK(!bpfsig_verify_blob(cert, buf, len, &v, NULL),
		      "verify with matching type");
		v.prog_type = BPF_PROG_TYPE_KPROBE;
		err = bpfsig_verify_blob(cert, buf, len, &v, NULL);
		CHECK(err == -EKEYREJECTED, "verify other type: -EKEYREJECTED (%d)",
		      err);
	}
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
	free(app);

	CHECK(!strcmp(bpfsig_strerror(-EKEYREJECTED),
		      "signature rejected (EKEYREJECTED)"), "bpfsig_strerror");
	CHECK(!strcmp(bpfsig_errno_name(EKEYREVOKED), "EKEYREVOKED") &&
	      !strcmp(bpfsig_errno_name(-EPERM), "EPERM"),
	      "errno table: EKEYREVOKED, EPERM");

	if (argc > 4) {
		set = bpfsig_sigset__new();
		err = bpfsig_object__sign_file(key, argv[4], NULL, set);
		CHECK(!err && bpfsig_sigset__cnt(set) > 0,
		      "object__sign_file from libbpfsig.so: %d, %zu records",
		      err, bpfsig_sigset__cnt(set));
		bpfsig_sigset__free(set);
	}
	bpfsig_key__free(key);
	bpfsig_key__free(cert);
	bpfsig_key__free(other);
	return failures;
}
