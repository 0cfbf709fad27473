// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: one signed load, built the one way the loader, the preload
 * library and object verification all need it: the program's instructions
 * with a record's appendix after them, insn_cnt grown by appendix_len / 8
 * (Documentation/format-elf.md, "Loading").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>

#include "libbpfsig_internal.h"
#include "hook.h"

void *bpfsig_insns_append(const struct bpf_insn *insns, __u32 insn_cnt,
			  const struct bpfsig_record *rec, size_t *len)
{
	size_t n = (size_t)insn_cnt * sizeof(*insns);
	char *buf = malloc(n + rec->appendix_len);

	if (!buf)
		return NULL;
	memcpy(buf, insns, n);
	memcpy(buf + n, rec->appendix, rec->appendix_len);
	*len = n + rec->appendix_len;
	return buf;
}

union bpf_attr *bpfsig_attr_copy(const void *uattr, unsigned int size)
{
	size_t alloc = size > sizeof(union bpf_attr) ? size :
						       sizeof(union bpf_attr);
	union bpf_attr *attr = calloc(1, alloc);

	if (attr)
		memcpy(attr, uattr, size);
	return attr;
}

int bpfsig_prog_load_copy(int cmd, const void *uattr, unsigned int size,
			  union bpf_attr **attrp)
{
	const struct bpf_insn *insns;
	struct bpfsig_blob blob;
	union bpf_attr *attr;

	/* attr may stop before expected_attach_type (libbpf's prog name
	 * probe): the zero-filled copy gives the kernel's implicit 0 */
	if (cmd != BPF_PROG_LOAD || !uattr ||
	    size < offsetofend(union bpf_attr, insns))
		return 0;
	attr = bpfsig_attr_copy(uattr, size);
	if (!attr)
		return -ENOMEM;
	insns = (const void *)(unsigned long)attr->insns;
	if (!insns || !attr->insn_cnt ||
	    !bpfsig_blob_parse(insns, (__u64)attr->insn_cnt * 8, &blob)) {
		free(attr);	/* nothing to sign, or signed already */
		return 0;
	}
	*attrp = attr;
	return 1;
}

long bpfsig_prog_load_signed(union bpf_attr *attr, unsigned int size,
			     const struct bpfsig_record *rec)
{
	const struct bpf_insn *insns = (const void *)(unsigned long)attr->insns;
	size_t len;
	void *buf;
	long ret;

	buf = bpfsig_insns_append(insns, attr->insn_cnt, rec, &len);
	if (!buf)
		return -ENOMEM;
	attr->insns = (unsigned long)buf;
	attr->insn_cnt = len / sizeof(*insns);
	ret = bpfsig_real_bpf(BPF_PROG_LOAD, attr, size);
	attr->insns = (unsigned long)insns;
	attr->insn_cnt -= rec->appendix_len / sizeof(*insns);
	free(buf);
	return ret;
}

struct bpf_program *bpfsig_load_program(struct bpf_object *obj,
					const union bpf_attr *attr)
{
	struct bpf_program *prog;

	if (!obj)
		return NULL;
	bpf_object__for_each_program(prog, obj)
		if ((__u64)(unsigned long)bpf_program__insns(prog) ==
		    attr->insns)
			return prog;
	return NULL;
}
