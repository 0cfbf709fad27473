// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness feeding whole signed buffers to libbpfsig's offline
 * verification, bpfsig_verify_blob(), against the certificate that signed
 * the seed corpus (fuzz/corpus.der).
 *
 * Oracle, on every input:
 *  - the errno is one of those bpfsig.h documents for bpfsig_verify_blob();
 *  - when the region does not parse, verify and bpfsig_inspect_blob() return
 *    what bpfsig_blob_parse() returns; when it parses, the info they fill in
 *    is the statement's and its SHA-256;
 *  - with the statement's own type passed as the load's, nothing changes;
 *    with another type, a parsed region is -EKEYREJECTED (the statement is
 *    checked before the signature);
 *  - acceptance: a buffer is accepted only if its 128 statement bytes are
 *    those of a valid-* seed (signatures cannot be forged: anything else
 *    accepted is a hole), its CMS blob keeps to the kernel's profile (the
 *    spec's step 20: what the kernel refuses is never verified offline),
 *    and the spec's canonical digest of its program is the statement's
 *    digest;
 *  - an accepted buffer with a map fd changed is still accepted; with a bit
 *    of the program outside the fd fields, or of the statement, flipped it
 *    is -EKEYREJECTED.
 *
 * Environment: BPFSIG_FUZZ_CERT (default fuzz/corpus.der) and
 * BPFSIG_FUZZ_SEEDS (default fuzz/corpus), read once at start.
 */
#include <dirent.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "bpfsig.h"
#include "format.h"
#include "spec.h"

#define BUG_IF(cond, ...) do { \
	if (cond) { \
		fprintf(stderr, "verify_fuzz: %s:%d: %s: ", __FILE__, \
			__LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

#define MAX_KNOWN 64

static struct bpfsig_key *cert;
static uint8_t known[MAX_KNOWN][32];	/* SHA-256 of signed statements */
static int nr_known;

static int quiet(enum bpfsig_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	uint8_t *buf = NULL;
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = n;
	}
	fclose(f);
	return buf;
}

static const char *env(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* Every valid-* seed must verify; its statement is then "known". */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = env("BPFSIG_FUZZ_SEEDS", "fuzz/corpus");
	const char *crt = env("BPFSIG_FUZZ_CERT", "fuzz/corpus.der");
	BPFSIG_OPTS(bpfsig_key_opts, kopts, .quiet = true, .no_prompt = true);
	struct bpfsig_blob blob;
	struct dirent *de;
	char path[4096];
	size_t len;
	uint8_t *buf;
	DIR *d;
	int err;

	(void)argc;
	(void)argv;
	bpfsig_set_print(quiet);
	cert = bpfsig_key__load(NULL, crt, &kopts);
	BUG_IF(!cert, "cannot load %s", crt);
	d = opendir(dir);
	BUG_IF(!d, "cannot open %s", dir);
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "valid-", 6))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = read_file(path, &len);
		BUG_IF(!buf, "cannot read %s", path);
		err = bpfsig_verify_blob(cert, buf, len, NULL, NULL);
		BUG_IF(err, "seed %s does not verify: %d", path, err);
		BUG_IF(bpfsig_blob_parse(buf, len, &blob), "%s", path);
		BUG_IF(nr_known == MAX_KNOWN, "too many valid seeds");
		SHA256((const uint8_t *)blob.stmt, BPFSIG_STATEMENT_SIZE,
		       known[nr_known++]);
		free(buf);
	}
	closedir(d);
	BUG_IF(!nr_known, "no valid-* seeds in %s", dir);
	return 0;
}

static bool is_known(const uint8_t *stmt)
{
	uint8_t h[32];
	int i;

	SHA256(stmt, BPFSIG_STATEMENT_SIZE, h);
	for (i = 0; i < nr_known; i++)
		if (!memcmp(h, known[i], 32))
			return true;
	return false;
}

/* The spec's digest of the canonical program, with OpenSSL directly. */
static bool spec_digest_matches(const uint8_t *buf, uint64_t n,
				const uint8_t *stmt)
{
	static const char *const names[] = { NULL, "SHA256", "SHA384",
					     "SHA512" };
	uint8_t md[64], *canon = malloc(n * 8 + 1);
	unsigned int mdlen = 0;
	int pending = -1;
	bool same;

	BUG_IF(!canon, "malloc");
	spec_canon(canon, buf, n, &pending);
	BUG_IF(!EVP_Digest(canon, n * 8, md, &mdlen,
			   EVP_get_digestbyname(names[stmt[10]]), NULL),
	       "EVP_Digest");
	same = mdlen == stmt[11] && !memcmp(md, stmt + 64, mdlen);
	free(canon);
	return same;
}

static int verify(const uint8_t *buf, size_t size)
{
	return bpfsig_verify_blob(cert, buf, size, NULL, NULL);
}

