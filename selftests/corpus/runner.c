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
 *   corpus-run pinned-build OBJ...  OBJ.pinned.o (the pinned kernel's build,
 *                                   signed for its BTF only) and
 *                                   OBJ.pinned-both.o (and for this kernel's)
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
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runner.h"
#include "../progs/corpus.h"

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
	report(!bpf_map_update_elem(map_fd(&o, "xdp_jmp"), &(__u32){0},
				    &(int){bpf_program__fd(prog(&o, "xdp_fw_ipv4"))},
				    BPF_ANY), "xdp_fw.libbpfsig.prog_array_filled",
	       "%s", strerror(errno));
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
	loader_rewrite("sockfilter", "sock_drop_d");
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
							  cgfd)) &&
	       !keep_link(&o, bpf_program__attach_cgroup(prog(&o, "cg_sock_create"),
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

static void test_globals(void)
{
	struct perf_buffer *pb = NULL;
	__u32 step = 7, maj, min;
	struct utsname u;
	struct obj o;
	char tag[16] = "";
	int a, b, i, inner, q, qv[4];

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
	report(!bpf_map_update_elem(map_fd(&o, "glob_bloom"), NULL,
				    &(__u32){'B'}, BPF_ANY),
	       "globals.bloom_filter_filled", "%s", strerror(errno));
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
	if (sscanf(u.release, "%u.%u", &maj, &min) != 2)
		maj = min = 0;
	expect_eq("globals.kconfig_linux_kernel_version", (maj << 16) | (min << 8),
		  get_var(&o, ".bss", "kc_version") & ~0xffLL);
	expect_eq("globals.percpu_array_sums", 3,
		  map_idx(map_fd(&o, "glob_pcpu"), 0));
	inner = map_fd(&o, "inner_a");
	expect_eq("globals.map_in_map_inner_a", 2, map_idx(inner, 0));
	inner = map_fd(&o, "inner_b");
	expect_eq("globals.map_in_map_inner_b", 1, map_idx(inner, 0));
	expect_eq("globals.tail_call_via_static_prog_array", 3,
		  get_var(&o, ".bss", "bss_tail_hits"));
	expect_eq("globals.bloom_filter_hits", 1,
		  get_var(&o, ".bss", "bss_bloom_hits"));
	q = map_fd(&o, "glob_queue");
	for (i = 0; i < 4; i++)
		qv[i] = bpf_map_lookup_and_delete_elem(q, NULL, &qv[i]) ? -errno
									: qv[i];
	report(qv[0] == 'A' && qv[1] == 'B' && qv[2] == 'A' && qv[3] == -ENOENT,
	       "globals.queue_fifo", "popped %d %d %d %d", qv[0], qv[1], qv[2],
	       qv[3]);
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

/* the uprobe's target: not inlined, not optimized away */
__attribute__((noinline)) int corpus_uprobe_target(int a, int b)
{
	__asm__ volatile("" ::: "memory");
	return a + b;
}

static void test_tracing(void)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = "corpus_uprobe_target");
	int (*volatile target)(int, int) = corpus_uprobe_target;
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
	for (i = 0; i < ARRAY_SIZE(progs); i++) {
		int err = attach(&o, progs[i]);

		snprintf(t, sizeof(t), "tracing.libbpfsig.%s_attached", progs[i]);
		report(!err, t, "%d (%s)", err, strerror(-err));
	}
	report(!keep_link(&o, bpf_program__attach_uprobe_opts(prog(&o, "up_target"),
							       getpid(), "/proc/self/exe",
							       0, &uo)),
	       "tracing.libbpfsig.up_target_attached", "%s", strerror(errno));
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
	target(1, 2);
	target(3, 4);
	target(5, 6);
	expect_eq("tracing.uprobe_counts_calls", 3,
		  map_idx(map_fd(&o, "up_vals"), 0));
	expect_eq("tracing.uprobe_reads_arguments", 1 + 2 + 3 + 4 + 5 + 6,
		  map_idx(map_fd(&o, "up_vals"), 1));
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
	int s, fd, pfd, pidfd;

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
	pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	report(pidfd >= 0 &&
	       map_u64(map_fd(&o, "socks_per_task"), &pidfd) ==
	       map_idx(map_fd(&o, "lsm_counts"), LSM_SEEN) &&
	       map_idx(map_fd(&o, "lsm_counts"), LSM_SEEN) >= 2,
	       "lsm_iter.task_storage_counts_sockets", "task %lld, seen %lld",
	       map_u64(map_fd(&o, "socks_per_task"), &pidfd),
	       map_idx(map_fd(&o, "lsm_counts"), LSM_SEEN));
	if (pidfd >= 0)
		close(pidfd);

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
	for (i = 0; i < ARRAY_SIZE(progs); i++) {
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

/*
 * fentry/fexit/raw_tp pinned by another loader: attach them here
 * (raw_tracepoint_open), trigger, read their maps.
 */
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
	libbpf_set_print(on_libbpf_msg);
	bpfsig_set_print(on_bpfsig_msg);
	if (argc >= 2 && !strcmp(argv[1], "test")) {
		for (j = 2; j < argc; j++) {
			for (i = 0; i < ARRAY_SIZE(tests); i++)
				if (!strcmp(tests[i].name, argv[j]))
					break;
			if (i == ARRAY_SIZE(tests)) {
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
	if (argc >= 2 && !strcmp(argv[1], "pinned-build")) {
		for (j = 2; j < argc; j++)
			test_pinned_build(argv[j]);
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
		"usage: corpus-run test OBJ... | target OBJ... | pinned-build OBJ... |\n"
		"       xdp-check LABEL | tc-check LABEL PORT |\n"
		"       sock-check LABEL PINNED | cg-check LABEL CGROUP |\n"
		"       trace-pinned LABEL DIR\n");
	return 2;
}
