// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpfsig: BPF ELF objects.
 *
 * Signing runs libbpf's real bpf_object__open_file() + bpf_object__load()
 * against a simulated kernel (the bpf(2) hook below): program loads are
 * recorded instead of verified, maps and BTF get memfd file descriptors
 * (sized so that libbpf can mmap() global data), every feature probe
 * succeeds (the 6.1 target supports everything libbpf 1.1 probes for). What
 * is recorded is therefore byte for byte what libbpf will pass to the real
 * kernel, up to the map/BTF fds that the canonical form zeroes.
 *
 * Loading runs bpf_object__load() with a hook that appends the matching
 * signature to each BPF_PROG_LOAD before passing it to the kernel.
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
#include "bpfsig_sec.h"
#include "hook.h"

#define DEFAULT_VMLINUX "/sys/kernel/btf/vmlinux"

/* Copy of a bpf_attr of any size the caller used. */
struct attr_copy {
	union bpf_attr *attr;
	unsigned int size;
};

static int attr_get(struct attr_copy *c, const void *uattr, unsigned int size)
{
	size_t alloc = size > sizeof(union bpf_attr) ? size :
						       sizeof(union bpf_attr);

	c->attr = calloc(1, alloc);
	if (!c->attr)
		return -ENOMEM;
	memcpy(c->attr, uattr, size);
	c->size = size;
	return 0;
}

/* Which program of @obj does this load belong to (NULL: a probe)? */
static struct bpf_program *load_prog(struct bpf_object *obj,
				     const union bpf_attr *attr)
{
	struct bpf_program *prog;

	if (!obj)
		return NULL;
	bpf_object__for_each_program(prog, obj)
		if ((__u64)(unsigned long)bpf_program__insns(prog) ==
		    attr->insns)
			return prog;
	return NULL;
}

/* ---- simulated kernel ------------------------------------------------ */

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
	struct bpf_program *prog = load_prog(sim->obj, attr);
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

static long sim_bpf(struct bpfsig_hook *hook, int cmd, void *uattr,
		    unsigned int size)
{
	struct sim *sim = (struct sim *)hook;
	struct attr_copy c;
	size_t sz;
	long ret;

	if (attr_get(&c, uattr, size))
		return -ENOMEM;
	switch (cmd) {
	case BPF_PROG_LOAD:
		ret = sim_prog_load(sim, c.attr);
		break;
	case BPF_MAP_CREATE:
		sz = 0;
		if (c.attr->map_flags & BPF_F_MMAPABLE)
			sz = (size_t)((c.attr->value_size + 7) & ~7u) *
			     c.attr->max_entries;
		ret = fake_fd("bpfsig-sim-map", sz);
		break;
	case BPF_BTF_LOAD:
		ret = fake_fd("bpfsig-sim-btf", 0);
		break;
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_DELETE_ELEM:
	case BPF_MAP_FREEZE:
	case BPF_PROG_BIND_MAP:
	case BPF_OBJ_GET_INFO_BY_FD:
		ret = 0;
		break;
	case BPF_BTF_GET_NEXT_ID:
	case BPF_PROG_GET_NEXT_ID:
	case BPF_MAP_GET_NEXT_ID:
	case BPF_LINK_GET_NEXT_ID:
	case BPF_OBJ_GET:
	case BPF_MAP_LOOKUP_ELEM:
		ret = -ENOENT;
		break;
	case BPF_LINK_CREATE:
		/* libbpf's perf-link probe expects -EBADF for target fd -1 */
		ret = -EBADF;
		break;
	default:
		pr_debug("simulated kernel: bpf cmd %d not supported\n", cmd);
		ret = -EINVAL;
	}
	free(c.attr);
	return ret;
}

static char *read_kconfig(const char *kconfig)
{
	return kconfig ? strdup(kconfig) : NULL;
}

int bpfsig_object__simulate(const char *obj_path, const char *btf_path,
			    const char *kconfig, bpfsig_sim_cb cb, void *ctx)
{
	struct sim sim = { .hook.bpf = sim_bpf, .cb = cb, .ctx = ctx };
	LIBBPF_OPTS(bpf_object_open_opts, oopts);
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;
	char *kc = NULL;
	int err;

	if (!obj_path || !cb)
		return bpfsig_err(-EINVAL);
	err = bpfsig_hook_ready();
	if (err)
		return bpfsig_err(err);
	if (!btf_path)
		btf_path = DEFAULT_VMLINUX;
	if (access(btf_path, R_OK)) {
		err = -errno;
		pr_warn("%s: target BTF: %s\n", btf_path, strerror(errno));
		return bpfsig_err(err);
	}
	kc = read_kconfig(kconfig);
	oopts.btf_custom_path = btf_path;
	oopts.kconfig = kc;
	obj = bpf_object__open_file(obj_path, &oopts);
	if (!obj) {
		err = -errno;
		pr_warn("%s: libbpf cannot open the object: %s\n", obj_path,
			strerror(errno));
		free(kc);
		return bpfsig_err(err);
	}
	if (!bpf_object__next_program(obj, NULL)) {
		pr_warn("%s: object has no BPF programs\n", obj_path);
		err = -ENOENT;
		goto out;
	}
	/* sign all programs, even those not loaded by default ("?" sections) */
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, true);
	/* no pinning in the simulation (libbpf would require a BPF fs) */
	bpf_object__for_each_map(map, obj)
		bpf_map__set_pin_path(map, NULL);

	sim.obj = obj;
	sim.hook.vmlinux_btf = btf_path;
	bpfsig_hook_push(&sim.hook);
	err = bpf_object__load(obj);
	bpfsig_hook_pop(&sim.hook);
	if (sim.err) {
		err = sim.err;
	} else if (err) {
		pr_warn("%s: libbpf cannot prepare the object for target BTF %s: %s\n",
			obj_path, btf_path, strerror(-err));
	}
