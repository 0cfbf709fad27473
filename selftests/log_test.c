// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: the kernel log line and the audit record of a decision,
 * read back from the kernel's log buffer. Waits out the log rate limit.
 *
 * Every line names the program and counts its own instructions (insn_cnt)
 * apart from the bytes appended to them (appendix_len), at both stages.
 */
#include "kselftest_harness.h"
#include "common.h"

/* The key id of test key @name, in hex, into @hex (65 bytes); 0 or -1. */
static int keyid_hex(const char *name, char *hex)
{
	struct bpfsig_key *key = test_key(name);
	unsigned char id[32];
	int i, len;

	hex[0] = 0;
	if (!key)
		return -1;
	len = bpfsig_key__keyid(key, id, sizeof(id));
	for (i = 0; i < len && i < 32; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	bpfsig_key__free(key);
	return len > 0 ? 0 : -1;
}

/* Sign b with test key @name, for a socket filter: 0 or -errno. */
static int sign_with(struct blob *b, const char *name)
{
	struct bpfsig_key *key = test_key(name);
	int err;

	if (!key)
		return -ENOKEY;
	err = sign_blob(b, key, "sha256", BPF_PROG_TYPE_SOCKET_FILTER, 0);
	bpfsig_key__free(key);
	return err;
}

FIXTURE(log) {
	struct blob b;
	char re[1024];
};

FIXTURE_SETUP(log)
{
	ASSERT_EQ(0, set_mode("enforce"));
	ASSERT_LT(0, enroll("rsa2048"));
	make_prog(&self->b, 6, 3);
	/* pr_info_ratelimited: 10 lines per 5 s. */
	sleep(6);
}

FIXTURE_TEARDOWN(log)
{
	free_blob(&self->b);
	set_mode("enforce");
}

TEST_F(log, deny_unsigned)
{
	EXPECT_EQ(-EPERM, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &self->b));
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: action=deny verdict=unsigned errno=1 stage=syscall pid=%d comm=log_test prog_type=1 insn_cnt=6 appendix_len=0 kernel=0 prog_name=bpfsig_test claimed_signer=$",
		 getpid());
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
	if (!audit_on())
		SKIP(return, "audit=1 not on the kernel command line");
	snprintf(self->re, sizeof(self->re),
		 "audit: type=1316 audit\\([0-9.:]+\\): op=bpfsig action=deny verdict=unsigned errno=1 mode=enforce stage=syscall pid=%d uid=0 comm=\"log_test\" prog_type=1 insn_cnt=6 appendix_len=0 kernel=0 prog_name=\"bpfsig_test\" claimed_signer=\\?$",
		 getpid());
	EXPECT_TRUE(record_has(self->re)) TH_LOG("no record /%s/", self->re);
}

/* Verifier stage: the program's 6 instructions, the appendix apart. */
TEST_F(log, allow_signed_names_signer)
{
	char hex[65];
	int fd;

	ASSERT_EQ(0, keyid_hex("rsa2048", hex));
	ASSERT_EQ(0, sign_with(&self->b, "rsa2048"));
	ASSERT_LT(6, self->b.cnt);
	fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &self->b);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: action=allow verdict=accepted errno=0 stage=verifier pid=%d comm=log_test prog_type=1 insn_cnt=6 appendix_len=%u kernel=0 prog_name=bpfsig_test claimed_signer=%s$",
		 getpid(), (self->b.cnt - 6) * 8, hex);
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
	if (!audit_on())
		SKIP(return, "audit=1 not on the kernel command line");
	snprintf(self->re, sizeof(self->re),
		 "op=bpfsig action=allow verdict=accepted errno=0 mode=enforce stage=verifier pid=%d uid=0 comm=\"log_test\" prog_type=1 insn_cnt=6 appendix_len=%u kernel=0 prog_name=\"bpfsig_test\" claimed_signer=%s$",
		 getpid(), (self->b.cnt - 6) * 8, hex);
	EXPECT_TRUE(record_has(self->re)) TH_LOG("no record /%s/", self->re);
}

/*
 * Syscall stage: a signature by a key that is not trusted is refused there,
 * and the line counts the program alone, as the verifier stage does.
 */
TEST_F(log, syscall_stage_counts_the_program_alone)
{
	char hex[65];

	ASSERT_EQ(0, keyid_hex("untrusted", hex));
	ASSERT_EQ(0, sign_with(&self->b, "untrusted"));
	EXPECT_EQ(-ENOKEY, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &self->b));
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: action=deny verdict=nokey errno=126 stage=syscall pid=%d comm=log_test prog_type=1 insn_cnt=6 appendix_len=%u kernel=0 prog_name=bpfsig_test claimed_signer=%s$",
		 getpid(), (self->b.cnt - 6) * 8, hex);
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
	if (!audit_on())
		SKIP(return, "audit=1 not on the kernel command line");
	snprintf(self->re, sizeof(self->re),
		 "op=bpfsig action=deny verdict=nokey errno=126 mode=enforce stage=syscall pid=%d uid=0 comm=\"log_test\" prog_type=1 insn_cnt=6 appendix_len=%u kernel=0 prog_name=\"bpfsig_test\" claimed_signer=%s$",
		 getpid(), (self->b.cnt - 6) * 8, hex);
	EXPECT_TRUE(record_has(self->re)) TH_LOG("no record /%s/", self->re);
}

