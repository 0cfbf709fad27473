// SPDX-License-Identifier: GPL-2.0
/*
 * corpus-run: TAP reporting, libbpf/libbpfsig messages, objects loaded with
 * libbpfsig, maps and global variables.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "runner.h"
#include "shim.h"

const char *dir = "build/corpus";
int failed;

void report(int pass, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (pass) {
		printf("ok corpus.%s\n", name);
		return;
	}
	failed++;
	printf("not ok corpus.%s", name);
	if (fmt) {
		printf(" # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
}

const char *errname(int err)
{
	const char *n = bpfsig_errno_name(err);

	return n ? n : strerror(err < 0 ? -err : err);
}

/* libbpf and libbpfsig messages: kept for assertions, warnings shown */
char msgs[65536];
static size_t msgs_len;
int quiet;

static void keep(const char *fmt, va_list args, int show)
{
	char line[4096];
	int n = vsnprintf(line, sizeof(line), fmt, args);

	if (n < 0)
		return;
	if (msgs_len + strlen(line) < sizeof(msgs)) {
		memcpy(msgs + msgs_len, line, strlen(line) + 1);
		msgs_len += strlen(line);
	}
	if (show && !quiet)
		printf("# %s%s", line, n && line[strlen(line) - 1] == '\n' ? "" : "\n");
}

int on_libbpf_msg(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	keep(fmt, args, level == LIBBPF_WARN);
	return 0;
}

int on_bpfsig_msg(enum bpfsig_print_level level, const char *fmt,
			va_list args)
{
	keep(fmt, args, level == BPFSIG_WARN);
	return 0;
}

void msgs_clear(void)
{
	msgs_len = 0;
	msgs[0] = 0;
}

/* ---- objects, maps, global variables ---------------------------------- */