out:
	bpf_object__close(obj);
	free(kc);
	return bpfsig_err(err);
}

/* ---- signing ---------------------------------------------------------- */

struct sign_ctx {
	const struct bpfsig_key *key;
	const struct bpfsig_sign_opts *sopts;
	struct bpfsig_sigset *set;
	const char *obj_path;
	__u8 target[32];
	int loads;
};

static int sign_load(const struct bpfsig_sim_load *ld, void *ctx)
{
	struct sign_ctx *sc = ctx;
	struct bpfsig_record rec = {};
	size_t app_len;
	void *app;
	int err;

	err = bpfsig_sign_insns(sc->key, sc->sopts, ld->prog_type,
				ld->expected_attach_type, ld->insns,
				ld->insn_cnt, &app, &app_len);
	if (err) {
		pr_warn("%s: cannot sign %s%s: %s\n", sc->obj_path,
			ld->probe ? "a libbpf probe" : "program ", ld->name,
			strerror(-err));
		return err;
	}
	rec.name = ld->name;
	rec.flags = ld->probe ? BPFSIG_REC_PROBE : 0;
	if (!ld->probe)
		memcpy(rec.target, sc->target, sizeof(rec.target));
	rec.appendix = app;
	rec.appendix_len = app_len;
	err = bpfsig_sigset__add_record(sc->set, &rec);
	free(app);
	sc->loads++;
	pr_debug("%s: signed %s%s (type %u, attach %u, %u insns)\n",
		 sc->obj_path, ld->probe ? "probe" : "program ", ld->name,
		 ld->prog_type, ld->expected_attach_type, ld->insn_cnt);
	return err;
}

/*
 * Programs libbpf loads only when a program is attached, which the
 * simulated load never reaches: the perf-link probe of libbpf 1.1
 * (probe_perf_link(), run by bpftool's built-in libbpf too): "r0 = 0; exit"
 * as a tracepoint program.
 */
static int sign_attach_probes(struct sign_ctx *sc)
{
	static const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpfsig_sim_load ld = {
		.name = "",
		.probe = true,
		.prog_type = BPF_PROG_TYPE_TRACEPOINT,
		.insns = ret0,
		.insn_cnt = 2,
	};

	return sign_load(&ld, sc);
}

int bpfsig_object__sign_file(const struct bpfsig_key *key,
			     const char *obj_path,
			     const struct bpfsig_obj_sign_opts *opts,
			     struct bpfsig_sigset *set)
{
	BPFSIG_OPTS(bpfsig_sign_opts, sopts);
	const char *def[1] = { DEFAULT_VMLINUX };
	struct sign_ctx sc = {
		.key = key, .sopts = &sopts, .set = set, .obj_path = obj_path,
	};
	const char **btfs;
	size_t cnt, i;
	int err;

	if (!OPTS_VALID(opts, bpfsig_obj_sign_opts) || !key || !obj_path ||
	    !set)
		return bpfsig_err(-EINVAL);
	if (!key->pkey) {
		pr_warn("%s: no private key loaded, cannot sign\n",
			key->cert_path);
		return bpfsig_err(-ENOKEY);
	}
	sopts.hash = OPTS_GET(opts, hash, NULL);
	btfs = OPTS_GET(opts, btf_paths, NULL);
	cnt = OPTS_GET(opts, btf_cnt, 0);
	if (!btfs || !cnt) {
		btfs = def;
		cnt = 1;
	}
	for (i = 0; i < cnt; i++) {
		err = bpfsig_file_sha256(btfs[i], sc.target);
		if (err) {
			pr_warn("%s: target BTF: %s\n", btfs[i],
				strerror(-err));
			return err;
		}
		err = bpfsig_object__simulate(obj_path, btfs[i],
					      OPTS_GET(opts, kconfig, NULL),
					      sign_load, &sc);
		if (err)
			return err;
	}
	return sign_attach_probes(&sc);
}

/* ---- loading ---------------------------------------------------------- */

struct loader {
	struct bpfsig_hook hook;
	struct bpf_object *obj;
	const struct bpfsig_sigset *set;
	bool allow_unsigned;
	int err;
	__u64 last_refused;
};

