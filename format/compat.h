/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpfsig format code: the few kernel helpers it uses, for userspace.
 *
 * Included only by the format/ sources, never by their users, so that the
 * kernel's names do not leak into userspace code.
 */
#ifndef BPFSIG_FORMAT_COMPAT_H
#define BPFSIG_FORMAT_COMPAT_H

#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/byteorder.h>
#else
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#define be16_to_cpu(x) be16toh(x)
#define be32_to_cpu(x) be32toh(x)
#define cpu_to_be16(x) htobe16(x)
#define cpu_to_be32(x) htobe32(x)
#define BUILD_BUG_ON(c) static_assert(!(c), #c)
#endif

#endif /* BPFSIG_FORMAT_COMPAT_H */
