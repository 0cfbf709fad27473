// SPDX-License-Identifier: GPL-2.0
/*
 * corpus-run: sockets, the "corpus" network namespace (veth1 there, veth0
 * here; made by run-vm.sh), and the exercises that every loader's XDP, TC,
 * socket filter and cgroup_skb programs go through.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <bpf/bpf.h>

#include "runner.h"
#include "../progs/corpus.h"

/* Does HOST_ADDR answer a ping from the namespace within @secs? */
static int ping_ok(int secs)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd),
		 "ip netns exec corpus busybox ping -c 1 -W %d " HOST_ADDR
		 " >/dev/null 2>&1", secs);
	return system(cmd) == 0;
}

/* Send one UDP datagram from the "corpus" namespace to @addr:@port. */
static int ns_udp_send(const char *addr, int port, const char *msg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (!pid) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		int nsfd = open(NETNS_PATH, O_RDONLY), s;

		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
			_exit(2);
		s = socket(AF_INET, SOCK_DGRAM, 0);
		sa.sin_port = htons(port);
		inet_pton(AF_INET, addr, &sa.sin_addr);
		_exit(sendto(s, msg, strlen(msg), 0, (void *)&sa,
			     sizeof(sa)) < 0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

int udp_socket(const char *addr, int port, int timeout_ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timeval tv = { timeout_ms / 1000, timeout_ms % 1000 * 1000 };
	int s = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	if (s < 0)
		return -errno;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	sa.sin_port = htons(port);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (bind(s, (void *)&sa, sizeof(sa))) {
		close(s);
		return -errno;
	}
	return s;
}

int udp_port(int s)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	getsockname(s, (void *)&sa, &len);
	return ntohs(sa.sin_port);
}

int udp_send(int port, const char *msg)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0), ret;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	ret = sendto(s, msg, strlen(msg), 0, (void *)&sa, sizeof(sa));
	ret = ret < 0 ? -errno : 0;
	close(s);
	return ret;
}