int obj_open(struct obj *o, const char *name, const char *variant)
{
	memset(o, 0, sizeof(*o));
	o->name = name;
	snprintf(o->path, sizeof(o->path), "%s/%s.%s.o", dir, name, variant);
	o->bo = bpf_object__open_file(o->path, NULL);
	if (!o->bo) {
		printf("# %s: cannot open: %s\n", o->path, strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * bpfsig_object__load() with the object's own signatures, recording (shim)
 * the signed loads that reach the kernel
 */
int obj_load(struct obj *o)
{
	BPFSIG_OPTS(bpfsig_load_opts, opts, .obj_path = o->path);
	int err;

	shim_clear();
	shim_capture(true);
	err = bpfsig_object__load(o->bo, &opts);
	shim_capture(false);
	return err;
}

void obj_close(struct obj *o)
{
	int i;

	for (i = o->nr_links - 1; i >= 0; i--)
		bpf_link__destroy(o->links[i]);
	o->nr_links = 0;
	bpf_object__close(o->bo);
	o->bo = NULL;
}

struct bpf_program *prog(struct obj *o, const char *name)
{
	return bpf_object__find_program_by_name(o->bo, name);
}

int map_fd(struct obj *o, const char *name)
{
	return bpf_object__find_map_fd_by_name(o->bo, name);
}

/* Attach with libbpf's defaults (section name); 0 or -errno. */
int attach(struct obj *o, const char *name)
{
	struct bpf_link *l = bpf_program__attach(prog(o, name));

	if (!l)
		return -errno;
	o->links[o->nr_links++] = l;
	return 0;
}

int keep_link(struct obj *o, struct bpf_link *l)
{
	if (!l)
		return -errno;
	o->links[o->nr_links++] = l;
	return 0;
}

/* Where global variable @var lives: its internal map and offset. */
static int find_var(struct obj *o, const char *sec, const char *var,
		    struct bpf_map **map, __u32 *off, __u32 *size)
{
	const struct btf *btf = bpf_object__btf(o->bo);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	const char *mname;
	__u32 i, j, n;

	*map = NULL;
	bpf_object__for_each_map(*map, o->bo) {
		mname = bpf_map__name(*map);
		if (strlen(mname) >= strlen(sec) &&
		    !strcmp(mname + strlen(mname) - strlen(sec), sec))
			break;
	}
	if (!*map || !btf)
		return -ENOENT;
	n = btf__type_cnt(btf);
	for (i = 1; i < n; i++) {
		t = btf__type_by_id(btf, i);
		if (!btf_is_datasec(t) ||
		    strcmp(btf__name_by_offset(btf, t->name_off), sec))
			continue;
		vs = btf_var_secinfos(t);
		for (j = 0; j < btf_vlen(t); j++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);

			if (strcmp(btf__name_by_offset(btf, v->name_off), var))
				continue;
			*off = vs->offset;
			*size = vs->size;
			return 0;
		}
	}
	return -ENOENT;
}

/* Set a .rodata/.data variable before load (what a skeleton does). */
int set_var(struct obj *o, const char *sec, const char *var,
		   const void *val, __u32 len)
{
	struct bpf_map *map;
	__u32 off, size;
	size_t msize;
	char *data;

	if (find_var(o, sec, var, &map, &off, &size) || size != len)
		return -ENOENT;
	/* writable until load: libbpf 1.1 only declares it const */
	data = (char *)bpf_map__initial_value(map, &msize);
	if (!data || off + len > msize)
		return -ENOENT;
	memcpy(data + off, val, len);
	return 0;
}

/* Read a global variable of a loaded object from the kernel's map. */
long long get_var(struct obj *o, const char *sec, const char *var)
{
	struct bpf_map *map;
	__u32 off, size, zero = 0;
	long long v = 0;
	char buf[4096];

	if (find_var(o, sec, var, &map, &off, &size) || size > 8 ||
	    bpf_map__value_size(map) > sizeof(buf) ||
	    bpf_map_lookup_elem(bpf_map__fd(map), &zero, buf))
		return -999999;
	memcpy(&v, buf + off, size);
	if (size == 4)
		v = (int)(unsigned int)v;	/* sign-extend 32-bit variables */
	return v;
}

int get_str_var(struct obj *o, const char *var, char *out, size_t len)
{
	struct bpf_map *map;
	__u32 off, size, zero = 0;
	char buf[4096];

	if (find_var(o, ".bss", var, &map, &off, &size) || size >= len ||
	    bpf_map__value_size(map) > sizeof(buf) ||
	    bpf_map_lookup_elem(bpf_map__fd(map), &zero, buf))
		return -1;
	memcpy(out, buf + off, size);
	out[size] = 0;
	return 0;
}

/* u64 value of @key (per-CPU maps: the sum over CPUs); -1 if absent */
long long map_u64(int fd, const void *key)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	long long sum = 0;
	__u64 vals[512];
	int i, ncpu = 1;

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	if (info.type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	    info.type == BPF_MAP_TYPE_PERCPU_HASH ||
	    info.type == BPF_MAP_TYPE_LRU_PERCPU_HASH)
		ncpu = libbpf_num_possible_cpus();
	if (ncpu > 512 || bpf_map_lookup_elem(fd, key, vals))
		return -1;
	for (i = 0; i < ncpu; i++)
		sum += (long long)vals[i];
	return sum;
}

long long map_idx(int fd, __u32 idx)
{
	return map_u64(fd, &idx);
}

/* fd of the newest map named @name (another loader created it), or -1 */
int newest_map(const char *name)
{
	__u32 id = 0, best = 0;
	int fd;

	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    !strcmp(info.name, name))
			best = id;
		close(fd);
	}
	return best ? bpf_map_get_fd_by_id(best) : -1;
}

long long kconfig_value(const char *name)
{
	char path[256], line[512];
	struct utsname u;
	long long v = -1;
	size_t n = strlen(name);
	FILE *f;

	uname(&u);
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == '=')
			v = line[n + 1] == 'y' ? 1 : atoll(line + n + 1);
	if (f)
		fclose(f);
	return v;
}
