// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: trusted loaders (kernel/loader.c). The loader is
 * loader_helper, copied into a directory of its own: one unsigned load of
 * the program type it is given, its errno as exit status.
 *
 * With BPFSIG_LOADER_LOCKED=1 (vm-tests.sh, once the policy is locked,
 * with rsa2048 enrolled before the lock) the "locked" tests run instead
 * of being skipped.
 */
#include <libgen.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "common.h"

#define MAGIC "bpfsig-loader-v1 "
#define TAG "bpfsig-loader-helper-tag:"

/* Run @exe TYPE [ATTACH]; its exit status (0 or an errno), or -1. */
static int run_loader(const char *exe, int type, int attach)
{
	char t[16], a[16];
	int status;
	pid_t pid;

	snprintf(t, sizeof(t), "%d", type);
	snprintf(a, sizeof(a), "%d", attach);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		execl(exe, exe, t, attach < 0 ? NULL : a, NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* SHA-256 of a file, in hex; 0 or -errno. */
static int file_sha256_hex(const char *path, char hex[65])
{
	__u8 md[32];
	int i, err;

	err = bpfsig_file_sha256(path, md);
	if (err)
		return err;
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	return 0;
}

/*
 * Read @path; the offset of the tag's last byte in it, or -errno
 * (-ENOENT: no tag).
 */
static long find_tag(const char *path, char **buf, size_t *len)
{
	size_t i, tl = strlen(TAG);
	int err;

	err = bpfsig_read_file(path, (void **)buf, len);
	if (err)
		return err;
	for (i = 0; i + tl < *len; i++)
		if (!memcmp(*buf + i, TAG, tl))
			return i + tl;
	free(*buf);
	return -ENOENT;
}

/* Copy @from to @to (mode 0755), with the tag's last byte set to @c. */
static int copy_tagged(const char *from, const char *to, char c)
{
	long off;
	size_t len;
	char *buf;
	int fd, err;

	off = find_tag(from, &buf, &len);
	if (off < 0)
		return off;
	buf[off] = c;
	unlink(to);
	fd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0755);
	err = fd < 0 || write(fd, buf, len) != (ssize_t)len ? -EIO : 0;
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

/* Change the tag's last byte of @path in place (same inode). */
static int retag_in_place(const char *path, char c)
{
	long off;
	size_t len;
	char *buf;
	int fd, err;

	off = find_tag(path, &buf, &len);
	if (off < 0)
		return off;
	free(buf);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	err = pwrite(fd, &c, 1, off) == 1 ? 0 : -EIO;
	close(fd);
	return err;
}

/* Write @len bytes to loader_add; 0 or -errno. */
static int loader_add(const void *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(SFS "loader_add", O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	close(fd);
	return n < 0 ? -errno : 0;
}

static int loader_add_line(const char *line)
{
	return loader_add(line, strlen(line));
}

static int loader_remove(const char *hex)
{
	char buf[96];

	snprintf(buf, sizeof(buf), "sha256=%s\n", hex);
	return sfs_write("loader_remove", buf);
}

/* Sign @line with test key @name and add it; 0 or -errno. */
static int loader_add_signed(const char *line, const char *name)
{
	struct bpfsig_key *key = test_key(name);
	size_t len;
	void *buf;
	int err;

	if (!key)
		return -ENOKEY;
	err = bpfsig_sign_loader(key, line, &buf, &len);
	bpfsig_key__free(key);
	if (err)
		return err;
	err = loader_add(buf, len);
	free(buf);
	return err;
}

/* Counters around one run of a loader: exit status, and the delta check. */
#define EXPECT_RUN(exe, type, attach, want_status, verdict, early) do { \
	struct counters __a, __b; \
	const char *__off; \
	counters_read(&__a); \
	EXPECT_EQ(want_status, run_loader(exe, type, attach)); \
	counters_read(&__b); \
	__off = counters_delta(&__a, &__b, verdict, early); \
	EXPECT_EQ(NULL, __off) TH_LOG("counter %s moved unexpectedly", __off ? __off : ""); \
} while (0)

FIXTURE(loader) {
	char dir[64];
	char exe[96];		/* the helper, copied */
	char hex[65];		/* its digest */
	char line[512];		/* an entry for it: types=8 */
};

static bool locked_run(void);

FIXTURE_SETUP(loader)
{
	char self_exe[256], src[300];
	ssize_t n;

	ASSERT_EQ(0, set_mode("enforce"));
	/* Enrolled before the lock, for the locked run (vm-tests.sh). */
	if (!locked_run())
		ASSERT_LT(0, enroll("rsa2048"));
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	ASSERT_LT(0, n);
	self_exe[n] = 0;
	snprintf(src, sizeof(src), "%s/loader_helper", dirname(self_exe));
	strcpy(self->dir, "/tmp/bpfsig-loader-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));	/* for the unprivileged run */
	snprintf(self->exe, sizeof(self->exe), "%s/loader", self->dir);
	ASSERT_EQ(0, copy_tagged(src, self->exe, '0')) TH_LOG("%s", src);
	ASSERT_EQ(0, file_sha256_hex(self->exe, self->hex));
	snprintf(self->line, sizeof(self->line),
		 MAGIC "sha256=%s types=8 path=%s\n", self->hex, self->exe);
}

FIXTURE_TEARDOWN(loader)
{
	char path[128];

	loader_remove(self->hex);
	unlink(self->exe);
	snprintf(path, sizeof(path), "%s/copy", self->dir);
	unlink(path);
	rmdir(self->dir);
}

static bool locked_run(void)
{
	const char *v = getenv("BPFSIG_LOADER_LOCKED");

	return v && !strcmp(v, "1");
}

/* Without an entry, the helper is one more unsigned caller. */
TEST_F(loader, no_entry_unsigned_eperm)
{
	if (locked_run())
		SKIP(return, "unlocked tests");
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, EPERM,
		   "unsigned", 1);
}

/* Its type loads, verdict loader, logged with the digest and path. */
TEST_F(loader, allowed_type_loads_verdict_loader)
{
	char re[512];

	if (locked_run())
		SKIP(return, "unlocked tests");
	ASSERT_EQ(0, loader_add_line(self->line));
	sleep(6);	/* pr_info_ratelimited: 10 lines per 5 s */
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, 0, "loader", 0);
	snprintf(re, sizeof(re),
		 "bpfsig: action=allow verdict=loader errno=0 stage=verifier .* prog_type=8 insn_cnt=2 .* loader=trusted loader_digest=%s loader_path=%s$",
		 self->hex, self->exe);
	EXPECT_TRUE(log_has(re)) TH_LOG("no line %s", re);
	if (!audit_on()) {
		TH_LOG("audit=1 not on the kernel command line: no record to check");
		return;
	}
	snprintf(re, sizeof(re),
		 "audit: type=1316 audit\\([0-9.:]+\\): op=bpfsig action=allow verdict=loader errno=0 mode=enforce stage=verifier pid=[0-9]+ uid=0 comm=\"loader\" prog_type=8 insn_cnt=2 .* loader=trusted loader_digest=%s loader_path=\"%s\"$",
		 self->hex, self->exe);
	EXPECT_TRUE(record_has(re)) TH_LOG("no record %s", re);
}

/* Another type: refused with EPROTOTYPE at the verifier stage. */
TEST_F(loader, other_type_refused_eprototype)
{
	char re[512];

	if (locked_run())
		SKIP(return, "unlocked tests");
	ASSERT_EQ(0, loader_add_line(self->line));
	sleep(6);
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_SOCKET_FILTER, -1, EPROTOTYPE,
		   "loader_type", 0);
	snprintf(re, sizeof(re),
		 "bpfsig: action=deny verdict=loader_type errno=%d stage=verifier .* prog_type=1 .* loader=type_not_allowed loader_digest=%s loader_path=%s$",
		 EPROTOTYPE, self->hex, self->exe);
	EXPECT_TRUE(log_has(re)) TH_LOG("no line %s", re);
	if (!audit_on()) {
		TH_LOG("audit=1 not on the kernel command line: no record to check");
		return;
	}
	snprintf(re, sizeof(re),
		 "audit: type=1316 audit\\([0-9.:]+\\): op=bpfsig action=deny verdict=loader_type errno=%d mode=enforce stage=verifier pid=[0-9]+ uid=0 comm=\"loader\" prog_type=1 .* loader=type_not_allowed loader_digest=%s loader_path=\"%s\"$",
		 EPROTOTYPE, self->hex, self->exe);
	EXPECT_TRUE(record_has(re)) TH_LOG("no record %s", re);
}

