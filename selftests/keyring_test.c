// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: the .bpfsig keyring and revocation.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>
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
	ASSERT_TRUE(in_keyring(bpfsig_keyring_id(), id));
	ASSERT_EQ(0, unenroll(id));
	EXPECT_FALSE(in_keyring(bpfsig_keyring_id(), id));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, ENOKEY, "nokey", 1);
}

/*
 * A load stalled between the syscall stage and the verifier stage: the
 * license string sits on a page that userfaultfd holds back, and the kernel
 * copies it after the syscall stage has verified the signature and before
 * it copies the instructions.
 */
struct stalled {
	const struct blob *b;
	void *page;
	long page_size;
	int uffd;
	pthread_t thread;
	int ret;
};

static void *stalled_load(void *arg)
{
	struct stalled *s = arg;
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)s->b->insns;
	attr.insn_cnt = s->b->cnt;
	attr.license = (unsigned long)s->page;
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	s->ret = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* Start the load and return once it waits for the license page: 0 or -1. */
static int stall_start(struct stalled *s, const struct blob *b)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct pollfd pfd;
	struct uffd_msg msg;

	s->b = b;
	s->page_size = sysconf(_SC_PAGESIZE);
	s->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (s->uffd < 0 || ioctl(s->uffd, UFFDIO_API, &api))
		return -1;
	s->page = mmap(NULL, s->page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->page == MAP_FAILED)
		return -1;
	reg.range.start = (unsigned long)s->page;
	reg.range.len = s->page_size;
	if (ioctl(s->uffd, UFFDIO_REGISTER, &reg))
		return -1;
	if (pthread_create(&s->thread, NULL, stalled_load, s))
		return -1;
	pfd.fd = s->uffd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 20000) != 1 ||
	    read(s->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return -1;
	return 0;
}

/* Hand the license over and wait for the load: its 0 or -errno. */
static int stall_finish(struct stalled *s)
{
	char *src = calloc(1, s->page_size);
	struct uffdio_copy copy = {
		.dst = (unsigned long)s->page,
		.src = (unsigned long)src,
		.len = s->page_size,
	};

	strcpy(src, "GPL");
	ioctl(s->uffd, UFFDIO_COPY, &copy);
	pthread_join(s->thread, NULL);
	free(src);
	munmap(s->page, s->page_size);
	close(s->uffd);
	return s->ret;
}