static long load_prog_load(struct loader *ld, struct attr_copy *c)
{
	union bpf_attr *attr = c->attr;
	const struct bpf_insn *insns = (const void *)(unsigned long)attr->insns;
	const struct bpfsig_record *rec;
	struct bpf_program *prog;
	struct bpfsig_blob blob;
	size_t len;
	void *buf;
	long ret;

	if (!insns || !attr->insn_cnt ||
	    !bpfsig_blob_parse(insns, (__u64)attr->insn_cnt * 8, &blob))
		goto pass;	/* nothing to sign, or signed already */
	rec = bpfsig_sigset__find(ld->set, attr->prog_type,
				  attr->expected_attach_type, insns,
				  attr->insn_cnt);
	if (!rec) {
		prog = load_prog(ld->obj, attr);
		/* libbpf retries a failed load to fetch the verifier log */
		if (prog && attr->insns == ld->last_refused)
			return -ENOKEY;
		if (!prog) {
			pr_debug("no signature for a libbpf probe (type %u, %u insns): loading it unsigned\n",
				 attr->prog_type, attr->insn_cnt);
			goto pass;
		}
		if (ld->allow_unsigned) {
			pr_warn("program '%s': no matching signature, loading it unsigned\n",
				bpf_program__name(prog));
			goto pass;
		}
		pr_warn("program '%s': no matching signature (type %s, attach type %u, %u insns); re-sign the object for this kernel\n",
			bpf_program__name(prog),
			libbpf_bpf_prog_type_str(attr->prog_type) ?: "?",
			attr->expected_attach_type, attr->insn_cnt);
		ld->err = -ENOKEY;
		ld->last_refused = attr->insns;
		return -ENOKEY;
	}
	len = (size_t)attr->insn_cnt * 8;
	buf = malloc(len + rec->appendix_len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, insns, len);
	memcpy((char *)buf + len, rec->appendix, rec->appendix_len);
	attr->insns = (unsigned long)buf;
	attr->insn_cnt += rec->appendix_len / 8;
	ret = bpfsig_real_bpf(BPF_PROG_LOAD, attr, c->size);
	free(buf);
	return ret;
pass:
	return bpfsig_real_bpf(BPF_PROG_LOAD, attr, c->size);
}

static long load_bpf(struct bpfsig_hook *hook, int cmd, void *uattr,
		     unsigned int size)
{
	struct loader *ld = (struct loader *)hook;
	struct attr_copy c;
	long ret;

	/* attr may stop before expected_attach_type (libbpf's prog name
	 * probe): the zero-filled copy gives the kernel's implicit 0 */
	if (cmd != BPF_PROG_LOAD || !uattr ||
	    size < offsetofend(union bpf_attr, insns))
		return bpfsig_real_bpf(cmd, uattr, size);
	if (attr_get(&c, uattr, size))
		return -ENOMEM;
	ret = load_prog_load(ld, &c);
	free(c.attr);
	return ret;
}

int bpfsig_object__load(struct bpf_object *obj,
			const struct bpfsig_load_opts *opts)
{
	struct loader ld = { .hook.bpf = load_bpf, .obj = obj };
	struct bpfsig_sigset *own = NULL;
	const char *obj_path, **paths;
	size_t i, n;
	int err;

	if (!obj || !OPTS_VALID(opts, bpfsig_load_opts))
		return bpfsig_err(-EINVAL);
	obj_path = OPTS_GET(opts, obj_path, NULL);
	paths = OPTS_GET(opts, sig_paths, NULL);
	n = OPTS_GET(opts, sig_path_cnt, 0);
	ld.set = OPTS_GET(opts, sigset, NULL);
	ld.allow_unsigned = OPTS_GET(opts, allow_unsigned, false);
	if (!ld.set && !obj_path && !n) {
		pr_warn("bpfsig_object__load: no signature source given\n");
		return bpfsig_err(-EINVAL);
	}
	err = bpfsig_hook_ready();
	if (err)
		return bpfsig_err(err);
	if (obj_path || n) {
		own = bpfsig_sigset__new();
		if (!own)
			return bpfsig_err(-ENOMEM);
		for (i = 0; i < n; i++) {
			err = bpfsig_sigset__add_file(own, paths[i]);
			if (err)
				goto out;
		}
		if (obj_path) {
			err = bpfsig_sigset__add_file(own, obj_path);
			if (err == -ENODATA && (n || ld.set || ld.allow_unsigned)) {
				err = 0;
			} else if (err == -ENODATA) {
				pr_warn("%s: not signed (no %s section)\n",
					obj_path, BPFSIG_SEC_NAME);
				goto out;
			} else if (err) {
				goto out;
			}
		}
		if (ld.set) {
			for (i = 0; i < bpfsig_sigset__cnt(ld.set); i++) {
				err = bpfsig_sigset__add_record(own,
					bpfsig_sigset__record(ld.set, i));
				if (err)
					goto out;
			}
		}
		ld.set = own;
	}
	bpfsig_hook_push(&ld.hook);
	err = bpf_object__load(obj);
	bpfsig_hook_pop(&ld.hook);
	if (ld.err && err)
		err = ld.err;
out:
	bpfsig_sigset__free(own);
	return bpfsig_err(err);
}
