// SPDX-License-Identifier: GPL-2.0
/*
 * The sockfilter corpus object as a light skeleton signed the mainline way
 * (Debian's bpftool `gen skeleton -L -S -k KEY -i CERT`, SKEL_H): its
 * loader program carries attr.signature over its instructions and its
 * metadata map, which holds the object's programs; the kernel verifies it
 * against the keyring the skeleton names (skel->keyring_id).
 *
 *   mainline-lskel KEYRING_ID
 *
 * Loads the skeleton with that keyring and the loader's verifier log on,
 * prints "err=N" (the load's result, a negative errno) and the log's
 * signature lines; once loaded, attaches sock_drop_d to a UDP socket on
 * 127.0.0.1, sends a datagram starting with 'D' and one starting with 'A',
 * and prints "received=..." with the first bytes of what arrived: "A" if
 * the filter ran (it drops the first). Exits 0 only if all of that held.
 */
#include <errno.h>	/* skel_internal.h needs it */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include SKEL_H

static char log_buf[1 << 20];

/* The loopback interface, up (the test VM's init leaves it down). */
static void lo_up(int sock)
{
	struct ifreq ifr = {};

	strncpy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name) - 1);
	if (!ioctl(sock, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(sock, SIOCSIFFLAGS, &ifr);
	}
}

static int run_filter(int prog_fd)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int rx, tx, n, ret = 1;
	char buf[16];

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0) {
		perror("socket");
		return 1;
	}
	lo_up(rx);
	if (bind(rx, (struct sockaddr *)&addr, sizeof(addr)) ||
	    getsockname(rx, (struct sockaddr *)&addr, &len)) {
		perror("bind");
		goto out;
	}
	if (setsockopt(rx, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd,
		       sizeof(prog_fd))) {
		perror("SO_ATTACH_BPF");
		goto out;
	}
	if (sendto(tx, "D", 1, 0, (struct sockaddr *)&addr, len) != 1 ||
	    sendto(tx, "A", 1, 0, (struct sockaddr *)&addr, len) != 1) {
		perror("sendto");
		goto out;
	}
	n = recv(rx, buf, sizeof(buf) - 1, 0);
	if (n < 0) {
		perror("recv");
		goto out;
	}
	buf[n] = 0;
	printf("received=%s\n", buf);
	ret = strcmp(buf, "A") != 0;
out:
	close(rx);
	close(tx);
	return ret;
}

int main(int argc, char **argv)
{
	struct sockfilter *skel;
	char *line;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s KEYRING_ID\n", argv[0]);
		return 2;
	}
	skel = sockfilter__open();
	if (!skel) {
		printf("err=open\n");
		return 1;
	}
	skel->keyring_id = atoi(argv[1]);
	skel->ctx.log_level = 1;
	skel->ctx.log_size = sizeof(log_buf);
	skel->ctx.log_buf = (long)log_buf;
	err = sockfilter__load(skel);
	printf("err=%d\n", err);
	for (line = strtok(log_buf, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, "signature") || strstr(line, "keyring"))
			printf("log: %s\n", line);
	if (!err)
		err = run_filter(skel->progs.sock_drop_d.prog_fd);
	sockfilter__destroy(skel);
	return err ? 1 : 0;
}
