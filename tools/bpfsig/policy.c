// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfsig status | mode | lock | revoke: the module's securityfs interface,
 * /sys/kernel/security/bpfsig/{mode,lock,stats,revoke}.
 * $BPFSIG_SECURITYFS overrides the directory (tests). status also shows the
 * policy applied at boot, as bpfsig-apply(8) recorded it in
 * /run/bpfsig/boot-policy ($BPFSIG_BOOT_POLICY overrides the path).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "main.h"

#define BOOT_POLICY "/run/bpfsig/boot-policy"

/* 0 if the module's directory is there, else prints why and returns 1 */
static int check_module(void)
{
	const char *dir = secfs_dir();
	struct stat st;

	if (!stat(dir, &st) && S_ISDIR(st.st_mode))
		return 0;
	p_err("bpfsig module not loaded (%s missing)%s", dir,
	      !strcmp(dir, SECFS_DIR) &&
	      access("/sys/kernel/security/lsm", F_OK) ?
	      "; is securityfs mounted? (mount -t securityfs securityfs /sys/kernel/security)" :
	      "");
	return 1;
}

static int read_attr(const char *name, char *buf, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", secfs_dir(), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = 0;
	return 0;
}

int secfs_read(const char *name, char *buf, size_t len)
{
	return read_attr(name, buf, len);
}

/* Why a securityfs access failed, in the module's terms. */
static const char *why(int err)
{
	char lock[8];

	switch (err) {
	case EPERM:
	case EACCES:
		if (!read_attr("lock", lock, sizeof(lock)) && !strcmp(lock, "1"))
			return "Operation not permitted: the policy is locked (until reboot)";
		return "Operation not permitted: needs CAP_SYS_ADMIN";
	case EINVAL:
		return "Invalid argument: refused by the module";
	default:
		return strerror(err);
	}
}

static int write_attr(const char *name, const char *val)
{
	char path[512], line[256];
	ssize_t n;
	int fd, err;

	if (check_module())
		return 1;
	snprintf(path, sizeof(path), "%s/%s", secfs_dir(), name);
	snprintf(line, sizeof(line), "%s\n", val);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		p_err("%s: %s", path, err == ENOENT ?
		      "not provided by this bpfsig module" : why(err));
		return 1;
	}
	n = write(fd, line, strlen(line));
	err = n < 0 ? errno : 0;
	if (close(fd) && !err)
		err = errno;
	if (err) {
		p_err("%s: writing '%s': %s", path, val, why(err));
		return 1;
	}
	return 0;
}

static void print_indented(const char *name, const char *text)
{
	const char *p = text, *nl;

	printf("%s:\n", name);
	while (*p) {
		nl = strchrnul(p, '\n');
		printf("\t%.*s\n", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

/* "name value" lines as a JSON object, integer values as numbers */
static void stats_json(const char *text)
{
	char line[256], *value, *end;
	const char *p = text, *nl;
	long long v;

	jsonw_name(json_wtr, "stats");
	jsonw_start_object(json_wtr);
	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		value = strchr(line, ' ');
		if (!value)
			continue;
		*value++ = 0;
		errno = 0;
		v = strtoll(value, &end, 10);
		if (*value && !*end && !errno)
			jsonw_int_field(json_wtr, line, v);
		else
			jsonw_string_field(json_wtr, line, value);
	}
	jsonw_end_object(json_wtr);
}

/*
 * The boot policy record: NAME=VALUE lines. Text: "boot policy (FILE):" and
 * one indented "NAME: VALUE" line each. JSON: the object "boot_policy", a
 * NAME given several times (key, error) as an array. Nothing if no record.
 */
static void print_boot_policy(void)
{
	const char *path = getenv("BPFSIG_BOOT_POLICY");
	char *names[256], *vals[256], *line = NULL, *eq;
	size_t cap = 0, n = 0, i, j, k;
	ssize_t len;
	FILE *f;

	if (!path || !*path)
		path = BOOT_POLICY;
	f = fopen(path, "re");
	if (!f)
		return;
	while (n < 256 && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = 0;
		eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = 0;
		names[n] = strdup(line);
		vals[n] = strdup(eq + 1);
		if (!names[n] || !vals[n]) {
			free(names[n]);
			free(vals[n]);
			break;
		}
		n++;
	}
	free(line);
	fclose(f);
	if (!json_output) {
		printf("boot policy (%s):\n", path);
		for (i = 0; i < n; i++)
			printf("\t%s: %s\n", names[i], vals[i]);
	} else {
		jsonw_name(json_wtr, "boot_policy");
		jsonw_start_object(json_wtr);
		for (i = 0; i < n; i++) {
			for (j = 0; j < i && strcmp(names[j], names[i]); j++)
				;
			if (j < i)
				continue;	/* printed with its first */
			for (k = i + 1; k < n && strcmp(names[k], names[i]); k++)
				;
			if (k == n) {
				jsonw_string_field(json_wtr, names[i], vals[i]);
				continue;
			}
			jsonw_name(json_wtr, names[i]);
			jsonw_start_array(json_wtr);
			for (k = i; k < n; k++)
				if (!strcmp(names[k], names[i]))
					jsonw_string(json_wtr, vals[k]);
			jsonw_end_array(json_wtr);
		}
		jsonw_end_object(json_wtr);
	}
	for (i = 0; i < n; i++) {
		free(names[i]);
		free(vals[i]);
	}
}

static const char *const status_attrs[] = { "mode", "lock", "stats" };
#define STATUS_CNT (sizeof(status_attrs) / sizeof(status_attrs[0]))

static void show_status(char val[STATUS_CNT][4096])
{
	size_t i;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "mode", val[0]);
		jsonw_string_field(json_wtr, "lock", val[1]);
		stats_json(val[2]);
		print_boot_policy();
		jsonw_end_object(json_wtr);
		return;
	}
	for (i = 0; i < STATUS_CNT; i++) {
		if (strchr(val[i], '\n'))
			print_indented(status_attrs[i], val[i]);
		else
			printf("%s: %s\n", status_attrs[i], val[i]);
	}
	print_boot_policy();
}

