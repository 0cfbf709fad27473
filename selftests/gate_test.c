// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: verdicts of the gate for whole programs, in every mode.
 * Run as root inside the test VM with bpfsig.ko loaded.
 */
#include <sys/syscall.h>
#include <sys/utsname.h>
#include "kselftest_harness.h"
#include "common.h"

static __u32 xlated_len(int fd)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (unsigned long)&info;
	if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)))
		return 0;
	return info.xlated_prog_len;
}

FIXTURE(gate) {
	struct bpfsig_key *k2048, *untrusted;
	struct blob b;
};

FIXTURE_SETUP(gate)
{
	ASSERT_EQ(0, set_mode("enforce"));
	ASSERT_LT(0, enroll("rsa2048"));
	ASSERT_LT(0, enroll("rsa4096"));
	self->k2048 = test_key("rsa2048");
	ASSERT_NE(NULL, self->k2048);
	self->untrusted = test_key("untrusted");
	ASSERT_NE(NULL, self->untrusted);
	make_prog(&self->b, 6, 100);
}

FIXTURE_TEARDOWN(gate)
{
	free_blob(&self->b);
	bpfsig_key__free(self->k2048);
	bpfsig_key__free(self->untrusted);
	set_mode("enforce");
}

TEST_F(gate, unsigned_enforce_eperm_at_syscall)
{
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EPERM, "unsigned", 1);
}

TEST_F(gate, unsigned_permissive_loads_and_counts)
{
	ASSERT_EQ(0, set_mode("permissive"));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, 0, "unsigned", 0);
}

TEST_F(gate, unsigned_off_loads_uncounted)
{
	ASSERT_EQ(0, set_mode("off"));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, 0, NULL, 0);
}

TEST_F(gate, unsigned_one_insn_eperm)
{
	struct blob one;

	make_prog(&one, 1, 0);
	EXPECT_LOAD(&one, BPF_PROG_TYPE_SOCKET_FILTER, EPERM, "unsigned", 1);
	free_blob(&one);
}

TEST_F(gate, signed_off_loads_stripped)
{
	int fd;

	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	ASSERT_EQ(0, set_mode("off"));
	fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &self->b);
	ASSERT_LE(0, fd);
	EXPECT_EQ(self->b.prog_cnt * 8, xlated_len(fd));
	close(fd);
}

TEST_F(gate, forged_permissive_loads_and_counts_nokey)
{
	ASSERT_EQ(0, sign_blob(&self->b, self->untrusted, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	ASSERT_EQ(0, set_mode("permissive"));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, 0, "nokey", 0);
}

TEST_F(gate, untrusted_key_enokey_at_syscall)
{
	ASSERT_EQ(0, sign_blob(&self->b, self->untrusted, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, ENOKEY, "nokey", 1);
}

TEST_F(gate, flipped_insn_byte_ekeyrejected_at_verifier)
{
	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	((unsigned char *)self->b.insns)[3 * 8 + 4] ^= 0x01;
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREJECTED,
		    "rejected", 0);
}

TEST_F(gate, flipped_opcode_byte_ekeyrejected)
{
	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	self->b.insns[0].code = BPF_ALU | BPF_MOV | BPF_K;
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREJECTED,
		    "rejected", 0);
}

TEST_F(gate, signature_moved_to_same_size_program_ekeyrejected)
{
	struct blob other;
	size_t app = (self->b.cnt - self->b.prog_cnt) * 8;

	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	app = (self->b.cnt - self->b.prog_cnt) * 8;
	make_prog(&other, self->b.prog_cnt, 7);
	other.insns = realloc(other.insns, other.prog_cnt * 8 + app);
	memcpy(other.insns + other.prog_cnt, self->b.insns + self->b.prog_cnt,
	       app);
	other.cnt = self->b.cnt;
	EXPECT_LOAD(&other, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREJECTED,
		    "rejected", 0);
	free_blob(&other);
}

TEST_F(gate, signature_moved_to_other_size_program_ekeyrejected_at_syscall)
{
	struct blob other;
	size_t app;

	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	app = (self->b.cnt - self->b.prog_cnt) * 8;
	make_prog(&other, self->b.prog_cnt + 1, 0);
	other.insns = realloc(other.insns, other.prog_cnt * 8 + app);
	memcpy(other.insns + other.prog_cnt, self->b.insns + self->b.prog_cnt,
	       app);
	other.cnt = other.prog_cnt + app / 8;
	EXPECT_LOAD(&other, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREJECTED,
		    "rejected", 1);
	free_blob(&other);
}

TEST_F(gate, statement_for_other_prog_type_ekeyrejected_at_syscall)
{
	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_XDP, EKEYREJECTED, "rejected", 1);
}

