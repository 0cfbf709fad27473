// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: unloading. The module cannot go away while one of its
 * files is open or a load is inside a redirected function (or the verifier
 * below it), and no load passes unchecked while it goes. Unloads the module
 * at the end: the VM runs it after the suites that need it loaded.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include "kselftest_harness.h"
#include "common.h"

/*
 * A program the verifier needs a long time for: @n JSET diamonds on an
 * unknown value; on one side of each a stack slot holds a pointer, on the
 * other zero, and every slot is read at the end, so that no two paths
 * share a state and nothing is pruned (2^@n paths).
 */
static void make_slow_prog(struct blob *b, int n)
{
	int i, k = 0;

	b->insns = calloc(1 + 4 * n + 2, sizeof(*b->insns));
	/* r1 = skb->len: unknown */
	b->insns[k++] = INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_1, BPF_REG_1,
			     0, 0);
	for (i = 0; i < n; i++) {
		b->insns[k++] = INSN(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0,
				     -8 * (i + 1), 0);
		b->insns[k++] = INSN(BPF_JMP | BPF_JSET | BPF_K, BPF_REG_1, 0,
				     1, 1 << i);
		b->insns[k++] = INSN(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10,
				     BPF_REG_10, -8 * (i + 1), 0);
	}
	for (i = 0; i < n; i++)
		b->insns[k++] = INSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_0,
				     BPF_REG_10, -8 * (i + 1), 0);
	b->insns[k++] = MOV64_IMM(BPF_REG_0, 0);
	b->insns[k++] = EXIT_INSN();
	b->cnt = b->prog_cnt = k;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(no_unload_while_verifying)
{
	struct bpfsig_key *key = test_key("rsa2048");
	int status, fd, in_flight_errno = 0;
	double t0, load_s;
	struct blob b;
	pid_t pid;

	ASSERT_EQ(0, set_mode("enforce"));
	ASSERT_LT(0, enroll("rsa2048"));
	ASSERT_NE(NULL, key);
	make_slow_prog(&b, 11);
	ASSERT_EQ(0, sign_blob(&b, key, "sha256", BPF_PROG_TYPE_SOCKET_FILTER,
			       0));
	/* How long does one verification take here? */
	t0 = now();
	fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &b);
	load_s = now() - t0;
	ASSERT_LE(0, fd) TH_LOG("slow program: %s", strerror(-fd));
	close(fd);
	TH_LOG("verifying the slow program takes %.3f s", load_s);
	ASSERT_LT(0.2, load_s);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &b) >= 0 ? 0 : 1);
	usleep(load_s * 1e6 / 4);
	if (syscall(SYS_delete_module, "bpfsig", O_NONBLOCK))
		in_flight_errno = errno;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(EWOULDBLOCK, in_flight_errno);
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, access(SFS "mode", F_OK));
	free_blob(&b);
	bpfsig_key__free(key);
}

/* An open file pins the module: its file operations are module code. */
TEST(open_file_pins_module)
{
	static const char *const files[] = { "stats", "mode", "lock", "revoke" };
	unsigned int i;
	int fd;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[128];

		snprintf(path, sizeof(path), SFS "%s", files[i]);
		fd = open(path, O_RDONLY);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
		EXPECT_EQ(-1, syscall(SYS_delete_module, "bpfsig", O_NONBLOCK))
			TH_LOG("unloaded under an open %s", files[i]);
		EXPECT_EQ(EWOULDBLOCK, errno);
		/* Under the old code the module is gone: leave its file be. */
		ASSERT_EQ(0, access(SFS "mode", F_OK));
		close(fd);
	}
}

struct storm {
	long slipped;	/* unsigned, loaded while the module's files existed */
	long refused;	/* EPERM */
	long after;	/* loaded once the module's files were gone */
	long other;
	int stop;
};

/*
 * No load passes unchecked while the module goes away in enforce mode. The
 * module removes its securityfs files before it stops redirecting
 * bpf_check(), so an unsigned program that loads while they still exist
 * has slipped through. An O_PATH descriptor of "stats" is held across the
 * unload (it does not pin the module; the unload waits 10 s for it): opened
 * again through /proc afterwards, it must fail (EIO), not reach the freed
 * module. The unload alone takes those 10 s: the harness's 30 s is too
 * little for it on a slow emulator.
 */
FIXTURE(unload) {
};

FIXTURE_SETUP(unload)
{
}

FIXTURE_TEARDOWN(unload)
{
}

TEST_F_TIMEOUT(unload, no_unchecked_load_while_unloading, 120)
{
	struct storm *st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status, err = EWOULDBLOCK, tries, opath, fd;
	char path[64];
	struct blob b;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, st);
	opath = open(SFS "stats", O_PATH);
	ASSERT_LE(0, opath) TH_LOG("O_PATH %sstats: %s", SFS, strerror(errno));
	ASSERT_EQ(0, set_mode("enforce"));
	make_prog(&b, 2, 0);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		while (!__atomic_load_n(&st->stop, __ATOMIC_RELAXED)) {
			int fd = prog_load_flags(BPF_PROG_TYPE_SOCKET_FILTER, 0,
						 b.insns, b.cnt, 0);

			if (fd >= 0) {
				if (!access(SFS "mode", F_OK))
					st->slipped++;
				else
					st->after++;
				close(fd);
			} else if (fd == -EPERM) {
				st->refused++;
			} else {
				st->other++;
			}
		}
		_exit(0);
	}
	usleep(200 * 1000);
	/* A load holds the module for a moment: try again until it goes. */
	for (tries = 0; tries < 20000 && err == EWOULDBLOCK; tries++) {
		err = syscall(SYS_delete_module, "bpfsig", O_NONBLOCK) ? errno : 0;
		if (err == EWOULDBLOCK)
			usleep(1000);
	}
	usleep(200 * 1000);
	__atomic_store_n(&st->stop, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	TH_LOG("unloaded after %d tries: %ld refused, %ld slipped through, %ld loaded after, %ld other",
	       tries, st->refused, st->slipped, st->after, st->other);
	EXPECT_EQ(0, err);
	EXPECT_EQ(0, st->slipped);
	EXPECT_LT(0, st->refused);
	EXPECT_LT(0, st->after);
	EXPECT_EQ(0, st->other);
	EXPECT_EQ(-1, access(SFS "mode", F_OK));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", opath);
	fd = open(path, O_RDONLY);
	EXPECT_EQ(-1, fd) TH_LOG("the removed stats file opened again");
	EXPECT_EQ(EIO, errno);
	if (fd >= 0)
		close(fd);
	close(opath);
	free_blob(&b);
}

TEST_HARNESS_MAIN
