// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bpfsig key add | list | remove: the module's ".bpfsig" keyring of
 * trusted signing certificates. Listed with keyutils; changed through the
 * module's securityfs files key_add and key_remove (the keyring refuses
 * keyctl changes).
 */
#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <keyutils.h>

#include "main.h"

#define KEYRING_DESC ".bpfsig"

/* The module's keyring: keyctl_search() from the usual keyrings, then
 * /proc/keys (lists every key the caller may view). */
static key_serial_t find_keyring(void)
{
	static const key_serial_t from[] = {
		KEY_SPEC_SESSION_KEYRING, KEY_SPEC_USER_KEYRING,
		KEY_SPEC_USER_SESSION_KEYRING,
	};
	char line[512], type[64], desc[256];
	unsigned int id;
	key_serial_t k;
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		k = keyctl_search(from[i], "keyring", KEYRING_DESC, 0);
		if (k > 0)
			return k;
	}
	f = fopen("/proc/keys", "re");
	if (!f) {
		p_err("/proc/keys: %s (and keyring %s not found by search)",
		      strerror(errno), KEYRING_DESC);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		/* ID FLAGS USAGE TIMEOUT PERM UID GID TYPE DESC: SUMMARY */
		if (sscanf(line, "%x %*s %*s %*s %*s %*s %*s %63s %255[^:]",
			   &id, type, desc) == 3 &&
		    !strcmp(type, "keyring") && !strcmp(desc, KEYRING_DESC)) {
			fclose(f);
			return id;
		}
	}
	fclose(f);
	p_err("keyring %s not found: bpfsig module not loaded (or no permission to view its keyring)",
	      KEYRING_DESC);
	return -1;
}

static const char *key_why(int err)
{
	switch (err) {
	case ENOENT:
		return "bpfsig module not loaded (no securityfs file)";
	case EACCES:
	case EPERM:
		return "permission denied (needs CAP_SYS_ADMIN)";
	case EKEYREJECTED:
		return "rejected by the keyring's restriction (certificate not signed by a trusted key?)";
	case EBADMSG:
		return "the kernel could not parse the certificate";
	case ENOPKG:
		return "unsupported key algorithm (this kernel accepts RSA only)";
	default:
		return strerror(err);
	}
}

static int key_add(const char *path)
{
	key_serial_t k;
	void *der = NULL;
	size_t n;
	int err, ret = 1;

	err = bpfsig_cert_der(path, &der, &n);
	if (err) {
		p_err("%s: %s", path, err == -EINVAL ?
		      "not an X.509 certificate (PEM or DER)" : strerror(-err));
		return 1;
	}
	err = secfs_write("key_add", der, n, &k);
	if (err) {
		p_err("%s: adding to keyring %s: %s", path, KEYRING_DESC,
		      key_why(-err));
		goto out;
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "id", (unsigned int)k);
		jsonw_end_object(json_wtr);
	} else {
		printf("%d\n", k);
	}
	ret = 0;
out:
	free(der);
	return ret;
}

/*
 * The .bpfsig keyring (in *ring) and its keys: malloc'd array, count in *n;
 * NULL, the reason printed, if either cannot be had.
 */
static key_serial_t *ring_keys(key_serial_t *ring, int *n)
{
	void *buf = NULL;
	long len;

	*ring = find_keyring();
	if (*ring < 0)
		return NULL;
	len = keyctl_read_alloc(*ring, &buf);
	if (len < 0) {
		p_err("keyring %s: %s", KEYRING_DESC, key_why(errno));
		return NULL;
	}
	*n = len / sizeof(key_serial_t);
	return buf;
}

static int key_list(void)
{
	key_serial_t ring, *keys;
	char *desc;
	int n, i;

	keys = ring_keys(&ring, &n);
	if (!keys)
		return 1;
	if (json_output)
		jsonw_start_array(json_wtr);
	for (i = 0; i < n; i++) {
		const char *d = "?";

		if (keyctl_describe_alloc(keys[i], &desc) >= 0) {
			/* type;uid;gid;perm;description */
			d = desc;
			for (int f = 0; f < 4 && d; f++) {
				d = strchr(d, ';');
				if (d)
					d++;
			}
			if (!d)
				d = desc;
		} else {
			desc = NULL;
		}
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "id", (unsigned int)keys[i]);
			jsonw_string_field(json_wtr, "description", d);
			jsonw_end_object(json_wtr);
		} else {
			printf("%d\t%s\n", keys[i], d);
		}
		free(desc);
	}
	if (json_output)
		jsonw_end_array(json_wtr);
	free(keys);
	return 0;
}

static int key_remove(const char *id)
{
	key_serial_t ring, *keys, k = 0;
	char *end, *desc, serial[16];
	int n, i, err, matches = 0;
	long v;

	keys = ring_keys(&ring, &n);
	if (!keys)
		return 1;
	errno = 0;
	v = strtol(id, &end, 0);
	for (i = 0; i < n; i++) {
		if (!errno && !*end && keys[i] == v) {
			k = keys[i];
			matches = 1;
			break;
		}
		/* or a substring of the description (e.g. the key id) */
		if (keyctl_describe_alloc(keys[i], &desc) >= 0) {
			if (strcasestr(desc, id)) {
				k = keys[i];
				matches++;
			}
			free(desc);
		}
	}
	free(keys);
	if (!matches) {
		p_err("no key '%s' in keyring %s (see 'bpfsig key list')", id,
		      KEYRING_DESC);
		return 1;
	}
	if (matches > 1) {
		p_err("'%s' matches %d keys: give the numeric id", id, matches);
		return 1;
	}
	snprintf(serial, sizeof(serial), "%d", k);
	err = secfs_write("key_remove", serial, strlen(serial), NULL);
	if (err) {
		p_err("removing key %d from %s: %s", k, KEYRING_DESC,
		      key_why(-err));
		return 1;
	}
	return 0;
}

static int key_help(void)
{
	fprintf(stderr,
		"Usage: %s key { add CERT | list | remove ID }\n"
		"\n"
		"Manage the certificates trusted by the bpfsig module (keyring \"%s\").\n"
		"  add CERT   add an X.509 certificate (PEM or DER); prints the key id\n"
		"  list       list the keys: id and description (\"CN: keyid\")\n"
		"  remove ID  unlink the key with that id (or unique description match)\n",
		bin_name, KEYRING_DESC);
	return 0;
}

int do_key(int argc, char **argv)
{
	if (argc < 1 || !strcmp(argv[0], "help"))
		return argc < 1 ? (key_help(), EXIT_USAGE) : key_help();
	if (!strcmp(argv[0], "add") && argc == 2)
		return key_add(argv[1]);
	if (!strcmp(argv[0], "list") && argc == 1)
		return key_list();
	if (!strcmp(argv[0], "remove") && argc == 2)
		return key_remove(argv[1]);
	p_usage("key: expected 'add CERT', 'list' or 'remove ID'");
	return EXIT_USAGE;
}