TEST_F(gate, statement_for_other_attach_type_ekeyrejected)
{
	struct counters a, b;
	int fd;

	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS));
	counters_read(&a);
	fd = prog_load_flags(BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS,
			     self->b.insns, self->b.cnt, 0);
	counters_read(&b);
	EXPECT_EQ(-EKEYREJECTED, fd);
	EXPECT_EQ(NULL, counters_delta(&a, &b, "rejected", 1));
	fd = prog_load_flags(BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS,
			     self->b.insns, self->b.cnt, 0);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(gate, cgroup_sock_attach_type_fixup_matches)
{
	int fd;

	/* The kernel turns expected_attach_type 0 into INET_SOCK_CREATE. */
	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_CGROUP_SOCK, 0));
	fd = prog_load_flags(BPF_PROG_TYPE_CGROUP_SOCK, 0, self->b.insns,
			     self->b.cnt, 0);
	EXPECT_LE(0, fd) TH_LOG("load: %s", strerror(-fd));
	close(fd);
	fd = prog_load_flags(BPF_PROG_TYPE_CGROUP_SOCK,
			     BPF_CGROUP_INET_SOCK_CREATE, self->b.insns,
			     self->b.cnt, 0);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_F(gate, map_fds_are_not_signed)
{
	struct blob m = { 0 };
	int map_a, map_b, fd, i;

	map_a = array_map();
	map_b = array_map();
	ASSERT_LE(0, map_a);
	ASSERT_LE(0, map_b);
	make_map_prog(&m, map_a);
	ASSERT_EQ(0, sign_blob(&m, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	for (i = 0; i < 2; i++) {
		m.insns[1].imm = i ? map_b : map_a;
		fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &m);
		EXPECT_LE(0, fd) TH_LOG("map fd %d: %s", m.insns[1].imm,
					strerror(-fd));
		close(fd);
	}
	/* The second half of the ld_imm64 is covered. */
	m.insns[2].imm = 1;
	EXPECT_LOAD(&m, BPF_PROG_TYPE_SOCKET_FILTER, EKEYREJECTED, "rejected",
		    0);
	free_blob(&m);
	close(map_a);
	close(map_b);
}

/*
 * What the kernel itself refuses before it looks at the instructions is
 * left to the kernel (bpf_prog_load() of 6.1): no bpfsig decision, no
 * counter, the kernel's own errno.
 */
TEST_F(gate, unknown_prog_flag_left_to_kernel_einval)
{
	struct counters a, b;

	counters_read(&a);
	EXPECT_EQ(-EINVAL, prog_load_flags(BPF_PROG_TYPE_SOCKET_FILTER, 0,
					   self->b.insns, self->b.cnt,
					   1u << 31));
	counters_read(&b);
	EXPECT_EQ(NULL, counters_delta(&a, &b, NULL, 0));
}

TEST_F(gate, attr_tail_not_zero_left_to_kernel_einval)
{
	struct counters a, b;
	union bpf_attr attr;
	struct utsname u;

	/* 6.1's attr ends at core_relo_rec_size; later kernels have more. */
	ASSERT_EQ(0, uname(&u));
	if (strncmp(u.release, "6.1.", 4))
		SKIP(return, "the attr layout checked is 6.1's");
	size_t end = offsetof(union bpf_attr, core_relo_rec_size) +
		     sizeof(attr.core_relo_rec_size);

	ASSERT_LT(end, sizeof(attr));
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)self->b.insns;
	attr.insn_cnt = self->b.cnt;
	attr.license = (unsigned long)"GPL";
	((char *)&attr)[end] = 1;
	counters_read(&a);
	EXPECT_EQ(-1, syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)));
	EXPECT_EQ(EINVAL, errno);
	counters_read(&b);
	EXPECT_EQ(NULL, counters_delta(&a, &b, NULL, 0));
}

#define UNPRIV_SYSCTL "/proc/sys/kernel/unprivileged_bpf_disabled"

/*
 * Callers without CAP_BPF or CAP_SYS_ADMIN, with unprivileged BPF enabled
 * (kernel.unprivileged_bpf_disabled=0): the kernel's limits for them hold
 * before bpfsig looks at anything, and every refusal says EPERM only, so
 * that they cannot learn which keys are trusted.
 */
FIXTURE(unpriv) {
	struct bpfsig_key *k2048, *untrusted;
	struct blob b;
	char sysctl[8];
};

FIXTURE_SETUP(unpriv)
{
	ASSERT_EQ(0, file_read(UNPRIV_SYSCTL, self->sysctl,
			       sizeof(self->sysctl)));
	/* 1 would be final until reboot; Debian boots with 2. */
	ASSERT_NE('1', self->sysctl[0]);
	ASSERT_EQ(0, file_write(UNPRIV_SYSCTL, "0"));
	ASSERT_EQ(0, set_mode("enforce"));
	ASSERT_LT(0, enroll("rsa2048"));
	self->k2048 = test_key("rsa2048");
	self->untrusted = test_key("untrusted");
	ASSERT_NE(NULL, self->k2048);
	ASSERT_NE(NULL, self->untrusted);
	make_prog(&self->b, 6, 300);
}

FIXTURE_TEARDOWN(unpriv)
{
	set_cap(CAP_SYS_ADMIN, true);
	if (self->sysctl[0])
		file_write(UNPRIV_SYSCTL, self->sysctl);
	free_blob(&self->b);
	bpfsig_key__free(self->k2048);
	bpfsig_key__free(self->untrusted);
}

