// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * bpfsig - the signature checks, in their fixed order.
 *
 * 1. trailer present?              -ENODATA (unsigned)
 * 2. trailer and statement sane?   -EBADMSG, -ENOPKG
 * 3. statement matches the load?   -EKEYREJECTED
 * 4. CMS in the profile?           -EBADMSG
 *    CMS signature verifies?       -ENOKEY, -EKEYREJECTED, -EKEYREVOKED, ...
 * 5. statement revoked?            -EKEYREVOKED
 * 6. canonical digest matches?     -EKEYREJECTED
 *
 * Steps 1-5 cost the same whatever the program's size; only a load that has
 * a valid signature from a trusted key for a statement describing exactly
 * this load's type and length reaches step 6, the hash of the program.
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <keys/system_keyring.h>
#include <linux/filter.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/verification.h>
#include "bpfsig.h"

static struct crypto_shash *tfms[BPFSIG_HASH_SHA512 + 1];

/*
 * The SHA-256 drivers x86 kernels have had, fastest first on the CPUs they
 * were written for (their crypto priorities say so). Under emulation, or on
 * a CPU whose SIMD units are slow, that order can be wrong: the module
 * times each one it can allocate, as the kernel times its RAID-6 and XOR
 * routines (lib/raid6/algos.c, crypto/xor.c), and keeps the fastest.
 */
static const char *const sha256_drivers[] = {
	"sha256-ni", "sha256-avx2", "sha256-avx", "sha256-ssse3",
	"sha256-generic",
};

#define SPEED_BUF_SIZE	SZ_16K
#define SPEED_ROUNDS	4	/* 64 KiB hashed per trial */
#define SPEED_TRIALS	3	/* the best of them counts */

/* Nanoseconds for hashing SPEED_ROUNDS * SPEED_BUF_SIZE bytes, best trial. */
static u64 hash_speed(struct crypto_shash *tfm, const u8 *buf)
{
	u8 digest[SHA256_DIGEST_SIZE];
	u64 best = U64_MAX, t;
	int trial, round, err = 0;
	SHASH_DESC_ON_STACK(desc, tfm);

	desc->tfm = tfm;
	for (trial = 0; trial < SPEED_TRIALS && !err; trial++) {
		t = ktime_get_ns();
		err = crypto_shash_init(desc);
		for (round = 0; round < SPEED_ROUNDS && !err; round++)
			err = crypto_shash_update(desc, buf, SPEED_BUF_SIZE);
		if (!err)
			err = crypto_shash_final(desc, digest);
		best = min(best, ktime_get_ns() - t);
		cond_resched();
	}
	shash_desc_zero(desc);
	return err ? U64_MAX : max_t(u64, best, 1);
}

/* Is @tfm's driver one of the "NAME N MB/s" items of @line? */
static bool timed(const char *line, struct crypto_shash *tfm)
{
	const char *name = crypto_shash_driver_name(tfm);
	size_t n = strlen(name);
	const char *p = line;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == line || p[-1] == ' ') && p[n] == ' ')
			return true;
		p += n;
	}
	return false;
}

/*
 * The fastest SHA-256 driver, measured: each of sha256_drivers[] the
 * kernel has, and whatever answers to "sha256" (another architecture's,
 * or the library-backed one of newer kernels). NULL if none allocates.
 * Logs the figures.
 */
static struct crypto_shash *fastest_sha256(void)
{
	struct crypto_shash *best = NULL, *tfm;
	u64 best_ns = U64_MAX, ns;
	char line[256];
	size_t n = 0;
	unsigned int i;
	u8 *buf;

