// SPDX-License-Identifier: GPL-2.0
/*
 * corpus.c - "corpus DIR...": real programs. libbpf loads each *.bpf.o
 * (mode off) while capture.c records its BPF_PROG_LOADs; each program's
 * final instructions are signed and the exact load replayed, unsigned in
 * mode off and signed in mode enforce (--signed-mode permissive: the
 * verifier stage alone, the syscall stage being off), alternately.
 * corpus.csv, and corpus-failed.csv for the objects libbpf could not load.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfsig.h"
#include "bench.h"

#define MAX_PAIRS 1000

/* One captured program, replayed. */
struct replay {
	const char *obj;		/* the object's name */
	const char *name;		/* the program's */
	const struct capture *c;
	struct prog p, b;		/* as captured; with its signature */
	size_t app_len;
	union bpf_attr ua, sa;		/* unsigned; signed */
	struct outcome o;
	struct stats s0, s1;
};

/* libbpf's warnings, without the verifier logs they carry. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	static bool in_log;
	char buf[1024];

	if (level != LIBBPF_WARN)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (strstr(buf, "-- BEGIN PROG LOAD LOG --"))
		in_log = true;
	if (!in_log)
		fputs(buf, stderr);
	else if (strstr(buf, "processed ") || strstr(buf, "-- END PROG LOAD LOG --"))
		fputs(buf, stderr);
	if (strstr(buf, "-- END PROG LOAD LOG --"))
		in_log = false;
	return 0;
}

static void replay_attr(union bpf_attr *attr, const struct capture *c,
			const struct prog *p)
{
	*attr = c->attr;
	attr->insns = (unsigned long)p->insns;
	attr->insn_cnt = p->cnt;
	attr->license = (unsigned long)c->license;
	attr->func_info = (unsigned long)c->func_info;
	attr->line_info = (unsigned long)c->line_info;
	attr->fd_array = (unsigned long)c->fd_array;
	attr->log_buf = 0;
	attr->log_size = 0;
	attr->log_level = 0;
}

/* Warm-up, and a check that both variants load. */
static bool check(struct replay *r)
{
	int err;

	set_mode("off");
	load_once(&r->ua, &err);
	if (!err) {
		set_mode(bench.signed_mode);
		load_once(&r->sa, &err);
	}
	if (err) {
		fprintf(stderr, "bench: corpus %s/%s: replay fails: %s\n",
			r->obj, r->name, err_name(err));
		r->o.errors = 1;
		r->o.first_err = err;
	}
	return !err;
}

/* Pairs of loads, the order alternating: A B, B A, ... */
static void pairs(struct replay *r, long long *u, long long *s, long long *d)
{
	struct budget b;
	long n = 0, i;
	int err;

	budget_start(&b, bench.smoke ? 2 : 7, bench.smoke ? 20 : MAX_PAIRS, 2);
	do {
		for (i = 0; i < 2; i++) {
			bool sig = (i == 0) == (n % 2 == 1);

			set_mode(sig ? bench.signed_mode : "off");
			if (sig)
				s[n] = load_once(&r->sa, &err);
			else
				u[n] = load_once(&r->ua, &err);
			outcome_check(&r->o, err, 0);
		}
		d[n] = s[n] - u[n];
		n++;
	} while (budget_more(&b, n));
	r->o.n = n;
}

static void write_corpus(const struct replay *r, __u32 verified,
			 const struct summary *su, const struct summary *ss,
			 const struct summary *sd)
{
	const struct outcome *o = &r->o;
	long long dec = r->s0.ok && o->n ? r->s1.v[0] - r->s0.v[0] : 0;
	FILE *f;

	f = csv_open("corpus.csv",
		     "object,program,prog_type,expected_attach_type,insns,appendix_insns,"
		     "verified_insns,pairs,errors,first_error,"
		     "unsigned_median_ns,unsigned_p10_ns,unsigned_p90_ns,"
		     "signed_median_ns,signed_p10_ns,signed_p90_ns,"
		     "diff_median_ns,diff_p10_ns,diff_p90_ns,accepted,decision_mean_ns,"
		     "syscall_stage_verified");
	fprintf(f, "%s,%s,%u,%u,%u,%zu,%u,%ld,%ld,%s,%lld,%lld,%lld,%lld,%lld,%lld,"
		"%lld,%lld,%lld,%lld,%.0f,%lld\n",
		r->obj, r->name, r->c->attr.prog_type,
		r->c->attr.expected_attach_type, r->p.cnt, r->app_len / 8,
		verified, o->n, o->errors, o->errors ? err_name(o->first_err) : "",
		su->median, su->p10, su->p90, ss->median, ss->p10, ss->p90,
		sd->median, sd->p10, sd->p90, dec,
		stats_mean_ns(&r->s0, &r->s1, dec),
		o->n ? stats_reused(&r->s0, &r->s1) : -1);
	fclose(f);
	fprintf(stderr, "  %-22s %-28s %6u insns  n=%-4ld unsigned %9.1f us  signed %9.1f us  diff %+8.1f us (%+.2f%%)\n",
		r->obj, r->name, r->p.cnt, o->n, su->median / 1e3,
		ss->median / 1e3, sd->median / 1e3,
		su->median ? 100.0 * sd->median / su->median : 0);
}

