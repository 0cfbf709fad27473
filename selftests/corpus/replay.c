// SPDX-License-Identifier: GPL-2.0
/*
 * corpus-run: the refusals. Each signed load that reached the kernel
 * (recorded by libcorpus-shim.so) is replayed as is (it must load: the
 * replay is faithful), without its signature (EPERM), with one instruction
 * byte changed or a constant rewritten (EKEYREJECTED), and with another
 * program's signature (EKEYREJECTED). Also: a loader rewriting a program
 * before libbpfsig sees it, and objects signed for another kernel's BTF
 * (alt.btf, or the pinned kernel's when this is another one).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runner.h"
#include "shim.h"

static int is_ld_imm64(const struct bpf_insn *i)
{
	return i->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/*
 * index of an instruction whose bytes the canonical form keeps: not an
 * ld_imm64 (whose map fd imm is zeroed before hashing)
 */
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

/*
 * Rewrite one constant of the program, as a loader patching a value would:
 * the immediate of the first "rX = K" (else of the first ALU/JMP with an
 * immediate), else the offset of the first memory load. Returns the index
 * of the instruction changed, or -1.
 */
static int rewrite_const(struct bpf_insn *insns, __u32 cnt)
{
	__u32 i;
	int pass;

	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < cnt; i++) {
			__u8 c = insns[i].code, cls = BPF_CLASS(c);

			if (is_ld_imm64(&insns[i])) {
				i++;
				continue;
			}
			if (pass == 0 && (c == (BPF_ALU64 | BPF_MOV | BPF_K) ||
					  c == (BPF_ALU | BPF_MOV | BPF_K))) {
				insns[i].imm = insns[i].imm ? 0 : 1;
				return i;
			}
			if (pass == 1 && BPF_SRC(c) == BPF_K &&
			    (cls == BPF_ALU || cls == BPF_ALU64 ||
			     ((cls == BPF_JMP || cls == BPF_JMP32) &&
			      BPF_OP(c) != BPF_CALL && BPF_OP(c) != BPF_EXIT &&
			      BPF_OP(c) != BPF_JA))) {
				insns[i].imm += 1;
				return i;
			}
			if (pass == 2 && cls == BPF_LDX) {
				insns[i].off += 4;
				return i;
			}
		}
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

	/* cgroup_sock loaded with expected attach type 0: the kernel makes it
	 * inet_sock_create before the verifier; the signature still holds */
	if (l->attr.prog_type == BPF_PROG_TYPE_CGROUP_SOCK &&
	    l->attr.expected_attach_type == BPF_CGROUP_INET_SOCK_CREATE) {
		struct shim_load zero = *l;

		zero.attr.expected_attach_type = 0;
		snprintf(t, sizeof(t),
			 "%s.%s.attach_type_0_fixed_up_by_kernel_loads", oname,
			 pname);
		fd = shim_prog_load(&zero, l->insns, l->total_cnt);
		report(fd >= 0, t, "got %d (%s)", fd, errname(fd));
		if (fd >= 0)
			close(fd);
	}

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
	i = rewrite_const(buf, l->prog_cnt);
	if (i < 0) {
		report(0, t, "no constant to rewrite");
	} else {
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
void negatives(struct obj *o)
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

/*
 * A loader that rewrites a constant of a signed program before load (here
 * through libbpf's bpf_program__set_insns()): libbpfsig finds no signature
 * for what would be loaded and refuses, naming the program. (The kernel's
 * answer to a loader that appends the old signature anyway is
 * EKEYREJECTED: *.constant_rewritten_ekeyrejected.)
 */
void loader_rewrite(const char *name, const char *pname)
{
	struct bpf_program *p;
	struct bpf_insn *copy;
	char t[160], want[128];
	struct obj o;
	size_t cnt;
	int err;

	if (obj_open(&o, name, "signed"))
		return;
	p = prog(&o, pname);
	cnt = bpf_program__insn_cnt(p);
	copy = malloc(cnt * sizeof(*copy));
	memcpy(copy, bpf_program__insns(p), cnt * sizeof(*copy));
	snprintf(t, sizeof(t), "%s.%s.loader_rewrote_constant", name, pname);
	report(rewrite_const(copy, cnt) >= 0 &&
	       !bpf_program__set_insns(p, copy, cnt), t, "cannot rewrite");
	msgs_clear();
	quiet = 1;
	err = obj_load(&o);
	quiet = 0;
	snprintf(t, sizeof(t), "%s.%s.loader_rewritten_constant_refused_enokey",
		 name, pname);
	expect_err(t, -ENOKEY, err);
	snprintf(t, sizeof(t), "%s.%s.loader_rewritten_constant_names_program",
		 name, pname);
	snprintf(want, sizeof(want), "program '%s': no matching signature",
		 pname);
	report(strstr(msgs, want) != NULL, t, "message: %.200s", msgs);
	free(copy);
	obj_close(&o);
}

/* ---- another kernel's BTF ----------------------------------------------- */

/*
 * Is "OBJ PROG" listed in selftests/corpus/LIST? One "OBJECT PROGRAM" a line;
 * lines starting with '#' and words after the first two are comments.
 */
static int listed(const char *list, const char *obj, const char *prog_name)
{
	char path[512], line[256], o[64], p[64];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s",
		 getenv("CORPUS_SRC") ?: "selftests/corpus", list);
	f = fopen(path, "r");
	if (!f)
		printf("# %s: %s\n", path, strerror(errno));
	while (f && fgets(line, sizeof(line), f))
		found |= line[0] != '#' &&
			 sscanf(line, "%63s %63s", o, p) == 2 &&
			 !strcmp(o, obj) && !strcmp(p, prog_name);
	if (f)
		fclose(f);
	return found;
}

