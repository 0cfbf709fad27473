// SPDX-License-Identifier: GPL-2.0
/*
 * capture.c - bpf(2) without libbpf, and libbpf's program loads captured.
 *
 * libbpf calls the kernel through libc's syscall(); the harness defines its
 * own (exported with --export-dynamic-symbol, see bench/Makefile), passes
 * every call on, and keeps a copy of each successful BPF_PROG_LOAD while
 * capturing is on: attributes, instructions, license, func/line info and
 * the file descriptors they refer to. corpus.c replays them.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "bench.h"

static long (*real_syscall)(long nr, ...);

static bool capturing;
static struct capture *captured;
static size_t n_captured;

static void *dup_mem(__u64 ptr, size_t len)
{
	void *p;

	if (!ptr || !len)
		return NULL;
	p = malloc(len);
	if (p)
		memcpy(p, (void *)(unsigned long)ptr, len);
	return p;
}

/* Slots of attr.fd_array the instructions refer to (kfunc BTF, map index). */
static size_t fd_array_len(const struct bpf_insn *insns, __u32 cnt)
{
	size_t n = 0;
	__u32 i;

	for (i = 0; i < cnt; i++) {
		const struct bpf_insn *in = &insns[i];

		if (in->code == (BPF_JMP | BPF_CALL) &&
		    in->src_reg == BPF_PSEUDO_KFUNC_CALL && in->off > 0 &&
		    (size_t)in->off + 1 > n)
			n = in->off + 1;
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    (in->src_reg == BPF_PSEUDO_MAP_IDX ||
		     in->src_reg == BPF_PSEUDO_MAP_IDX_VALUE) &&
		    (size_t)in->imm + 1 > n)
			n = in->imm + 1;
	}
	return n;
}

/* Our own copies of the file descriptors libbpf closes after the load. */
static void keep_fds(struct capture *c)
{
	const union bpf_attr *a = &c->attr;

	/*
	 * libbpf frees its fd_array (module BTF fds of kfunc calls) after the
	 * load; the kernel 6.1 takes no length: the slots used are those the
	 * instructions name.
	 */
	if (a->fd_array && c->insns) {
		size_t i, n = fd_array_len(c->insns, a->insn_cnt);

		c->fd_array = dup_mem(a->fd_array, n * sizeof(int));
		for (i = 0; c->fd_array && i < n; i++)
			if (c->fd_array[i] > 0)
				c->fd_array[i] = dup(c->fd_array[i]);
	}
	/*
	 * libbpf also closes the module BTF fds it used once the object is
	 * loaded: keep our own (ksyms in modules, attach targets in modules).
	 * Both are outside the canonical form, so the signature is unchanged.
	 */
	for (__u32 i = 0; c->insns && i + 1 < a->insn_cnt; i++)
		if (c->insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    c->insns[i].src_reg == BPF_PSEUDO_BTF_ID && c->insns[i + 1].imm > 0)
			c->insns[i + 1].imm = dup(c->insns[i + 1].imm);
	/* attach_btf_obj_fd shares its slot with attach_prog_fd: dup either */
	if (c->attr.attach_btf_obj_fd > 0)
		c->attr.attach_btf_obj_fd = dup(c->attr.attach_btf_obj_fd);
}

static void capture(const void *uattr, unsigned int size, int fd)
{
	struct capture *c;
	const union bpf_attr *a;

	captured = realloc(captured, (n_captured + 1) * sizeof(*captured));
	c = &captured[n_captured++];
	memset(c, 0, sizeof(*c));
	memcpy(&c->attr, uattr, size < sizeof(c->attr) ? size : sizeof(c->attr));
	a = &c->attr;
	c->fd = fd;
	c->insns = dup_mem(a->insns, (size_t)a->insn_cnt * sizeof(struct bpf_insn));
	c->license = a->license ? strdup((char *)(unsigned long)a->license) : NULL;
	c->func_info = dup_mem(a->func_info,
			       (size_t)a->func_info_cnt * a->func_info_rec_size);
	c->line_info = dup_mem(a->line_info,
			       (size_t)a->line_info_cnt * a->line_info_rec_size);
	keep_fds(c);
}

/*
 * libbpf calls the kernel through libc's syscall(); this definition in the
 * executable takes precedence (exported with --export-dynamic-symbol).
 */
long syscall(long nr, ...)
{
	long a[6], ret;
	va_list ap;
	int i, e;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	ret = real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (capturing && nr == __NR_bpf && a[0] == BPF_PROG_LOAD && ret >= 0) {
		e = errno;
		capture((void *)a[1], a[2], ret);
		errno = e;
	}
	return ret;
}

__attribute__((constructor)) static void init_syscall(void)
{
	real_syscall = dlsym(RTLD_NEXT, "syscall");
	if (!real_syscall) {
		fprintf(stderr, "bench: dlsym(syscall): %s\n", dlerror());
		exit(1);
	}
}

long sys_bpf(int cmd, void *attr, unsigned int size)
{
	return real_syscall(__NR_bpf, cmd, attr, size);
}

void capture_set(bool on)
{
	capturing = on;
}

/* The last captured load that returned @fd. */
struct capture *find_capture(int fd)
{
	size_t i;

	for (i = n_captured; i-- > 0;)
		if (captured[i].fd == fd)
			return &captured[i];
	return NULL;
}
