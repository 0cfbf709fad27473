// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: preparing an object as libbpf does, without a kernel.
 *
 * libbpf's real bpf_object__open_file() + bpf_object__load() run against a
 * simulated kernel (a bpf(2) hook): program loads are recorded instead of
 * verified, maps and BTF get memfd file descriptors (sized so that libbpf
 * can mmap() global data), every feature probe succeeds (the 6.1 target
 * supports everything libbpf 1.1 probes for). What is recorded is therefore
 * byte for byte what libbpf will pass to the real kernel, up to the map/BTF
 * fds that the canonical form zeroes. Signing and verifying objects both
 * start here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libbpfsig_internal.h"
#include "hook.h"

struct sim {
	struct bpfsig_hook hook;
	struct bpf_object *obj;
	bpfsig_sim_cb cb;
	void *ctx;
	int err;
};

static long fake_fd(const char *name, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd;

	fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	size = (size + page - 1) / page * page;
	if (size && ftruncate(fd, size)) {
		close(fd);
		return -errno;
	}
	return fd;
}

static long sim_prog_load(struct sim *sim, union bpf_attr *attr)
{
	struct bpf_program *prog = bpfsig_load_program(sim->obj, attr);
	struct bpfsig_sim_load ld = {
		.name = prog ? bpf_program__name(prog) : "",
		.probe = !prog,
		.prog_type = attr->prog_type,
		.expected_attach_type = attr->expected_attach_type,
		.insns = (const void *)(unsigned long)attr->insns,
		.insn_cnt = attr->insn_cnt,
	};
	int err;

	if (sim->err)
		return sim->err;
	if (!ld.insns || !ld.insn_cnt)
		return -EINVAL;
	err = sim->cb(&ld, sim->ctx);
	if (err) {
		sim->err = err;
		return err;
	}
	return fake_fd("bpfsig-sim-prog", 0);
}

static long sim_map_create(const union bpf_attr *attr)
{
	size_t sz = 0;

	if (attr->map_flags & BPF_F_MMAPABLE)
		sz = (size_t)((attr->value_size + 7) & ~7u) * attr->max_entries;
	return fake_fd("bpfsig-sim-map", sz);
}

static long sim_cmd(struct sim *sim, int cmd, union bpf_attr *attr)
{
	switch (cmd) {
	case BPF_PROG_LOAD:
		return sim_prog_load(sim, attr);
	case BPF_MAP_CREATE:
		return sim_map_create(attr);
	case BPF_BTF_LOAD:
		return fake_fd("bpfsig-sim-btf", 0);
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_DELETE_ELEM:
	case BPF_MAP_FREEZE:
	case BPF_PROG_BIND_MAP:
	case BPF_OBJ_GET_INFO_BY_FD:
		return 0;
	case BPF_BTF_GET_NEXT_ID:
	case BPF_PROG_GET_NEXT_ID:
	case BPF_MAP_GET_NEXT_ID:
	case BPF_LINK_GET_NEXT_ID:
	case BPF_OBJ_GET:
	case BPF_MAP_LOOKUP_ELEM:
		return -ENOENT;
	case BPF_LINK_CREATE:
		/* libbpf's perf-link probe expects -EBADF for target fd -1 */
		return -EBADF;
	}
	pr_debug("simulated kernel: bpf cmd %d not supported\n", cmd);
	return -EINVAL;
}

static long sim_bpf(struct bpfsig_hook *hook, int cmd, void *uattr,
		    unsigned int size)
{
	union bpf_attr *attr = bpfsig_attr_copy(uattr, size);
	long ret;

	if (!attr)
		return -ENOMEM;
	ret = sim_cmd((struct sim *)hook, cmd, attr);
	free(attr);
	return ret;
}

int bpfsig_object_programs(const char *obj_path, __u32 *cnt)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	int err;

	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj) {
		err = -errno;
		pr_warn("%s: libbpf cannot open the object: %s\n", obj_path,
			strerror(-err));
		return err;
	}
	*cnt = 0;
	bpf_object__for_each_program(prog, obj)
		(*cnt)++;
	bpf_object__close(obj);
	return 0;
}

/*
 * libbpf's view of @obj_path for @btf_path, every program to be loaded. An
 * object without programs (only subprograms in .text, or only maps) is
 * prepared too: libbpf still makes its probe loads for it.
 */
static struct bpf_object *open_object(const char *obj_path,
				      const char *btf_path,
				      const char *kconfig)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts,
		.btf_custom_path = btf_path,
		.kconfig = kconfig,
	);
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;

	obj = bpf_object__open_file(obj_path, &oopts);
	if (!obj) {
		pr_warn("%s: libbpf cannot open the object: %s\n", obj_path,
			strerror(errno));
		return bpfsig_err_ptr(-errno);
	}
	/* sign all programs, even those not loaded by default ("?" sections) */
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, true);
	/* no pinning in the simulation (libbpf would require a BPF fs) */
	bpf_object__for_each_map(map, obj)
		bpf_map__set_pin_path(map, NULL);
	return obj;
}

int bpfsig_object__simulate(const char *obj_path, const char *btf_path,
			    const char *kconfig, bpfsig_sim_cb cb, void *ctx)
{
	struct sim sim = { .hook.bpf = sim_bpf, .cb = cb, .ctx = ctx };
	int err;

	if (!obj_path || !cb)
		return bpfsig_err(-EINVAL);
	err = bpfsig_hook_ready();
	if (err)
		return bpfsig_err(err);
	if (!btf_path)
		btf_path = BPFSIG_DEFAULT_VMLINUX;
	if (access(btf_path, R_OK)) {
		err = -errno;
		pr_warn("%s: target BTF: %s\n", btf_path, strerror(errno));
		return bpfsig_err(err);
	}
	sim.obj = open_object(obj_path, btf_path, kconfig);
	if (!sim.obj)
		return bpfsig_err(-errno);
	sim.hook.vmlinux_btf = btf_path;
	bpfsig_hook_push(&sim.hook);
	err = bpf_object__load(sim.obj);
	bpfsig_hook_pop(&sim.hook);
	if (sim.err)
		err = sim.err;
	else if (err)
		pr_warn("%s: libbpf cannot prepare the object for target BTF %s: %s\n",
			obj_path, btf_path, strerror(-err));
	bpf_object__close(sim.obj);
	return bpfsig_err(err);
}