	buf = kmalloc(SPEED_BUF_SIZE, GFP_KERNEL);
	if (!buf)
		return NULL;
	memset(buf, 0x5a, SPEED_BUF_SIZE);
	line[0] = 0;
	for (i = 0; i <= ARRAY_SIZE(sha256_drivers); i++) {
		const char *name = i < ARRAY_SIZE(sha256_drivers) ?
				   sha256_drivers[i] : "sha256";

		tfm = crypto_alloc_shash(name, 0, 0);
		if (IS_ERR(tfm))
			continue;
		/* "sha256" is one of the above, already timed, or another. */
		if (i == ARRAY_SIZE(sha256_drivers) && timed(line, tfm)) {
			crypto_free_shash(tfm);
			continue;
		}
		ns = hash_speed(tfm, buf);
		n += scnprintf(line + n, sizeof(line) - n, "%s%s %llu MB/s",
			       n ? ", " : "", crypto_shash_driver_name(tfm),
			       div64_u64((u64)SPEED_ROUNDS * SPEED_BUF_SIZE *
					 1000, ns));
		if (ns < best_ns) {
			swap(best, tfm);
			best_ns = ns;
		}
		if (tfm)
			crypto_free_shash(tfm);
	}
	kfree(buf);
	if (best)
		pr_info("sha256 drivers measured: %s\n", line);
	return best;
}

/**
 * bpfsig_gate_init() - allocate the hash transforms
 *
 * SHA-256 is required: the fastest driver the kernel has, measured
 * (fastest_sha256()). SHA-384 and SHA-512 are optional (statements using
 * a missing one get ENOPKG): the highest-priority driver.
 *
 * Return: 0, or the error of crypto_alloc_shash("sha256"): -ENOENT when the
 * kernel has no SHA-256, -ENOMEM.
 */
int bpfsig_gate_init(void)
{
	unsigned int algo;

	/*
	 * The SIMD and SHA-NI drivers of the sha256-ssse3 module (sha256-ni,
	 * -avx2, -avx, -ssse3) are candidates only once that module is
	 * loaded, and the crypto API loads no module for a driver name it
	 * already has: ask for the module by name first (MODULE_SOFTDEP
	 * does the same under modprobe; this also covers insmod). Harmless
	 * if it is missing or the CPU lacks SSSE3.
	 */
	if (IS_ENABLED(CONFIG_CRYPTO_SHA256_SSSE3))
		crypto_has_shash("sha256-ssse3", 0, 0);
	tfms[BPFSIG_HASH_SHA256] = fastest_sha256();
	for (algo = BPFSIG_HASH_SHA256; algo <= BPFSIG_HASH_SHA512; algo++) {
		struct crypto_shash *tfm;

		if (tfms[algo])
			continue;
		tfm = crypto_alloc_shash(bpfsig_hash_name(algo), 0, 0);
		if (IS_ERR(tfm)) {
			if (algo == BPFSIG_HASH_SHA256)
				return PTR_ERR(tfm);
			pr_info("%s unavailable: statements using it get ENOPKG\n",
				bpfsig_hash_name(algo));
			continue;
		}
		tfms[algo] = tfm;
	}
	pr_info("hashing with %s\n",
		crypto_shash_driver_name(tfms[BPFSIG_HASH_SHA256]));
	return 0;
}

/**
 * bpfsig_hash_driver() - the driver that computes the programs' SHA-256
 *
 * Return: its name, e.g. "sha256-generic", "sha256-avx2", "sha256-ni".
 */
const char *bpfsig_hash_driver(void)
{
	return crypto_shash_driver_name(tfms[BPFSIG_HASH_SHA256]);
}

void bpfsig_gate_exit(void)
{
	unsigned int algo;

	bpfsig_cache_exit();
	for (algo = 0; algo < ARRAY_SIZE(tfms); algo++) {
		if (tfms[algo])
			crypto_free_shash(tfms[algo]);
		tfms[algo] = NULL;
	}
}

/*
 * Keys in .bpfsig; with trust=bpfsig+system, then those of the kernel's
 * builtin and secondary trusted keyrings (and .machine, which the
 * secondary one links). @own says the key was one of .bpfsig.
 */
