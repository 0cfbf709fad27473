// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig-preload.so: LD_PRELOAD library for 'bpfsig exec'.
 *
 * The one place where bpfsig defines a libc function: syscall() below,
 * first in the lookup scope through LD_PRELOAD, receives libbpf's bpf(2)
 * calls -- from libbpf.so.1, from a libbpf dlopen()ed later and from
 * programs that carry a static libbpf (bpftool) alike, as all call libc's
 * syscall() through the PLT -- and hands them to libbpfsig's hooks
 * (lib/hook.h). This constructor installs a process-wide hook: every
 * BPF_PROG_LOAD whose statement matches a signature from the files in
 * $BPFSIG_SIGS (colon-separated: signed objects or bundles) gets it
 * appended; other loads pass unsigned and are reported on stderr, or are
 * refused with ENOKEY when $BPFSIG_STRICT=1. A load that the kernel's
 * bpfsig refuses is reported on stderr, with the reason (refusal.c). At
 * exit, the loads that found no signature are listed again, with what
 * became of them (report.c): a loader that falls back silently when a load
 * is refused is no longer silent. With $BPFSIG_RECORD set ('bpfsig
 * record'), every load is appended to that file instead (record.c) and
 * passes to the kernel unchanged. Other calls pass through to the next
 * syscall() (libc's).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>

#include "libbpfsig_internal.h"
#include "hook.h"
#include "refusal.h"
#include "capture.h"

static struct bpfsig_sigset *sigs;
static bool strict;
static bpfsig_syscall_fn next_syscall;

__attribute__((visibility("default")))
long syscall(long nr, ...)
{
	va_list ap;
	long ret;

	/* may run before the constructor: other libraries' initializers */
	if (!next_syscall)
		next_syscall = (bpfsig_syscall_fn)dlsym(RTLD_NEXT, "syscall");
	va_start(ap, nr);
	ret = bpfsig_hook_vsyscall(next_syscall, nr, ap);
	va_end(ap);
	return ret;
}

/* A load: with the matching signature appended, or unsigned: fd or -errno */
static long load(int cmd, void *uattr, unsigned int size, bool *unmatched)
{
	const struct bpfsig_record *rec;
	union bpf_attr *attr;
	long ret;

	ret = bpfsig_prog_load_copy(cmd, uattr, size, &attr);
	if (ret <= 0)
		return ret ?: bpfsig_real_bpf(cmd, uattr, size);
	rec = bpfsig_sigset__find(sigs, attr->prog_type,
				  attr->expected_attach_type,
				  (const void *)(unsigned long)attr->insns,
				  attr->insn_cnt);
	if (rec) {
		ret = bpfsig_prog_load_signed(attr, size, rec);
	} else {
		fprintf(stderr,
			"bpfsig-preload: %s BPF_PROG_LOAD '%.16s' (type %s, %u insns): no matching signature\n",
			strict ? "refusing" : "unsigned", attr->prog_name,
			libbpf_bpf_prog_type_str(attr->prog_type) ?: "?",
			attr->insn_cnt);
		*unmatched = true;
		ret = strict ? -ENOKEY : bpfsig_real_bpf(cmd, uattr, size);
		bpfsig_unmatched_add(attr, ret, strict);
	}
	free(attr);
	return ret;
}

static long preload_bpf(struct bpfsig_hook *hook, int cmd, void *uattr,
			unsigned int size)
{
	struct bpfsig_counters before;
	bool watch, unmatched = false;
	long ret;

	(void)hook;
	if (cmd != BPF_PROG_LOAD)
		return bpfsig_real_bpf(cmd, uattr, size);
	/* the module's counters, to tell its refusals from the kernel's */
	watch = !bpfsig_refusal_counters(&before);
	if (bpfsig_recording())
		ret = bpfsig_record_load(cmd, uattr, size);
	else
		ret = load(cmd, uattr, size, &unmatched);
	if (watch && !(strict && unmatched))
		bpfsig_refusal_explain(uattr, size, ret, &before);
	return ret;
}

static struct bpfsig_hook hook = { .bpf = preload_bpf };

static int quiet_print(enum bpfsig_print_level level, const char *fmt,
		       va_list args)
{
	if (level != BPFSIG_WARN)
		return 0;
	fputs("bpfsig-preload: ", stderr);
	return vfprintf(stderr, fmt, args);
}

__attribute__((constructor))
static void preload_init(void)
{
	const char *env = getenv("BPFSIG_SIGS"), *s;
	char *list, *tok, *save = NULL;

	bpfsig_set_print(quiet_print);
	s = getenv("BPFSIG_STRICT");
	strict = s && *s && strcmp(s, "0");
	if (bpfsig_record_init()) {
		bpfsig_hook_set_global(&hook);
		return;
	}
	sigs = bpfsig_sigset__new();
	if (!sigs)
		return;
	if (!env || !*env)
		fprintf(stderr, "bpfsig-preload: BPFSIG_SIGS not set: BPF programs load unsigned\n");
	list = strdup(env ?: "");
	for (tok = list ? strtok_r(list, ":", &save) : NULL; tok;
	     tok = strtok_r(NULL, ":", &save)) {
		if (bpfsig_sigset__add_file(sigs, tok))
			fprintf(stderr, "bpfsig-preload: %s: ignored\n", tok);
	}
	free(list);
	/* even without signatures: refusals are still explained */
	bpfsig_hook_set_global(&hook);
}
