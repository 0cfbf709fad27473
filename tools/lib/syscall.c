// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: interposing libc's syscall() to see libbpf's bpf(2) calls.
 *
 * libbpf (shared libbpf.so.1 and the static copy inside bpftool alike)
 * enters the kernel through libc's syscall(__NR_bpf, ...), called through
 * the PLT. A definition of syscall() that comes before libc in the global
 * lookup scope therefore receives every call:
 *  - the bpfsig CLI links libbpfsig.a and exports syscall from the
 *    executable (-Wl,--export-dynamic-symbol=syscall);
 *  - programs linked against libbpfsig.so get it from there (libbpfsig.so
 *    has no symbol versioning, so its unversioned definition satisfies
 *    libbpf's syscall@GLIBC_2.2.5 reference);
 *  - libbpfsig-preload.so is put first with LD_PRELOAD.
 * Every call that is not bpf(2) under an active hook is forwarded to the
 * next definition (libc's), found with dlsym(RTLD_NEXT).
 *
 * A hook is per thread (bpfsig_hook_push()), or process-wide (the preload
 * library). bpfsig_hook_selftest() proves the interposition is effective
 * before anything depends on it.
 *
 * While a hook with a vmlinux_btf path is active, opening
 * /sys/kernel/btf/vmlinux (libbpf's btf__load_vmlinux_btf(): faccessat,
 * then fopen or open) opens the hook's target kernel BTF instead, so that
 * ksyms, kfuncs and attach targets resolve against the target kernel.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "libbpfsig_internal.h"
#include "hook.h"

#define SYSFS_VMLINUX "/sys/kernel/btf/vmlinux"

typedef long (*syscall_fn)(long, ...);
typedef FILE *(*fopen_fn)(const char *, const char *);
typedef int (*open_fn)(const char *, int, ...);
typedef int (*faccessat_fn)(int, const char *, int, int);

static syscall_fn next_syscall;
static fopen_fn next_fopen, next_fopen64;
static open_fn next_open, next_open64;
static faccessat_fn next_faccessat;
static pthread_once_t next_once = PTHREAD_ONCE_INIT;

static __thread struct bpfsig_hook *thread_hook;
static __thread int in_hook;
static struct bpfsig_hook *global_hook;

static void resolve_next(void)
{
	next_syscall = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
	next_fopen = (fopen_fn)dlsym(RTLD_NEXT, "fopen");
	next_fopen64 = (fopen_fn)dlsym(RTLD_NEXT, "fopen64");
	next_open = (open_fn)dlsym(RTLD_NEXT, "open");
	next_open64 = (open_fn)dlsym(RTLD_NEXT, "open64");
	next_faccessat = (faccessat_fn)dlsym(RTLD_NEXT, "faccessat");
}

static void ensure_next(void)
{
	pthread_once(&next_once, resolve_next);
}

long bpfsig_real_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
			 long a6)
{
	ensure_next();
	if (!next_syscall) {
		errno = ENOSYS;
		return -1;
	}
	return next_syscall(nr, a1, a2, a3, a4, a5, a6);
}

long bpfsig_real_bpf(int cmd, void *attr, unsigned int size)
{
	return bpfsig_real_syscall(__NR_bpf, cmd, (long)attr, size, 0, 0, 0);
}

static struct bpfsig_hook *active_hook(void)
{
	if (in_hook)
		return NULL;
	return thread_hook ? thread_hook : global_hook;
}

__attribute__((visibility("default")))
long syscall(long nr, ...)
{
	struct bpfsig_hook *hook;
	long a[6], ret;
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	if (nr == __NR_bpf && (hook = active_hook())) {
		hook->calls++;
		in_hook = 1;
		ret = hook->bpf(hook, (int)a[0], (void *)a[1],
				(unsigned int)a[2]);
		in_hook = 0;
		if (ret < 0) {
			errno = -ret;
			return -1;
		}
		return ret;
	}
	return bpfsig_real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static const char *redirect(const char *path)
{
	struct bpfsig_hook *hook = active_hook();

	if (hook && hook->vmlinux_btf && path && !strcmp(path, SYSFS_VMLINUX))
		return hook->vmlinux_btf;
	return path;
}

__attribute__((visibility("default")))
FILE *fopen(const char *path, const char *mode)
{
	ensure_next();
	return next_fopen(redirect(path), mode);
}

__attribute__((visibility("default")))
FILE *fopen64(const char *path, const char *mode)
{
	ensure_next();
	return (next_fopen64 ?: next_fopen)(redirect(path), mode);
}

__attribute__((visibility("default")))
int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	ensure_next();
	return next_open(redirect(path), flags, mode);
}

__attribute__((visibility("default")))
int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	ensure_next();
	return (next_open64 ?: next_open)(redirect(path), flags, mode);
}

__attribute__((visibility("default")))
int faccessat(int dirfd, const char *path, int mode, int flags)
{
	ensure_next();
	return next_faccessat(dirfd, redirect(path), mode, flags);
}

void bpfsig_hook_push(struct bpfsig_hook *hook)
{
	ensure_next();
	hook->prev = thread_hook;
	thread_hook = hook;
}

void bpfsig_hook_pop(struct bpfsig_hook *hook)
{
	thread_hook = hook->prev;
}

void bpfsig_hook_set_global(struct bpfsig_hook *hook)
{
	ensure_next();
	global_hook = hook;
}

static long selftest_bpf(struct bpfsig_hook *hook, int cmd, void *attr,
			 unsigned int size)
{
	(void)hook;
	(void)attr;
	(void)size;
	return cmd == BPF_BTF_GET_NEXT_ID ? -ENOENT : -EINVAL;
}

int bpfsig_hook_selftest(void)
{
	struct bpfsig_hook hook = { .bpf = selftest_bpf };
	__u32 id = 0;

	bpfsig_hook_push(&hook);
	/* libbpf's own wrapper: proves libbpf's calls reach us */
	bpf_btf_get_next_id(0, &id);
	bpfsig_hook_pop(&hook);
	if (!hook.calls) {
		pr_warn("libbpf's bpf() calls bypass libbpfsig's syscall() (is libbpf linked statically with -Bsymbolic, or libbpfsig.so loaded after libc?)\n");
		return -ENOTSUP;
	}
	return 0;
}