static int verify_with_trusted(const void *data, size_t len, const void *sig,
			       size_t sig_len, bool *own)
{
	int err;

	err = verify_pkcs7_signature(data, len, sig, sig_len, bpfsig_keyring,
				     VERIFYING_UNSPECIFIED_SIGNATURE, NULL, NULL);
	*own = !err;
	if (err == -ENOKEY && bpfsig_trust_get() == BPFSIG_TRUST_SYSTEM)
		err = verify_pkcs7_signature(data, len, sig, sig_len,
					     VERIFY_USE_SECONDARY_KEYRING,
					     VERIFYING_UNSPECIFIED_SIGNATURE,
					     NULL, NULL);
	switch (err) {
	case 0:
	case -ENOKEY:
	case -EKEYREJECTED:
	case -EKEYREVOKED:
	case -ENOPKG:
	case -ENOMEM:
	case -EBADMSG:
		return err;
	case -EKEYEXPIRED:
		return -EKEYREVOKED;
	}
	/* Anything else the CMS parser says means the blob is malformed. */
	return -EBADMSG;
}

/**
 * bpfsig_verify_detached() - verify a detached CMS signature over @data
 *	with the keys that sign programs (see check_signature()), never cached
 * @data: the signed bytes
 * @len: their length
 * @sig: the CMS signature, DER
 * @sig_len: its length
 *
 * Return: 0, -ENOKEY, -EKEYREJECTED, -EKEYREVOKED (also for an expired
 * key), -ENOPKG, -ENOMEM, or -EBADMSG for anything else the CMS parser
 * says.
 */
int bpfsig_verify_detached(const void *data, size_t len, const void *sig,
			   size_t sig_len)
{
	bool own;

	return verify_with_trusted(data, len, sig, sig_len, &own);
}

/*
 * A "bin:" entry of the kernel's .blacklist keyring for the statement of
 * this SHA-256. is_binary_blacklisted() says "not listed" when it cannot
 * allocate its search string; is_hash_blacklisted() says -ENOMEM: refuse
 * then.
 */
static int check_blacklisted(const u8 digest[SHA256_DIGEST_SIZE])
{
	int err = is_hash_blacklisted(digest, SHA256_DIGEST_SIZE,
				      BLACKLIST_HASH_BINARY);

	if (err == -EKEYREJECTED)
		return -EKEYREVOKED;
	return err ? -ENOMEM : 0;
}

/* Revoked here, or in .blacklist; @digest: the statement's SHA-256. */
static int check_revoked(const struct bpfsig_statement *stmt,
			 u8 digest[SHA256_DIGEST_SIZE])
{
	sha256((const u8 *)stmt, BPFSIG_STATEMENT_SIZE, digest);
	if (bpfsig_revoked(digest))
		return -EKEYREVOKED;
	return check_blacklisted(digest);
}

/*
 * Checks 3 to 5 for a region not verified earlier in this load. A
 * signature verified before with a key of .bpfsig, under the trust
 * generation of now and whose key is still usable (cache.c), is not
 * checked again: its bytes, equal to those of that verification, kept to
 * the profile then. Such a hit at the syscall stage (@early) ends the
 * checks there, since that stage may only refuse and the verifier stage
 * looks the cache up again for the verdict (counting the hit). A signature
 * is remembered once it verified with a key of .bpfsig and its statement
 * is not revoked.
 * @lookup: false when the caller looked the region up in the cache already
 * @verified: if not NULL, set when the signature was verified here (not
 *	found in the cache) and is valid
 */
static int check_signature(const struct bpfsig_blob *blob, bool early,
			   bool lookup, bool *verified)
{
	u8 digest[SHA256_DIGEST_SIZE];
	u64 gen = bpfsig_trust_gen();
	bool own = false;
	int err;

	if (lookup && bpfsig_cache_lookup(blob, gen, !early))
		return early ? 0 : check_revoked(blob->stmt, digest);
	err = bpfsig_cms_check(blob);
	if (!err)
		err = verify_with_trusted(blob->stmt, BPFSIG_STATEMENT_SIZE,
					  blob->sig, blob->sig_len, &own);
	if (!err)
		err = check_revoked(blob->stmt, digest);
	if (!err && own)
		bpfsig_cache_add(blob, gen, digest);
	if (verified)
		*verified = !err;
	return err;
}

/* Checks 1 to 3: the appended region parses; its statement fits the load. */
static int check_region(const void *tail, u32 tail_len, u64 buf_len,
			u32 prog_type, u32 expected_attach_type,
			struct bpfsig_blob *blob, struct bpfsig_decision *d)
{
	int err;

