/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the bpfsig selftests: raw BPF_PROG_LOAD, signing with
 * libbpfsig, the module's securityfs files and the .bpfsig keyring.
 *
 * Keys are made by selftests/run.sh before the VM boots, in
 * $BPFSIG_TEST_KEYS (default build/selftests/keys): rsa2048, rsa4096 (both
 * enrolled by the tests), untrusted (never enrolled), spare (enrolled and
 * removed by the keyring tests). Each NAME has NAME.key and NAME.der. Keys
 * are enrolled and removed through the securityfs files key_add and
 * key_remove, the only way to change .bpfsig.
 */
#ifndef BPFSIG_SELFTESTS_COMMON_H
#define BPFSIG_SELFTESTS_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <keyutils.h>
#include <openssl/sha.h>

#include "bpfsig.h"
#include "format.h"

#define SFS "/sys/kernel/security/bpfsig/"

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })
#define MOV64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define EXIT_INSN()	INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* A signed (or deliberately broken) buffer ready for BPF_PROG_LOAD. */
struct blob {
	struct bpf_insn *insns;
	__u32 cnt;		/* instructions passed, appendix included */
	__u32 prog_cnt;		/* program instructions */
};

static inline const char *keys_dir(void)
{
	const char *d = getenv("BPFSIG_TEST_KEYS");

	return d ? d : "build/selftests/keys";
}

static inline struct bpfsig_key *test_key(const char *name)
{
	char key[512], cert[512];

	snprintf(key, sizeof(key), "%s/%s.key", keys_dir(), name);
	snprintf(cert, sizeof(cert), "%s/%s.der", keys_dir(), name);
	return bpfsig_key__load(key, cert, NULL);
}

/* Verifier log of the last prog_load_flags() call, for TH_LOG. */
static char verifier_log[16384];

static inline int prog_load_flags(__u32 type, __u32 eat,
				  const struct bpf_insn *insns, __u32 cnt,
				  __u32 flags)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	verifier_log[0] = 0;
	attr.log_buf = (unsigned long)verifier_log;
	attr.log_size = sizeof(verifier_log);
	attr.log_level = 1;
	attr.prog_type = type;
	attr.expected_attach_type = eat;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = cnt;
	attr.license = (unsigned long)"GPL";
	attr.prog_flags = flags;
	strcpy(attr.prog_name, "bpfsig_test");
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0 && errno == ENOSPC) {
		/* Log too small: retry without one, the errno is what counts. */
		attr.log_buf = 0;
		attr.log_size = 0;
		attr.log_level = 0;
		fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	}
	return fd < 0 ? -errno : fd;
}

/* Load; return the fd, or -errno. */
static inline int prog_load(__u32 type, const struct blob *b)
{
	return prog_load_flags(type, 0, b->insns, b->cnt, 0);
}

/*
 * A straight-line program of @cnt instructions: r1 = seed; r1 = seed + 1;
 * ...; r0 = 1; exit (valid for every program type the tests use).
 */
static inline void make_prog(struct blob *b, __u32 cnt, int seed)
{
	__u32 i;

	b->insns = calloc(cnt, sizeof(*b->insns));
	for (i = 0; i + 2 < cnt; i++)
		b->insns[i] = MOV64_IMM(1, seed + (int)i);
	if (cnt >= 2)
		b->insns[cnt - 2] = MOV64_IMM(0, 1);
	b->insns[cnt - 1] = EXIT_INSN();
	b->cnt = b->prog_cnt = cnt;
}

/* A one-element array map (key u32, value u64); its fd or -1. */
static inline int array_map(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 1;
	return syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

/*
 * An 8-instruction program looking up key 0 of the map @map_fd (ld_imm64
 * BPF_PSEUDO_MAP_FD at instructions 1-2, the fd in insns[1].imm).
 */
static inline void make_map_prog(struct blob *m, int map_fd)
{
	m->insns = calloc(8, sizeof(*m->insns));
	m->insns[0] = INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0);
	m->insns[1] = INSN(BPF_LD | BPF_IMM | BPF_DW, BPF_REG_1,
			   BPF_PSEUDO_MAP_FD, 0, map_fd);
	m->insns[2] = INSN(0, 0, 0, 0, 0);
	m->insns[3] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10,
			   0, 0);
	m->insns[4] = INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4);
	m->insns[5] = INSN(BPF_JMP | BPF_CALL, 0, 0, 0,
			   BPF_FUNC_map_lookup_elem);
	m->insns[6] = MOV64_IMM(0, 0);
	m->insns[7] = EXIT_INSN();
	m->cnt = m->prog_cnt = 8;
}

