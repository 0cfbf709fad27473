// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: /sys/kernel/security/bpfsig/ files (mode, lock, stats)
 * before the policy is locked; lock_test.c covers the locked state.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "common.h"

FIXTURE(sfs) {
	char mode[32];
};

FIXTURE_SETUP(sfs)
{
	ASSERT_LT(0, sfs_read("mode", self->mode, sizeof(self->mode)));
}

FIXTURE_TEARDOWN(sfs)
{
	sfs_write("mode", self->mode);
}

TEST_F(sfs, mode_round_trip)
{
	static const char *const modes[] = { "off", "permissive", "enforce" };
	char buf[32], want[32];
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, sfs_write("mode", modes[i]));
		ASSERT_LT(0, sfs_read("mode", buf, sizeof(buf)));
		snprintf(want, sizeof(want), "%s\n", modes[i]);
		EXPECT_STREQ(want, buf);
	}
	/* A trailing newline, as echo writes it, is accepted. */
	ASSERT_EQ(0, sfs_write("mode", "permissive\n"));
	ASSERT_LT(0, sfs_read("mode", buf, sizeof(buf)));
	EXPECT_STREQ("permissive\n", buf);
}

TEST_F(sfs, mode_rejects_unknown_values)
{
	char big[200];

	EXPECT_EQ(-EINVAL, sfs_write("mode", "enforcing"));
	EXPECT_EQ(-EINVAL, sfs_write("mode", "1"));
	EXPECT_EQ(-EINVAL, sfs_write("mode", " enforce"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	EXPECT_EQ(-EINVAL, sfs_write("mode", big));
}

TEST_F(sfs, mode_param_mirrors_securityfs)
{
	char buf[32], param[32];
	int fd;
	ssize_t n;

	ASSERT_EQ(0, sfs_write("mode", "off"));
	fd = open("/sys/module/bpfsig/parameters/mode", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, param, sizeof(param) - 1);
	close(fd);
	ASSERT_LT(0, n);
	param[n] = 0;
	ASSERT_LT(0, sfs_read("mode", buf, sizeof(buf)));
	EXPECT_STREQ(buf, param);
	/* The parameter itself is read-only at run time. */
	EXPECT_EQ(-1, open("/sys/module/bpfsig/parameters/mode", O_WRONLY));
	EXPECT_EQ(EACCES, errno);
}

TEST_F(sfs, writes_need_cap_sys_admin)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (!pid) {
		char buf[32];

		if (drop_cap_sys_admin())
			_exit(10);
		if (sfs_write("mode", "off") != -EPERM)
			_exit(11);
		if (sfs_write("lock", "1") != -EPERM)
			_exit(12);
		if (sfs_write("revoke", "00") != -EPERM)
			_exit(13);
		/* Reading needs nothing. */
		if (sfs_read("mode", buf, sizeof(buf)) <= 0)
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, sfs_write("mode", self->mode));
}

TEST_F(sfs, lock_reads_zero_and_accepts_zero_unlocked)
{
	char buf[8];

	ASSERT_LT(0, sfs_read("lock", buf, sizeof(buf)));
	EXPECT_STREQ("0\n", buf);
	EXPECT_EQ(0, sfs_write("lock", "0"));
	EXPECT_EQ(-EINVAL, sfs_write("lock", "maybe"));
	ASSERT_LT(0, sfs_read("lock", buf, sizeof(buf)));
	EXPECT_STREQ("0\n", buf);
}

TEST_F(sfs, stats_lists_every_counter)
{
	static const char *const more[] = {
		"decision_ns_total", "decision_ns_max", "syscall_stage",
		"syscall_stage_verified", "cache_hits", "cache_misses",
		"cache_evictions", "cache_entries", "cache_size",
	};
	size_t i;

	for (i = 0; i < NR_COUNTERS; i++)
		EXPECT_LE(0, stat_get(counter_names[i]));
	for (i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		EXPECT_LE(0, stat_get(more[i]));
	EXPECT_EQ(1, stat_get("syscall_stage"));
	EXPECT_EQ(-EINVAL, sfs_write("stats", "0"));
}

/* Is @drv one of the "NAME N MB/s" items of @list? */
static bool measured_has(const char *list, const char *drv)
{
	const char *p = list;
	size_t n = strlen(drv);

	while ((p = strstr(p, drv)) != NULL) {
		if ((p == list || !strncmp(p - 2, ", ", 2)) && p[n] == ' ')
			return true;
		p += n;
	}
	return false;
}

/*
 * The sha256 driver the module hashes with: the fastest it measured at
 * load. Its log line "sha256 drivers measured: NAME N MB/s, ..." must
 * name every "sha256" of /proc/crypto, and stats the one with the highest
 * figure.
 */
TEST_F(sfs, stats_names_the_fastest_sha256_driver)
{
	char stats[4096], line[512], measured[512] = "", list[512];
	char name[64] = "", drv[64] = "", driver[64], fastest[64] = "";
	const char *tag = "bpfsig: sha256 drivers measured: ";
	unsigned long mbs, best = 0;
	int ndrivers = 0;
	bool eof = false;
	char *p, *tok;
	FILE *f;

	ASSERT_LT(0, sfs_read("stats", stats, sizeof(stats)));
	p = strstr(stats, "\nsha256_driver ");
	ASSERT_NE(NULL, p) TH_LOG("no sha256_driver line in stats");
	ASSERT_EQ(1, sscanf(p, "\nsha256_driver %63s", driver));
	EXPECT_EQ(0, strncmp(driver, "sha256-", 7)) TH_LOG("driver %s", driver);

	/* The module's last load: its last line of figures. */
	f = popen("dmesg", "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, tag);
		if (p)
			snprintf(measured, sizeof(measured), "%s", p + strlen(tag));
	}
	pclose(f);
	measured[strcspn(measured, "\n")] = 0;
	ASSERT_NE(0, measured[0]) TH_LOG("no \"%s\" line in the kernel log", tag);
	TH_LOG("hashing with %s; measured: %s", driver, measured);
	snprintf(list, sizeof(list), "%s", measured);
	for (tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		char n[64];

		ASSERT_EQ(2, sscanf(tok, " %63s %lu MB/s", n, &mbs)) TH_LOG("'%s'", tok);
		ndrivers++;
		/* a tie with the driver in use: it is a fastest one */
		if (mbs > best || (mbs == best && !strcmp(n, driver))) {
			best = mbs;
			snprintf(fastest, sizeof(fastest), "%s", n);
		}
	}
	EXPECT_LE(1, ndrivers);
	EXPECT_STREQ(fastest, driver);

	/* Every sha256 driver of /proc/crypto was measured. */
	f = fopen("/proc/crypto", "re");
	ASSERT_NE(NULL, f);
	while (!eof) {
		eof = !fgets(line, sizeof(line), f);
		if (eof || !strncmp(line, "name ", 5)) {
			if (!strcmp(name, "sha256") && drv[0])
				EXPECT_TRUE(measured_has(measured, drv))
					TH_LOG("%s (/proc/crypto) not measured", drv);
			drv[0] = 0;
		}
		if (eof)
			break;
		if (sscanf(line, "name : %63s", name) == 1)
			continue;
		sscanf(line, "driver : %63s", drv);
	}
	fclose(f);
}

/* Only stats is for everyone: the rest is root's. */
TEST_F(sfs, file_modes)
{
	static const struct {
		const char *name;
		mode_t mode;
	} files[] = {
		{ "mode", 0600 }, { "trust", 0600 }, { "lock", 0600 },
		{ "revoke", 0600 }, { "key_add", 0600 }, { "key_remove", 0200 },
		{ "stats", 0444 }, { "loader_add", 0200 },
		{ "loader_remove", 0200 }, { "loaders", 0600 },
	};
	struct stat st;
	unsigned int i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[128];

		snprintf(path, sizeof(path), SFS "%s", files[i].name);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
		EXPECT_EQ(files[i].mode, st.st_mode & 07777)
			TH_LOG("%s is %o", path, st.st_mode & 07777);
		EXPECT_EQ(0, st.st_uid);
	}
}

/*
 * A write is judged by who opened the file, as for IPE and LoadPin: a
 * privileged process writing into a descriptor it was handed cannot be
 * made to change the policy for its unprivileged opener.
 */
TEST_F(sfs, writes_check_the_opener)
{
	int fd;

	/* Opened without CAP_SYS_ADMIN, written with it: EPERM. */
	ASSERT_EQ(0, set_cap(CAP_SYS_ADMIN, false));
	fd = open(SFS "mode", O_WRONLY);
	ASSERT_EQ(0, set_cap(CAP_SYS_ADMIN, true));
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, "off", 3));
	EXPECT_EQ(EPERM, errno);
	close(fd);

	/* Opened with it, written without it: the opener decides. */
	fd = open(SFS "mode", O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_cap(CAP_SYS_ADMIN, false));
	EXPECT_EQ(3, write(fd, "off", 3));
	ASSERT_EQ(0, set_cap(CAP_SYS_ADMIN, true));
	close(fd);
}

TEST_HARNESS_MAIN