	err = bpfsig_tail_parse(tail, tail_len, buf_len, blob);
	if (err)
		return err;
	d->insn_cnt = blob->insn_cnt;
	d->appendix_len = blob->total_len;
	d->keyid_len = blob->stmt->keyid_len;
	memcpy(d->keyid, blob->stmt->keyid, d->keyid_len);
	if (!tfms[blob->stmt->hash_algo])
		return -ENOPKG;
	return bpfsig_statement_check(blob->stmt, blob->insn_cnt, prog_type,
				      expected_attach_type);
}

/**
 * bpfsig_check_tail() - checks 1 to 5, on the tail of an instruction buffer
 * @tail: the last @tail_len bytes of the buffer
 * @tail_len: bytes in @tail (see bpfsig_tail_parse())
 * @buf_len: length of the whole buffer in bytes
 * @prog_type: program type of the load
 * @expected_attach_type: expected attach type of the load
 * @blob: filled in when the appended region parses
 * @d: the decision; when the appended region parses, its instruction count
 *	becomes the program's own, and its appendix length and key id are
 *	filled in; check 5 is left to the verifier stage when the
 *	signature was verified before (check_signature())
 * @verified: set when the signature was verified here; left false when it
 *	was found in the cache (the verifier stage finds it there too)
 *
 * The syscall stage's checks, on the region copied from the caller.
 *
 * Return: 0 if the signature is valid for a statement describing this load,
 * -ENODATA, -EBADMSG, -ENOPKG, -EKEYREJECTED, -ENOKEY, -EKEYREVOKED or
 * -ENOMEM otherwise.
 */
int bpfsig_check_tail(const void *tail, u32 tail_len, u64 buf_len,
		      u32 prog_type, u32 expected_attach_type,
		      struct bpfsig_blob *blob, struct bpfsig_decision *d,
		      bool *verified)
{
	int err;

	*verified = false;
	err = check_region(tail, tail_len, buf_len, prog_type,
			   expected_attach_type, blob, d);
	if (err)
		return err;
	return check_signature(blob, true, true, verified);
}

/* bpfsig_hash_update_t for the kernel's shash, yielding between chunks. */
static int shash_update(void *desc, const void *data, size_t len)
{
	int err = crypto_shash_update(desc, data, len);

	cond_resched();
	return err;
}

static int check_digest(const struct bpf_insn *insns, u32 cnt,
			const struct bpfsig_statement *stmt)
{
	struct crypto_shash *tfm = tfms[stmt->hash_algo];
	u8 digest[BPFSIG_MAX_DIGEST_LEN];
	struct bpf_insn *chunk;
	int err;

	chunk = kmalloc_array(BPFSIG_CANON_CHUNK, sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		err = crypto_shash_init(desc);
		if (!err)
			err = bpfsig_canon_hash(insns, cnt, chunk,
						shash_update, desc);
		if (!err)
			err = crypto_shash_final(desc, digest);
		shash_desc_zero(desc);
	}
	kfree(chunk);
	if (err)
		return err == -ENOMEM ? err : -EBADMSG;
	if (crypto_memneq(digest, stmt->digest, stmt->digest_len))
		return -EKEYREJECTED;
	return 0;
}

/*
 * Can the kernel's .blacklist keyring gain an entry after boot? Only with
 * CONFIG_SYSTEM_BLACKLIST_AUTH_UPDATE, which gives user space write
 * permission on it (for hashes signed by a built-in key). Without it
 * nobody has that permission, the blacklist key type refuses any key not
 * built in, and the kernel adds to the keyring only from __init code (the
 * built-in list, the firmware's dbx), all run before a module can load.
 */
#define BLACKLIST_GROWS	IS_ENABLED(CONFIG_SYSTEM_BLACKLIST_AUTH_UPDATE)

