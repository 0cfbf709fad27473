// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: the one-way lock. Locks the policy until reboot, so
 * the VM runs it last, with the module loaded as mode=enforce; or, in a
 * boot of its own, loads the module itself with lock=1 ($BPFSIG_INSMOD).
 */
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <linux/userfaultfd.h>
#include "kselftest_harness.h"
#include "common.h"

/*
 * lock=1 at load time locks the policy before the module's files exist.
 *
 * To stop the module's init half-way through creating its files, the test
 * lists directories into buffers that userfaultfd holds back: a listing
 * that faults stops while it holds its directory's inode lock (shared),
 * and nothing can be created in that directory meanwhile (that needs the
 * lock exclusive).
 *
 *  1. A lists the securityfs root and stops there: the module cannot
 *     create its directory yet.
 *  2. The module is loaded; its init waits to create the directory.
 *  3. A goes on. B lists the module's directory again and again, into a
 *     buffer where "." and ".." fit in an ordinary page and the first
 *     file's entry falls in a held-back one: the first listing that sees a
 *     file, "mode" (the first one created), stops while the module waits to
 *     create the next one.
 *  4. Then a write lowering the mode must fail: the file cannot even be
 *     opened until the module is loaded (EAGAIN), and once it can, the
 *     policy is locked (EPERM).
 *
 * Step 3 is a race between B and the module's init: B does not always
 * win it (see below).
 *
 * Runs first, and only when $BPFSIG_INSMOD names the module to load.
 */
struct race {
	int uffd;
	long page_size;
	char *a_page;		/* held back */
	char *b_pages;		/* the second page held back */
	int stop, insmod_tid;
};

/* Two 24-byte dirent64 records, "." and "..". */
#define DOTS_LEN 48

static void *list_root(void *arg)
{
	struct race *r = arg;
	int fd = open("/sys/kernel/security", O_RDONLY | O_DIRECTORY);

	syscall(SYS_getdents64, fd, r->a_page, r->page_size);
	close(fd);
	return NULL;
}

static void *list_module_dir(void *arg)
{
	struct race *r = arg;
	char *buf = r->b_pages + r->page_size - DOTS_LEN;
	int fd;

	while ((fd = open(SFS, O_RDONLY | O_DIRECTORY)) < 0)
		if (__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
			return NULL;
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		lseek(fd, 0, SEEK_SET);
		syscall(SYS_getdents64, fd, buf, DOTS_LEN + r->page_size);
	}
	close(fd);
	return NULL;
}

static void *insmod(void *arg)
{
	struct race *r = arg;
	const char *ko = getenv("BPFSIG_INSMOD");
	long ret;
	int fd;

	__atomic_store_n(&r->insmod_tid, gettid(), __ATOMIC_RELEASE);
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ret = syscall(SYS_finit_module, fd, "mode=enforce lock=1", 0);
	ret = ret ? errno : 0;
	close(fd);
	return (void *)ret;
}

/* Is thread @tid waiting to create a securityfs file or directory? */
static bool creating_files(int tid)
{
	char path[64], stack[4096] = "";

	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", tid);
	file_read(path, stack, sizeof(stack));
	return strstr(stack, "securityfs_create");
}

/* Wait up to 20 s for a fault at @page; 0 or -1. */
static int wait_fault(struct race *r, const char *page)
{
	struct pollfd pfd = { .fd = r->uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, 20000) != 1 ||
	    read(r->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT ||
	    (msg.arg.pagefault.address & ~(r->page_size - 1)) !=
	    (unsigned long)page)
		return -1;
	return 0;
}

static void let_go(struct race *r, char *page, const char *zero)
{
	struct uffdio_copy copy = {
		.dst = (unsigned long)page,
		.src = (unsigned long)zero,
		.len = r->page_size,
	};

	ioctl(r->uffd, UFFDIO_COPY, &copy);
}

