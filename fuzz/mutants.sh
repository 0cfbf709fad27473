#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Do the fuzzers' oracles catch bugs? Plants one bug at a time in a copy of
# format/ or tools/lib/ (under build/fuzz-mutants/, the tree is untouched),
# builds the harness against the copy and fuzzes it for up to MUTANT_TIME
# seconds (default 120). Each bug must be caught: "ok" says how fast.
#   fuzz/mutants.sh            all mutants
#   fuzz/mutants.sh NAME...    some of them
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
base=$top/build/fuzz-mutants
limit=${MUTANT_TIME:-120}

# name|harness|file|python expression turning the file's text s into the bug
mutants='
padding_unchecked|format_fuzz|format/parse.c|s.replace("if (!all_zero(end - BPFSIG_TRAILER_SIZE - pad, pad))", "if (0)")
no_instruction_allowed|format_fuzz|format/parse.c|s.replace("(u64)tot + 8 > buf_len", "(u64)tot > buf_len")
tail_not_bounded|format_fuzz|format/parse.c|s.replace("if (tot > tail_len)\n\t\treturn -EBADMSG;", "")
keyid_padding_unchecked|format_fuzz|format/parse.c|s.replace("!all_zero(st->keyid + st->keyid_len,", "0 && !all_zero(st->keyid + st->keyid_len,")
attach_type_ignored|format_fuzz|format/parse.c|s.replace("be32_to_cpu(stmt->expected_attach_type) != expected_attach_type", "0")
map_value_not_canonical|format_fuzz|format/parse.c|s.replace(" ||\n\t\t\t    insn.src_reg == BPF_PSEUDO_MAP_VALUE)", ")")
btf_fd_kept|format_fuzz|format/parse.c|s.replace("insn.imm = 0;\n\t\t\tc->pending_src = -1;", "c->pending_src = -1;")
state_lost_between_chunks|format_fuzz|format/parse.c|s.replace("\tu32 i;\n\n\tfor (i = 0; i < cnt; i++) {", "\tu32 i;\n\n\tc->pending_src = -1;\n\tfor (i = 0; i < cnt; i++) {")
sig_len_limit_1024|format_fuzz|format/format.h|s.replace("#define BPFSIG_MAX_SIG_LEN\t16384", "#define BPFSIG_MAX_SIG_LEN\t1024")
digest_unchecked|verify_fuzz|tools/lib/verify.c|s.replace("if (dlen != st->digest_len || memcmp(digest, st->digest, dlen))", "if (0)")
signature_unchecked|verify_fuzz|tools/lib/verify.c|s.replace("err = cms_verify(cert->cert, st,", "err = 0 * cms_verify(cert->cert, st,")
'

want=" $* "
n=0
fail=0
export BPFSIG_FUZZ_SEEDS=$top/fuzz/corpus BPFSIG_FUZZ_CERT=$top/fuzz/corpus.der
printf "%s\n" "$mutants" | while IFS='|' read -r name harness file expr; do
	[ -n "$name" ] || continue
	[ $# = 0 ] || case "$want" in *" $name "*) ;; *) continue ;; esac
	n=$((n + 1))
	dir=$base/$name
	rm -rf "$dir"
	mkdir -p "$dir/src"
	cp -r format "$dir/src/format"
	cp -r tools/lib "$dir/src/lib"
	target=$dir/src/${file#tools/}
	python3 -c '
import sys
p, expr = sys.argv[1], sys.argv[2]
s = open(p).read()
m = eval(expr)
if m == s:
    sys.exit("mutation does not apply: " + expr)
open(p, "w").write(m)' "$target" "$expr"
	if ! make -s -C fuzz OUT="$dir/out" FORMAT="$dir/src/format" \
		LIB="$dir/src/lib" "$dir/out/$harness" >"$dir/build.log" 2>&1; then
		echo "not ok $n mutant.$name # does not build"; continue
	fi
	mkdir -p "$dir/work"
	t0=$(date +%s)
	ASAN_OPTIONS=detect_leaks=0 "$dir/out/$harness" -max_total_time="$limit" \
		-max_len=17000 -dict=fuzz/bpfsig.dict -detect_leaks=0 \
		-artifact_prefix="$dir/" "$dir/work" fuzz/corpus >"$dir/fuzz.log" 2>&1 &&
		caught=0 || caught=1
	secs=$(($(date +%s) - t0))
	why=$(grep -E -m 1 '_fuzz: |runtime error|ERROR: AddressSanitizer' "$dir/fuzz.log" |
		sed 's/^.*\(_fuzz: \|runtime error: \|ERROR: AddressSanitizer: \)//' | cut -c1-90)
	if [ $caught = 1 ]; then
		echo "ok $n mutant.$name # caught by $harness in $secs s: $why"
	else
		echo "not ok $n mutant.$name # survived $limit s of $harness"
	fi
done
