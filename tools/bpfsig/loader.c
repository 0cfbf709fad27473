// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfsig loader sign | add | list | remove: trusted loaders, executables
 * the module lets load unsigned programs of the types listed for them
 * (Documentation/design.md, "Trusted loaders"). Changed through the
 * module's securityfs files loader_add and loader_remove, listed from
 * "loaders".
 *
 * An entry is one line, "bpfsig-loader-v1 sha256=HEX types=N[,N...]
 * [attach=N[,N...]] [path=PATH]" and its newline; a signed entry (a
 * "loader statement", required once the policy is locked) is followed by
 * a detached CMS signature over the line. Entry files (-o, --file,
 * /etc/bpfsig/loaders.d/) hold exactly what loader_add takes.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <bpf/libbpf.h>

#include "main.h"

#define LOADER_MAGIC "bpfsig-loader-v1 "
#define MAX_TYPE 64

struct loader_args {
	const char *key_path, *cert_path;
	const char *types_s, *attach_s;
	const char *path;	/* --path: the entry's recorded path */
	const char *out;	/* -o FILE */
	const char *file;	/* --file ENTRY */
	const char *exe;
	__u64 types, attach;
};

/* "NAME|N[,NAME|N...]" into a bit mask: 0, or EXIT_USAGE (printed). */
static int parse_types(const char *s, const char *what,
		       int (*by_name)(const char *, __u32 *), __u64 *mask)
{
	char *copy = strdup(s), *tok, *save = NULL;
	int ret = 0;
	__u32 v;

	if (!copy)
		return 1;
	*mask = 0;
	for (tok = strtok_r(copy, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		if (by_name(tok, &v) || v >= MAX_TYPE) {
			p_usage("loader: unknown %s '%s'", what, tok);
			ret = EXIT_USAGE;
		} else {
			*mask |= 1ULL << v;
		}
	}
	if (!ret && !*mask) {
		p_usage("loader: --%s needs at least one type",
			what[0] == 'p' ? "types" : "attach");
		ret = EXIT_USAGE;
	}
	free(copy);
	return ret;
}

static void list_append(char *buf, size_t size, const char *key,
			__u64 mask)
{
	size_t len = strlen(buf);
	char sep = '=';
	int n;

	for (n = 0; n < MAX_TYPE && len < size; n++) {
		if (!(mask & (1ULL << n)))
			continue;
		len += snprintf(buf + len, size - len, "%s%c%d",
				sep == '=' ? key : "", sep, n);
		sep = ',';
	}
}

/* The entry's line for @a (newline included): 0, or 1 (printed). */
static int build_line(struct loader_args *a, char *line, size_t size)
{
	char real[PATH_MAX], hex[65];
	const char *path = a->path;
	__u8 digest[32];
	int err;

	err = bpfsig_file_sha256(a->exe, digest);
	if (err) {
		p_err("%s: %s", a->exe, strerror(-err));
		return 1;
	}
	if (!path) {
		if (!realpath(a->exe, real)) {
			p_err("%s: %s", a->exe, strerror(errno));
			return 1;
		}
		path = real;
	}
	if (path[0] != '/' || strpbrk(path, " \t\n") ||
	    strlen(path) >= 256) {
		p_err("%s: the path of an entry must be absolute, under 256 bytes, without white space",
		      path);
		return 1;
	}
	hex_str(digest, sizeof(digest), hex);
	snprintf(line, size, LOADER_MAGIC "sha256=%s", hex);
	list_append(line, size, " types", a->types);
	if (a->attach)
		list_append(line, size, " attach", a->attach);
	snprintf(line + strlen(line), size - strlen(line), " path=%s\n",
		 path);
	return 0;
}

/* Why a write to loader_add / loader_remove failed, in the module's terms. */
static const char *loader_why(int err)
{
	switch (err) {
	case ENOENT:
		return "no such entry (or bpfsig module not loaded)";
	case EPERM:
		return "Operation not permitted: needs CAP_SYS_ADMIN, and once the policy is locked a signed entry ('bpfsig loader sign')";
	case EINVAL:
		return "Invalid argument: not an entry the module parses";
	case ENOKEY:
		return "the entry's signer is not a trusted key ('bpfsig key list')";
	case EKEYREJECTED:
	case EBADMSG:
		return "the entry's signature does not verify";
	case ENOSPC:
		return "too many entries (64)";
	default:
		return strerror(err);
	}
}

/* One entry ("line\n" [CMS]) as JSON, from its line. */
static void entry_json(const char *line, size_t len, int is_signed)
{
	char *copy = strndup(line, len), *tok, *save = NULL, *v, *s2;
	const char *name;
	char buf[32];
	__u32 n;

	if (!copy)
		return;
	jsonw_start_object(json_wtr);
	for (tok = strtok_r(copy, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		v = strchr(tok, '=');
		if (!v)
			continue;
		*v++ = 0;
		if (!strcmp(tok, "types") || !strcmp(tok, "attach")) {
			jsonw_name(json_wtr, tok);
			jsonw_start_array(json_wtr);
			for (v = strtok_r(v, ",", &s2); v;
			     v = strtok_r(NULL, ",", &s2)) {
				n = strtoul(v, NULL, 10);
				name = tok[0] == 't' ?
				       libbpf_bpf_prog_type_str(n) :
				       libbpf_bpf_attach_type_str(n);
				if (!name) {
					snprintf(buf, sizeof(buf), "%u", n);
					name = buf;
				}
				jsonw_string(json_wtr, name);
			}
			jsonw_end_array(json_wtr);
		} else if (!strcmp(tok, "signed")) {
			is_signed = !strcmp(v, "1");
		} else {
			jsonw_string_field(json_wtr, tok, v);
		}
	}
	jsonw_bool_field(json_wtr, "signed", is_signed);
	jsonw_end_object(json_wtr);
	free(copy);
}

static int write_entry_file(const char *out, const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	int err = bpfsig_write_file(out, &iov, 1);

	if (err)
		p_err("%s: %s", out, strerror(-err));
	return err ? 1 : 0;
}

/* Give the entry to the module, or to -o FILE; then say what it was. */
static int deliver(const struct loader_args *a, const void *buf, size_t len,
		   int is_signed)
{
	const char *nl = memchr(buf, '\n', len);
	int err;

	if (a->out) {
		if (write_entry_file(a->out, buf, len))
			return 1;
	} else {
		err = secfs_write("loader_add", buf, len, NULL);
		if (err) {
			p_err("%.*s: adding the trusted loader: %s",
			      (int)(nl - (const char *)buf), (const char *)buf,
			      loader_why(-err));
			return 1;
		}
	}
	if (json_output)
		entry_json(buf, nl - (const char *)buf, is_signed);
	else
		printf("%.*s%s\n", (int)(nl - (const char *)buf),
		       (const char *)buf, is_signed ? " signed=1" : " signed=0");
	return 0;
}

/* An entry file: what loader_add takes, checked first: 0 or 1 (printed). */
static int add_file(const struct loader_args *a)
{
	size_t len;
	void *buf;
	char *nl;
	int ret;

	if (read_file(a->file, &buf, &len))
		return 1;
	nl = memchr(buf, '\n', len);
	if (!nl || len < strlen(LOADER_MAGIC) ||
	    memcmp(buf, LOADER_MAGIC, strlen(LOADER_MAGIC))) {
		p_err("%s: not a trusted loader entry (a line starting '%s', then a newline)",
		      a->file, LOADER_MAGIC);
		free(buf);
		return 1;
	}
	ret = deliver(a, buf, len, (size_t)(nl - (char *)buf) + 1 < len);
	free(buf);
	return ret;
}

static const struct option loader_options[] = {
	{ "key",	required_argument,	NULL,	'k' },
	{ "cert",	required_argument,	NULL,	'c' },
	{ "types",	required_argument,	NULL,	't' },
	{ "attach",	required_argument,	NULL,	'a' },
	{ "path",	required_argument,	NULL,	'P' },
	{ "output",	required_argument,	NULL,	'o' },
	{ "file",	required_argument,	NULL,	'f' },
	{ "help",	no_argument,		NULL,	'h' },
	{ 0 }
};

static int loader_option(int opt, void *args)
{
	struct loader_args *a = args;

	switch (opt) {
	case 'k':
		a->key_path = optarg;
		break;
	case 'c':
		a->cert_path = optarg;
		break;
	case 't':
		a->types_s = optarg;
		break;
	case 'a':
		a->attach_s = optarg;
		break;
	case 'P':
		a->path = optarg;
		break;
	case 'o':
		a->out = optarg;
		break;
	case 'f':
		a->file = optarg;
		break;
	default:
		p_usage("loader: bad option");
		return EXIT_USAGE;
	}
	return 0;
}

/* EXE and the types, for sign and add: 0, or EXIT_USAGE (printed). */
static int entry_args(struct loader_args *a, int argc, char **argv,
		      const char *cmd)
{
	if (one_file(argc, argv, cmd, &a->exe))
		return EXIT_USAGE;
	if (!a->types_s) {
		p_usage("loader %s: --types PROG_TYPE[,PROG_TYPE...] is required",
			cmd);
		return EXIT_USAGE;
	}
	return parse_types(a->types_s, "program type",
			   bpfsig_prog_type_by_name, &a->types) ?:
	       (a->attach_s ? parse_types(a->attach_s, "attach type",
					  bpfsig_attach_type_by_name,
					  &a->attach) : 0);
}

static int loader_help(void)
{
	fprintf(stderr,
		"Usage: %s loader { sign | add | list | remove }\n"
		"\n"
		"Trusted loaders: executables (by SHA-256 of their file) that may load\n"
		"unsigned programs of the listed types.\n"
		"  sign --key KEY --cert CERT --types T[,T...] [--attach A[,A...]]\n"
		"       [--path PATH] [-o FILE] EXE\n"
		"                 a signed entry (needed once the policy is locked); to the\n"
		"                 module, or into FILE\n"
		"  add --types T[,T...] [--attach A[,A...]] [--path PATH] [-o FILE] EXE\n"
		"                 an unsigned entry (before the lock); to the module, or into FILE\n"
		"  add --file ENTRY\n"
		"                 the entry in ENTRY (signed or not), as written by -o\n"
		"  list           the module's entries\n"
		"  remove EXE|sha256=HEX\n"
		"                 remove the entry of that executable (or digest)\n",
		bin_name);
	return 0;
}

static int loader_sign(int argc, char **argv)
{
	struct loader_args a = {};
	struct bpfsig_key *key;
	char line[1024];
	size_t len;
	void *buf;
	int ret;

	ret = parse_options(argc, argv, "k:c:t:a:o:h", loader_options,
			    loader_option, &a);
	if (ret == OPT_HELP)
		return loader_help();
	ret = ret ?: entry_args(&a, argc, argv, "sign");
	if (ret)
		return ret;
	if (a.file) {
		p_usage("loader sign: --file belongs to 'loader add'");
		return EXIT_USAGE;
	}
	if (!a.key_path || !a.cert_path) {
		p_usage("loader sign: --key KEY and --cert CERT are required");
		return EXIT_USAGE;
	}
	if (build_line(&a, line, sizeof(line)))
		return 1;
	key = load_key(a.key_path, a.cert_path);
	if (!key)
		return 1;
	ret = bpfsig_sign_loader(key, line, &buf, &len);
	bpfsig_key__free(key);
	if (ret) {
		p_err("%s: signing the entry: %s", a.exe, strerror(-ret));
		return 1;
	}
	ret = deliver(&a, buf, len, 1);
	free(buf);
	return ret;
}

static int loader_add(int argc, char **argv)
{
	struct loader_args a = {};
	char line[1024];
	int ret;

	ret = parse_options(argc, argv, "t:a:o:f:h", loader_options,
			    loader_option, &a);
	if (ret == OPT_HELP)
		return loader_help();
	if (ret)
		return ret;
	if (a.key_path || a.cert_path) {
		p_usage("loader add: --key/--cert belong to 'loader sign'");
		return EXIT_USAGE;
	}
	if (a.file) {
		if (optind != argc + 1 || a.types_s || a.attach_s || a.path) {
			p_usage("loader add --file ENTRY takes no other argument but -o");
			return EXIT_USAGE;
		}
		return add_file(&a);
	}
	ret = entry_args(&a, argc, argv, "add");
	if (ret)
		return ret;
	if (build_line(&a, line, sizeof(line)))
		return 1;
	return deliver(&a, line, strlen(line), 0);
}

static int loader_list(int argc, char **argv)
{
	char path[PATH_MAX], *p, *nl;
	size_t len;
	void *buf;

	if (argc) {
		p_usage("loader list: unexpected argument '%s'", argv[0]);
		return EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/loaders", secfs_dir());
	if (read_file(path, &buf, &len))
		return 1;
	if (json_output)
		jsonw_start_array(json_wtr);
	for (p = buf; p < (char *)buf + len; p = nl + 1) {
		nl = memchr(p, '\n', (char *)buf + len - p);
		if (!nl)
			break;
		if (json_output)
			entry_json(p, nl - p, 0);
		else
			printf("%.*s\n", (int)(nl - p), p);
	}
	if (json_output)
		jsonw_end_array(json_wtr);
	free(buf);
	return 0;
}

static int loader_remove(int argc, char **argv)
{
	char arg[80], hex[65];
	__u8 digest[32];
	int err;

	if (argc != 1) {
		p_usage("loader remove: expected EXE or sha256=HEX");
		return EXIT_USAGE;
	}
	if (!strncmp(argv[0], "sha256=", 7)) {
		snprintf(hex, sizeof(hex), "%s", argv[0] + 7);
		if (strlen(argv[0] + 7) != 64 ||
		    strspn(hex, "0123456789abcdefABCDEF") != 64) {
			p_usage("loader remove: '%s' is not sha256= and 64 hex digits",
				argv[0]);
			return EXIT_USAGE;
		}
	} else {
		err = bpfsig_file_sha256(argv[0], digest);
		if (err) {
			p_err("%s: %s", argv[0], strerror(-err));
			return 1;
		}
		hex_str(digest, sizeof(digest), hex);
	}
	snprintf(arg, sizeof(arg), "sha256=%s\n", hex);
	err = secfs_write("loader_remove", arg, strlen(arg), NULL);
	if (err) {
		p_err("%s: removing the trusted loader: %s", argv[0],
		      loader_why(-err));
		return 1;
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "sha256", hex);
		jsonw_end_object(json_wtr);
	}
	return 0;
}

int do_loader(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "sign",	loader_sign },
		{ "add",	loader_add },
		{ "list",	loader_list },
		{ "remove",	loader_remove },
		{ 0 }
	};

	if (argc < 1)
		return loader_help(), EXIT_USAGE;
	if (!strcmp(argv[0], "help"))
		return loader_help();
	return cmd_select(cmds, argc, argv, NULL);
}
