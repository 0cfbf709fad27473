// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* bpfsig keygen: a self-signed RSA signing key and certificate. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

static int keygen_help(void)
{
	fprintf(stderr,
		"Usage: %s keygen [--bits 2048|3072|4096] [--subject CN] [--days N] -o PREFIX\n"
		"\n"
		"Create PREFIX.key (PEM private key, mode 0600), PREFIX.crt (PEM) and\n"
		"PREFIX.der (DER, for 'bpfsig key add'): a self-signed RSA certificate\n"
		"with keyUsage=critical,digitalSignature, basicConstraints CA:FALSE and\n"
		"subjectKeyIdentifier=hash. Existing files are never overwritten.\n"
		"Defaults: --bits 4096, --subject \"bpfsig signing key\", --days 36500.\n",
		bin_name);
	return 0;
}

static int parse_uint(const char *s, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > 1000000)
		return -1;
	*out = v;
	return 0;
}

static const struct option keygen_options[] = {
	{ "bits",	required_argument,	NULL,	'b' },
	{ "subject",	required_argument,	NULL,	's' },
	{ "days",	required_argument,	NULL,	'D' },
	{ "output",	required_argument,	NULL,	'o' },
	{ "help",	no_argument,		NULL,	'h' },
	{ 0 }
};

struct keygen_args {
	struct bpfsig_keygen_opts opts;
	const char *prefix;
};

/* One option into @args: 0, or EXIT_USAGE (printed). */
static int keygen_option(int opt, void *args)
{
	struct keygen_args *a = args;

	switch (opt) {
	case 'b':
		if (parse_uint(optarg, &a->opts.bits) ||
		    (a->opts.bits != 2048 && a->opts.bits != 3072 &&
		     a->opts.bits != 4096)) {
			p_usage("--bits must be 2048, 3072 or 4096, not '%s'",
				optarg);
			return EXIT_USAGE;
		}
		return 0;
	case 's':
		if (!*optarg) {
			p_usage("--subject must not be empty");
			return EXIT_USAGE;
		}
		a->opts.subject = optarg;
		return 0;
	case 'D':
		if (parse_uint(optarg, &a->opts.days)) {
			p_usage("--days must be a positive number, not '%s'",
				optarg);
			return EXIT_USAGE;
		}
		return 0;
	case 'o':
		a->prefix = optarg;
		return 0;
	}
	p_usage("keygen: bad option");
	return EXIT_USAGE;
}

static int keygen(const char *prefix, const struct bpfsig_keygen_opts *opts)
{
	int err;

	err = bpfsig_keygen(prefix, opts);
	if (err) {
		p_err("keygen %s: %s", prefix, strerror(-err));
		return 1;
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "prefix", prefix);
		jsonw_uint_field(json_wtr, "bits", opts->bits ?: 4096);
		jsonw_end_object(json_wtr);
	} else {
		printf("%s.key %s.crt %s.der\n", prefix, prefix, prefix);
	}
	return 0;
}

int do_keygen(int argc, char **argv)
{
	struct keygen_args a = { .opts.sz = sizeof(a.opts) };
	int err;

	err = parse_options(argc, argv, "o:h", keygen_options, keygen_option,
			    &a);
	if (err == OPT_HELP)
		return keygen_help();
	if (err)
		return err;
	if (optind != argc + 1) {
		p_usage("keygen: unexpected argument '%s'", argv[optind - 1]);
		return EXIT_USAGE;
	}
	if (!a.prefix || !*a.prefix) {
		p_usage("keygen: -o PREFIX is required");
		return EXIT_USAGE;
	}
	return keygen(a.prefix, &a.opts);
}
