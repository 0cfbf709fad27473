// SPDX-License-Identifier: GPL-2.0
/*
 * btf_alter: write a kernel BTF that is NOT the pinned kernel's, to sign the
 * corpus for "another kernel" (the same object signed only for it must be
 * refused on the pinned kernel).
 *
 *   btf_alter IN_BTF OUT_BTF
 *
 * IN_BTF: raw BTF or an ELF with .BTF. OUT_BTF: raw BTF where every type id
 * is one higher (a dummy type comes first: kfunc and ksym BTF ids move) and
 * every struct member sits 8 bytes further (CO-RE field offsets move). All
 * names are kept, so libbpf still resolves every symbol, attach target and
 * relocation against it, with different results.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>

int main(int argc, char **argv)
{
	struct btf *src, *dst;
	const void *raw;
	__u32 i, n, j, size;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: %s IN_BTF OUT_BTF\n", argv[0]);
		return 2;
	}
	src = btf__parse(argv[1], NULL);
	if (!src) {
		fprintf(stderr, "%s: cannot parse BTF: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	dst = btf__new_empty();
	if (!dst || btf__add_int(dst, "bpfsig_corpus_shift", 4, 0) < 0 ||
	    btf__add_btf(dst, src) < 0) {
		fprintf(stderr, "%s: cannot copy BTF: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	n = btf__type_cnt(dst);
	for (i = 1; i < n; i++) {
		/*
		 * btf__add_btf() copied the types into dst's own writable
		 * buffer; raw data is generated from it below
		 */
		struct btf_type *t = (struct btf_type *)btf__type_by_id(dst, i);
		struct btf_member *m;

		if (!btf_is_struct(t))
			continue;
		t->size += 8;
		m = btf_members(t);
		for (j = 0; j < btf_vlen(t); j++)
			m[j].offset += 64;	/* bits; kflag: low 24 bits */
	}
	raw = btf__raw_data(dst, &size);
	f = fopen(argv[2], "wb");
	if (!raw || !f || fwrite(raw, 1, size, f) != size || fclose(f)) {
		fprintf(stderr, "%s: cannot write: %s\n", argv[2],
			strerror(errno));
		return 1;
	}
	btf__free(dst);
	btf__free(src);
	return 0;
}
