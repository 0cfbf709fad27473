// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: hooks on libbpf's bpf(2) calls (see hook.h).
 *
 * libbpf (the shared libbpf.so.1, or a static copy linked into the
 * program) enters the kernel through libc's syscall(__NR_bpf, ...) and
 * reads the kernel's BTF with faccessat(), then fopen() or open(), of
 * /sys/kernel/btf/vmlinux (btf__load_vmlinux_btf()). libbpf 1.1 has no
 * hook of its own for either (btf_custom_path covers CO-RE relocations
 * only; its program handlers see neither the feature probes nor the
 * instructions). The first object function redirects libbpf's imports of
 * these functions to the replacements below; each passes the call on
 * unchanged unless the calling thread is inside a hook: then bpf(2) goes
 * to the hook, and the kernel BTF path is replaced by the hook's target
 * BTF, so that ksyms, kfuncs and attach targets resolve against the target
 * kernel. Nothing but libbpf's own calls is touched.
 */
#include <assert.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hook.h"

#define SYSFS_VMLINUX "/sys/kernel/btf/vmlinux"

typedef FILE *(*fopen_fn)(const char *, const char *);
typedef int (*open_fn)(const char *, int, ...);
typedef int (*faccessat_fn)(int, const char *, int, int);

static __thread struct bpfsig_hook *thread_hook;
static __thread int in_hook;
static struct bpfsig_hook *global_hook;

static struct bpfsig_hook *active_hook(void)
{
	if (in_hook)
		return NULL;
	return thread_hook ? thread_hook : global_hook;
}

long bpfsig_hook_vsyscall(bpfsig_syscall_fn next, long nr, va_list ap)
{
	struct bpfsig_hook *hook;
	long a[6], ret;
	int i;

	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	hook = nr == __NR_bpf ? active_hook() : NULL;
	if (!hook) {
		if (!next) {
			errno = ENOSYS;
			return -1;
		}
		return next(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	hook->calls++;
	in_hook = 1;
	ret = hook->bpf(hook, (int)a[0], (void *)a[1], (unsigned int)a[2]);
	in_hook = 0;
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

/* libbpfsig's own call: libbpf's redirected imports are not libbpfsig's */
long bpfsig_real_bpf(int cmd, void *attr, unsigned int size)
{
	long ret = syscall(__NR_bpf, cmd, attr, size);

	return ret < 0 ? -errno : ret;
}

void bpfsig_hook_push(struct bpfsig_hook *hook)
{
	hook->prev = thread_hook;
	thread_hook = hook;
}

void bpfsig_hook_pop(struct bpfsig_hook *hook)
{
	thread_hook = hook->prev;
}

void bpfsig_hook_set_global(struct bpfsig_hook *hook)
{
	global_hook = hook;
}

/* ---- the replacements for libbpf's imports ----------------------------- */

/*
 * What libbpf called before (the first definition in the lookup scope). On
 * LP64, open64() and fopen64() are open() and fopen(): one replacement
 * serves both names.
 */
static struct {
	bpfsig_syscall_fn syscall;
	open_fn open;
	fopen_fn fopen;
	faccessat_fn faccessat;
} next;

static_assert(sizeof(off_t) == 8, "open64() is open()");

static const char *redirect(const char *path)
{
	struct bpfsig_hook *hook = active_hook();

	if (hook && hook->vmlinux_btf && path && !strcmp(path, SYSFS_VMLINUX))
		return hook->vmlinux_btf;
	return path;
}

static long hooked_syscall(long nr, ...)
{
	va_list ap;
	long ret;

	va_start(ap, nr);
	ret = bpfsig_hook_vsyscall(next.syscall, nr, ap);
	va_end(ap);
	return ret;
}

static int hooked_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return next.open(redirect(path), flags, mode);
}

static FILE *hooked_fopen(const char *path, const char *mode)
{
	return next.fopen(redirect(path), mode);
}

static int hooked_faccessat(int dirfd, const char *path, int mode, int flags)
{
	return next.faccessat(dirfd, redirect(path), mode, flags);
}

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_err;

static void install(void)
{
	static const struct bpfsig_import imp[] = {
		{ "syscall",	hooked_syscall },
		{ "open",	hooked_open },
		{ "open64",	hooked_open },
		{ "fopen",	hooked_fopen },
		{ "fopen64",	hooked_fopen },
		{ "faccessat",	hooked_faccessat },
	};
	int ret;

	next.syscall = (bpfsig_syscall_fn)dlsym(RTLD_DEFAULT, "syscall");
	next.open = (open_fn)dlsym(RTLD_DEFAULT, "open");
	next.fopen = (fopen_fn)dlsym(RTLD_DEFAULT, "fopen");
	next.faccessat = (faccessat_fn)dlsym(RTLD_DEFAULT, "faccessat");
	if (!next.syscall || !next.open || !next.fopen || !next.faccessat) {
		install_err = -ENOENT;
		return;
	}
	/* the object that holds libbpf: libbpf.so.1, or the program */
	ret = bpfsig_got_redirect((const void *)bpf_object__load, imp,
				  sizeof(imp) / sizeof(imp[0]));
	install_err = ret < 0 ? ret : 0;
}

static long selftest_bpf(struct bpfsig_hook *hook, int cmd, void *attr,
			 unsigned int size)
{
	(void)hook;
	(void)attr;
	(void)size;
	return cmd == BPF_BTF_GET_NEXT_ID ? -ENOENT : -EINVAL;
}

int bpfsig_hook_ready(void)
{
	struct bpfsig_hook hook = { .bpf = selftest_bpf };
	__u32 id = 0;

	pthread_once(&install_once, install);
	if (install_err) {
		pr_warn("cannot redirect libbpf's system calls: %s\n",
			strerror(-install_err));
		return -ENOTSUP;
	}
	bpfsig_hook_push(&hook);
	/* libbpf's own wrapper: proves libbpf's calls reach us */
	bpf_btf_get_next_id(0, &id);
	bpfsig_hook_pop(&hook);
	if (!hook.calls) {
		pr_warn("libbpf's bpf() calls bypass libbpfsig (a static executable, or a libbpf making raw system calls?)\n");
		return -ENOTSUP;
	}
	return 0;
}