int do_status(int argc, char **argv)
{
	char val[STATUS_CNT][4096];
	size_t i;
	int err;

	if (argc >= 1) {
		if (!strcmp(argv[0], "help")) {
			fprintf(stderr, "Usage: %s status\n\nShow the module's mode, lock state and statistics (%s).\n",
				bin_name, SECFS_DIR);
			return 0;
		}
		p_usage("status: unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	if (check_module())
		return 1;
	for (i = 0; i < STATUS_CNT; i++) {
		err = read_attr(status_attrs[i], val[i], sizeof(val[i]));
		if (err) {
			p_err("%s/%s: %s", secfs_dir(), status_attrs[i],
			      why(-err));
			return 1;
		}
	}
	show_status(val);
	return 0;
}

int do_mode(int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "help")) {
		fprintf(stderr,
			"Usage: %s mode { off | permissive | enforce }\n\n"
			"off: no checks; permissive: check and audit, never refuse;\n"
			"enforce: refuse programs without a valid signature.\n",
			bin_name);
		return 0;
	}
	if (argc != 1 || (strcmp(argv[0], "off") &&
			  strcmp(argv[0], "permissive") &&
			  strcmp(argv[0], "enforce"))) {
		p_usage("mode: expected one of off, permissive, enforce");
		return EXIT_USAGE;
	}
	return write_attr("mode", argv[0]);
}

int do_lock(int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "help")) {
		fprintf(stderr,
			"Usage: %s lock\n\nLock the policy until reboot: mode and keyring can no longer be relaxed.\n",
			bin_name);
		return 0;
	}
	if (argc) {
		p_usage("lock: unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	return write_attr("lock", "1");
}

int do_revoke(int argc, char **argv)
{
	size_t len, i;

	if (argc == 1 && !strcmp(argv[0], "help")) {
		fprintf(stderr,
			"Usage: %s revoke DIGEST_HEX\n\n"
			"Refuse, until the module is unloaded, every load whose signed statement has\n"
			"the SHA-256 digest DIGEST_HEX (64 hex digits: 'statement sha256' in 'bpfsig show').\n",
			bin_name);
		return 0;
	}
	if (argc != 1) {
		p_usage("revoke: expected DIGEST_HEX");
		return EXIT_USAGE;
	}
	len = strlen(argv[0]);
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)argv[0][i]))
			break;
	if (i != len || len != 64) {
		p_usage("revoke: '%s' is not a statement digest (64 hex digits)", argv[0]);
		return EXIT_USAGE;
	}
	return write_attr("revoke", argv[0]);
}