static void corpus_prog(const char *obj_name, struct bpf_program *prog,
			const struct capture *c, struct bpfsig_key *key)
{
	static long long u[MAX_PAIRS], s[MAX_PAIRS], d[MAX_PAIRS];
	struct replay r = { .obj = obj_name, .name = bpf_program__name(prog),
			    .c = c, .p = { c->insns, c->attr.insn_cnt } };
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);
	struct summary su, ss, sd;
	void *app;

	bpf_obj_get_info_by_fd(c->fd, &info, &info_len);
	sign(key, c->attr.prog_type, c->attr.expected_attach_type, r.p.insns,
	     r.p.cnt, &app, &r.app_len);
	r.b = with_appendix(&r.p, app, r.app_len);
	replay_attr(&r.ua, c, &r.p);
	replay_attr(&r.sa, c, &r.b);
	if (check(&r)) {
		stats_read(&r.s0);
		pairs(&r, u, s, d);
		stats_read(&r.s1);
		set_mode("enforce");
	}
	summarize(u, r.o.n, &su);
	summarize(s, r.o.n, &ss);
	summarize(d, r.o.n, &sd);
	write_corpus(&r, info.verified_insns, &su, &ss, &sd);
	free(r.b.insns);
	free(app);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.bpf.o in the directories of @argv, sorted. */
static char **list_objects(int argc, char **argv, size_t *np)
{
	char **paths = NULL;
	int a;

	*np = 0;
	for (a = 0; a < argc; a++) {
		DIR *d = opendir(argv[a]);
		struct dirent *e;

		if (!d) {
			fprintf(stderr, "bench: corpus dir %s: %s\n", argv[a],
				strerror(errno));
			continue;
		}
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);

			if (l < 6 || strcmp(e->d_name + l - 6, ".bpf.o"))
				continue;
			paths = realloc(paths, (*np + 1) * sizeof(*paths));
			if (asprintf(&paths[(*np)++], "%s/%s", argv[a], e->d_name) < 0)
				exit(1);
		}
		closedir(d);
	}
	qsort(paths, *np, sizeof(*paths), cmp_str);
	return paths;
}

/* libbpf loads the object, its loads captured; NULL if it cannot. */
static struct bpf_object *load_object(const char *path, const char *name)
{
	struct bpf_object *obj;
	FILE *f;
	int err;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "bench: corpus %s: open: %s\n", name,
			strerror(errno));
		return NULL;
	}
	capture_set(true);
	err = bpf_object__load(obj);
	capture_set(false);
	if (!err)
		return obj;
	f = csv_open("corpus-failed.csv", "object,error");
	fprintf(f, "%s,%s\n", name, err_name(-err));
	fclose(f);
	fprintf(stderr, "bench: corpus %s: libbpf load failed: %s (skipped)\n",
		name, err_name(-err));
	bpf_object__close(obj);
	return NULL;
}

/* Every program of the object at @path, replayed. */
static int corpus_object(const char *path, struct bpfsig_key *key)
{
	const char *base = strrchr(path, '/') + 1;
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct capture *c;
	char name[256];

	snprintf(name, sizeof(name), "%.*s", (int)(strlen(base) - 6), base);
	if (set_mode("off")) {
		fprintf(stderr, "bench: cannot set mode off\n");
		return 1;
	}
	obj = load_object(path, name);
	if (!obj)
		return 0;
	bpf_object__for_each_program(prog, obj) {
		int fd = bpf_program__fd(prog);

		if (fd < 0)
			continue;
		c = find_capture(fd);
		if (!c || !c->insns) {
			fprintf(stderr, "bench: corpus %s/%s: load not captured\n",
				name, bpf_program__name(prog));
			continue;
		}
		corpus_prog(name, prog, c, key);
	}
	/* the object stays open: its maps and BTF back the replays */
	return 0;
}

int cmd_corpus(int argc, char **argv)
{
	struct bpfsig_key *key = key_load("trusted");
	size_t np, i;
	char **paths;

	libbpf_set_print(libbpf_print);
	paths = list_objects(argc, argv, &np);
	fprintf(stderr, "bench: corpus, %zu objects\n", np);
	for (i = 0; i < np; i++)
		if (corpus_object(paths[i], key))
			return 1;
	set_mode("enforce");
	bpfsig_key__free(key);
	return 0;
}
