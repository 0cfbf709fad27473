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

/* A libbpf enum name (optionally with its C prefix) or a number. */
static int enum_by_name(const char *name, const char *prefix,
			const char *(*str)(int), __u32 *out)
{
	size_t plen = strlen(prefix);
	const char *s;
	int i;

	if (!name || !out)
		return bpfsig_err(-EINVAL);
	if (!parse_num(name, out))
		return 0;
	if (!strncasecmp(name, prefix, plen))
		name += plen;
	for (i = 0; i < MAX_ENUM; i++) {
		s = str(i);
		if (s && !strcasecmp(s, name)) {
			*out = i;
			return 0;
		}
	}
	return bpfsig_err(-ENOENT);
}

static const char *prog_type_str(int i)
{
	return libbpf_bpf_prog_type_str(i);
}

static const char *attach_type_str(int i)
{
	return libbpf_bpf_attach_type_str(i);
}

int bpfsig_prog_type_by_name(const char *name, __u32 *type)
{
	return enum_by_name(name, "BPF_PROG_TYPE_", prog_type_str, type);
}

int bpfsig_attach_type_by_name(const char *name, __u32 *type)
{
	return enum_by_name(name, "BPF_", attach_type_str, type);
}
