/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* bpfsig CLI: ELF object commands. */
#ifndef __BPFSIG_OBJECT_H
#define __BPFSIG_OBJECT_H

#include "bpfsig.h"

struct sign_object_args {
	const char *path;
	const char *out;
	const char **btfs;
	int btf_cnt;
	const char *kconfig;
	const char *detached;
	struct bpfsig_key *key;
	const struct bpfsig_sign_opts *sign_opts;
};

/* 1 ELF, 0 not ELF (or too short), -errno (message printed) */
int file_is_elf(const char *path);
int sign_object(const struct sign_object_args *args);
int verify_object(const char *path, struct bpfsig_key *cert,
		  const char **btfs, int btf_cnt, const char **sigs, int sig_cnt,
		  const char *kconfig);
/* read a --kconfig FILE into a string (NULL path: NULL) */
int read_kconfig(const char *path, char **out);

#endif
