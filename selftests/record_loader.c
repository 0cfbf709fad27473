// SPDX-License-Identifier: GPL-2.0
/*
 * record_loader: a loader whose loads 'bpfsig sign OBJ' cannot foresee,
 * for the tests of 'bpfsig record' (record-vm.sh). Like the dispatcher
 * loaders of multi-program XDP (libxdp), it loads an XDP dispatcher, then
 * probes whether extension (freplace) programs may replace its slots by
 * loading one: a BPF_PROG_TYPE_EXT load of a program its object declares
 * as XDP. When the probe load is refused it falls back, silently, to the
 * legacy mode: one XDP program attached on its own, no second program on
 * the hook. It prints the mode it ended in; exit status 0 in both.
 *
 *   record_loader OBJDIR IFNAME   OBJDIR: dispatcher.bpf.o, components.bpf.o
 *	dispatcher mode: xdp_dispatcher attached (generic XDP) to IFNAME,
 *	xdp_pass in slot 0 and xdp_count in slot 1, their freplace links and
 *	xdp_count's "packets" map pinned in /sys/fs/bpf/record/
 *	legacy mode: xdp_pass attached to IFNAME, nothing pinned
 *   record_loader gen             a socket filter returning this process's
 *	pid: a program that differs from run to run
 */
#include <errno.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define PIN_DIR "/sys/fs/bpf/record"

static char disp_path[4096], comp_path[4096];

/* components.bpf.o with @cnt of its programs loaded as extensions of
 * @disp_fd's slots @slots (the others not loaded): the object, or NULL */
static struct bpf_object *load_ext(int disp_fd, const char *const *progs,
				   const char *const *slots, int cnt)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	int i;

	obj = bpf_object__open_file(comp_path, NULL);
	if (!obj)
		return NULL;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, false);
	for (i = 0; i < cnt; i++) {
		prog = bpf_object__find_program_by_name(obj, progs[i]);
		if (!prog || bpf_program__set_autoload(prog, true) ||
		    bpf_program__set_type(prog, BPF_PROG_TYPE_EXT) ||
		    /* SEC("xdp") gave it BPF_XDP; extensions take none */
		    bpf_program__set_expected_attach_type(prog, 0) ||
		    bpf_program__set_attach_target(prog, disp_fd, slots[i]))
			goto fail;
	}
	if (bpf_object__load(obj))
		goto fail;
	return obj;
fail:
	bpf_object__close(obj);
	return NULL;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/*
 * The probe: may an extension program replace a slot of the dispatcher?
 * Quietly, as dispatcher loaders probe: a refusal is an answer, not an
 * error.
 */
static bool ext_supported(int disp_fd)
{
	static const char *const prog[] = { "xdp_pass" }, *const slot[] = { "slot0" };
	libbpf_print_fn_t old = libbpf_set_print(quiet);
	struct bpf_object *obj = load_ext(disp_fd, prog, slot, 1);

	libbpf_set_print(old);
	bpf_object__close(obj);
	return obj != NULL;
}

static int pin(struct bpf_link *link, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), PIN_DIR "/%s", name);
	unlink(path);
	return link ? bpf_link__pin(link, path) : -ENOENT;
}

static int dispatcher_mode(int disp_fd, int ifindex)
{
	static const char *const progs[] = { "xdp_pass", "xdp_count" };
	static const char *const slots[] = { "slot0", "slot1" };
	struct bpf_object *obj = load_ext(disp_fd, progs, slots, 2);
	struct bpf_map *map;
	int i;

	if (!obj)
		return 1;
	mkdir(PIN_DIR, 0700);
	for (i = 0; i < 2; i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(obj, progs[i]);

		if (pin(bpf_program__attach_freplace(p, disp_fd, slots[i]),
			slots[i]))
			return 1;
	}
	map = bpf_object__find_map_by_name(obj, "packets");
	unlink(PIN_DIR "/packets");
	if (!map || bpf_map__pin(map, PIN_DIR "/packets") ||
	    bpf_xdp_attach(ifindex, disp_fd, XDP_FLAGS_SKB_MODE, NULL))
		return 1;
	printf("mode: dispatcher (xdp_pass, xdp_count)\n");
	return 0;
}

static int legacy_mode(int ifindex)
{
	struct bpf_program *prog, *pass;
	struct bpf_object *obj;

	obj = bpf_object__open_file(comp_path, NULL);
	pass = obj ? bpf_object__find_program_by_name(obj, "xdp_pass") : NULL;
	if (!pass)
		return 1;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, prog == pass);
	if (bpf_object__load(obj) ||
	    bpf_xdp_attach(ifindex, bpf_program__fd(pass), XDP_FLAGS_SKB_MODE,
			   NULL))
		return 1;
	printf("mode: legacy (xdp_pass)\n");
	return 0;
}

/* r0 = getpid(); exit: another program in every run */
static int gen(void)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = getpid() },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "gen", "GPL",
			       insns, 2, NULL);

	printf("gen: %s\n", fd < 0 ? "refused" : "loaded");
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *disp;
	struct bpf_program *prog;
	int ifindex, fd;

	if (argc == 2 && !strcmp(argv[1], "gen"))
		return gen();
	if (argc != 3) {
		fprintf(stderr, "usage: %s OBJDIR IFNAME | gen\n", argv[0]);
		return 2;
	}
	snprintf(disp_path, sizeof(disp_path), "%s/dispatcher.bpf.o", argv[1]);
	snprintf(comp_path, sizeof(comp_path), "%s/components.bpf.o", argv[1]);
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	disp = bpf_object__open_file(disp_path, NULL);
	if (!disp || bpf_object__load(disp)) {
		fprintf(stderr, "%s: cannot load the dispatcher\n", disp_path);
		return 1;
	}
	prog = bpf_object__find_program_by_name(disp, "xdp_dispatcher");
	fd = prog ? bpf_program__fd(prog) : -1;
	if (fd < 0)
		return 1;
	/* the dispatcher stays loaded while attached */
	if (ext_supported(fd))
		return dispatcher_mode(fd, ifindex);
	return legacy_mode(ifindex);
}