TEST_F(unpriv, signed_loads)
{
	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	ASSERT_EQ(0, drop_bpf_caps());
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, 0, "accepted", 0);
}

TEST_F(unpriv, over_4096_insns_left_to_kernel_e2big)
{
	struct blob big;

	make_prog(&big, 4097, 1);
	ASSERT_EQ(0, drop_bpf_caps());
	EXPECT_LOAD(&big, BPF_PROG_TYPE_SOCKET_FILTER, E2BIG, NULL, 0);
	free_blob(&big);
}

TEST_F(unpriv, privileged_type_left_to_kernel_eperm)
{
	ASSERT_EQ(0, drop_bpf_caps());
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_XDP, EPERM, NULL, 0);
}

TEST_F(unpriv, untrusted_signer_eperm_not_enokey)
{
	ASSERT_EQ(0, sign_blob(&self->b, self->untrusted, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	ASSERT_EQ(0, drop_bpf_caps());
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EPERM, "nokey", 1);
}

TEST_F(unpriv, tampered_eperm_not_ekeyrejected)
{
	ASSERT_EQ(0, sign_blob(&self->b, self->k2048, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	self->b.insns[1].imm ^= 1;
	ASSERT_EQ(0, drop_bpf_caps());
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, EPERM, "rejected",
		    0);
}

/* Both redirections are permanent ftrace users. */
TEST(ftrace_cannot_be_disabled)
{
	char c = 0;
	int fd;

	struct utsname u;

	/*
	 * Up to 6.x the permanent hooks make the write fail with EBUSY; 7.x
	 * no longer lets kernel.ftrace_enabled turn ftrace off at all
	 * (EOPNOTSUPP, "deprecated").
	 */
	ASSERT_EQ(0, uname(&u));
	fd = open("/proc/sys/kernel/ftrace_enabled", O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, "0\n", 2));
	EXPECT_EQ(atoi(u.release) >= 7 ? EOPNOTSUPP : EBUSY, errno);
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	ASSERT_EQ(1, read(fd, &c, 1));
	EXPECT_EQ('1', c);
	close(fd);
}

FIXTURE(valid) {
	struct bpfsig_key *key;
	struct blob b;
};

FIXTURE_VARIANT(valid) {
	const char *key;
	const char *hash;
};

FIXTURE_VARIANT_ADD(valid, rsa2048_sha256) { .key = "rsa2048", .hash = "sha256" };
FIXTURE_VARIANT_ADD(valid, rsa2048_sha384) { .key = "rsa2048", .hash = "sha384" };
FIXTURE_VARIANT_ADD(valid, rsa2048_sha512) { .key = "rsa2048", .hash = "sha512" };
FIXTURE_VARIANT_ADD(valid, rsa4096_sha256) { .key = "rsa4096", .hash = "sha256" };
FIXTURE_VARIANT_ADD(valid, rsa4096_sha384) { .key = "rsa4096", .hash = "sha384" };
FIXTURE_VARIANT_ADD(valid, rsa4096_sha512) { .key = "rsa4096", .hash = "sha512" };

FIXTURE_SETUP(valid)
{
	ASSERT_EQ(0, set_mode("enforce"));
	ASSERT_LT(0, enroll(variant->key));
	self->key = test_key(variant->key);
	ASSERT_NE(NULL, self->key);
	make_prog(&self->b, 40, 1);
	ASSERT_EQ(0, sign_blob(&self->b, self->key, variant->hash,
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
}

FIXTURE_TEARDOWN(valid)
{
	free_blob(&self->b);
	bpfsig_key__free(self->key);
}

TEST_F(valid, accepted_and_verifier_sees_no_trailer)
{
	long long reused = stat_get("syscall_stage_verified");
	long long hits = stat_get("cache_hits");
	struct counters a, b;
	int fd;

	counters_read(&a);
	fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &self->b);
	counters_read(&b);
	ASSERT_LE(0, fd) TH_LOG("load: %s", strerror(-fd));
	EXPECT_EQ(NULL, counters_delta(&a, &b, "accepted", 0));
	/*
	 * The signature was verified once, at the syscall stage, or (an
	 * earlier test loaded these bytes) found in the cache, not verified.
	 */
	EXPECT_EQ(1, stat_get("syscall_stage_verified") - reused +
		     stat_get("cache_hits") - hits);
	EXPECT_GT(self->b.cnt, self->b.prog_cnt);
	EXPECT_EQ(self->b.prog_cnt * 8, xlated_len(fd));
	close(fd);
}

TEST_F(valid, accepted_in_permissive)
{
	long long reused = stat_get("syscall_stage_verified");

	ASSERT_EQ(0, set_mode("permissive"));
	EXPECT_LOAD(&self->b, BPF_PROG_TYPE_SOCKET_FILTER, 0, "accepted", 0);
	/* No syscall stage in permissive mode: verified at bpf_check(). */
	EXPECT_EQ(reused, stat_get("syscall_stage_verified"));
	set_mode("enforce");
}

TEST_HARNESS_MAIN
