/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* bpfsig CLI: shared declarations. */
#ifndef __BPFSIG_MAIN_H
#define __BPFSIG_MAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include <keyutils.h>

#include "bpfsig.h"
#include "json.h"

#define EXIT_USAGE 2

extern const char *bin_name;
extern bool json_output;
extern bool verbose;
extern json_writer_t *json_wtr;

struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
};

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int argc, char **argv));

__attribute__((format(printf, 1, 2))) void p_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void p_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void p_usage(const char *fmt, ...);

/* common.c */
struct option;
#define OPT_HELP (-1)
/*
 * getopt_long() over a command's arguments (@argv[0] is the first one; the
 * command's name is @argv[-1]), each option but -h to @fn. Return: 0 when
 * done (optind: the first operand, counting the name), OPT_HELP for
 * -h/--help or a first argument "help", or @fn's non-zero return (an exit
 * status, printed).
 */
int parse_options(int argc, char **argv, const char *optstring,
		  const struct option *options, int (*fn)(int opt, void *args),
		  void *args);
/* The one FILE after the options, into *path: 0, or EXIT_USAGE (printed). */
int one_file(int argc, char **argv, const char *cmd, const char **path);
/* bpfsig_read_file(), the reason printed naming @path: 0 or -errno */
int read_file(const char *path, void **buf, size_t *len);
/* a --kconfig FILE as a string (NULL @path: NULL): 0 or -1 (printed) */
int read_kconfig(const char *path, char **out);
/* 1 ELF, 0 not ELF (or too short), -errno (message printed) */
int file_is_elf(const char *path);
void hex_str(const void *buf, size_t len, char *out);
const char *prog_type_str(__u32 type, char *buf, size_t len);
const char *attach_type_str(__u32 type, char *buf, size_t len);
/* The module's securityfs directory ($BPFSIG_SECURITYFS overrides it). */
#define SECFS_DIR "/sys/kernel/security/bpfsig"
const char *secfs_dir(void);
/*
 * Write @len bytes to the module's securityfs file @name; with @serial,
 * read back the key serial the write produced. 0, or -errno.
 */
int secfs_write(const char *name, const void *buf, size_t len,
		key_serial_t *serial);
/* --hash ALGO into @opts: 0, or EXIT_USAGE (printed) */
int hash_option(const char *arg, struct bpfsig_sign_opts *opts);
/* policy.c: a securityfs file of the module, trailing space cut: 0 or -errno */
int secfs_read(const char *name, char *buf, size_t len);
/* 1 a manifest of recorded loads, 0 not, -errno (message printed) */
int file_is_manifest(const char *path);
/* exec.c: the preload library's path; @name = @val[:old value] */
int find_preload(char *buf, size_t len);
int env_prepend(const char *name, const char *val);
/* record.c: list a manifest (show), sign one (sign): exit status */
int show_manifest(const char *path);
int sign_manifest(const char *path, const char *out,
		  const struct bpfsig_key *key,
		  const struct bpfsig_sign_opts *opts);
/* bpfsig_key__load() with the failure printed */
struct bpfsig_key *load_key(const char *key_path, const char *cert_path);

int do_keygen(int argc, char **argv);
int do_sign(int argc, char **argv);
int do_verify(int argc, char **argv);
int do_show(int argc, char **argv);
int do_load(int argc, char **argv);
int do_exec(int argc, char **argv);
int do_record(int argc, char **argv);
int do_key(int argc, char **argv);
int do_loader(int argc, char **argv);
int do_status(int argc, char **argv);
int do_mode(int argc, char **argv);
int do_lock(int argc, char **argv);
int do_revoke(int argc, char **argv);

#endif