/* An accepted buffer, changed where it matters and where it does not. */
static void check_accepted(const uint8_t *data, size_t size,
			   const struct bpfsig_blob *blob)
{
	uint8_t *copy = malloc(size);
	uint32_t i, n = blob->insn_cnt;
	int err;

	BUG_IF(!copy, "malloc");
	memcpy(copy, data, size);

	/* Map fds are not covered: any value still verifies. */
	for (i = 0; i < n; i++) {
		uint8_t *insn = copy + 8 * i;

		if (insn[0] != 0x18)
			continue;
		if ((insn[1] >> 4) == 1 || (insn[1] >> 4) == 2) {
			insn[4] ^= 0x5a;
			insn[7] ^= 0x80;
			err = verify(copy, size);
			BUG_IF(err, "map fd changed in insn %u: %d", i, err);
			memcpy(insn, data + 8 * i, 8);
		}
		i++;	/* the second half is never an opcode */
	}

	/* Code, registers and offsets are always covered. */
	i = (data[0] + size) % n;
	copy[8 * i + (size % 4)] ^= 1 << (size % 8);
	err = verify(copy, size);
	BUG_IF(err != -EKEYREJECTED, "program bit flipped in insn %u: %d", i,
	       err);
	memcpy(copy, data, size);

	/* So is every statement byte: the digest's first, here. */
	copy[(size_t)n * 8 + 64] ^= 0x01;
	err = verify(copy, size);
	BUG_IF(err != -EKEYREJECTED, "statement digest flipped: %d", err);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	BPFSIG_OPTS(bpfsig_verify_opts, same, .check_type = true);
	BPFSIG_OPTS(bpfsig_verify_opts, other, .check_type = true);
	struct bpfsig_sig_info info, info2;
	struct bpfsig_blob blob;
	int err, perr, e2;

	err = bpfsig_verify_blob(cert, data, size, NULL, &info);
	BUG_IF(err != 0 && err != -ENODATA && err != -EBADMSG &&
	       err != -ENOPKG && err != -EKEYREJECTED && err != -ENOKEY &&
	       err != -ENOMEM, "undocumented errno %d", err);

	perr = bpfsig_blob_parse(data, size, &blob);
	e2 = bpfsig_inspect_blob(data, size, &info2);
	BUG_IF(e2 != perr, "inspect %d, blob_parse %d", e2, perr);
	if (perr) {
		BUG_IF(err != perr, "verify %d, blob_parse %d", err, perr);
		return 0;
	}
	BUG_IF(err == -ENODATA, "verify says unsigned, the region parses");

	/* What verify and inspect report is the statement. */
	{
		const struct bpfsig_statement *st = blob.stmt;
		uint8_t h[32];

		SHA256((const uint8_t *)st, BPFSIG_STATEMENT_SIZE, h);
		BUG_IF(memcmp(&info, &info2, sizeof(info)), "info differs");
		BUG_IF(info.insn_cnt != be32toh(st->insn_cnt) ||
		       info.appendix_len != blob.total_len ||
		       info.prog_type != be32toh(st->prog_type) ||
		       info.expected_attach_type !=
		       be32toh(st->expected_attach_type) ||
		       info.hash_algo != st->hash_algo ||
		       info.sig_len != blob.sig_len ||
		       memcmp(info.stmt_digest, h, 32), "info wrong");
		same.prog_type = info.prog_type;
		same.expected_attach_type = info.expected_attach_type;
		other.prog_type = info.prog_type + 1;
		other.expected_attach_type = info.expected_attach_type;
	}
	e2 = bpfsig_verify_blob(cert, data, size, &same, NULL);
	/* A statement holding an unfixed attach type cannot match any load. */
	if (bpfsig_load_attach_type(same.prog_type, same.expected_attach_type) ==
	    same.expected_attach_type)
		BUG_IF(e2 != err, "verify with the statement's own type: %d, %d",
		       e2, err);
	e2 = bpfsig_verify_blob(cert, data, size, &other, NULL);
	BUG_IF(e2 != -EKEYREJECTED, "verify as another type: %d", e2);

	if (err)
		return 0;
	BUG_IF(!is_known((const uint8_t *)blob.stmt),
	       "accepted a statement that was never signed");
	BUG_IF(spec_cms_profile((const uint8_t *)blob.stmt, blob.sig,
				blob.sig_len),
	       "accepted a CMS blob the kernel's profile refuses");
	BUG_IF(be32toh(blob.stmt->insn_cnt) != blob.insn_cnt ||
	       !spec_digest_matches(data, blob.insn_cnt,
				    (const uint8_t *)blob.stmt),
	       "accepted a program its statement does not describe");
	check_accepted(data, size, &blob);
	return 0;
}
