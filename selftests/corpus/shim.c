// SPDX-License-Identifier: GPL-2.0
/*
 * libcorpus-shim.so: sits between libbpfsig and the kernel in corpus-run.
 *
 * corpus-run links libbpfsig.a, whose object loader receives libbpf's
 * bpf(2) calls and passes them on, signature appended, to syscall() as the
 * program sees it: the first definition in the lookup scope. corpus-run is
 * linked with this library first, so that definition is ours: we see
 * every BPF_PROG_LOAD exactly as the kernel gets it and forward it to
 * libc. While capturing, each successful load that carries a bpfsig
 * trailer is recorded (attr and instructions), for the runner to replay
 * unsigned, tampered, rewritten or with another program's signature.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <endian.h>

#include "shim.h"

#define TRAILER_SIZE	32
#define MAX_LOADS	64

typedef long (*syscall_fn)(long, ...);

static syscall_fn next_syscall;
static bool capturing;
static struct shim_load loads[MAX_LOADS];
static int nr_loads;

static long real_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
			 long a6)
{
	if (!next_syscall)
		next_syscall = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
	return next_syscall(nr, a1, a2, a3, a4, a5, a6);
}

/* Bytes appended after the program, from a bpfsig trailer, or 0. */
static __u32 appendix_len(const struct bpf_insn *insns, __u32 cnt)
{
	const unsigned char *t;
	__u32 total;

	if (cnt < TRAILER_SIZE / 8)
		return 0;
	t = (const unsigned char *)(insns + cnt) - TRAILER_SIZE;
	if (memcmp(t, "~BPFSIG~", 8))
		return 0;
	memcpy(&total, t + 20, 4);
	total = be32toh(total);
	return total % 8 || total / 8 >= cnt ? 0 : total;
}

static void record(const union bpf_attr *attr, unsigned int size)
{
	const struct bpf_insn *insns = (const void *)(unsigned long)attr->insns;
	struct shim_load *l = NULL;
	__u32 app = appendix_len(insns, attr->insn_cnt);
	int i;

	if (!app || !attr->prog_name[0])
		return;
	for (i = 0; i < nr_loads; i++)
		if (!strcmp(loads[i].name, attr->prog_name))
			l = &loads[i];
	if (!l) {
		if (nr_loads == MAX_LOADS)
			return;
		l = &loads[nr_loads++];
	}
	free(l->insns);
	memset(l, 0, sizeof(*l));
	memcpy(l->name, attr->prog_name, sizeof(l->name));
	l->name[sizeof(l->name) - 1] = 0;
	l->attr_size = size < sizeof(l->attr) ? size : sizeof(l->attr);
	memcpy(&l->attr, attr, l->attr_size);
	l->total_cnt = attr->insn_cnt;
	l->prog_cnt = attr->insn_cnt - app / 8;
	l->insns = malloc((size_t)l->total_cnt * 8);
	if (!l->insns) {
		nr_loads--;
		return;
	}
	memcpy(l->insns, insns, (size_t)l->total_cnt * 8);
	l->attr.insns = (unsigned long)l->insns;
	l->attr.log_buf = 0;
	l->attr.log_size = 0;
	l->attr.log_level = 0;
}

__attribute__((visibility("default")))
long syscall(long nr, ...)
{
	long a[6], ret;
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	ret = real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (ret >= 0 && capturing && nr == __NR_bpf && a[0] == BPF_PROG_LOAD &&
	    a[1])
		record((const union bpf_attr *)a[1], (unsigned int)a[2]);
	return ret;
}

void shim_capture(bool on)
{
	capturing = on;
}

void shim_clear(void)
{
	int i;

	for (i = 0; i < nr_loads; i++)
		free(loads[i].insns);
	memset(loads, 0, sizeof(loads));
	nr_loads = 0;
}

const struct shim_load *shim_find(const char *name)
{
	int i;

	for (i = 0; i < nr_loads; i++)
		if (!strncmp(loads[i].name, name, sizeof(loads[i].name) - 1))
			return &loads[i];
	return NULL;
}

int shim_prog_load(const struct shim_load *l, const struct bpf_insn *insns,
		   __u32 cnt)
{
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	memcpy(&attr, &l->attr, l->attr_size);
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = cnt;
	fd = real_syscall(__NR_bpf, BPF_PROG_LOAD, (long)&attr, l->attr_size,
			  0, 0, 0);
	return fd < 0 ? -errno : (int)fd;
}
