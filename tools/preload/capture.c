// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig-preload.so: recording a loader's loads for 'bpfsig record'.
 *
 * $BPFSIG_RECORD names the capture file, created by 'bpfsig record'. Each
 * BPF_PROG_LOAD is appended to it as one manifest entry (manifest.h) in one
 * write() to a file opened O_APPEND, so that the loads of threads and
 * forked children do not interleave: its name, type, expected attach
 * type, canonical instructions, this process's command line, its place
 * among the process's loads and the kernel's answer. The load itself goes
 * to the kernel unchanged: the loader takes the path it takes where its
 * loads succeed, and its later loads (an extension program needs its
 * target's fd) are made and recorded too.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "capture.h"
#include "hook.h"
#include "manifest.h"
#include "refusal.h"

static int capture_fd = -1;
static unsigned int seq;

const char *bpfsig_cmdline(void)
{
	static char line[BPFSIG_MF_MAX_LOADER + 1];
	ssize_t n, i;
	int fd;

	if (line[0])
		return line;
	fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, line, sizeof(line) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		snprintf(line, sizeof(line), "pid %d", (int)getpid());
		return line;
	}
	while (n > 0 && !line[n - 1])
		n--;
	for (i = 0; i < n; i++)
		if (!line[i])
			line[i] = ' ';
	line[n] = 0;
	return line;
}

bool bpfsig_record_init(void)
{
	const char *path = getenv("BPFSIG_RECORD");

	if (!path || !*path)
		return false;
	capture_fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (capture_fd < 0)
		fprintf(stderr, "bpfsig-preload: %s ($BPFSIG_RECORD): %m: not recording\n",
			path);
	bpfsig_cmdline();
	return true;
}

bool bpfsig_recording(void)
{
	return capture_fd >= 0;
}

static void append(const union bpf_attr *attr, long ret)
{
	struct bpfsig_mf_entry e = {
		.loader = (char *)bpfsig_cmdline(),
		.prog_type = attr->prog_type,
		.expected_attach_type = attr->expected_attach_type,
		.runs = 1,
		.err = ret < 0 ? -ret : 0,
		.insn_cnt = attr->insn_cnt,
		.insns = (void *)(unsigned long)attr->insns,
	};
	char name[sizeof(attr->prog_name) + 1] = "";
	size_t len;
	void *buf;

	memcpy(name, attr->prog_name, sizeof(attr->prog_name));
	e.name = name;
	e.seq = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
	if (bpfsig_mf_entry_encode(&e, &buf, &len)) {
		fprintf(stderr, "bpfsig-preload: cannot record BPF_PROG_LOAD '%s' (%u insns)\n",
			name, e.insn_cnt);
		return;
	}
	if (write(capture_fd, buf, len) != (ssize_t)len)
		fprintf(stderr, "bpfsig-preload: writing the capture file: %m\n");
	free(buf);
}

long bpfsig_record_load(int cmd, void *uattr, unsigned int size)
{
	static __thread struct {
		__u64 hash;
		bool failed;
	} last;
	union bpf_attr *attr;
	__u64 h;
	long ret;

	ret = bpfsig_prog_load_copy(cmd, uattr, size, &attr);
	if (ret <= 0)
		return ret ?: bpfsig_real_bpf(cmd, uattr, size);
	ret = bpfsig_real_bpf(cmd, uattr, size);
	h = bpfsig_load_hash(attr);
	if (!(last.failed && last.hash == h))
		append(attr, ret);
	last.hash = h;
	last.failed = ret < 0;
	free(attr);
	return ret;
}