/*
 * Checks 5 and 6 for a region found in the cache under the trust
 * generation of now (bpfsig_cache_get()), releasing @e. Its statement was
 * in none of bpfsig's revocations nor in .blacklist when it was entered,
 * and a revocation through bpfsig would have moved the generation since:
 * only .blacklist is searched again, for the statement's SHA-256 the entry
 * keeps, and only if that keyring can have grown (BLACKLIST_GROWS).
 * Instructions kept with the entry are compared rather than hashed;
 * otherwise the program is hashed and, its digest the statement's, kept
 * for the next load.
 */
static int check_cached(struct bpfsig_cache_entry *e,
			const struct bpf_insn *insns,
			const struct bpfsig_blob *blob)
{
	int err = 0;

	if (BLACKLIST_GROWS)
		err = check_blacklisted(bpfsig_cache_digest(e));

	if (!err && !bpfsig_cache_same_insns(e, insns, blob->insn_cnt)) {
		err = check_digest(insns, blob->insn_cnt, blob->stmt);
		if (!err)
			bpfsig_cache_keep_insns(e, insns, blob->insn_cnt);
	}
	bpfsig_cache_put(e);
	return err;
}

/**
 * bpfsig_check_prog() - all six checks, on the kernel's copy of a program
 * @prog: the program at the verifier's entry; prog->len still counts the
 *	appended region
 * @blob: filled in when the appended region parses; the caller strips it
 * @d: the decision
 *
 * Skips check 4 (profile and signature) when the syscall stage of
 * this same load verified a region equal to this one byte for byte, under
 * the trust generation of now and with trust=bpfsig (with bpfsig+system,
 * the kernel's keyrings change without the generation), or when the cache
 * holds the region (check_cached()). A verdict stands
 * on the trust generation its checks were made under: if a key was
 * removed, a statement revoked or the trusted set changed meanwhile
 * (while the program was hashed, say), checks 4 and 5 run again.
 *
 * Return: as bpfsig_check_tail(); -EKEYREJECTED also when the digest of
 * the canonical instructions differs from the statement's.
 */
int bpfsig_check_prog(struct bpf_prog *prog, struct bpfsig_blob *blob,
		      struct bpfsig_decision *d)
{
	u64 len = (u64)prog->len * sizeof(struct bpf_insn);
	u32 tail_len = min_t(u64, len, BPFSIG_MAX_TOTAL_LEN);
	const u8 *tail = (u8 *)prog->insnsi + len - tail_len;
	u64 gen = bpfsig_trust_gen();
	const struct bpfsig_trailer *t;
	struct bpfsig_cache_entry *e;
	bool verified = false;
	int err;

	/* The region the syscall stage verified, if the trailer agrees. */
	t = (const void *)(tail + tail_len - BPFSIG_TRAILER_SIZE);
	if (tail_len >= BPFSIG_TRAILER_SIZE &&
	    !memcmp(t->magic, BPFSIG_TRAILER_MAGIC, BPFSIG_MAGIC_LEN) &&
	    bpfsig_trust_get() == BPFSIG_TRUST_BPFSIG) {
		u32 tot = be32_to_cpu(t->total_len);

		verified = tot <= tail_len &&
			   bpfsig_inflight_verified(tail + tail_len - tot, tot,
						    gen);
	}
	d->sig_reused = verified;
	err = check_region(tail, tail_len, len, prog->type,
			   prog->expected_attach_type, blob, d);
	if (err)
		return err;
	/* A lookup the syscall stage made is the one counted. */
	e = bpfsig_cache_get(blob, gen, !verified);
	if (e) {
		err = check_cached(e, prog->insnsi, blob);
	} else {
		u8 digest[SHA256_DIGEST_SIZE];

		if (verified)
			err = check_revoked(blob->stmt, digest);
		else
			err = check_signature(blob, false, false, NULL);
		if (!err)
			err = check_digest(prog->insnsi, blob->insn_cnt,
					   blob->stmt);
	}
	/* Each round needs a change of trust made meanwhile by an admin. */
	while (!err && bpfsig_trust_gen() != gen) {
		gen = bpfsig_trust_gen();
		d->sig_reused = false;
		err = check_signature(blob, false, true, NULL);
	}
	return err;
}