/* next datagram on @s into @buf (NUL-terminated), or -errno (timeout) */
int udp_recv(int s, char *buf, size_t len)
{
	ssize_t n = recv(s, buf, len - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

/* Does a datagram from the namespace to HOST_ADDR:@port arrive? */
int ns_udp_arrives(int port)
{
	char buf[64];
	int s = udp_socket(HOST_ADDR, port, 1500), got;

	if (s < 0)
		return s;
	if (ns_udp_send(HOST_ADDR, port, "corpus")) {
		close(s);
		return -EIO;
	}
	got = udp_recv(s, buf, sizeof(buf)) > 0;
	close(s);
	return got;
}

/* ---- exercises shared by every loader ---------------------------------- */

/*
 * xdp_fw on veth0: IPv4 from the namespace passes until a prefix covering
 * its source is in "blocked", then is dropped (ping fails).
 */
void xdp_exercise(const char *label, int blocked, int stats, int seen)
{
	struct { __u32 prefixlen, addr; } rule = { .prefixlen = 24 };
	__u32 ns_addr;
	long long drops;
	char t[128];

	inet_pton(AF_INET, NS_ADDR, &ns_addr);
	inet_pton(AF_INET, "10.199.0.0", &rule.addr);
	snprintf(t, sizeof(t), "%s.xdp_ping_passes_without_rule", label);
	report(ping_ok(5), t, "ping " HOST_ADDR " from the namespace failed");
	snprintf(t, sizeof(t), "%s.xdp_lru_counts_source", label);
	report(map_u64(seen, &ns_addr) >= 1, t, "seen[" NS_ADDR "] = %lld",
	       map_u64(seen, &ns_addr));
	snprintf(t, sizeof(t), "%s.xdp_tail_call_taken", label);
	expect_eq(t, 0, map_idx(stats, XDP_STAT_TAIL_MISS));
	drops = map_idx(stats, XDP_STAT_DROP);
	snprintf(t, sizeof(t), "%s.xdp_rule_added", label);
	report(!bpf_map_update_elem(blocked, &rule, &(__u32){1}, BPF_ANY), t,
	       "%s", strerror(errno));
	snprintf(t, sizeof(t), "%s.xdp_ping_dropped_by_lpm_rule", label);
	/* no reply expected: 1 s is enough, the drop counter is checked too */
	report(!ping_ok(1), t, "ping went through");
	snprintf(t, sizeof(t), "%s.xdp_drop_counted", label);
	report(map_idx(stats, XDP_STAT_DROP) > drops, t, "drops %lld -> %lld",
	       drops, map_idx(stats, XDP_STAT_DROP));
	bpf_map_delete_elem(blocked, &rule);
	snprintf(t, sizeof(t), "%s.xdp_ping_passes_after_rule_removed", label);
	report(ping_ok(5), t, "ping failed");
}

/* tc_drop_port on veth0 ingress: UDP to @drop_port is shot, other pass. */
void tc_exercise(const char *label, int drop_port, int verdicts,
			int protos)
{
	__u32 udp = 17;
	long long shot = map_idx(verdicts, TC_SHOT);
	char t[128];

	snprintf(t, sizeof(t), "%s.tc_udp_to_port_%d_dropped", label,
		 drop_port);
	expect_eq(t, 0, ns_udp_arrives(drop_port));
	snprintf(t, sizeof(t), "%s.tc_udp_to_port_%d_passes", label,
		 drop_port - 1);
	expect_eq(t, 1, ns_udp_arrives(drop_port - 1));
	snprintf(t, sizeof(t), "%s.tc_shot_counted", label);
	expect_eq(t, shot + 1, map_idx(verdicts, TC_SHOT));
	snprintf(t, sizeof(t), "%s.tc_udp_protocol_counted", label);
	report(map_u64(protos, &udp) >= 2, t, "tc_proto[17] = %lld",
	       map_u64(protos, &udp));
}

/* sock_drop_d attached to a UDP socket: "D..." dropped, "A..." received */
void sock_exercise(const char *label, int prog_fd, int verdicts)
{
	__u32 k_acc = SOCK_ACCEPTED, k_drop = SOCK_DROPPED;
	long long acc = map_u64(verdicts, &k_acc);
	long long drop = map_u64(verdicts, &k_drop);
	int s = udp_socket("127.0.0.1", 0, 500);
	char buf[64], t[128];

	snprintf(t, sizeof(t), "%s.socket_filter_attached", label);
	report(s >= 0 && !setsockopt(s, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd,
				     sizeof(prog_fd)), t, "%s",
	       strerror(errno));
	udp_send(udp_port(s), "Dropped");
	udp_send(udp_port(s), "Accepted");
	snprintf(t, sizeof(t), "%s.socket_filter_passes_A", label);
	report(udp_recv(s, buf, sizeof(buf)) > 0 && !strcmp(buf, "Accepted"),
	       t, "first datagram received: '%s'", buf);
	snprintf(t, sizeof(t), "%s.socket_filter_drops_D", label);
	expect_err(t, -EAGAIN, udp_recv(s, buf, sizeof(buf)));
	snprintf(t, sizeof(t), "%s.socket_filter_counts", label);
	report(map_u64(verdicts, &k_acc) == (acc < 0 ? 0 : acc) + 1 &&
	       map_u64(verdicts, &k_drop) == (drop < 0 ? 0 : drop) + 1, t,
	       "accepted %lld -> %lld, dropped %lld -> %lld", acc,
	       map_u64(verdicts, &k_acc), drop, map_u64(verdicts, &k_drop));
	close(s);
}

/*
 * A child in @cgroup: UDP to CG_BLOCK_PORT fails with EPERM, to itself
 * passes and arrives. Returns the child's bitmask of failures.
 */
static int cg_child(const char *cgroup)
{
	char procs[512], buf[64];
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (!pid) {
		int s, bad = 0;
		FILE *f;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
		f = fopen(procs, "w");
		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
			_exit(64);
		if (udp_send(CG_BLOCK_PORT, "blocked") != -EPERM)
			bad |= 1;
		s = socket(AF_INET, CG_DENY_TYPE, CG_DENY_PROTO);
		if (s >= 0 || errno != EPERM)
			bad |= 4;
		s = udp_socket("127.0.0.1", 0, 1000);
		if (s < 0 || udp_send(udp_port(s), "hello") ||
		    udp_recv(s, buf, sizeof(buf)) <= 0)
			bad |= 2;
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void cg_exercise(const char *label, const char *cgroup, int counts)
{
	long long blocked = map_idx(counts, CG_EGRESS_BLOCKED);
	long long ingress = map_idx(counts, CG_INGRESS_UDP);
	long long denied = map_idx(counts, CG_SOCK_DENIED);
	int r = cg_child(cgroup);
	char t[128];

	snprintf(t, sizeof(t), "%s.cgroup_skb_egress_udp_%d_eperm", label,
		 CG_BLOCK_PORT);
	report(r >= 0 && !(r & 1) && r != 64, t, "child status %d", r);
	snprintf(t, sizeof(t), "%s.cgroup_skb_other_udp_passes", label);
	report(r >= 0 && !(r & 2) && r != 64, t, "child status %d", r);
	snprintf(t, sizeof(t), "%s.cgroup_sock_create_tcp_eperm", label);
	report(r >= 0 && !(r & 4) && r != 64, t, "child status %d", r);
	snprintf(t, sizeof(t), "%s.cgroup_sock_create_denial_counted", label);
	expect_eq(t, denied + 1, map_idx(counts, CG_SOCK_DENIED));
	snprintf(t, sizeof(t), "%s.cgroup_skb_egress_block_counted", label);
	expect_eq(t, blocked + 1, map_idx(counts, CG_EGRESS_BLOCKED));
	snprintf(t, sizeof(t), "%s.cgroup_skb_ingress_counted", label);
	report(map_idx(counts, CG_INGRESS_UDP) > ingress, t,
	       "ingress udp %lld -> %lld", ingress,
	       map_idx(counts, CG_INGRESS_UDP));
}
