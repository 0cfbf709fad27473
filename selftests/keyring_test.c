// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: the .bpfsig keyring and revocation.
 */
#include <sys/resource.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "common.h"

FIXTURE(keyring) {
	struct bpfsig_key *spare, *k2048;
	struct blob b;
};

FIXTURE_SETUP(keyring)
{
	ASSERT_EQ(0, set_mode("enforce"));
	ASSERT_LT(0, bpfsig_keyring_id());
	ASSERT_LT(0, enroll("rsa2048"));
	self->spare = test_key("spare");
	self->k2048 = test_key("rsa2048");
	ASSERT_NE(NULL, self->spare);
	ASSERT_NE(NULL, self->k2048);
	make_prog(&self->b, 5, 31);
}

FIXTURE_TEARDOWN(keyring)
{
	free_blob(&self->b);
	bpfsig_key__free(self->spare);
	bpfsig_key__free(self->k2048);
}

TEST_F(keyring, key_removed_after_signing_enokey)
{
	key_serial_t id = enroll("spare");

	ASSERT_LT(0, id);
	ASSERT_EQ(0, sign_blob(&self->b, self->spare, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, 0, "accepted", 0);
	ASSERT_EQ(0, keyctl_unlink(id, bpfsig_keyring_id()));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, ENOKEY, "nokey", 1);
}

TEST_F(keyring, key_revoked_ekeyrevoked)
{
	key_serial_t id = enroll_key("spare", true);

	ASSERT_LT(0, id);
	ASSERT_EQ(0, sign_blob(&self->b, self->spare, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	ASSERT_EQ(0, keyctl_revoke(id));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREVOKED,
		    "revoked", 1);
	keyctl_unlink(id, bpfsig_keyring_id());
}

TEST_F(keyring, statement_revoked_ekeyrevoked)
{
	unsigned char d[32];
	char hex[66], list[8192];
	struct blob other;
	int i;

	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	stmt_digest(&self->b, d);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	strcat(hex, "\n");
	ASSERT_EQ(0, sfs_write("revoke", hex));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREVOKED,
		    "revoked", 1);
	ASSERT_LT(0, sfs_read("revoke", list, sizeof(list)));
	EXPECT_NE(NULL, strstr(list, hex));
	/* Another program from the same key still loads. */
	make_prog(&other, 5, 32);
	ASSERT_EQ(0, sign_blob(&other, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	EXPECT_LOAD(&other, BPF_PROG_TYPE_SOCKET_FILTER, 0, "accepted", 0);
	free_blob(&other);
}

TEST_F(keyring, order_signature_before_revocation)
{
	struct bpfsig_key *untrusted = test_key("untrusted");
	unsigned char d[32];
	char hex[66];
	int i;

	ASSERT_NE(NULL, untrusted);
	ASSERT_EQ(0, sign_blob(&self->b, untrusted, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	stmt_digest(&self->b, d);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	ASSERT_EQ(0, sfs_write("revoke", hex));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, ENOKEY, "nokey", 1);
	bpfsig_key__free(untrusted);
}

TEST_F(keyring, revoke_rejects_bad_digests)
{
	EXPECT_EQ(-EINVAL, sfs_write("revoke", "xyz"));
	EXPECT_EQ(-EINVAL, sfs_write("revoke",
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeef"));
	EXPECT_EQ(-EINVAL, sfs_write("revoke",
		"g0112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
}

TEST_F(keyring, only_asymmetric_keys)
{
	EXPECT_EQ(-1, add_key("user", "bpfsig-test", "x", 1,
			      bpfsig_keyring_id()));
	EXPECT_EQ(EOPNOTSUPP, errno);
}

TEST_F(keyring, garbage_certificate_refused)
{
	EXPECT_EQ(-1, add_key("asymmetric", NULL, "not a certificate", 17,
			      bpfsig_keyring_id()));
	EXPECT_EQ(EBADMSG, errno);
}

TEST_F(keyring, add_needs_cap_sys_admin)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (!pid) {
		if (drop_cap_sys_admin())
			_exit(2);
		_exit(enroll("spare") == -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Last: fills the revocation list to its limit. */
TEST_F(keyring, revoke_list_limit_enospc)
{
	static char list[4096 * 65 + 1];
	long long done = 0;
	char hex[66];
	int fd, i, err = 0;
	ssize_t n, len = 0;

	for (i = 0; !err; i++) {
		snprintf(hex, sizeof(hex), "%056x%08x", 0xb0f51900, i);
		err = sfs_write("revoke", hex);
		if (!err)
			done++;
	}
	EXPECT_EQ(-ENOSPC, err);
	fd = open(SFS "revoke", O_RDONLY);
	ASSERT_LE(0, fd);
	while ((n = read(fd, list + len, sizeof(list) - 1 - len)) > 0)
		len += n;
	close(fd);
	/* Every entry is listed: 4096 of them, this test's and earlier ones. */
	EXPECT_EQ(4096 * 65, len);
	EXPECT_LT(4000, done);
	/* A digest already listed is accepted again, without a new entry. */
	memcpy(hex, list, 64);
	hex[64] = 0;
	EXPECT_EQ(0, sfs_write("revoke", hex));
	/* A full list says so, and what to do instead. */
	EXPECT_TRUE(log_has("bpfsig: revocation list full \\(4096 statements\\): remove the signing key instead"));
}

/* Reading the full list a little at a time costs little. */
TEST_F(keyring, revoke_list_read_in_small_pieces)
{
	struct rusage r0, r1;
	char buf[64];
	long long len = 0;
	double sys;
	ssize_t n;
	int fd;

	fd = open(SFS "revoke", O_RDONLY);
	ASSERT_LE(0, fd);
	getrusage(RUSAGE_SELF, &r0);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		len += n;
	getrusage(RUSAGE_SELF, &r1);
	close(fd);
	EXPECT_EQ(4096 * 65, len);
	sys = (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
	      (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
	TH_LOG("%lld bytes in %zu-byte reads: %.3f s of system time", len,
	       sizeof(buf), sys);
	EXPECT_GT(1.0, sys);
}

TEST_HARNESS_MAIN