/* a signature for another kernel, and the names of its checks */
struct target {
	const char *other;	/* OBJ.OTHER.o: signed for the other kernel only */
	const char *both;	/* OBJ.BOTH.o: signed for both */
	const char *list;	/* the programs the other's signature must fail */
	const char *refused;	/* OBJ.PROG.REFUSED_signature_refused_enokey */
	const char *loads;	/* OBJ.PROG.LOADS: an unlisted program */
	const char *both_loads;	/* OBJ.BOTH_LOADS */
};

/*
 * OBJ.OTHER.o is signed only for another kernel's BTF: on this kernel each
 * listed program finds no signature (the loader names it, nothing reaches
 * the kernel) and every other program loads. OBJ.BOTH.o is signed for both:
 * everything loads.
 */
static void check_target(const char *name, const struct target *tg)
{
	struct bpf_program *p, *q;
	struct obj o;
	char t[192], want[256];
	int err;

	if (obj_open(&o, name, tg->other)) {
		report(0, "target.open", "%s.%s.o", name, tg->other);
		return;
	}
	bpf_object__for_each_program(p, o.bo) {
		const char *pn = bpf_program__name(p);
		struct obj one;

		if (obj_open(&one, name, tg->other))
			continue;
		bpf_object__for_each_program(q, one.bo)
			bpf_program__set_autoload(q, !strcmp(bpf_program__name(q),
							     pn));
		msgs_clear();
		quiet = 1;
		err = obj_load(&one);
		quiet = 0;
		if (listed(tg->list, name, pn)) {
			snprintf(t, sizeof(t), "%s.%s.%s_signature_refused_enokey",
				 name, pn, tg->refused);
			expect_err(t, -ENOKEY, err);
			snprintf(want, sizeof(want),
				 "program '%s': no matching signature", pn);
			snprintf(t, sizeof(t), "%s.%s.%s_error_names_program",
				 name, pn, tg->refused);
			report(strstr(msgs, want) &&
			       strstr(msgs, "re-sign the object for this kernel"),
			       t, "message: %.200s", msgs);
		} else {
			snprintf(t, sizeof(t), "%s.%s.%s", name, pn, tg->loads);
			report(!err && bpf_program__fd(prog(&one, pn)) >= 0, t,
			       "%d (%s)", err, errname(err));
		}
		obj_close(&one);
	}
	obj_close(&o);

	if (obj_open(&o, name, tg->both)) {
		report(0, "target.open", "%s.%s.o", name, tg->both);
		return;
	}
	err = obj_load(&o);
	snprintf(t, sizeof(t), "%s.%s", name, tg->both_loads);
	expect_err(t, 0, err);
	obj_close(&o);
}

/*
 * OBJ.alt.o / OBJ.multi.o: signed for alt.btf, a stand-in for another kernel
 * in which every type id and member offset differs (btf_alter.c): exactly
 * the kernel-specific programs fail.
 */
void test_target(const char *name)
{
	static const struct target alt = {
		.other = "alt",
		.both = "multi",
		.list = "kernel-specific.txt",
		.refused = "other_kernel",
		.loads = "kernel_independent_loads_with_other_kernel_signature",
		.both_loads = "signed_for_two_kernels_loads",
	};

	check_target(name, &alt);
}

/*
 * OBJ.pinned.o / OBJ.pinned-both.o: the pinned kernel's build of OBJ,
 * signed for the pinned kernel's real BTF (and this kernel's). The programs
 * whose relocated instructions differ between the two kernels fail
 * (pinned-differs.txt); the others, CO-RE reads of structures laid out
 * alike in both kernels included, load with the pinned kernel's signature.
 */
void test_pinned_build(const char *name)
{
	static const struct target pinned = {
		.other = "pinned",
		.both = "pinned-both",
		.list = "pinned-differs.txt",
		.refused = "pinned_kernel",
		.loads = "same_instructions_loads_with_pinned_kernel_signature",
		.both_loads = "pinned_build_signed_for_both_kernels_loads",
	};

	check_target(name, &pinned);
}