TEST_F(keyring, key_removed_during_stalled_load_enokey)
{
	key_serial_t id = enroll("spare");
	struct counters a, b;
	struct stalled s;

	ASSERT_LT(0, id);
	ASSERT_EQ(0, sign_blob(&self->b, self->spare, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	counters_read(&a);
	ASSERT_EQ(0, stall_start(&s, &self->b));
	/* The syscall stage has verified the signature; the load waits. */
	EXPECT_EQ(0, unenroll(id));
	EXPECT_EQ(-ENOKEY, stall_finish(&s));
	counters_read(&b);
	EXPECT_EQ(NULL, counters_delta(&a, &b, "nokey", 0));
}

/*
 * Any change of trust while the load waits, even one that only widens it,
 * moves the trust generation: the verifier stage verifies again instead of
 * relying on the syscall stage's verification.
 */
TEST_F(keyring, key_added_during_stalled_load_verified_again)
{
	long long reused = stat_get("syscall_stage_verified");
	struct counters a, b;
	struct stalled s;

	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	counters_read(&a);
	ASSERT_EQ(0, stall_start(&s, &self->b));
	EXPECT_LT(0, enroll("rsa4096"));
	EXPECT_EQ(0, stall_finish(&s));
	counters_read(&b);
	EXPECT_EQ(NULL, counters_delta(&a, &b, "accepted", 0));
	EXPECT_EQ(reused, stat_get("syscall_stage_verified"));
}

TEST_F(keyring, statement_revoked_during_stalled_load_ekeyrevoked)
{
	struct counters a, b;
	unsigned char d[32];
	struct stalled s;
	char hex[65];
	int i;

	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	stmt_digest(&self->b, d);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	counters_read(&a);
	ASSERT_EQ(0, stall_start(&s, &self->b));
	EXPECT_EQ(0, sfs_write("revoke", hex));
	EXPECT_EQ(-EKEYREVOKED, stall_finish(&s));
	counters_read(&b);
	EXPECT_EQ(NULL, counters_delta(&a, &b, "revoked", 0));
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

TEST_F(keyring, garbage_certificate_ebadmsg)
{
	EXPECT_EQ(-EBADMSG, enroll_der("not a certificate", 17));
}

TEST_F(keyring, key_add_size_einval)
{
	static char big[16385];

	EXPECT_EQ(-EINVAL, enroll_der(big, 0));
	EXPECT_EQ(-EINVAL, enroll_der(big, sizeof(big)));
}

TEST_F(keyring, key_add_reads_back_the_serial)
{
	char buf[256] = "";
	key_serial_t id;
	int fd;

	/* Nothing to read before a key is added. */
	fd = open(SFS "key_add", O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, read(fd, buf, sizeof(buf)));
	close(fd);
	id = enroll("spare");
	ASSERT_LT(0, id);
	EXPECT_TRUE(in_keyring(bpfsig_keyring_id(), id));
	snprintf(buf, sizeof(buf), "key %d \\(bpfsig test spare: [0-9a-f]+\\) added by pid=%d$",
		 id, getpid());
	EXPECT_TRUE(log_has(buf)) TH_LOG("no line /%s/", buf);
	EXPECT_EQ(0, unenroll(id));
}

TEST_F(keyring, key_remove_errors)
{
	key_serial_t own;
	char path[512], der[8192];
	ssize_t n;
	int fd;

	EXPECT_EQ(-EINVAL, sfs_write("key_remove", "abc"));
	EXPECT_EQ(-EINVAL, sfs_write("key_remove", "0"));
	EXPECT_EQ(-EINVAL, sfs_write("key_remove", "-4"));
	EXPECT_EQ(-EINVAL, sfs_write("key_remove", "4294967296"));
	EXPECT_EQ(-ENOKEY, sfs_write("key_remove", "2147483647"));
	/* A key, but not one of .bpfsig. */
	snprintf(path, sizeof(path), "%s/spare.der", keys_dir());
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, der, sizeof(der));
	close(fd);
	own = add_key("asymmetric", NULL, der, n, KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, own);
	snprintf(path, sizeof(path), "%d", own);
	EXPECT_EQ(-ENOENT, sfs_write("key_remove", path));
	keyctl_unlink(own, KEY_SPEC_SESSION_KEYRING);
}

TEST_F(keyring, key_add_and_remove_need_cap_sys_admin)
{
	key_serial_t id = enroll("spare");
	pid_t pid;
	int status;

	ASSERT_LT(0, id);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (drop_cap_sys_admin())
			_exit(2);
		if (enroll("rsa4096") != -EPERM)
			_exit(3);
		_exit(unenroll(id) == -EPERM ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_TRUE(in_keyring(bpfsig_keyring_id(), id));
	EXPECT_EQ(0, unenroll(id));
}

/*
 * Nobody changes .bpfsig or its keys through keyctl(2), whatever the
 * capabilities: every change goes through the module's securityfs files,
 * which check CAP_SYS_ADMIN and audit it. Each row is one keyctl operation
 * that must fail: EACCES for want of permission, or EPERM for the
 * keyring's KEY_FLAG_KEEP (invalidating needs only search permission,
 * which listing the keyring with keyctl show needs).
 */
FIXTURE(keyctl) {
	key_serial_t ring, key, own;
	char der[8192];
	ssize_t der_len;
};

FIXTURE_VARIANT(keyctl) {
	bool cap_sys_admin;
};

FIXTURE_VARIANT_ADD(keyctl, root) { .cap_sys_admin = true };
FIXTURE_VARIANT_ADD(keyctl, root_without_cap_sys_admin) { .cap_sys_admin = false };

FIXTURE_SETUP(keyctl)
{
	char path[512];
	int fd;

	self->ring = bpfsig_keyring_id();
	ASSERT_LT(0, self->ring);
	self->key = enroll("rsa4096");
	ASSERT_LT(0, self->key);
	snprintf(path, sizeof(path), "%s/spare.der", keys_dir());
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	self->der_len = read(fd, self->der, sizeof(self->der));
	close(fd);
	ASSERT_LT(0, self->der_len);
	/* A key of our own, in our session keyring: could it be linked in? */
	self->own = add_key("asymmetric", NULL, self->der, self->der_len,
			    KEY_SPEC_SESSION_KEYRING);
	ASSERT_LT(0, self->own);
}

FIXTURE_TEARDOWN(keyctl)
{
	keyctl_unlink(self->own, KEY_SPEC_SESSION_KEYRING);
}

/* The first operation that did not fail as it should, or NULL. */
static const char *keyctl_attempts(key_serial_t ring, key_serial_t key,
				   key_serial_t own, const void *der,
				   size_t der_len)
{
	const key_perm_t all = KEY_POS_ALL | KEY_USR_ALL;

#define ATTEMPT(what, err) do { \
	errno = 0; \
	if ((what) != -1 || errno != (err)) \
		return #what; \
} while (0)
	ATTEMPT(add_key("asymmetric", NULL, der, der_len, ring), EACCES);
	ATTEMPT(keyctl_link(own, ring), EACCES);
	ATTEMPT(keyctl_unlink(key, ring), EACCES);
	ATTEMPT(keyctl_revoke(key), EACCES);
	ATTEMPT(keyctl_invalidate(key), EACCES);
	ATTEMPT(keyctl_set_timeout(key, 1), EACCES);
	ATTEMPT(keyctl_setperm(key, all), EACCES);
	ATTEMPT(keyctl_clear(ring), EACCES);
	ATTEMPT(keyctl_revoke(ring), EACCES);
	ATTEMPT(keyctl_invalidate(ring), EPERM);
	ATTEMPT(keyctl_set_timeout(ring, 1), EACCES);
	ATTEMPT(keyctl_setperm(ring, all), EACCES);
	ATTEMPT(keyctl_restrict_keyring(ring, NULL, NULL), EACCES);
#undef ATTEMPT
	return NULL;
}

TEST_F(keyctl, changes_refused)
{
	int pipefd[2], status;
	char failed[256] = "";
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		const char *what;

		close(pipefd[0]);
		if (!variant->cap_sys_admin && drop_cap_sys_admin())
			_exit(2);
		what = keyctl_attempts(self->ring, self->key, self->own,
				       self->der, self->der_len);
		if (what)
			dprintf(pipefd[1], "%s: %s", what, strerror(errno));
		_exit(what ? 1 : 0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], failed, sizeof(failed) - 1);
	close(pipefd[0]);
	failed[n > 0 ? n : 0] = 0;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("not refused: %s", failed);
	/* Nothing changed. */
	EXPECT_TRUE(in_keyring(self->ring, self->key));
	EXPECT_FALSE(in_keyring(self->ring, self->own));
}

/* Last: fills the revocation list to its limit. */
TEST_F_TIMEOUT(keyring, revoke_list_limit_enospc, 180)
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