/*
 * Instructions changed after signing pass the syscall stage (which does not
 * hash them) and are refused at the verifier stage: same counts.
 */
TEST_F(log, tampered_counts_the_program_alone)
{
	char hex[65];

	ASSERT_EQ(0, keyid_hex("rsa2048", hex));
	ASSERT_EQ(0, sign_with(&self->b, "rsa2048"));
	self->b.insns[2].imm ^= 1;
	EXPECT_EQ(-EKEYREJECTED, prog_load(BPF_PROG_TYPE_SOCKET_FILTER,
					   &self->b));
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: action=deny verdict=rejected errno=129 stage=verifier pid=%d comm=log_test prog_type=1 insn_cnt=6 appendix_len=%u kernel=0 prog_name=bpfsig_test claimed_signer=%s$",
		 getpid(), (self->b.cnt - 6) * 8, hex);
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
	if (!audit_on())
		SKIP(return, "audit=1 not on the kernel command line");
	snprintf(self->re, sizeof(self->re),
		 "op=bpfsig action=deny verdict=rejected errno=129 mode=enforce stage=verifier pid=%d uid=0 comm=\"log_test\" prog_type=1 insn_cnt=6 appendix_len=%u kernel=0 prog_name=\"bpfsig_test\" claimed_signer=%s$",
		 getpid(), (self->b.cnt - 6) * 8, hex);
	EXPECT_TRUE(record_has(self->re)) TH_LOG("no record /%s/", self->re);
}

/*
 * An appended region that does not parse is not told apart from the
 * program: insn_cnt counts everything passed, appendix_len is 0.
 */
TEST_F(log, malformed_counts_everything)
{
	ASSERT_EQ(0, sign_with(&self->b, "rsa2048"));
	blob_trailer(&self->b)->version = 2;
	EXPECT_EQ(-EBADMSG, prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &self->b));
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: action=deny verdict=malformed errno=74 stage=syscall pid=%d comm=log_test prog_type=1 insn_cnt=%u appendix_len=0 kernel=0 prog_name=bpfsig_test claimed_signer=$",
		 getpid(), self->b.cnt);
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
}

TEST_F(log, permissive_says_so)
{
	int fd;

	ASSERT_EQ(0, set_mode("permissive"));
	fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &self->b);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: action=allow-permissive verdict=unsigned errno=1 stage=verifier pid=%d comm=log_test prog_type=1 insn_cnt=6 appendix_len=0 kernel=0 prog_name=bpfsig_test claimed_signer=$",
		 getpid());
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
}

TEST_F(log, hostile_name_escaped)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)self->b.insns;
	attr.insn_cnt = self->b.cnt;
	attr.license = (unsigned long)"GPL";
	memcpy(attr.prog_name, "ev il\n\"x=1", 11);
	EXPECT_EQ(-1, syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)));
	EXPECT_EQ(EPERM, errno);
	snprintf(self->re, sizeof(self->re),
		 "pid=%d comm=log_test prog_type=1 insn_cnt=6 appendix_len=0 kernel=0 prog_name=ev il\\\\n\"x=1 claimed_signer=$",
		 getpid());
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
	if (!audit_on())
		SKIP(return, "audit=1 not on the kernel command line");
	snprintf(self->re, sizeof(self->re),
		 "pid=%d uid=0 comm=\"log_test\" prog_type=1 insn_cnt=6 appendix_len=0 kernel=0 prog_name=657620696c0a22783d31 claimed_signer=\\?$",
		 getpid());
	EXPECT_TRUE(record_has(self->re)) TH_LOG("no record /%s/", self->re);
}

/*
 * attr.prog_name is 16 bytes, NUL-terminated only when shorter; the syscall
 * stage reads it before the kernel checks it and logs the 16 bytes, no more.
 */
TEST_F(log, full_length_name_at_syscall_stage)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)self->b.insns;
	attr.insn_cnt = self->b.cnt;
	attr.license = (unsigned long)"GPL";
	memcpy(attr.prog_name, "abcdefghijklmnop", sizeof(attr.prog_name));
	attr.prog_ifindex = 0x41414141;	/* the next field: "AAAA" */
	EXPECT_EQ(-1, syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)));
	EXPECT_EQ(EPERM, errno);
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: action=deny verdict=unsigned errno=1 stage=syscall pid=%d comm=log_test prog_type=1 insn_cnt=6 appendix_len=0 kernel=0 prog_name=abcdefghijklmnop claimed_signer=$",
		 getpid());
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
	if (!audit_on())
		SKIP(return, "audit=1 not on the kernel command line");
	snprintf(self->re, sizeof(self->re),
		 "pid=%d uid=0 comm=\"log_test\" prog_type=1 insn_cnt=6 appendix_len=0 kernel=0 prog_name=\"abcdefghijklmnop\" claimed_signer=\\?$",
		 getpid());
	EXPECT_TRUE(record_has(self->re)) TH_LOG("no record /%s/", self->re);
}