TEST(lock_param_applies_before_files_exist)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	pthread_t a, b, insmod_t;
	int written = -1, err, fd, i;
	bool waiting = false, halfway;
	struct race r = { 0 };
	char buf[32], *zero;
	void *ret;

	if (!getenv("BPFSIG_INSMOD"))
		SKIP(return, "the module is loaded already");
	r.page_size = sysconf(_SC_PAGESIZE);
	zero = calloc(1, r.page_size);
	r.uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	ASSERT_LE(0, r.uffd);
	ASSERT_EQ(0, ioctl(r.uffd, UFFDIO_API, &api));
	r.a_page = mmap(NULL, 3 * r.page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r.a_page);
	r.b_pages = r.a_page + r.page_size;
	r.b_pages[0] = 0;	/* an ordinary page */
	reg.range.start = (unsigned long)r.a_page;
	reg.range.len = r.page_size;
	ASSERT_EQ(0, ioctl(r.uffd, UFFDIO_REGISTER, &reg));
	reg.range.start = (unsigned long)r.b_pages + r.page_size;
	ASSERT_EQ(0, ioctl(r.uffd, UFFDIO_REGISTER, &reg));

	/* 1, 2: the securityfs root held, the module waits to create its directory. */
	ASSERT_EQ(0, pthread_create(&a, NULL, list_root, &r));
	ASSERT_EQ(0, wait_fault(&r, r.a_page));
	ASSERT_EQ(0, pthread_create(&b, NULL, list_module_dir, &r));
	ASSERT_EQ(0, pthread_create(&insmod_t, NULL, insmod, &r));
	for (i = 0; i < 20000 && !waiting; i++) {
		usleep(1000);
		waiting = creating_files(__atomic_load_n(&r.insmod_tid,
							 __ATOMIC_ACQUIRE));
	}
	EXPECT_TRUE(waiting);

	/* 3: "mode" exists, the module waits to create the next file. */
	let_go(&r, r.a_page, zero);
	pthread_join(a, NULL);
	ASSERT_EQ(0, wait_fault(&r, r.b_pages + r.page_size));

	/* 4 */
	halfway = creating_files(r.insmod_tid);
	fd = open(SFS "mode", O_WRONLY);
	if (fd < 0) {
		written = errno;
	} else {
		written = write(fd, "permissive", 10) < 0 ? errno : 0;
		close(fd);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	let_go(&r, r.b_pages + r.page_size, zero);
	pthread_join(b, NULL);
	pthread_join(insmod_t, &ret);
	err = (long)ret;
	EXPECT_EQ(0, err) TH_LOG("finit_module: %s", strerror(err));
	/*
	 * Under TCG the module's init is caught half-way in about one run of
	 * five (otherwise it has created all its files before B lists one):
	 * the write is tried either way, and must fail either way. Until the
	 * module is loaded, its files cannot even be opened (EAGAIN); once
	 * they can, the policy is locked (EPERM).
	 */
	TH_LOG("the module's init %s", halfway ? "was half-way" :
	       "had created its files");
	if (halfway) {
		EXPECT_EQ(EAGAIN, written) TH_LOG("lowering the mode: %s",
						  written ? strerror(written) :
						  "succeeded");
	} else {
		EXPECT_TRUE(written == EPERM || written == EAGAIN)
			TH_LOG("lowering the mode: %s", written ?
			       strerror(written) : "succeeded");
	}
	ASSERT_LT(0, sfs_read("mode", buf, sizeof(buf)));
	EXPECT_STREQ("enforce\n", buf);
	close(r.uffd);
	free(zero);
}

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

/* Once locked, the trusted set can narrow, never widen. */
TEST(trust_only_narrows)
{
	char buf[32];

	EXPECT_EQ(0, sfs_write("trust", "bpfsig"));
	EXPECT_EQ(-EPERM, sfs_write("trust", "bpfsig+system"));
	ASSERT_LT(0, sfs_read("trust", buf, sizeof(buf)));
	EXPECT_STREQ("bpfsig\n", buf);
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
