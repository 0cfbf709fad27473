// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* bpfsig CLI: helpers shared by the commands. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "main.h"
#include "manifest.h"

int parse_options(int argc, char **argv, const char *optstring,
		  const struct option *options, int (*fn)(int opt, void *args),
		  void *args)
{
	int opt, err;

	if (argc >= 1 && !strcmp(argv[0], "help"))
		return OPT_HELP;
	/* argv[-1] is the command's name: getopt starts after it */
	optind = 0;
	while ((opt = getopt_long(argc + 1, argv - 1, optstring, options,
				  NULL)) >= 0) {
		if (opt == 'h')
			return OPT_HELP;
		err = fn(opt, args);
		if (err)
			return err;
	}
	return 0;
}

int one_file(int argc, char **argv, const char *cmd, const char **path)
{
	if (optind != argc) {
		p_usage("%s: expected exactly one FILE", cmd);
		return EXIT_USAGE;
	}
	*path = argv[optind - 1];
	return 0;
}

int read_file(const char *path, void **buf, size_t *len)
{
	int err = bpfsig_read_file(path, buf, len);

	if (err)
		p_err("%s: %s", path, strerror(-err));
	return err;
}

int read_kconfig(const char *path, char **out)
{
	size_t len;
	void *buf;

	*out = NULL;
	if (!path)
		return 0;
	if (read_file(path, &buf, &len))
		return -1;
	if (strlen(buf) != len) {
		p_err("%s: not a Kconfig text file", path);
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

/* The first @len bytes of @path: how many were read, or -errno (printed) */
static int read_head(const char *path, void *buf, size_t len)
{
	int fd, n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		n = -errno;
		p_err("%s: %s", path, strerror(errno));
		return n;
	}
	n = read(fd, buf, len);
	close(fd);
	return n;
}

int hash_option(const char *arg, struct bpfsig_sign_opts *opts)
{
	if (bpfsig_hash_by_name(arg) < 0) {
		p_usage("unsupported --hash '%s' (sha256, sha384, sha512)",
			arg);
		return EXIT_USAGE;
	}
	opts->hash = arg;
	return 0;
}

int file_is_manifest(const char *path)
{
	unsigned char h[8];
	int n = read_head(path, h, sizeof(h));

	return n < 0 ? n : bpfsig_manifest_magic(h, n);
}

int file_is_elf(const char *path)
{
	unsigned char h[20];
	int n = read_head(path, h, sizeof(h));

	if (n < 0)
		return n;
	if (n < 4 || memcmp(h, ELFMAG, SELFMAG))
		return 0;
	if (n < 20 || h[EI_CLASS] != ELFCLASS64) {
		p_err("%s: not a BPF object (not a 64-bit ELF file)", path);
		return -ENOEXEC;
	}
	/* e_machine, in the file's byte order */
	n = h[EI_DATA] == ELFDATA2MSB ? h[18] << 8 | h[19] : h[19] << 8 | h[18];
	if (n != EM_BPF) {
		p_err("%s: not a BPF object (ELF machine %d, expected EM_BPF)",
		      path, n);
		return -ENOEXEC;
	}
	return 1;
}

void hex_str(const void *buf, size_t len, char *out)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * len] = 0;
}

const char *prog_type_str(__u32 type, char *buf, size_t len)
{
	const char *s = libbpf_bpf_prog_type_str(type);

	if (s)
		return s;
	snprintf(buf, len, "%u", type);
	return buf;
}

/* "N (name)"; 0 alone, as most program types do not use it */
const char *attach_type_str(__u32 type, char *buf, size_t len)
{
	const char *s = libbpf_bpf_attach_type_str(type);

	if (s && type)
		snprintf(buf, len, "%u (%s)", type, s);
	else
		snprintf(buf, len, "%u", type);
	return buf;
}

struct bpfsig_key *load_key(const char *key_path, const char *cert_path)
{
	struct bpfsig_key *key;

	key = bpfsig_key__load(key_path, cert_path, NULL);
	if (!key)
		p_err("%s: cannot load %s (%s)",
		      key_path ? key_path : cert_path,
		      key_path ? "signing key" : "certificate",
		      bpfsig_errno_name(errno) ?: strerror(errno));
	return key;
}

const char *secfs_dir(void)
{
	const char *d = getenv("BPFSIG_SECURITYFS");

	return d && *d ? d : SECFS_DIR;
}

int secfs_write(const char *name, const void *buf, size_t len,
		key_serial_t *serial)
{
	char path[512], out[32];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", secfs_dir(), name);
	fd = open(path, (serial ? O_RDWR : O_WRONLY) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) < 0) {
		err = -errno;
	} else if (serial) {
		n = read(fd, out, sizeof(out) - 1);
		if (n <= 0) {
			err = -EIO;
		} else {
			out[n] = 0;
			*serial = atoi(out);
		}
	}
	close(fd);
	return err;
}
