// SPDX-License-Identifier: GPL-2.0
/*
 * corpus-run: the C loader and exerciser of the bpfsig program corpus
 * (selftests/progs/), run as root inside the test VM by run-vm.sh with
 * bpfsig.ko enforcing and the corpus key enrolled.
 *
 *   corpus-run test OBJ...          load $CORPUS_DIR/OBJ.signed.o with
 *                                   bpfsig_object__load(), attach, exercise,
 *                                   then replay every program's signed load
 *                                   unsigned / tampered / grafted
 *   corpus-run target OBJ...        OBJ.alt.o (signed for another kernel's
 *                                   BTF only) and OBJ.multi.o (both)
 *   corpus-run xdp-check LABEL      exercise the xdp_fw attached to veth0
 *   corpus-run tc-check LABEL PORT  exercise the tc_drop_port on veth0
 *   corpus-run sock-check LABEL PINNED
 *   corpus-run cg-check LABEL CGROUP
 *   corpus-run trace-pinned LABEL DIR
 *
 * The *-check commands exercise programs some other loader (bpfsig load,
 * bpftool, ip, tc) loaded and attached; they find the maps by name (the
 * newest map of that name: the tests run one loader at a time).
 *
 * Output: TAP lines without numbers, "ok corpus.NAME" or "not ok
 * corpus.NAME # why", and "# " diagnostics; run-vm.sh numbers them.
 * Exit status: 0 if every check passed.
 *
 * Network (made by run-vm.sh): veth0 10.199.0.1/24 in this namespace, its
 * peer veth1 10.199.0.2/24 in the namespace "corpus".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpfsig.h"
#include "shim.h"
#include "../progs/corpus.h"

#define HOST_ADDR	"10.199.0.1"	/* veth0 */
#define NS_ADDR		"10.199.0.2"	/* veth1, namespace "corpus" */
#define NETNS_PATH	"/run/netns/corpus"
#define BPFFS		"/sys/fs/bpf"

static const char *dir = "build/corpus";
static int failed;

/* ---- reporting -------------------------------------------------------- */

static void report(int pass, const char *name, const char *fmt, ...)
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

#define expect_eq(name, want, got)					\
	do {								\
		long long w_ = (long long)(want), g_ = (long long)(got); \
		report(w_ == g_, name, "want %lld, got %lld", w_, g_);	\
	} while (0)

static const char *errname(int err)
{
	const char *n = bpfsig_errno_name(err);

	return n ? n : strerror(err < 0 ? -err : err);
}

#define expect_err(name, want, got)					\
	do {								\
		int w_ = (want), g_ = (got);				\
		report(w_ == g_, name, "want %d (%s), got %d (%s)", w_,	\
		       errname(w_), g_, g_ < 0 ? errname(g_) : "success"); \
	} while (0)

/* libbpf and libbpfsig messages: kept for assertions, warnings shown */
static char msgs[65536];
static size_t msgs_len;
static int quiet;

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

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	keep(fmt, args, level == LIBBPF_WARN);
	return 0;
}

static int bpfsig_print(enum bpfsig_print_level level, const char *fmt,
			va_list args)
{
	keep(fmt, args, level == BPFSIG_WARN);
	return 0;
}

static void msgs_clear(void)
{
	msgs_len = 0;
	msgs[0] = 0;
}

/* ---- objects, maps, global variables ---------------------------------- */

struct obj {
	const char *name;		/* corpus object, e.g. "xdp_fw" */
	char path[512];
	struct bpf_object *bo;
	struct bpf_link *links[16];
	int nr_links;
};

static int obj_open(struct obj *o, const char *name, const char *variant)
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

/* bpfsig_object__load() with the object's own signatures, recording (shim)
 * the signed loads that reach the kernel */
static int obj_load(struct obj *o)
{
	BPFSIG_OPTS(bpfsig_load_opts, opts, .obj_path = o->path);
	int err;

	shim_clear();
	shim_capture(true);
	err = bpfsig_object__load(o->bo, &opts);
	shim_capture(false);
	return err;
}

static void obj_close(struct obj *o)
{
	int i;

	for (i = o->nr_links - 1; i >= 0; i--)
		bpf_link__destroy(o->links[i]);
	o->nr_links = 0;
	bpf_object__close(o->bo);
	o->bo = NULL;
}

static struct bpf_program *prog(struct obj *o, const char *name)
{
	return bpf_object__find_program_by_name(o->bo, name);
}

static int map_fd(struct obj *o, const char *name)
{
	return bpf_object__find_map_fd_by_name(o->bo, name);
}

/* Attach with libbpf's defaults (section name); 0 or -errno. */
static int attach(struct obj *o, const char *name)
{
	struct bpf_link *l = bpf_program__attach(prog(o, name));

	if (!l)
		return -errno;
	o->links[o->nr_links++] = l;
	return 0;
}

static int keep_link(struct obj *o, struct bpf_link *l)
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
static int set_var(struct obj *o, const char *sec, const char *var,
		   const void *val, __u32 len)
{
	struct bpf_map *map;
	__u32 off, size;
	size_t msize;
	char *data;

	if (find_var(o, sec, var, &map, &off, &size) || size != len)
		return -ENOENT;
	data = bpf_map__initial_value(map, &msize);
	if (!data || off + len > msize)
		return -ENOENT;
	memcpy(data + off, val, len);
	return 0;
}

/* Read a global variable of a loaded object from the kernel's map. */
static long long get_var(struct obj *o, const char *sec, const char *var)
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
		v = *(int *)&v;		/* sign-extend 32-bit variables */
	return v;
}

