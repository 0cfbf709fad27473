/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel audit status, for the stress and soak tests. With audit=1 and
 * no audit daemon, every task that emits a record once kauditd's backlog
 * (64 records) is full waits up to audit_backlog_wait_time for it to drain:
 * a flood of bpfsig decisions then runs at kauditd's pace. Even without
 * waiting, a record makes a refusal at the trailer cost about ten times
 * more under TCG. The soak sets the wait to 0 while it runs (records past
 * the backlog are lost, and counted by the kernel as lost); the stress,
 * whose loads are refusals by the hundred thousand, turns auditing off
 * (log_test checks the records). Both put things back afterwards.
 */
#ifndef BPFSIG_SELFTESTS_AUDIT_STATUS_H
#define BPFSIG_SELFTESTS_AUDIT_STATUS_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/audit.h>
#include <linux/netlink.h>

struct audit_msg {
	struct nlmsghdr nlh;
	union {
		struct audit_status status;
		struct nlmsgerr err;
		char buf[512];
	};
};

/*
 * One request, acknowledged; for AUDIT_GET, the status in @reply (the kernel
 * sends it from a thread of its own: it may come after the ack). 0 or -errno.
 */
static inline int audit_request(int type, const struct audit_status *s,
				struct audit_status *reply)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	bool acked = false, got = !reply;
	struct audit_msg m;
	int fd, err = 0;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -errno;
	memset(&m, 0, sizeof(m));
	m.nlh.nlmsg_len = NLMSG_LENGTH(sizeof(*s));
	m.nlh.nlmsg_type = type;
	m.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (s)
		m.status = *s;
	if (sendto(fd, &m, m.nlh.nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0)
		err = -errno;
	while (!err && !(acked && got)) {
		n = recv(fd, &m, sizeof(m), 0);
		if (n < 0 || !NLMSG_OK(&m.nlh, (size_t)n)) {
			err = n < 0 ? -errno : -EIO;
		} else if (m.nlh.nlmsg_type == NLMSG_ERROR) {
			err = m.err.error;
			acked = true;
		} else if (m.nlh.nlmsg_type == AUDIT_GET && reply) {
			*reply = m.status;
			got = true;
		}
	}
	close(fd);
	return err;
}

/* Set one field of the audit status; its previous value, or -errno. */
static inline long audit_status_set(unsigned int mask, unsigned int value)
{
	struct audit_status s, old;
	int err;

	err = audit_request(AUDIT_GET, NULL, &old);
	if (err)
		return err;
	memset(&s, 0, sizeof(s));
	s.mask = mask;
	if (mask == AUDIT_STATUS_ENABLED)
		s.enabled = value;
	else
		s.backlog_wait_time = value;
	err = audit_request(AUDIT_SET, &s, NULL);
	if (err)
		return err;
	return mask == AUDIT_STATUS_ENABLED ? old.enabled : old.backlog_wait_time;
}

/* Set audit_backlog_wait_time (ticks); the previous value, or -errno. */
static inline long audit_backlog_wait(unsigned int ticks)
{
	return audit_status_set(AUDIT_STATUS_BACKLOG_WAIT_TIME, ticks);
}

/* Turn auditing on (1) or off (0); the previous state, or -errno. */
static inline long audit_enable(unsigned int on)
{
	return audit_status_set(AUDIT_STATUS_ENABLED, on);
}

#endif /* BPFSIG_SELFTESTS_AUDIT_STATUS_H */