/* Sign b's program and append the signature; 0 or -errno. */
static inline int sign_blob(struct blob *b, const struct bpfsig_key *key,
			    const char *hash, __u32 type, __u32 eat)
{
	BPFSIG_OPTS(bpfsig_sign_opts, opts, .hash = hash);
	size_t len;
	void *app;
	int err;

	err = bpfsig_sign_insns(key, &opts, type, eat, b->insns, b->prog_cnt,
				&app, &len);
	if (err)
		return err;
	b->insns = realloc(b->insns, b->prog_cnt * 8 + len);
	memcpy(b->insns + b->prog_cnt, app, len);
	free(app);
	b->cnt = b->prog_cnt + len / 8;
	return 0;
}

static inline void free_blob(struct blob *b)
{
	free(b->insns);
	b->insns = NULL;
}

static inline struct bpfsig_trailer *blob_trailer(struct blob *b)
{
	return (void *)((char *)b->insns + b->cnt * 8 - BPFSIG_TRAILER_SIZE);
}

static inline struct bpfsig_statement *blob_stmt(struct blob *b)
{
	return (void *)(b->insns + b->prog_cnt);
}

static inline void stmt_digest(struct blob *b, unsigned char out[32])
{
	SHA256((const unsigned char *)blob_stmt(b), BPFSIG_STATEMENT_SIZE, out);
}

/* Write @s to a securityfs file; 0 or -errno. */
static inline int sfs_write(const char *file, const char *s)
{
	char path[128];
	int fd, ret;

	snprintf(path, sizeof(path), SFS "%s", file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, s, strlen(s)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* Read a securityfs file into @buf; its length or -errno. */
static inline int sfs_read(const char *file, char *buf, size_t size)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SFS "%s", file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

/* One counter from "stats", or -1 if absent. */
static inline long long stat_get(const char *name)
{
	char buf[4096], *p;
	size_t len = strlen(name);

	if (sfs_read("stats", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, len) && p[len] == ' ')
			return atoll(p + len + 1);
	return -1;
}

static inline key_serial_t bpfsig_keyring_id(void)
{
	return find_key_by_type_and_desc("keyring", ".bpfsig", 0);
}

/*
 * Enroll the DER certificate @der in .bpfsig through securityfs key_add;
 * the key serial, or -errno.
 */
static inline key_serial_t enroll_der(const void *der, size_t len)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(SFS "key_add", O_RDWR);
	if (fd < 0)
		return -errno;
	if (write(fd, der, len) < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	return atoi(buf);
}

/* Enroll NAME.der; the key serial, or -errno. */
static inline key_serial_t enroll(const char *name)
{
	char path[512], der[8192];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.der", keys_dir(), name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, der, sizeof(der));
	close(fd);
	if (n <= 0)
		return -EIO;
	return enroll_der(der, n);
}

/* Remove key @id from .bpfsig through securityfs key_remove: 0 or -errno. */
static inline int unenroll(key_serial_t id)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", id);
	return sfs_write("key_remove", buf);
}

/* Is @key linked in @ring? */
static inline bool in_keyring(key_serial_t ring, key_serial_t key)
{
	key_serial_t *keys = NULL;
	long n, i;
	bool found = false;

	n = keyctl_read_alloc(ring, (void **)&keys);
	for (i = 0; i < n / (long)sizeof(*keys); i++)
		found |= keys[i] == key;
	free(keys);
	return found;
}

/* Counters of "stats" that verdict tests compare before and after a load. */
static const char *const counter_names[] = {
	"accepted", "unsigned", "malformed", "nokey", "rejected", "revoked",
	"nopkg", "error", "kernel_exempt", "mainline", "loader", "loader_type",
	"syscall_stage_refusals",
};
#define NR_COUNTERS (sizeof(counter_names) / sizeof(counter_names[0]))

struct counters {
	long long v[NR_COUNTERS];
};

static inline void counters_read(struct counters *c)
{
	size_t i;

	for (i = 0; i < NR_COUNTERS; i++)
		c->v[i] = stat_get(counter_names[i]);
}

/*
 * Compare two snapshots: @verdict (or NULL) must have grown by exactly one,
 * syscall_stage_refusals by @early, every other counter not at all. Returns
 * NULL if so, else the name of the first counter that is off.
 */
static inline const char *counters_delta(const struct counters *a,
					 const struct counters *b,
					 const char *verdict, int early)
{
	size_t i;

	for (i = 0; i < NR_COUNTERS; i++) {
		long long want = 0;

		if (verdict && !strcmp(counter_names[i], verdict))
			want = 1;
		if (!strcmp(counter_names[i], "syscall_stage_refusals"))
			want = early;
		if (b->v[i] - a->v[i] != want)
			return counter_names[i];
	}
	return NULL;
}

/*
 * Load @b as @type and check the outcome: @want_errno 0 means the load must
 * succeed; @verdict the counter that must move; @early whether the syscall
 * stage must be the one refusing.
 */
#define EXPECT_LOAD(b, type, want_errno, verdict, early) do { \
	struct counters __a, __b; \
	const char *__off; \
	int __fd; \
	counters_read(&__a); \
	__fd = prog_load(type, b); \
	counters_read(&__b); \
	if (want_errno) { \
		EXPECT_EQ(-(want_errno), __fd); \
	} else { \
		EXPECT_LE(0, __fd); \
	} \
	if (__fd >= 0) \
		close(__fd); \
	__off = counters_delta(&__a, &__b, verdict, early); \
	EXPECT_EQ(NULL, __off) TH_LOG("counter %s moved unexpectedly", __off ? __off : ""); \
} while (0)