/* attach=: the expected attach type must be listed too. */
TEST_F(loader, attach_types_restrict)
{
	char line[512];

	if (locked_run())
		SKIP(return, "unlocked tests");
	snprintf(line, sizeof(line), MAGIC "sha256=%s types=8 attach=%d\n",
		 self->hex, BPF_CGROUP_INET_INGRESS);
	ASSERT_EQ(0, loader_add_line(line));
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS,
		   0, "loader", 0);
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS,
		   EPROTOTYPE, "loader_type", 0);
}

/* A copy with one byte changed is another executable: not trusted. */
TEST_F(loader, changed_copy_not_trusted)
{
	char copy[128];

	if (locked_run())
		SKIP(return, "unlocked tests");
	snprintf(copy, sizeof(copy), "%s/copy", self->dir);
	ASSERT_EQ(0, copy_tagged(self->exe, copy, '1'));
	ASSERT_EQ(0, loader_add_line(self->line));
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, 0, "loader", 0);
	EXPECT_RUN(copy, BPF_PROG_TYPE_CGROUP_SKB, -1, EPERM, "unsigned", 1);
}

/*
 * The file changed in place after it was hashed (and cached): the next
 * load hashes it again; not trusted, and the log says why. Changed back,
 * it is trusted again.
 */
TEST_F(loader, changed_in_place_not_trusted)
{
	char re[512], hex2[65];

	if (locked_run())
		SKIP(return, "unlocked tests");
	ASSERT_EQ(0, loader_add_line(self->line));
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, 0, "loader", 0);
	ASSERT_EQ(0, retag_in_place(self->exe, '2'));
	ASSERT_EQ(0, file_sha256_hex(self->exe, hex2));
	sleep(6);
	/* An entry names its path: the verifier stage refuses, and says so. */
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, EPERM, "unsigned",
		   0);
	snprintf(re, sizeof(re),
		 "bpfsig: action=deny verdict=unsigned errno=1 stage=verifier .* loader=file_changed loader_digest=%s loader_path=%s$",
		 hex2, self->exe);
	EXPECT_TRUE(log_has(re)) TH_LOG("no line %s", re);
	ASSERT_EQ(0, retag_in_place(self->exe, '0'));
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, 0, "loader", 0);
}

