// SPDX-License-Identifier: GPL-2.0
/*
 * The demo's raw loader: one BPF_PROG_LOAD of a raw instruction file as a
 * socket filter, the file passed whole as attr.insns (an appended bpfsig
 * signature included, if it has one) and nothing checked beforehand: the
 * kernel decides. Prints the outcome and the errno.
 *   load-raw FILE NAME
 * Exit status: 0 loaded, 1 refused, 2 usage or unreadable file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

static void *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc(size)) &&
	    fread(buf, 1, size, f) == (size_t)size) {
		*len = size;
	} else {
		free(buf);
		buf = NULL;
		errno = errno ? errno : EINVAL;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	union bpf_attr attr;
	size_t len;
	void *buf;
	int fd, err;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FILE NAME\n", argv[0]);
		return 2;
	}
	buf = read_all(argv[1], &len);
	if (!buf || !len || len % 8) {
		fprintf(stderr, "load-raw: %s: %s\n", argv[1],
			buf ? "size is not a non-zero multiple of 8" :
			strerror(errno));
		return 2;
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)buf;
	attr.insn_cnt = len / 8;
	attr.license = (unsigned long)"GPL";
	strncpy(attr.prog_name, argv[2], sizeof(attr.prog_name) - 1);
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	err = fd < 0 ? errno : 0;
	free(buf);
	if (err) {
		printf("load-raw: %s: BPF_PROG_LOAD (insn_cnt %u) refused: errno %d (%s): %s\n",
		       attr.prog_name, attr.insn_cnt, err,
		       strerrorname_np(err) ?: "?", strerror(err));
		return 1;
	}
	printf("load-raw: %s: BPF_PROG_LOAD (insn_cnt %u) loaded: fd %d\n",
	       attr.prog_name, attr.insn_cnt, fd);
	close(fd);
	return 0;
}
