// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libbpfsig: program and attach type names, as libbpf spells them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "libbpfsig_internal.h"

/* Upper bound for probing libbpf's name tables (they return NULL past end). */
#define MAX_ENUM 256

static int parse_num(const char *s, __u32 *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

int bpfsig_prog_type_by_name(const char *name, __u32 *type)
{
	const char *s;
	int i;

	if (!name || !type)
		return bpfsig_err(-EINVAL);
	if (!parse_num(name, type))
		return 0;
	if (!strncasecmp(name, "BPF_PROG_TYPE_", 14))
		name += 14;
	for (i = 0; i < MAX_ENUM; i++) {
		s = libbpf_bpf_prog_type_str(i);
		if (s && !strcasecmp(s, name)) {
			*type = i;
			return 0;
		}
	}
	return bpfsig_err(-ENOENT);
}

int bpfsig_attach_type_by_name(const char *name, __u32 *type)
{
	const char *s;
	int i;

	if (!name || !type)
		return bpfsig_err(-EINVAL);
	if (!parse_num(name, type))
		return 0;
	if (!strncasecmp(name, "BPF_", 4))
		name += 4;
	for (i = 0; i < MAX_ENUM; i++) {
		s = libbpf_bpf_attach_type_str(i);
		if (s && !strcasecmp(s, name)) {
			*type = i;
			return 0;
		}
	}
	return bpfsig_err(-ENOENT);
}
