// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig-preload.so: the report, at exit, of the loads 'bpfsig exec'
 * found no signature for.
 *
 * Many loaders take another path when a load is refused -- a dispatcher
 * loader whose extension (freplace) probe fails attaches in a legacy
 * single-program mode -- and say nothing. Each such load is already named
 * on stderr when it happens, among the loader's own output; at exit they
 * are listed once more, together (the same load repeated counted once),
 * with what became of each and how to sign them: on stderr, and appended
 * to the file $BPFSIG_REPORT when it is set ('bpfsig exec --report').
 * A process that ends without exit() (a signal, _exit(), exec of another
 * program) reports nothing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>

#include "capture.h"
#include "refusal.h"

#define MAX_UNMATCHED 64

static struct unmatched {
	char name[sizeof(((union bpf_attr *)0)->prog_name) + 1];
	__u32 type, insn_cnt;
	__u64 hash;
	long ret;
	bool strict;
	unsigned int times;
} loads[MAX_UNMATCHED];
static unsigned int nloads, dropped;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void bpfsig_unmatched_add(const union bpf_attr *attr, long ret, bool strict)
{
	__u64 h = bpfsig_load_hash(attr);
	struct unmatched *u;
	unsigned int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nloads; i++) {
		u = &loads[i];
		if (u->hash == h && u->type == attr->prog_type &&
		    u->insn_cnt == attr->insn_cnt) {
			u->times++;
			u->ret = ret;
			goto out;
		}
	}
	if (nloads == MAX_UNMATCHED) {
		dropped++;
		goto out;
	}
	u = &loads[nloads++];
	memcpy(u->name, attr->prog_name, sizeof(attr->prog_name));
	u->type = attr->prog_type;
	u->insn_cnt = attr->insn_cnt;
	u->hash = h;
	u->ret = ret;
	u->strict = strict;
	u->times = 1;
out:
	pthread_mutex_unlock(&lock);
}

static void outcome(const struct unmatched *u, char *buf, size_t len)
{
	int err = (int)-u->ret;

	if (u->ret >= 0)
		snprintf(buf, len, "loaded unsigned");
	else if (u->strict && err == ENOKEY)
		snprintf(buf, len, "refused by bpfsig exec --strict");
	else
		snprintf(buf, len, "refused: %s (%s)",
			 bpfsig_errno_name(err) ?: "error", strerror(err));
}

static void report(FILE *f)
{
	char what[128];
	unsigned int i;

	fprintf(f, "bpfsig-preload: report: %u BPF_PROG_LOAD%s without a matching signature (pid %d: %s):\n",
		nloads + dropped, nloads + dropped == 1 ? "" : "s",
		(int)getpid(), bpfsig_cmdline());
	for (i = 0; i < nloads; i++) {
		outcome(&loads[i], what, sizeof(what));
		fprintf(f, "bpfsig-preload:   '%s' (type %s, %u insns): %s",
			loads[i].name,
			libbpf_bpf_prog_type_str(loads[i].type) ?: "?",
			loads[i].insn_cnt, what);
		if (loads[i].times > 1)
			fprintf(f, ", %u times", loads[i].times);
		fputc('\n', f);
	}
	if (dropped)
		fprintf(f, "bpfsig-preload:   and %u more\n", dropped);
	fprintf(f, "bpfsig-preload: a loader may take another path when a load is refused; to sign what it loads, record it where it may load (bpfsig record --out MANIFEST -- CMD...), sign the manifest (bpfsig sign) and pass the bundle to bpfsig exec --sigs: see bpfsig-record(8)\n");
}

__attribute__((destructor))
static void report_at_exit(void)
{
	const char *path = getenv("BPFSIG_REPORT");
	FILE *f;

	pthread_mutex_lock(&lock);
	if (!nloads)
		goto out;
	report(stderr);
	if (!path || !*path)
		goto out;
	f = fopen(path, "ae");
	if (!f) {
		fprintf(stderr, "bpfsig-preload: %s ($BPFSIG_REPORT): %m\n",
			path);
		goto out;
	}
	report(f);
	fclose(f);
out:
	pthread_mutex_unlock(&lock);
}