static int get_str_var(struct obj *o, const char *var, char *out, size_t len)
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
static long long map_u64(int fd, const void *key)
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

static long long map_idx(int fd, __u32 idx)
{
	return map_u64(fd, &idx);
}

/* fd of the newest map named @name (another loader created it), or -1 */
static int newest_map(const char *name)
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

/* ---- negatives: replay each signed load with one thing changed --------- */

static int is_ld_imm64(const struct bpf_insn *i)
{
	return i->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* index of an instruction whose bytes the canonical form keeps: not an
 * ld_imm64 (whose map fd imm is zeroed before hashing) */
static int plain_insn(const struct bpf_insn *insns, __u32 cnt)
{
	__u32 i;

	for (i = 0; i < cnt; i++) {
		if (is_ld_imm64(&insns[i])) {
			i++;
			continue;
		}
		return i;
	}
	return -1;
}

/* index of a "rX = constant" instruction, or -1 */
static int const_insn(const struct bpf_insn *insns, __u32 cnt)
{
	__u32 i;

	for (i = 0; i < cnt; i++) {
		__u8 c = insns[i].code;

		if (is_ld_imm64(&insns[i])) {
			i++;
			continue;
		}
		if (c == (BPF_ALU64 | BPF_MOV | BPF_K) ||
		    c == (BPF_ALU | BPF_MOV | BPF_K))
			return i;
	}
	return -1;
}

/* the donor of a grafted signature: a program of another object */
static struct {
	char name[64];
	struct bpf_insn *appendix;
	__u32 cnt;
} donor;

static void replay(const char *oname, const char *pname,
		   const struct shim_load *l, const struct shim_load *other)
{
	size_t bytes = (size_t)l->total_cnt * 8;
	struct bpf_insn *buf = malloc(bytes + 65536);
	__u32 app_cnt = l->total_cnt - l->prog_cnt;
	char t[192];
	int fd, i;

	if (!buf)
		return;
	/* as signed: proves the replay is faithful (the kernel accepts it) */
	snprintf(t, sizeof(t), "%s.%s.replayed_signed_loads", oname, pname);
	fd = shim_prog_load(l, l->insns, l->total_cnt);
	report(fd >= 0, t, "got %d (%s)", fd, errname(fd));
	if (fd >= 0)
		close(fd);

	snprintf(t, sizeof(t), "%s.%s.unsigned_eperm", oname, pname);
	expect_err(t, -EPERM, shim_prog_load(l, l->insns, l->prog_cnt));

	snprintf(t, sizeof(t), "%s.%s.one_byte_changed_ekeyrejected", oname,
		 pname);
	memcpy(buf, l->insns, bytes);
	i = plain_insn(buf, l->prog_cnt);
	if (i < 0) {
		report(0, t, "no plain instruction");
	} else {
		((__u8 *)&buf[i])[4] ^= 0x01;	/* low byte of imm */
		expect_err(t, -EKEYREJECTED,
			   shim_prog_load(l, buf, l->total_cnt));
	}

	snprintf(t, sizeof(t), "%s.%s.constant_rewritten_ekeyrejected", oname,
		 pname);
	memcpy(buf, l->insns, bytes);
	i = const_insn(buf, l->prog_cnt);
	if (i < 0) {
		report(0, t, "no constant to rewrite");
	} else {
		buf[i].imm = buf[i].imm ? 0 : 1;
		expect_err(t, -EKEYREJECTED,
			   shim_prog_load(l, buf, l->total_cnt));
	}

	/* program A's signature (another program) on program B */
	if (other) {
		snprintf(t, sizeof(t), "%s.%s.signature_of_%s_ekeyrejected",
			 oname, pname, other->name);
		memcpy(buf, l->insns, (size_t)l->prog_cnt * 8);
		memcpy(buf + l->prog_cnt, other->insns + other->prog_cnt,
		       (size_t)(other->total_cnt - other->prog_cnt) * 8);
		expect_err(t, -EKEYREJECTED,
			   shim_prog_load(l, buf, l->prog_cnt +
					  other->total_cnt - other->prog_cnt));
	} else if (donor.appendix) {
		snprintf(t, sizeof(t), "%s.%s.signature_of_%s_ekeyrejected",
			 oname, pname, donor.name);
		memcpy(buf, l->insns, (size_t)l->prog_cnt * 8);
		memcpy(buf + l->prog_cnt, donor.appendix, (size_t)donor.cnt * 8);
		expect_err(t, -EKEYREJECTED,
			   shim_prog_load(l, buf, l->prog_cnt + donor.cnt));
	}
	/* this program is the next object's donor */
	free(donor.appendix);
	donor.appendix = malloc((size_t)app_cnt * 8);
	if (donor.appendix) {
		memcpy(donor.appendix, l->insns + l->prog_cnt,
		       (size_t)app_cnt * 8);
		donor.cnt = app_cnt;
		snprintf(donor.name, sizeof(donor.name), "%s", pname);
	}
	free(buf);
}

/* For every program of the loaded object @o: its signed load, replayed. */
static void negatives(struct obj *o)
{
	const struct shim_load *loads[32];
	struct bpf_program *p;
	char t[192];
	int n = 0, i;

	bpf_object__for_each_program(p, o->bo) {
		const struct shim_load *l = shim_find(bpf_program__name(p));

		snprintf(t, sizeof(t), "%s.%s.load_signed", o->name,
			 bpf_program__name(p));
		report(l && bpf_program__fd(p) >= 0, t,
		       "no signed load reached the kernel");
		if (l && n < 32)
			loads[n++] = l;
	}
	for (i = 0; i < n; i++)
		replay(o->name, loads[i]->name, loads[i],
		       n > 1 ? loads[(i + 1) % n] : NULL);
}

/* ---- network helpers --------------------------------------------------- */

static int ping_ok(void)
{
	return system("ip netns exec corpus busybox ping -c 1 -W 2 "
		      HOST_ADDR " >/dev/null 2>&1") == 0;
}

/* Send one UDP datagram from the "corpus" namespace to @addr:@port. */
static int ns_udp_send(const char *addr, int port, const char *msg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (!pid) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		int nsfd = open(NETNS_PATH, O_RDONLY), s;

		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
			_exit(2);
		s = socket(AF_INET, SOCK_DGRAM, 0);
		sa.sin_port = htons(port);
		inet_pton(AF_INET, addr, &sa.sin_addr);
		_exit(sendto(s, msg, strlen(msg), 0, (void *)&sa,
			     sizeof(sa)) < 0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

static int udp_socket(const char *addr, int port, int timeout_ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timeval tv = { timeout_ms / 1000, timeout_ms % 1000 * 1000 };
	int s = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	if (s < 0)
		return -errno;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	sa.sin_port = htons(port);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (bind(s, (void *)&sa, sizeof(sa))) {
		close(s);
		return -errno;
	}
	return s;
}

static int udp_port(int s)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	getsockname(s, (void *)&sa, &len);
	return ntohs(sa.sin_port);
}

static int udp_send(int port, const char *msg)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0), ret;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	ret = sendto(s, msg, strlen(msg), 0, (void *)&sa, sizeof(sa));
	ret = ret < 0 ? -errno : 0;
	close(s);
	return ret;
}

