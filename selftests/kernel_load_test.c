// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: loads that originate in the kernel (uattr.is_kernel).
 *
 * A signed BPF_PROG_TYPE_SYSCALL program calls bpf_sys_bpf(BPF_PROG_LOAD)
 * with an attr held in an array map value, as light-skeleton loaders do;
 * the inner load reaches bpf_check() with kernel pointers. With require_kernel_sig=1 (default) it needs a signature
 * like any other load; with require_kernel_sig=0 it is exempt and counted.
 */
#include <stddef.h>
#include "kselftest_harness.h"
#include "common.h"

#define INNER_MAX 512

struct loader_ctx {
	union bpf_attr attr;
	char license[8];
	struct bpf_insn insns[INNER_MAX];
};

static bool require_kernel_sig(void)
{
	char c = 0;
	int fd = open("/sys/module/bpfsig/parameters/require_kernel_sig",
		      O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 0;
		close(fd);
	}
	return c == 'Y';
}

#define STX_DW(dst, src, off) \
	INSN(BPF_STX | BPF_MEM | BPF_DW, dst, src, off, 0)
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)

static void make_loader(struct blob *b, int map_fd)
{
	struct bpf_insn p[] = {
		INSN(BPF_LD | BPF_IMM | BPF_DW, BPF_REG_6,
		     BPF_PSEUDO_MAP_VALUE, 0, map_fd),
		INSN(0, 0, 0, 0, 0),
		MOV64_REG(BPF_REG_2, BPF_REG_6),
		ADD64_IMM(BPF_REG_2, offsetof(struct loader_ctx, insns)),
		STX_DW(BPF_REG_6, BPF_REG_2, offsetof(union bpf_attr, insns)),
		MOV64_REG(BPF_REG_2, BPF_REG_6),
		ADD64_IMM(BPF_REG_2, offsetof(struct loader_ctx, license)),
		STX_DW(BPF_REG_6, BPF_REG_2, offsetof(union bpf_attr, license)),
		MOV64_IMM(BPF_REG_1, BPF_PROG_LOAD),
		MOV64_REG(BPF_REG_2, BPF_REG_6),
		MOV64_IMM(BPF_REG_3, sizeof(union bpf_attr)),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_sys_bpf),
		EXIT_INSN(),
	};

	b->insns = malloc(sizeof(p));
	memcpy(b->insns, p, sizeof(p));
	b->cnt = b->prog_cnt = sizeof(p) / sizeof(p[0]);
}

static int loader_map(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = sizeof(struct loader_ctx);
	attr.max_entries = 1;
	return syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

/* Run the loader on @inner; the inner load's fd or -errno. */
static int kernel_load(int loader_fd, int map_fd, const struct blob *inner)
{
	static struct loader_ctx ctx;
	union bpf_attr attr;
	__u32 key = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	ctx.attr.insn_cnt = inner->cnt;
	strcpy(ctx.license, "GPL");
	memcpy(ctx.insns, inner->insns, inner->cnt * 8);

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = (unsigned long)&key;
	attr.value = (unsigned long)&ctx;
	if (syscall(__NR_bpf, BPF_MAP_UPDATE_ELEM, &attr, sizeof(attr)))
		return -2000 - errno;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = loader_fd;
	if (syscall(__NR_bpf, BPF_PROG_TEST_RUN, &attr, sizeof(attr)))
		return -1000 - errno;
	return (int)attr.test.retval;
}

FIXTURE(kload) {
	struct bpfsig_key *key;
	struct blob loader, inner;
	int loader_fd, map_fd;
};

FIXTURE_SETUP(kload)
{
	ASSERT_EQ(0, set_mode("enforce"));
	ASSERT_LT(0, enroll("rsa2048"));
	self->key = test_key("rsa2048");
	ASSERT_NE(NULL, self->key);
	self->map_fd = loader_map();
	ASSERT_LE(0, self->map_fd);
	make_loader(&self->loader, self->map_fd);
	ASSERT_EQ(0, sign_blob(&self->loader, self->key, "sha256",
			       BPF_PROG_TYPE_SYSCALL, 0));
	self->loader_fd = prog_load_flags(BPF_PROG_TYPE_SYSCALL, 0,
					  self->loader.insns,
					  self->loader.cnt,
					  BPF_F_SLEEPABLE);
	ASSERT_LE(0, self->loader_fd) TH_LOG("loader: %s\n%s",
					     strerror(-self->loader_fd),
					     verifier_log);
	make_prog(&self->inner, 4, 50);
}

FIXTURE_TEARDOWN(kload)
{
	close(self->loader_fd);
	close(self->map_fd);
	free_blob(&self->loader);
	free_blob(&self->inner);
	bpfsig_key__free(self->key);
}

TEST_F(kload, unsigned_kernel_load)
{
	struct counters a, b;
	int fd;

	counters_read(&a);
	fd = kernel_load(self->loader_fd, self->map_fd, &self->inner);
	counters_read(&b);
	if (require_kernel_sig()) {
		EXPECT_EQ(-EPERM, fd);
		/* Never seen by the syscall stage: the pointer is the kernel's. */
		EXPECT_EQ(NULL, counters_delta(&a, &b, "unsigned", 0));
	} else {
		EXPECT_LE(0, fd);
		EXPECT_EQ(NULL, counters_delta(&a, &b, "kernel_exempt", 0));
	}
	if (fd >= 0)
		close(fd);
}

TEST_F(kload, signed_kernel_load)
{
	struct counters a, b;
	int fd;

	long long reused;

	ASSERT_EQ(0, sign_blob(&self->inner, self->key, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	reused = stat_get("syscall_stage_verified");
	counters_read(&a);
	fd = kernel_load(self->loader_fd, self->map_fd, &self->inner);
	counters_read(&b);
	EXPECT_LE(0, fd);
	/* Kernel loads have no syscall stage: verified at bpf_check(). */
	EXPECT_EQ(reused, stat_get("syscall_stage_verified"));
	EXPECT_EQ(NULL, counters_delta(&a, &b, require_kernel_sig() ?
				       "accepted" : "kernel_exempt", 0));
	if (fd >= 0)
		close(fd);
}

TEST_F(kload, tampered_kernel_load)
{
	struct counters a, b;
	int fd;

	ASSERT_EQ(0, sign_blob(&self->inner, self->key, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	self->inner.insns[1].imm ^= 4;
	counters_read(&a);
	fd = kernel_load(self->loader_fd, self->map_fd, &self->inner);
	counters_read(&b);
	if (require_kernel_sig()) {
		EXPECT_EQ(-EKEYREJECTED, fd);
		EXPECT_EQ(NULL, counters_delta(&a, &b, "rejected", 0));
	} else {
		EXPECT_LE(0, fd);
		EXPECT_EQ(NULL, counters_delta(&a, &b, "kernel_exempt", 0));
	}
	if (fd >= 0)
		close(fd);
}

TEST_HARNESS_MAIN