TEST_F(log, policy_change_audited)
{
	ASSERT_EQ(0, set_mode("permissive"));
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: mode enforce -> permissive by pid=%d$", getpid());
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
	if (!audit_on())
		SKIP(return, "audit=1 not on the kernel command line");
	snprintf(self->re, sizeof(self->re),
		 "op=bpfsig_policy change=mode old=enforce new=permissive pid=%d uid=0 comm=\"log_test\"$",
		 getpid());
	EXPECT_TRUE(record_has(self->re)) TH_LOG("no record /%s/", self->re);
}

static int load_named(const struct blob *b, const char *name)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)b->insns;
	attr.insn_cnt = b->cnt;
	attr.license = (unsigned long)"GPL";
	snprintf(attr.prog_name, sizeof(attr.prog_name), "%s", name);
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/*
 * The log line says what happened to the load even when the mode changes
 * while the load is checked: the decision carries the mode it was made
 * with. A tampered program of about a million instructions is hashed for
 * tens of milliseconds at the verifier stage; the mode drops to permissive
 * at various moments of that. Its first instruction jumps before the
 * program: a load that bpfsig lets through is refused by the verifier's
 * first, linear pass over the jumps (EINVAL), instead of spending seconds in
 * the passes that follow it (control flow, liveness, do_check).
 */
TEST_F(log, action_is_the_decision_made)
{
	static const int delay_ms[] = { 10, 30, 50, 70, 90, 120 };
	struct bpfsig_key *key = test_key("rsa2048");
	char name[16];
	struct blob big;
	unsigned int i;
	int ret, status;
	pid_t pid;

	ASSERT_NE(NULL, key);
	make_prog(&big, 999000, 5);
	big.insns[0] = INSN(BPF_JMP | BPF_JA, 0, 0, -2, 0);
	ASSERT_EQ(0, sign_blob(&big, key, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	big.insns[10].imm ^= 1;
	for (i = 0; i < sizeof(delay_ms) / sizeof(delay_ms[0]); i++) {
		ASSERT_EQ(0, set_mode("enforce"));
		snprintf(name, sizeof(name), "race%u", i);
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			usleep(delay_ms[i] * 1000);
			_exit(set_mode("permissive") ? 1 : 0);
		}
		ret = load_named(&big, name);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_EQ(0, WEXITSTATUS(status));
		if (ret == -EKEYREJECTED) {
			snprintf(self->re, sizeof(self->re),
				 "bpfsig: action=deny verdict=rejected errno=129 stage=verifier pid=%d .* prog_name=%s ",
				 getpid(), name);
		} else {
			EXPECT_EQ(-EINVAL, ret);
			snprintf(self->re, sizeof(self->re),
				 "bpfsig: action=allow-permissive verdict=rejected errno=129 stage=verifier pid=%d .* prog_name=%s ",
				 getpid(), name);
		}
		TH_LOG("mode lowered after %d ms: load %s", delay_ms[i],
		       ret ? strerror(-ret) : "allowed");
		EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
	}
	free_blob(&big);
	bpfsig_key__free(key);
}

/*
 * Two writers flip the mode as fast as they can: every real change is
 * logged once, with the mode it replaced, so the changes logged add up to
 * the final mode.
 */
TEST_F(log, concurrent_mode_changes_add_up)
{
	pid_t w[2];
	char mode[32];
	int i, up, down, status;

	ASSERT_EQ(0, set_mode("enforce"));
	for (i = 0; i < 2; i++) {
		w[i] = fork();
		ASSERT_LE(0, w[i]);
		if (!w[i]) {
			int k;

			for (k = 0; k < 200; k++) {
				set_mode((k + i) % 2 ? "enforce" : "permissive");
				set_mode((k + i) % 2 ? "permissive" : "enforce");
			}
			_exit(0);
		}
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(w[i], waitpid(w[i], &status, 0));
	ASSERT_LT(0, sfs_read("mode", mode, sizeof(mode)));
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: mode permissive -> enforce by pid=(%d|%d)$", w[0], w[1]);
	up = log_count(self->re);
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: mode enforce -> permissive by pid=(%d|%d)$", w[0], w[1]);
	down = log_count(self->re);
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: mode ([a-z]+) -> \\1 by pid=(%d|%d)$", w[0], w[1]);
	EXPECT_EQ(0, log_count(self->re));
	TH_LOG("%d changes up, %d down, final %s", up, down, mode);
	EXPECT_LT(0, up);
	EXPECT_EQ(strcmp(mode, "permissive\n") ? 0 : 1, down - up);
}

TEST_HARNESS_MAIN