/* Mode setting that tests restore in their teardown. */
static inline int set_mode(const char *mode)
{
	return sfs_write("mode", mode);
}

/*
 * Take @cap out of (@on false) or back into (@on true) the effective set of
 * this thread; the permitted set is left alone, so it can come back.
 */
#include <linux/capability.h>
static inline int set_cap(int cap, bool on)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	if (on)
		d[cap / 32].effective |= 1u << (cap % 32);
	else
		d[cap / 32].effective &= ~(1u << (cap % 32));
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* Drop CAP_SYS_ADMIN from the effective set of this process. */
static inline int drop_cap_sys_admin(void)
{
	return set_cap(CAP_SYS_ADMIN, false);
}

/*
 * Become an unprivileged BPF user: no CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON
 * or CAP_NET_ADMIN in the effective set.
 */
static inline int drop_bpf_caps(void)
{
	static const int caps[] = {
		CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN,
	};
	size_t i;
	int err;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		err = set_cap(caps[i], false);
		if (err)
			return err;
	}
	return 0;
}

/* Read or write a small file such as a sysctl; 0 or -errno. */
static inline int file_read(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

static inline int file_write(const char *path, const char *s)
{
	int fd, ret;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, s, strlen(s)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* The kernel's log buffer, NUL-terminated and malloc()ed, or NULL. */
#include <regex.h>
#include <sys/klog.h>
static inline char *read_log(void)
{
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf = calloc(1, size + 1);

	if (buf && klogctl(3, buf, size) < 0) {	/* SYSLOG_ACTION_READ_ALL */
		free(buf);
		return NULL;
	}
	return buf;
}

/* How many lines of the kernel log match the extended regex @re. */
static inline int log_count(const char *re)
{
	char *log = read_log(), *line, *save = NULL;
	int found = 0;
	regex_t r;

	if (!log || regcomp(&r, re, REG_EXTENDED | REG_NOSUB)) {
		free(log);
		return 0;
	}
	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		found += !regexec(&r, line, 0, NULL, 0);
	regfree(&r);
	free(log);
	return found;
}

/* Does a line of the kernel log match the extended regex @re? */
static inline bool log_has(const char *re)
{
	return log_count(re) > 0;
}

/* Is audit on (audit=1 on the kernel command line)? */
static inline bool audit_on(void)
{
	char cmdline[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = 0;
		fclose(f);
	}
	return strstr(cmdline, "audit=1") != NULL;
}

/*
 * An audit record reaches the kernel log through kauditd, a moment after
 * the decision's own line (70 ms once on 6.12, with kauditd busy): wait up
 * to 3 s for a line matching @re.
 */
static inline bool record_has(const char *re)
{
	int i;

	for (i = 0; i < 60; i++) {
		if (log_has(re))
			return true;
		usleep(50 * 1000);
	}
	return false;
}

/*
 * One TAP line "ok N SUITE.NAME [# comment]" of the C programs that are not
 * kselftest harnesses (stress_test, soak_test); @fmt may be NULL.
 */
__attribute__((format(printf, 4, 5)))
static inline void tap_line(const char *suite, bool ok, const char *name,
			    const char *fmt, ...)
{
	static int n;
	va_list ap;

	printf("%sok %d %s.%s", ok ? "" : "not ", ++n, suite, name);
	if (fmt) {
		printf(" # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
}

/* CLOCK_MONOTONIC in seconds. */
static inline double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* BPFSIG_SELFTESTS_COMMON_H */
