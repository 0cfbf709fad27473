// SPDX-License-Identifier: GPL-2.0
/*
 * sign.c - keys, signatures, and the refused cases: appendices that are
 * missing, malformed, forged, from a key not enrolled, or for another
 * program type or size. The forgeries start from real signatures.
 */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bpfsig.h"
#include "format.h"
#include "bench.h"

const struct refused_case refused[] = {
	{ "unsigned", EPERM },
	{ "malformed", EBADMSG },
	{ "forged-badsig", EKEYREJECTED },
	{ "forged-garbage", EBADMSG },
	{ "forged-untrusted", ENOKEY },
	{ "wrong-type", EKEYREJECTED },
	{ "wrong-size", EKEYREJECTED },
};
_Static_assert(ARRAY_SIZE(refused) == NR_REFUSED, "NR_REFUSED cases");

struct bpfsig_key *key_load(const char *name)
{
	char key[PATH_MAX], cert[PATH_MAX];
	struct bpfsig_key *k;

	snprintf(key, sizeof(key), "%s/%s.key", bench.keys_dir, name);
	snprintf(cert, sizeof(cert), "%s/%s.der", bench.keys_dir, name);
	k = bpfsig_key__load(key, cert, NULL);
	if (!k) {
		fprintf(stderr, "bench: key %s: %s\n", key, strerror(errno));
		exit(1);
	}
	return k;
}

void sign(const struct bpfsig_key *key, __u32 type, __u32 eat,
	  const struct bpf_insn *insns, __u32 cnt, void **app, size_t *len)
{
	BPFSIG_OPTS(bpfsig_sign_opts, opts, .hash = "sha256");
	int err;

	err = bpfsig_sign_insns(key, &opts, type, eat, insns, cnt, app, len);
	if (err) {
		fprintf(stderr, "bench: signing: %s\n", bpfsig_strerror(err));
		exit(1);
	}
}

/* Flip a trailer's reserved byte: a well-formed-looking but malformed tail. */
static void break_trailer(void *app, size_t len)
{
	struct bpfsig_trailer *t = (void *)((char *)app + len - sizeof(*t));

	t->reserved1[0] = 0x5a;
}

/*
 * Flip a bit near the end of the CMS blob: with no unsigned attributes, the
 * last bytes are the RSA signature value. Still well-formed, still naming
 * the enrolled key: only the RSA verification can tell.
 */
static void break_rsa(void *app, size_t len)
{
	struct bpfsig_trailer *t = (void *)((char *)app + len - sizeof(*t));
	unsigned char *cms = (unsigned char *)app + BPFSIG_STATEMENT_SIZE;

	cms[be32toh(t->sig_len) - 5] ^= 0x01;
}

/* Replace the CMS blob with pseudo-random bytes of the same length. */
static void garble_cms(void *app, size_t len)
{
	struct bpfsig_trailer *t = (void *)((char *)app + len - sizeof(*t));
	unsigned char *cms = (unsigned char *)app + BPFSIG_STATEMENT_SIZE;
	__u32 i, sig_len = be32toh(t->sig_len);
	__u64 x = 0x9e3779b97f4a7c15ULL;

	for (i = 0; i < sig_len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		cms[i] = x;
	}
}

/* A copy of the valid appendix @app/@len, broken as case @name says. */
static void *break_copy(const char *name, const void *app, size_t len)
{
	void *app2 = malloc(len);

	memcpy(app2, app, len);
	if (!strcmp(name, "malformed"))
		break_trailer(app2, len);
	else if (!strcmp(name, "forged-badsig"))
		break_rsa(app2, len);
	else
		garble_cms(app2, len);
	return app2;
}

/*
 * The buffer of refused case @rc for program @p, whose valid appendix
 * (trusted key, socket filter) is @app/@len.
 */
struct prog build_refused(const struct refused_case *rc,
			  const struct family *f, const struct prog *p,
			  const void *app, size_t len,
			  struct bpfsig_key *trusted,
			  struct bpfsig_key *untrusted)
{
	const __u32 sf = BPF_PROG_TYPE_SOCKET_FILTER;
	struct prog b, p1;
	size_t len2;
	void *app2;

	if (!strcmp(rc->name, "unsigned"))
		return with_appendix(p, NULL, 0);
	if (!strcmp(rc->name, "forged-untrusted")) {
		sign(untrusted, sf, 0, p->insns, p->cnt, &app2, &len2);
	} else if (!strcmp(rc->name, "wrong-type")) {
		sign(trusted, BPF_PROG_TYPE_SCHED_CLS, 0, p->insns, p->cnt,
		     &app2, &len2);
	} else if (!strcmp(rc->name, "wrong-size")) {
		make_family(f, &p1, 1, 1);
		sign(trusted, sf, 0, p1.insns, p1.cnt, &app2, &len2);
		free(p1.insns);
	} else {
		app2 = break_copy(rc->name, app, len);
		len2 = len;
	}
	b = with_appendix(p, app2, len2);
	free(app2);
	return b;
}