/* next datagram on @s into @buf (NUL-terminated), or -errno (timeout) */
static int udp_recv(int s, char *buf, size_t len)
{
	ssize_t n = recv(s, buf, len - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

/* Does a datagram from the namespace to HOST_ADDR:@port arrive? */
static int ns_udp_arrives(int port)
{
	char buf[64];
	int s = udp_socket(HOST_ADDR, port, 1500), got;

	if (s < 0)
		return s;
	if (ns_udp_send(HOST_ADDR, port, "corpus")) {
		close(s);
		return -EIO;
	}
	got = udp_recv(s, buf, sizeof(buf)) > 0;
	close(s);
	return got;
}

/* ---- exercises shared by every loader ---------------------------------- */

/* xdp_fw on veth0: IPv4 from the namespace passes until a prefix covering
 * its source is in "blocked", then is dropped (ping fails). */
static void xdp_exercise(const char *label, int blocked, int stats, int seen)
{
	struct { __u32 prefixlen, addr; } rule = { 24 };
	__u32 ns_addr;
	long long drops;
	char t[128];

	inet_pton(AF_INET, NS_ADDR, &ns_addr);
	inet_pton(AF_INET, "10.199.0.0", &rule.addr);
	snprintf(t, sizeof(t), "%s.xdp_ping_passes_without_rule", label);
	report(ping_ok(), t, "ping " HOST_ADDR " from the namespace failed");
	snprintf(t, sizeof(t), "%s.xdp_lru_counts_source", label);
	report(map_u64(seen, &ns_addr) >= 1, t, "seen[" NS_ADDR "] = %lld",
	       map_u64(seen, &ns_addr));
	snprintf(t, sizeof(t), "%s.xdp_tail_call_taken", label);
	expect_eq(t, 0, map_idx(stats, XDP_STAT_TAIL_MISS));
	drops = map_idx(stats, XDP_STAT_DROP);
	snprintf(t, sizeof(t), "%s.xdp_rule_added", label);
	report(!bpf_map_update_elem(blocked, &rule, &(__u32){1}, BPF_ANY), t,
	       "%s", strerror(errno));
	snprintf(t, sizeof(t), "%s.xdp_ping_dropped_by_lpm_rule", label);
	report(!ping_ok(), t, "ping went through");
	snprintf(t, sizeof(t), "%s.xdp_drop_counted", label);
	report(map_idx(stats, XDP_STAT_DROP) > drops, t, "drops %lld -> %lld",
	       drops, map_idx(stats, XDP_STAT_DROP));
	bpf_map_delete_elem(blocked, &rule);
	snprintf(t, sizeof(t), "%s.xdp_ping_passes_after_rule_removed", label);
	report(ping_ok(), t, "ping failed");
}

/* tc_drop_port on veth0 ingress: UDP to @drop_port is shot, other pass. */
static void tc_exercise(const char *label, int drop_port, int verdicts,
			int protos)
{
	__u32 udp = 17;
	long long shot = map_idx(verdicts, TC_SHOT);
	char t[128];

	snprintf(t, sizeof(t), "%s.tc_udp_to_port_%d_dropped", label,
		 drop_port);
	expect_eq(t, 0, ns_udp_arrives(drop_port));
	snprintf(t, sizeof(t), "%s.tc_udp_to_port_%d_passes", label,
		 drop_port - 1);
	expect_eq(t, 1, ns_udp_arrives(drop_port - 1));
	snprintf(t, sizeof(t), "%s.tc_shot_counted", label);
	expect_eq(t, shot + 1, map_idx(verdicts, TC_SHOT));
	snprintf(t, sizeof(t), "%s.tc_udp_protocol_counted", label);
	report(map_u64(protos, &udp) >= 2, t, "tc_proto[17] = %lld",
	       map_u64(protos, &udp));
}

/* sock_drop_d attached to a UDP socket: "D..." dropped, "A..." received */
static void sock_exercise(const char *label, int prog_fd, int verdicts)
{
	__u32 k_acc = SOCK_ACCEPTED, k_drop = SOCK_DROPPED;
	long long acc = map_u64(verdicts, &k_acc);
	long long drop = map_u64(verdicts, &k_drop);
	int s = udp_socket("127.0.0.1", 0, 500);
	char buf[64], t[128];

	snprintf(t, sizeof(t), "%s.socket_filter_attached", label);
	report(s >= 0 && !setsockopt(s, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd,
				     sizeof(prog_fd)), t, "%s",
	       strerror(errno));
	udp_send(udp_port(s), "Dropped");
	udp_send(udp_port(s), "Accepted");
	snprintf(t, sizeof(t), "%s.socket_filter_passes_A", label);
	report(udp_recv(s, buf, sizeof(buf)) > 0 && !strcmp(buf, "Accepted"),
	       t, "first datagram received: '%s'", buf);
	snprintf(t, sizeof(t), "%s.socket_filter_drops_D", label);
	expect_err(t, -EAGAIN, udp_recv(s, buf, sizeof(buf)));
	snprintf(t, sizeof(t), "%s.socket_filter_counts", label);
	report(map_u64(verdicts, &k_acc) == (acc < 0 ? 0 : acc) + 1 &&
	       map_u64(verdicts, &k_drop) == (drop < 0 ? 0 : drop) + 1, t,
	       "accepted %lld -> %lld, dropped %lld -> %lld", acc,
	       map_u64(verdicts, &k_acc), drop, map_u64(verdicts, &k_drop));
	close(s);
}

/* A child in @cgroup: UDP to CG_BLOCK_PORT fails with EPERM, to itself
 * passes and arrives. Returns the child's bitmask of failures. */
static int cg_child(const char *cgroup)
{
	char procs[512], buf[64];
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (!pid) {
		int s, bad = 0;
		FILE *f;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
		f = fopen(procs, "w");
		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
			_exit(64);
		if (udp_send(CG_BLOCK_PORT, "blocked") != -EPERM)
			bad |= 1;
		s = udp_socket("127.0.0.1", 0, 1000);
		if (s < 0 || udp_send(udp_port(s), "hello") ||
		    udp_recv(s, buf, sizeof(buf)) <= 0)
			bad |= 2;
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void cg_exercise(const char *label, const char *cgroup, int counts)
{
	long long blocked = map_idx(counts, CG_EGRESS_BLOCKED);
	long long ingress = map_idx(counts, CG_INGRESS_UDP);
	int r = cg_child(cgroup);
	char t[128];

	snprintf(t, sizeof(t), "%s.cgroup_skb_egress_udp_%d_eperm", label,
		 CG_BLOCK_PORT);
	report(r >= 0 && !(r & 1) && r != 64, t, "child status %d", r);
	snprintf(t, sizeof(t), "%s.cgroup_skb_other_udp_passes", label);
	report(r >= 0 && !(r & 2) && r != 64, t, "child status %d", r);
	snprintf(t, sizeof(t), "%s.cgroup_skb_egress_block_counted", label);
	expect_eq(t, blocked + 1, map_idx(counts, CG_EGRESS_BLOCKED));
	snprintf(t, sizeof(t), "%s.cgroup_skb_ingress_counted", label);
	report(map_idx(counts, CG_INGRESS_UDP) > ingress, t,
	       "ingress udp %lld -> %lld", ingress,
	       map_idx(counts, CG_INGRESS_UDP));
}

/* ---- the libbpfsig loader: one test per object -------------------------- */

static int load_or_report(struct obj *o)
{
	char t[128];
	int err;

	err = obj_load(o);
	snprintf(t, sizeof(t), "%s.libbpfsig_loads_signed_object", o->name);
	report(!err, t, "bpfsig_object__load: %d (%s)", err, errname(err));
	return err;
}

static void test_xdp_fw(void)
{
	int ifindex = if_nametoindex("veth0");
	struct obj o;
	char t[128];

	if (obj_open(&o, "xdp_fw", "signed")) {
		report(0, "xdp_fw.open", "cannot open");
		return;
	}
	unlink(BPFFS "/xdp_jmp");
	if (load_or_report(&o))
		goto out;
	snprintf(t, sizeof(t), "xdp_fw.libbpfsig.xdp_attached_to_veth0");
	report(!keep_link(&o, bpf_program__attach_xdp(prog(&o, "xdp_fw"),
						       ifindex)), t,
	       "%s", strerror(errno));
	xdp_exercise("xdp_fw.libbpfsig", map_fd(&o, "blocked"),
		     map_fd(&o, "xdp_stats"), map_fd(&o, "seen"));
	negatives(&o);
out:
	obj_close(&o);
	unlink(BPFFS "/xdp_jmp");
}

static void test_tc_cls(void)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts);
	__u16 port = 7777;
	struct obj o;
	int err;

	hook.ifindex = if_nametoindex("veth0");
	if (obj_open(&o, "tc_cls", "signed")) {
		report(0, "tc_cls.open", "cannot open");
		return;
	}
	report(!set_var(&o, ".rodata", "drop_port", &port, sizeof(port)),
	       "tc_cls.rodata_set_before_load", "no drop_port");
	if (load_or_report(&o))
		goto out;
	err = bpf_tc_hook_create(&hook);
	opts.prog_fd = bpf_program__fd(prog(&o, "tc_drop_port"));
	err = err == -EEXIST ? 0 : err;
	err = err ?: bpf_tc_attach(&hook, &opts);
	report(!err, "tc_cls.libbpfsig.tc_attached_to_veth0_ingress", "%d", err);
	/* the loader's .rodata value rules, not the default */
	tc_exercise("tc_cls.libbpfsig", port, map_fd(&o, "tc_verdicts"),
		    map_fd(&o, "tc_proto"));
	expect_eq("tc_cls.libbpfsig.tc_default_port_9999_passes", 1,
		  ns_udp_arrives(TC_DROP_PORT_DEFAULT));
	negatives(&o);
	hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	bpf_tc_hook_destroy(&hook);
out:
	obj_close(&o);
}

static void test_sockfilter(void)
{
	struct obj o;

	if (obj_open(&o, "sockfilter", "signed")) {
		report(0, "sockfilter.open", "cannot open");
		return;
	}
	if (!load_or_report(&o)) {
		sock_exercise("sockfilter.libbpfsig",
			      bpf_program__fd(prog(&o, "sock_drop_d")),
			      map_fd(&o, "sock_verdicts"));
		negatives(&o);
	}
	obj_close(&o);
}

static void test_cgroup_skb(void)
{
	const char *cg = "/sys/fs/cgroup/corpus-libbpfsig";
	struct obj o;
	int cgfd;

	if (obj_open(&o, "cgroup_skb", "signed")) {
		report(0, "cgroup_skb.open", "cannot open");
		return;
	}
	if (load_or_report(&o))
		goto out;
	mkdir(cg, 0755);
	cgfd = open(cg, O_RDONLY | O_DIRECTORY);
	report(cgfd >= 0 &&
	       !keep_link(&o, bpf_program__attach_cgroup(prog(&o, "cg_egress"),
							  cgfd)) &&
	       !keep_link(&o, bpf_program__attach_cgroup(prog(&o, "cg_ingress"),
							  cgfd)),
	       "cgroup_skb.libbpfsig.attached_to_cgroup", "%s",
	       strerror(errno));
	cg_exercise("cgroup_skb.libbpfsig", cg, map_fd(&o, "cg_counts"));
	negatives(&o);
	if (cgfd >= 0)
		close(cgfd);
out:
	obj_close(&o);
	rmdir(cg);
}

static int perf_events_seen, perf_events_ok;

static void on_glob_event(void *ctx, int cpu, void *data, __u32 size)
{
	const struct glob_event *e = data;

	(void)ctx;
	(void)cpu;
	perf_events_seen++;
	if (size >= sizeof(*e) && e->magic == GLOB_EVENT_MAGIC &&
	    e->len == 8 + 2 && e->hits == (unsigned long long)perf_events_seen)
		perf_events_ok++;
}

static long long kconfig_value(const char *name)
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

static void test_globals(void)
{
	struct perf_buffer *pb = NULL;
	__u32 step = 7, maj, min;
	struct utsname u;
	struct obj o;
	char tag[16] = "";
	int a, b, i, inner;

	if (obj_open(&o, "globals", "signed")) {
		report(0, "globals.open", "cannot open");
		return;
	}
	report(!set_var(&o, ".rodata", "step", &step, sizeof(step)),
	       "globals.rodata_set_before_load", "no step");
	if (load_or_report(&o))
		goto out;
	a = udp_socket("127.0.0.1", 0, 500);
	b = udp_socket("127.0.0.1", 0, 500);
	i = bpf_program__fd(prog(&o, "glob_main"));
	report(!setsockopt(a, SOL_SOCKET, SO_ATTACH_BPF, &i, sizeof(i)),
	       "globals.glob_main_attached", "%s", strerror(errno));
	i = bpf_program__fd(prog(&o, "glob_second"));
	report(!setsockopt(b, SOL_SOCKET, SO_ATTACH_BPF, &i, sizeof(i)),
	       "globals.glob_second_attached", "%s", strerror(errno));
	pb = perf_buffer__new(map_fd(&o, "glob_events"), 8, on_glob_event,
			      NULL, NULL, NULL);
	report(pb != NULL, "globals.perf_buffer_opened", "%s",
	       strerror(errno));
	udp_send(udp_port(a), "A1");
	udp_send(udp_port(a), "B2");
	udp_send(udp_port(a), "A3");
	udp_send(udp_port(b), "x1");
	udp_send(udp_port(b), "x2");
	for (i = 0; pb && i < 20 && perf_events_seen < 3; i++)
		perf_buffer__poll(pb, 100);
	expect_eq("globals.bss_counts_packets", 3, get_var(&o, ".bss", "bss_hits"));
	expect_eq("globals.data_initial_plus_rodata_step", 5 + 3 * 7,
		  get_var(&o, ".data", "data_counter"));
	expect_eq("globals.rodata_step_in_second_program", 2 * 7,
		  get_var(&o, ".bss", "bss_second_hits"));
	expect_eq("globals.skb_len_seen", 8 + 2,
		  get_var(&o, ".bss", "bss_last_len"));
	expect_eq("globals.global_subprogram_result", (8 + 2) * 31 + 7,
		  get_var(&o, ".bss", "bss_mix"));
	get_str_var(&o, "bss_tag", tag, sizeof(tag));
	report(!strcmp(tag, "corpus"), "globals.rodata_string_copied",
	       "bss_tag '%s'", tag);
	expect_eq("globals.kconfig_hz", kconfig_value("CONFIG_HZ"),
		  get_var(&o, ".bss", "kc_hz"));
	expect_eq("globals.kconfig_bool_weak", 1, get_var(&o, ".bss", "kc_lsm"));
	expect_eq("globals.kconfig_missing_weak_is_zero", 0,
		  get_var(&o, ".bss", "kc_missing"));
	uname(&u);
	sscanf(u.release, "%u.%u", &maj, &min);
	expect_eq("globals.kconfig_linux_kernel_version", (maj << 16) | (min << 8),
		  get_var(&o, ".bss", "kc_version") & ~0xffLL);
	expect_eq("globals.percpu_array_sums", 3,
		  map_idx(map_fd(&o, "glob_pcpu"), 0));
	inner = map_fd(&o, "inner_a");
	expect_eq("globals.map_in_map_inner_a", 2, map_idx(inner, 0));
	inner = map_fd(&o, "inner_b");
	expect_eq("globals.map_in_map_inner_b", 1, map_idx(inner, 0));
	expect_eq("globals.perf_event_array_events", 3, perf_events_seen);
	expect_eq("globals.perf_event_array_events_valid", 3, perf_events_ok);
	negatives(&o);
	perf_buffer__free(pb);
	close(a);
	close(b);
out:
	obj_close(&o);
}

static int rb_events, rb_ok_missing, rb_ok_file;

static int on_unlink_event(void *ctx, void *data, size_t size)
{
	const struct unlink_event *e = data;

	(void)ctx;
	if (size < sizeof(*e) || e->tgid != (unsigned int)getpid())
		return 0;
	rb_events++;
	rb_ok_missing += !strcmp(e->name, "/tmp/corpus-missing");
	rb_ok_file += !strcmp(e->name, "/tmp/corpus-file");
	return 0;
}

static void test_tracing(void)
{
	static const char *const progs[] = {
		"tp_getpgid", "raw_sys_enter", "kp_unlinkat", "krp_unlinkat",
		"fentry_unlinkat", "fexit_unlinkat",
	};
	__u32 me = getpid();
	__u64 arg = TRACE_PGID_ARG;
	struct ring_buffer *rb = NULL;
	struct obj o;
	char t[128];
	size_t i;
	int fd;

	if (obj_open(&o, "tracing", "signed")) {
		report(0, "tracing.open", "cannot open");
		return;
	}
	set_var(&o, ".rodata", "target_tgid", &me, sizeof(me));
	if (load_or_report(&o))
		goto out;
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		int err = attach(&o, progs[i]);

		snprintf(t, sizeof(t), "tracing.libbpfsig.%s_attached", progs[i]);
		report(!err, t, "%d (%s)", err, strerror(-err));
	}
	rb = ring_buffer__new(map_fd(&o, "unlink_events"), on_unlink_event,
			      NULL, NULL);
	syscall(SYS_getpgid, TRACE_PGID_ARG);
	syscall(SYS_getpgid, TRACE_PGID_ARG);
	expect_eq("tracing.tracepoint_counts_getpgid_arg", 2,
		  map_u64(map_fd(&o, "tp_args"), &arg));
	expect_eq("tracing.raw_tp_counts_getpgid", 2,
		  map_idx(map_fd(&o, "raw_getpgid"), 0));

	unlink("/tmp/corpus-missing");
	expect_eq("tracing.kretprobe_sees_enoent", -ENOENT,
		  map_u64(map_fd(&o, "kret_vals"), &me));
	expect_eq("tracing.fexit_sees_enoent", -ENOENT,
		  map_idx(map_fd(&o, "fx_vals"), FX_FEXIT_RET));
	fd = open("/tmp/corpus-file", O_CREAT | O_WRONLY, 0600);
	close(fd);
	unlink("/tmp/corpus-file");
	expect_eq("tracing.kretprobe_sees_success", 0,
		  map_u64(map_fd(&o, "kret_vals"), &me));
	expect_eq("tracing.fexit_sees_success", 0,
		  map_idx(map_fd(&o, "fx_vals"), FX_FEXIT_RET));
	expect_eq("tracing.fentry_counts_core_read_prefix", 2,
		  map_idx(map_fd(&o, "fx_vals"), FX_FENTRY_HITS));
	expect_eq("tracing.fexit_counts", 2,
		  map_idx(map_fd(&o, "fx_vals"), FX_FEXIT_HITS));
	for (i = 0; rb && i < 10 && rb_events < 2; i++)
		ring_buffer__poll(rb, 100);
	expect_eq("tracing.kprobe_ringbuf_events", 2, rb_events);
	report(rb_ok_missing == 1 && rb_ok_file == 1,
	       "tracing.kprobe_core_reads_filenames", "missing %d, file %d",
	       rb_ok_missing, rb_ok_file);
	negatives(&o);
	ring_buffer__free(rb);
out:
	obj_close(&o);
}

static void test_lsm_iter(void)
{
	struct perf_event_attr pa = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(pa),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = 100000,	/* ns of CPU time */
	};
	__u32 me = getpid();
	char buf[65536], want[64];
	struct timespec t0, t1;
	struct bpf_link *il;
	struct obj o;
	ssize_t n, len = 0;
	int s, fd, pfd;

	if (obj_open(&o, "lsm_iter", "signed")) {
		report(0, "lsm_iter.open", "cannot open");
		return;
	}
	set_var(&o, ".rodata", "target_tgid", &me, sizeof(me));
	if (load_or_report(&o))
		goto out;

	report(!attach(&o, "lsm_sock_create"), "lsm_iter.libbpfsig.lsm_attached",
	       "%s", strerror(errno));
	s = socket(AF_INET, SOCK_DGRAM, LSM_DENY_PROTO);
	expect_err("lsm_iter.lsm_refuses_udplite_socket_eacces",
		   -LSM_DENY_ERRNO, s < 0 ? -errno : 0);
	if (s >= 0)
		close(s);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	report(s >= 0, "lsm_iter.lsm_allows_udp_socket", "%s", strerror(errno));
	if (s >= 0)
		close(s);
	expect_eq("lsm_iter.lsm_denial_counted", 1,
		  map_idx(map_fd(&o, "lsm_counts"), LSM_DENIED));

	il = bpf_program__attach_iter(prog(&o, "iter_tasks"), NULL);
	report(!keep_link(&o, il), "lsm_iter.libbpfsig.iter_attached", "%s",
	       strerror(errno));
	fd = il ? bpf_iter_create(bpf_link__fd(il)) : -1;
	while (fd >= 0 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	if (fd >= 0)
		close(fd);
	snprintf(want, sizeof(want), "\n%d corpus-run\n", me);
	report(strstr(buf, want) != NULL, "lsm_iter.task_iter_lists_runner",
	       "'%d corpus-run' not in %zd bytes", me, len);
	report(!strncmp(buf, "1 ", 2), "lsm_iter.task_iter_starts_with_pid_1",
	       "starts with '%.20s'", buf);

	pfd = syscall(SYS_perf_event_open, &pa, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	report(pfd >= 0 &&
	       !keep_link(&o, bpf_program__attach_perf_event(prog(&o, "perf_sample"),
							      pfd)),
	       "lsm_iter.libbpfsig.perf_event_attached", "%s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {	/* burn CPU: 300 ms */
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while ((t1.tv_sec - t0.tv_sec) * 1000000000LL +
		 (t1.tv_nsec - t0.tv_nsec) < 300000000LL);
	report(map_idx(map_fd(&o, "perf_counts"), 0) > 0,
	       "lsm_iter.perf_event_samples_counted", "samples %lld",
	       map_idx(map_fd(&o, "perf_counts"), 0));
	negatives(&o);
	if (pfd >= 0)
		close(pfd);
out:
	obj_close(&o);
}

static void test_ksym_kfunc(void)
{
	static const char *const progs[] = {
		"ksym_percpu", "kfunc_syskey", "kconfig_only",
	};
	__u32 me = getpid();
	struct obj o;
	char t[128];
	size_t i;

	if (obj_open(&o, "ksym_kfunc", "signed")) {
		report(0, "ksym_kfunc.open", "cannot open");
		return;
	}
	set_var(&o, ".rodata", "target_tgid", &me, sizeof(me));
	if (load_or_report(&o))
		goto out;
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		snprintf(t, sizeof(t), "ksym_kfunc.libbpfsig.%s_attached",
			 progs[i]);
		report(!attach(&o, progs[i]), t, "%s", strerror(errno));
	}
	syscall(SYS_getpgid, TRACE_PGID_ARG);
	syscall(SYS_getpgid, TRACE_PGID_ARG);
	expect_eq("ksym_kfunc.tp_btf_runs", 2, get_var(&o, ".bss", "ks_runs"));
	expect_eq("ksym_kfunc.typed_ksym_runqueues_cpu_matches", 2,
		  get_var(&o, ".bss", "ks_cpu_ok"));
	expect_eq("ksym_kfunc.typed_ksym_bpf_prog_active_resolved", 2,
		  get_var(&o, ".bss", "ks_active_ok"));
	expect_eq("ksym_kfunc.kfunc_lookup_system_key_valid_id", 2,
		  get_var(&o, ".bss", "kf_valid"));
	expect_eq("ksym_kfunc.kfunc_lookup_system_key_invalid_id_null", 0,
		  get_var(&o, ".bss", "kf_invalid"));
	expect_eq("ksym_kfunc.kfunc_program_runs", 2,
		  get_var(&o, ".bss", "kf_runs"));
	expect_eq("ksym_kfunc.kconfig_hz", kconfig_value("CONFIG_HZ"),
		  get_var(&o, ".bss", "kc_hz"));
	negatives(&o);
out:
	obj_close(&o);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "xdp_fw", test_xdp_fw },
	{ "tc_cls", test_tc_cls },
	{ "sockfilter", test_sockfilter },
	{ "cgroup_skb", test_cgroup_skb },
	{ "globals", test_globals },
	{ "tracing", test_tracing },
	{ "lsm_iter", test_lsm_iter },
	{ "ksym_kfunc", test_ksym_kfunc },
};

/* ---- another kernel's BTF ----------------------------------------------- */

/* Is OBJ/PROG listed in the expected kernel-specific list? */
static int specific(const char *obj, const char *prog_name)
{
	char path[512], line[256], want[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kernel-specific.txt",
		 getenv("CORPUS_SRC") ?: "selftests/corpus");
	f = fopen(path, "r");
	snprintf(want, sizeof(want), "%s %s\n", obj, prog_name);
	while (f && fgets(line, sizeof(line), f))
		found |= !strcmp(line, want);
	if (f)
		fclose(f);
	return found;
}

/*
 * OBJ.alt.o is signed only for another kernel's BTF: on this kernel each
 * kernel-specific program finds no signature (the loader names it, nothing
 * reaches the kernel) and each kernel-independent one loads.
 * OBJ.multi.o is signed for both: everything loads.
 */
static void test_target(const char *name)
{
	struct bpf_program *p, *q;
	struct obj o;
	char t[192], want[256];
	int err;

	if (obj_open(&o, name, "alt")) {
		report(0, "target.open", "%s.alt.o", name);
		return;
	}
	bpf_object__for_each_program(p, o.bo) {
		const char *pn = bpf_program__name(p);
		struct obj one;

		if (obj_open(&one, name, "alt"))
			continue;
		bpf_object__for_each_program(q, one.bo)
			bpf_program__set_autoload(q, !strcmp(bpf_program__name(q),
							     pn));
		msgs_clear();
		quiet = 1;
		err = obj_load(&one);
		quiet = 0;
		if (specific(name, pn)) {
			snprintf(t, sizeof(t),
				 "%s.%s.other_kernel_signature_refused_enokey",
				 name, pn);
			expect_err(t, -ENOKEY, err);
			snprintf(want, sizeof(want),
				 "program '%s': no matching signature", pn);
			snprintf(t, sizeof(t),
				 "%s.%s.other_kernel_error_names_program",
				 name, pn);
			report(strstr(msgs, want) &&
			       strstr(msgs, "re-sign the object for this kernel"),
			       t, "message: %.200s", msgs);
		} else {
			snprintf(t, sizeof(t),
				 "%s.%s.kernel_independent_loads_with_other_kernel_signature",
				 name, pn);
			expect_err(t, 0, err);
		}
		obj_close(&one);
	}
	obj_close(&o);

	if (obj_open(&o, name, "multi")) {
		report(0, "target.open", "%s.multi.o", name);
		return;
	}
	err = obj_load(&o);
	snprintf(t, sizeof(t), "%s.signed_for_two_kernels_loads", name);
	expect_err(t, 0, err);
	obj_close(&o);
}

/* ---- commands for programs other loaders loaded -------------------------- */

static int cmd_xdp_check(const char *label)
{
	int blocked = newest_map("blocked"), stats = newest_map("xdp_stats");
	int seen = newest_map("seen");
	char t[128];

	snprintf(t, sizeof(t), "%s.xdp_maps_found", label);
	report(blocked >= 0 && stats >= 0 && seen >= 0, t, "maps missing");
	xdp_exercise(label, blocked, stats, seen);
	return failed != 0;
}

static int cmd_tc_check(const char *label, int port)
{
	tc_exercise(label, port, newest_map("tc_verdicts"),
		    newest_map("tc_proto"));
	return failed != 0;
}

static int cmd_sock_check(const char *label, const char *pinned)
{
	int fd = bpf_obj_get(pinned);
	char t[128];

	snprintf(t, sizeof(t), "%s.pinned_program_opened", label);
	report(fd >= 0, t, "%s: %s", pinned, strerror(errno));
	sock_exercise(label, fd, newest_map("sock_verdicts"));
	return failed != 0;
}

static int cmd_cg_check(const char *label, const char *cgroup)
{
	cg_exercise(label, cgroup, newest_map("cg_counts"));
	return failed != 0;
}

/* fentry/fexit/raw_tp pinned by another loader: attach them here
 * (raw_tracepoint_open), trigger, read their maps. */
static int cmd_trace_pinned(const char *label, const char *pdir)
{
	static const char *const progs[] = {
		"fentry_unlinkat", "fexit_unlinkat", "raw_sys_enter",
	};
	int fds[3], links[3], fx, raw, fd;
	char path[512], t[160];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", pdir, progs[i]);
		fds[i] = bpf_obj_get(path);
		links[i] = fds[i] < 0 ? -1 :
			bpf_raw_tracepoint_open(i == 2 ? "sys_enter" : NULL,
						fds[i]);
		snprintf(t, sizeof(t), "%s.%s_attached", label, progs[i]);
		report(links[i] >= 0, t, "%s: %s", path, strerror(errno));
	}
	fx = newest_map("fx_vals");
	raw = newest_map("raw_getpgid");
	syscall(SYS_getpgid, TRACE_PGID_ARG);
	unlink("/tmp/corpus-missing");
	fd = open("/tmp/corpus-file", O_CREAT | O_WRONLY, 0600);
	close(fd);
	unlink("/tmp/corpus-file");
	snprintf(t, sizeof(t), "%s.fentry_counts", label);
	expect_eq(t, 2, map_idx(fx, FX_FENTRY_HITS));
	snprintf(t, sizeof(t), "%s.fexit_sees_success", label);
	expect_eq(t, 0, map_idx(fx, FX_FEXIT_RET));
	snprintf(t, sizeof(t), "%s.raw_tp_counts_getpgid", label);
	expect_eq(t, 1, map_idx(raw, 0));
	for (i = 0; i < 3; i++) {
		if (links[i] >= 0)
			close(links[i]);
		if (fds[i] >= 0)
			close(fds[i]);
	}
	return failed != 0;
}

