/* SPDX-License-Identifier: GPL-2.0 */
/*
 * corpus-run internals (see runner.c for the commands):
 *   util.c     TAP reporting, libbpf/libbpfsig messages, objects, maps,
 *              global variables
 *   replay.c   the refusals: every signed load replayed unsigned, tampered,
 *              rewritten or with another program's signature; loaders that
 *              rewrite; signatures for another kernel (alt.btf, or the
 *              pinned kernel's real BTF)
 *   net.c      sockets, the network namespace, and the exercises shared by
 *              every loader (XDP, TC, socket filter, cgroup_skb)
 *   runner.c   one test per object with the libbpfsig loader; commands for
 *              programs that other loaders loaded
 */
#ifndef BPFSIG_CORPUS_RUNNER_H
#define BPFSIG_CORPUS_RUNNER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>

#include "bpfsig.h"

#define HOST_ADDR	"10.199.0.1"	/* veth0 */
#define NS_ADDR		"10.199.0.2"	/* veth1, namespace "corpus" */
#define NETNS_PATH	"/run/netns/corpus"
#define BPFFS		"/sys/fs/bpf"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- util.c ------------------------------------------------------------- */

extern const char *dir;		/* $CORPUS_DIR: the built corpus */
extern int failed;		/* checks that failed so far */
extern char msgs[];		/* libbpf/libbpfsig messages since msgs_clear() */
extern int quiet;		/* don't echo warnings as diagnostics */

/* "ok corpus.NAME", or "not ok corpus.NAME # <fmt...>" */
void report(int pass, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *errname(int err);
void msgs_clear(void);
int on_libbpf_msg(enum libbpf_print_level level, const char *fmt,
		 va_list args);
int on_bpfsig_msg(enum bpfsig_print_level level, const char *fmt,
		 va_list args);

#define expect_eq(name, want, got)					\
	do {								\
		long long w_ = (long long)(want), g_ = (long long)(got); \
		report(w_ == g_, name, "want %lld, got %lld", w_, g_);	\
	} while (0)

#define expect_err(name, want, got)					\
	do {								\
		int w_ = (want), g_ = (got);				\
		report(w_ == g_, name, "want %d (%s), got %d (%s)", w_,	\
		       errname(w_), g_, g_ < 0 ? errname(g_) : "success"); \
	} while (0)

struct obj {
	const char *name;		/* corpus object, e.g. "xdp_fw" */
	char path[512];
	struct bpf_object *bo;
	struct bpf_link *links[16];
	int nr_links;
};

int obj_open(struct obj *o, const char *name, const char *variant);
int obj_load(struct obj *o);
void obj_close(struct obj *o);
struct bpf_program *prog(struct obj *o, const char *name);
int map_fd(struct obj *o, const char *name);
int attach(struct obj *o, const char *name);
int keep_link(struct obj *o, struct bpf_link *l);
int set_var(struct obj *o, const char *sec, const char *var,
	    const void *val, __u32 len);
long long get_var(struct obj *o, const char *sec, const char *var);
int get_str_var(struct obj *o, const char *var, char *out, size_t len);
long long map_u64(int fd, const void *key);
long long map_idx(int fd, __u32 idx);
int newest_map(const char *name);
long long kconfig_value(const char *name);

/* ---- replay.c ------------------------------------------------------------ */

void negatives(struct obj *o);
void loader_rewrite(const char *name, const char *pname);
void test_target(const char *name);
void test_pinned_build(const char *name);

/* ---- net.c --------------------------------------------------------------- */

int udp_socket(const char *addr, int port, int timeout_ms);
int udp_port(int s);
int udp_send(int port, const char *msg);
int udp_recv(int s, char *buf, size_t len);
int ns_udp_arrives(int port);
void xdp_exercise(const char *label, int blocked, int stats, int seen);
void tc_exercise(const char *label, int drop_port, int verdicts, int protos);
void sock_exercise(const char *label, int prog_fd, int verdicts);
void cg_exercise(const char *label, const char *cgroup, int counts);

#endif /* BPFSIG_CORPUS_RUNNER_H */