/*
 * Without CAP_BPF and CAP_SYS_ADMIN the executable is not trusted: anyone
 * may run it (and inject code into it), only the privileged gain by it.
 * Unprivileged BPF is allowed for the test, cgroup_skb being one of the
 * two types the kernel lets unprivileged callers load.
 */
TEST_F(loader, unprivileged_caller_not_trusted)
{
	char old[8] = "";
	struct counters a, b;
	int status;
	pid_t pid;

	if (locked_run())
		SKIP(return, "unlocked tests");
	ASSERT_EQ(0, loader_add_line(self->line));
	ASSERT_EQ(0, file_read("/proc/sys/kernel/unprivileged_bpf_disabled",
			       old, sizeof(old)));
	if (file_write("/proc/sys/kernel/unprivileged_bpf_disabled", "0"))
		SKIP(return, "unprivileged BPF cannot be enabled (was %s)", old);
	counters_read(&a);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char t[8];

		snprintf(t, sizeof(t), "%d", BPF_PROG_TYPE_CGROUP_SKB);
		if (setgid(65534) || setuid(65534))
			_exit(126);
		execl(self->exe, self->exe, t, NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	counters_read(&b);
	file_write("/proc/sys/kernel/unprivileged_bpf_disabled", old);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(EPERM, WEXITSTATUS(status));
	EXPECT_EQ(NULL, counters_delta(&a, &b, "unsigned", 1));
}

/* Removing the entry takes effect for the next load. */
TEST_F(loader, removed_entry_refused_next_load)
{
	if (locked_run())
		SKIP(return, "unlocked tests");
	ASSERT_EQ(0, loader_add_line(self->line));
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, 0, "loader", 0);
	ASSERT_EQ(0, loader_remove(self->hex));
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, EPERM, "unsigned",
		   1);
	EXPECT_EQ(-ENOENT, loader_remove(self->hex));
}

