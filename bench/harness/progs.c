// SPDX-License-Identifier: GPL-2.0
/*
 * progs.c - the programs measured: straight lines (cost grows with size,
 * nothing to explore) and chains of diamonds (few instructions, many paths
 * for the verifier), each in a family of sizes; and a program with an
 * appendix, as one buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })
#define MOV64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define EXIT_INSN()	INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/*
 * Straight line: r1 = seed; r1 = seed + 1; ...; r0 = 1; exit. @pad extra
 * "r2 = 0" instructions in front make a program of another size.
 */
void make_straight(struct prog *p, __u32 cnt, int seed, int pad)
{
	__u32 i;

	cnt += pad;
	p->insns = calloc(cnt, sizeof(*p->insns));
	if (!p->insns) {
		perror("bench: calloc");
		exit(1);
	}
	for (i = 0; i + 2 < cnt; i++)
		p->insns[i] = i < (__u32)pad ? MOV64_IMM(2, 0) :
			      MOV64_IMM(1, seed + (int)i);
	p->insns[cnt - 2] = MOV64_IMM(0, 1);
	p->insns[cnt - 1] = EXIT_INSN();
	p->cnt = cnt;
}

/*
 * Chain of @n diamonds (after selftests/unload_test.c): JSET on an unknown
 * value, a stack slot holding a pointer on one side and zero on the other,
 * every slot read at the end: no two paths share a state, nothing is pruned,
 * 2^@n paths. 4n + 3 instructions; the last "r0 = seed" tells programs of
 * the same size apart.
 */
static void make_diamonds(struct prog *p, int n, int seed, int pad)
{
	int i, k = 0;

	p->insns = calloc(4 * n + 3 + pad, sizeof(*p->insns));
	for (i = 0; i < pad; i++)
		p->insns[k++] = MOV64_IMM(2, 0);
	/* r1 = skb->len */
	p->insns[k++] = INSN(BPF_LDX | BPF_MEM | BPF_W, 1, 1, 0, 0);
	for (i = 0; i < n; i++) {
		p->insns[k++] = INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0,
				     -8 * (i + 1), 0);
		p->insns[k++] = INSN(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1,
				     1 << i);
		p->insns[k++] = INSN(BPF_STX | BPF_MEM | BPF_DW, 10, 10,
				     -8 * (i + 1), 0);
	}
	for (i = 0; i < n; i++)
		p->insns[k++] = INSN(BPF_LDX | BPF_MEM | BPF_DW, 0, 10,
				     -8 * (i + 1), 0);
	p->insns[k++] = MOV64_IMM(0, seed);
	p->insns[k++] = EXIT_INSN();
	p->cnt = k;
}

void make_family(const struct family *f, struct prog *p, int seed, int pad)
{
	if (f->straight)
		make_straight(p, f->param, seed, pad);
	else
		make_diamonds(p, f->param, seed, pad);
}

/* @p || @app_len bytes of @app, as one buffer. */
struct prog with_appendix(const struct prog *p, const void *app,
			  size_t app_len)
{
	struct prog b;

	b.cnt = p->cnt + app_len / 8;
	b.insns = malloc((size_t)b.cnt * 8);
	if (!b.insns) {
		perror("bench: malloc");
		exit(1);
	}
	memcpy(b.insns, p->insns, (size_t)p->cnt * 8);
	if (app_len)
		memcpy(b.insns + p->cnt, app, app_len);
	return b;
}
