// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bpfsig signature format: building the statement and the trailer a signer
 * appends. Compiled into the userspace tools only; the module never writes.
 */
#include "compat.h"
#include "format.h"

/**
 * bpfsig_statement_init() - build the statement a signer signs
 * @stmt: output
 * @prog_type: program type the program will be loaded as
 * @expected_attach_type: expected attach type it will be loaded with (as
 *	passed to BPF_PROG_LOAD; see bpfsig_load_attach_type())
 * @insn_cnt: number of program instructions
 * @hash_algo: enum bpfsig_hash_algo of @digest (must be valid)
 * @digest: digest of the canonical instructions
 * @keyid: subject key identifier of the signer, or NULL
 * @keyid_len: its length, at most BPFSIG_MAX_KEYID_LEN (longer is cut)
 */
void bpfsig_statement_init(struct bpfsig_statement *stmt, u32 prog_type,
			   u32 expected_attach_type, u32 insn_cnt,
			   unsigned int hash_algo, const u8 *digest,
			   const u8 *keyid, unsigned int keyid_len)
{
	int dlen = bpfsig_hash_digest_len(hash_algo);

	memset(stmt, 0, sizeof(*stmt));
	memcpy(stmt->magic, BPFSIG_STATEMENT_MAGIC, BPFSIG_MAGIC_LEN);
	stmt->version = cpu_to_be16(BPFSIG_VERSION);
	stmt->hash_algo = hash_algo;
	stmt->digest_len = dlen > 0 ? dlen : 0;
	stmt->prog_type = cpu_to_be32(prog_type);
	stmt->expected_attach_type =
		cpu_to_be32(bpfsig_load_attach_type(prog_type,
						    expected_attach_type));
	stmt->insn_cnt = cpu_to_be32(insn_cnt);
	if (keyid) {
		if (keyid_len > BPFSIG_MAX_KEYID_LEN)
			keyid_len = BPFSIG_MAX_KEYID_LEN;
		stmt->keyid_len = keyid_len;
		memcpy(stmt->keyid, keyid, keyid_len);
	}
	if (dlen > 0)
		memcpy(stmt->digest, digest, dlen);
}

/**
 * bpfsig_blob_total_len() - bytes appended for a CMS blob of @sig_len bytes
 * @sig_len: length of the CMS blob
 *
 * Return: statement + signature + padding + trailer, a multiple of 8.
 */
u32 bpfsig_blob_total_len(u32 sig_len)
{
	u32 len = BPFSIG_STATEMENT_SIZE + sig_len + BPFSIG_TRAILER_SIZE;

	return (len + 7) & ~7u;
}

/**
 * bpfsig_trailer_init() - build the trailer for a CMS blob of @sig_len bytes
 * @t: output
 * @sig_len: length of the CMS blob
 */
void bpfsig_trailer_init(struct bpfsig_trailer *t, u32 sig_len)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->magic, BPFSIG_TRAILER_MAGIC, BPFSIG_MAGIC_LEN);
	t->version = BPFSIG_VERSION;
	t->stmt_len = cpu_to_be32(BPFSIG_STATEMENT_SIZE);
	t->sig_len = cpu_to_be32(sig_len);
	t->total_len = cpu_to_be32(bpfsig_blob_total_len(sig_len));
}
