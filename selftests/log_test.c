// SPDX-License-Identifier: GPL-2.0
/*
 * bpfsig selftests: the kernel log line and the audit record of a decision,
 * read back from the kernel's log buffer. Waits out the log rate limit.
 */
#include <regex.h>
#include <sys/klog.h>
#include "kselftest_harness.h"
#include "common.h"

static char *read_log(void)
{
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf = calloc(1, size + 1);

	if (buf && klogctl(3, buf, size) < 0) {	/* SYSLOG_ACTION_READ_ALL */
		free(buf);
		return NULL;
	}
	return buf;
}

/* Does a line of the kernel log match the extended regex @re? */
static bool log_has(const char *re)
{
	char *log = read_log(), *line, *save = NULL;
	bool found = false;
	regex_t r;

	if (!log || regcomp(&r, re, REG_EXTENDED | REG_NOSUB)) {
		free(log);
		return false;
	}
	for (line = strtok_r(log, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save))
		found = !regexec(&r, line, 0, NULL, 0);
	regfree(&r);
	free(log);
	return found;
}

static bool audit_on(void)
{
	char cmdline[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = 0;
		fclose(f);
	}
	return strstr(cmdline, "audit=1") != NULL;
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
		 "bpfsig: action=deny verdict=unsigned errno=1 stage=syscall pid=%d comm=log_test prog_type=1 insn_cnt=6 kernel=0 prog_name=bpfsig_test signer=$",
		 getpid());
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
	if (!audit_on())
		SKIP(return, "audit=1 not on the kernel command line");
	snprintf(self->re, sizeof(self->re),
		 "audit: type=1316 audit\\([0-9.:]+\\): op=bpfsig action=deny verdict=unsigned errno=1 mode=enforce stage=syscall pid=%d uid=0 comm=\"log_test\" prog_type=1 insn_cnt=6 kernel=0 prog_name=\"bpfsig_test\" signer=\\?$",
		 getpid());
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no record /%s/", self->re);
}

TEST_F(log, allow_signed_names_signer)
{
	struct bpfsig_key *key = test_key("rsa2048");
	unsigned char id[32];
	char hex[65] = "";
	int fd, i, len;

	ASSERT_NE(NULL, key);
	len = bpfsig_key__keyid(key, id, sizeof(id));
	ASSERT_LT(0, len);
	for (i = 0; i < len && i < 32; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	ASSERT_EQ(0, sign_blob(&self->b, key, "sha256",
			       BPF_PROG_TYPE_SOCKET_FILTER, 0));
	fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &self->b);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: action=allow verdict=accepted errno=0 stage=verifier pid=%d comm=log_test prog_type=1 insn_cnt=%u kernel=0 prog_name=bpfsig_test signer=%s$",
		 getpid(), self->b.cnt, hex);
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
	bpfsig_key__free(key);
}

TEST_F(log, permissive_says_so)
{
	int fd;

	ASSERT_EQ(0, set_mode("permissive"));
	fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, &self->b);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(self->re, sizeof(self->re),
		 "bpfsig: action=allow-permissive verdict=unsigned errno=1 stage=verifier pid=%d comm=log_test ",
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
		 "pid=%d comm=log_test prog_type=1 insn_cnt=6 kernel=0 prog_name=ev il\\\\n\"x=1 signer=$",
		 getpid());
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no line /%s/", self->re);
	if (!audit_on())
		SKIP(return, "audit=1 not on the kernel command line");
	snprintf(self->re, sizeof(self->re),
		 "pid=%d uid=0 comm=\"log_test\" prog_type=1 insn_cnt=6 kernel=0 prog_name=657620696c0a22783d31 signer=\\?$",
		 getpid());
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no record /%s/", self->re);
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
	EXPECT_TRUE(log_has(self->re)) TH_LOG("no record /%s/", self->re);
}

TEST_HARNESS_MAIN