int main(int argc, char **argv)
{
	size_t i;
	int j;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("CORPUS_DIR"))
		dir = getenv("CORPUS_DIR");
	libbpf_set_print(libbpf_print);
	bpfsig_set_print(bpfsig_print);
	if (argc >= 2 && !strcmp(argv[1], "test")) {
		for (j = 2; j < argc; j++) {
			for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
				if (!strcmp(tests[i].name, argv[j]))
					break;
			if (i == sizeof(tests) / sizeof(tests[0])) {
				fprintf(stderr, "corpus-run: no test '%s'\n",
					argv[j]);
				return 2;
			}
			printf("# corpus-run: %s (libbpfsig loader)\n", argv[j]);
			tests[i].fn();
		}
		return failed != 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "target")) {
		for (j = 2; j < argc; j++)
			test_target(argv[j]);
		return failed != 0;
	}
	if (argc == 3 && !strcmp(argv[1], "xdp-check"))
		return cmd_xdp_check(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "tc-check"))
		return cmd_tc_check(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "sock-check"))
		return cmd_sock_check(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "cg-check"))
		return cmd_cg_check(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "trace-pinned"))
		return cmd_trace_pinned(argv[2], argv[3]);
	fprintf(stderr,
		"usage: corpus-run test OBJ... | target OBJ... |\n"
		"       xdp-check LABEL | tc-check LABEL PORT |\n"
		"       sock-check LABEL PINNED | cg-check LABEL CGROUP |\n"
		"       trace-pinned LABEL DIR\n");
	return 2;
}
