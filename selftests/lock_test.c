// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: the one-way lock. Locks the policy until reboot, so
 * the VM runs it last, with the module loaded as mode=enforce.
 */
#include <sys/syscall.h>
#include "kselftest_harness.h"
#include "common.h"

TEST(lock_is_one_way)
{
	char buf[8];
	int fd;

	ASSERT_EQ(0, sfs_write("mode", "enforce"));
	ASSERT_EQ(0, sfs_write("lock", "1"));
	ASSERT_LT(0, sfs_read("lock", buf, sizeof(buf)));
	EXPECT_STREQ("1\n", buf);
	EXPECT_EQ(-EPERM, sfs_write("lock", "0"));
	EXPECT_EQ(0, sfs_write("lock", "1"));
	/* The lock parameter reads the current state. */
	fd = open("/sys/module/bpfsig/parameters/lock", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(2, read(fd, buf, 2));
	close(fd);
	EXPECT_EQ('Y', buf[0]);
	ASSERT_LT(0, sfs_read("lock", buf, sizeof(buf)));
	EXPECT_STREQ("1\n", buf);
}

TEST(mode_cannot_be_lowered)
{
	char buf[32];

	EXPECT_EQ(-EPERM, sfs_write("mode", "permissive"));
	EXPECT_EQ(-EPERM, sfs_write("mode", "off"));
	EXPECT_EQ(0, sfs_write("mode", "enforce"));
	ASSERT_LT(0, sfs_read("mode", buf, sizeof(buf)));
	EXPECT_STREQ("enforce\n", buf);
}

TEST(unload_refused)
{
	EXPECT_EQ(-1, syscall(SYS_delete_module, "bpfsig", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_EQ(0, access(SFS "mode", F_OK));
}

TEST(unchained_key_refused)
{
	EXPECT_EQ(-ENOKEY, enroll("untrusted"));
}

TEST(unsigned_refused)
{
	struct blob b;

	make_prog(&b, 3, 5);
	EXPECT_LOAD(&b, BPF_PROG_TYPE_SOCKET_FILTER, EPERM, "unsigned", 1);
	free_blob(&b);
}

TEST(enrolled_keys_still_verify)
{
	struct bpfsig_key *key = test_key("rsa2048");
	struct blob b;

	if (getenv("BPFSIG_LOCKED_AT_LOAD"))
		SKIP(return, "locked at load: no key could be enrolled");
	ASSERT_NE(NULL, key);
	make_prog(&b, 3, 5);
	ASSERT_EQ(0, sign_blob(&b, key, "sha256", BPF_PROG_TYPE_SOCKET_FILTER,
			       0));
	EXPECT_LOAD(&b, BPF_PROG_TYPE_SOCKET_FILTER, 0, "accepted", 0);
	free_blob(&b);
	bpfsig_key__free(key);
}

TEST_HARNESS_MAIN