/* "loaders" lists the entries as they were added, and whether signed. */
TEST_F(loader, list_shows_entries)
{
	char line[512], want[1024], got[4096];

	if (locked_run())
		SKIP(return, "unlocked tests");
	snprintf(line, sizeof(line),
		 MAGIC "sha256=%s types=15,8,1 attach=2,0 path=%s\n",
		 self->hex, self->exe);
	ASSERT_EQ(0, loader_add_line(line));
	snprintf(want, sizeof(want),
		 MAGIC "sha256=%s types=1,8,15 attach=0,2 path=%s signed=0\n",
		 self->hex, self->exe);
	ASSERT_LT(0, sfs_read("loaders", got, sizeof(got)));
	EXPECT_STREQ(want, got);
	/* The same digest again replaces the entry. */
	ASSERT_EQ(0, loader_add_signed(self->line, "rsa2048"));
	snprintf(want, sizeof(want), MAGIC "sha256=%s types=8 path=%s signed=1\n",
		 self->hex, self->exe);
	ASSERT_LT(0, sfs_read("loaders", got, sizeof(got)));
	EXPECT_STREQ(want, got);
}

/* Bad entries: the exact errno, and nothing added. */
TEST_F(loader, bad_entries_refused)
{
	static const struct {
		const char *fmt;	/* %s: the digest */
		int err;
	} rows[] = {
		{ MAGIC "sha256=%s types=8", -EINVAL },		/* no newline */
		{ "bpfsig-loader-v2 sha256=%s types=8\n", -EINVAL },
		{ MAGIC "sha256=%s\n", -EINVAL },		/* no types */
		{ MAGIC "sha256=%s types=\n", -EINVAL },
		{ MAGIC "sha256=%s types=64\n", -EINVAL },
		{ MAGIC "sha256=%s types=8,\n", -EINVAL },
		{ MAGIC "sha256=%s types=8,,1\n", -EINVAL },
		{ MAGIC "sha256=%s types=x\n", -EINVAL },
		{ MAGIC "sha256=%.63s types=8\n", -EINVAL },
		{ MAGIC "sha256=%s types=8 types=1\n", -EINVAL },
		{ MAGIC "sha256=%s types=8 path=relative\n", -EINVAL },
		{ MAGIC "sha256=%s types=8 color=red\n", -EINVAL },
		{ MAGIC "sha256=%s  types=8\n", -EINVAL },
		{ MAGIC "sha256=%s types=8\tpath=/x\n", -EINVAL },
		{ MAGIC "sha256=%s types=8\nnot a signature", -EBADMSG },
	};
	char buf[512], got[4096];
	unsigned int i;

	if (locked_run())
		SKIP(return, "unlocked tests");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(buf, sizeof(buf), rows[i].fmt, self->hex);
		EXPECT_EQ(rows[i].err, loader_add_line(buf))
			TH_LOG("row %u: %s", i, buf);
	}
	EXPECT_EQ(-ENOKEY, loader_add_signed(self->line, "untrusted"));
	EXPECT_EQ(-EINVAL, loader_remove("00"));
	EXPECT_EQ(-EINVAL, sfs_write("loader_remove", self->hex));
	ASSERT_EQ(0, drop_cap_sys_admin());
	EXPECT_EQ(-EPERM, loader_add_line(self->line));
	EXPECT_EQ(-EPERM, loader_remove(self->hex));
	ASSERT_EQ(0, set_cap(CAP_SYS_ADMIN, true));
	EXPECT_EQ(0, sfs_read("loaders", got, sizeof(got)));
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, EPERM, "unsigned",
		   1);
}

/* Locked: an unsigned entry is refused, a signed one is taken. */
TEST_F(loader, locked_needs_signed_entry)
{
	char want[1024], got[4096];

	if (!locked_run())
		SKIP(return, "needs a locked policy (BPFSIG_LOADER_LOCKED=1)");
	EXPECT_EQ(-EPERM, loader_add_line(self->line));
	EXPECT_EQ(-ENOKEY, loader_add_signed(self->line, "untrusted"));
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, EPERM, "unsigned",
		   1);
	ASSERT_EQ(0, loader_add_signed(self->line, "rsa2048"));
	snprintf(want, sizeof(want), MAGIC "sha256=%s types=8 path=%s signed=1\n",
		 self->hex, self->exe);
	ASSERT_LT(0, sfs_read("loaders", got, sizeof(got)));
	EXPECT_STREQ(want, got);
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, 0, "loader", 0);
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_SOCKET_FILTER, -1, EPROTOTYPE,
		   "loader_type", 0);
	/* Removing narrows the policy: allowed once locked, as for keys. */
	ASSERT_EQ(0, loader_remove(self->hex));
	EXPECT_RUN(self->exe, BPF_PROG_TYPE_CGROUP_SKB, -1, EPERM, "unsigned",
		   1);
}

TEST_HARNESS_MAIN
