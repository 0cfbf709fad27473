#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build and run the fuzzers (fuzz/*_fuzz.c), both at once, and report
# executions and crashes as TAP lines "ok N host.fuzz.*".
#
#   fuzz/run.sh            CI: a fixed number of executions per harness
#                          (1.1M in all), each capped at FUZZ_CAP seconds
#   fuzz/run.sh --long     `make fuzz`: each harness for FUZZ_TIME seconds
#                          (default 1800), no execution limit
#
# The corpora grow in build/fuzz/work/HARNESS (kept between runs); crash
# reproducers go to build/fuzz/artifacts/. Reproduce one with
#   build/fuzz/HARNESS FILE          (from the top of the tree)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/fuzz
long=0
[ "${1:-}" = --long ] && long=1

n=0
ok() { n=$((n + 1)); echo "ok $n host.fuzz.$1${2:+ # $2}"; }
not_ok() { n=$((n + 1)); echo "not ok $n host.fuzz.$1${2:+ # $2}"; }

if ! make -s -C fuzz >"$out.build.log" 2>&1 || [ -s "$out.build.log" ]; then
	# A build with warnings fails too: the harnesses are -Wall -Wextra clean.
	sed 's/^/# /' "$out.build.log"
	not_ok build_warning_free
	exit 0
fi
ok build_warning_free

# Executions per harness in CI: format_fuzz is cheaper per input than
# verify_fuzz, which parses CMS and verifies RSA signatures with OpenSSL.
ci_runs_format_fuzz=500000
ci_runs_verify_fuzz=600000
ci_min_total=1000000
cap=${FUZZ_CAP:-240}

export BPFSIG_FUZZ_SEEDS=$top/fuzz/corpus BPFSIG_FUZZ_CERT=$top/fuzz/corpus.der
mkdir -p "$out/artifacts"
t0=$(date +%s)
for h in format_fuzz verify_fuzz; do
	mkdir -p "$out/work/$h"
	rm -f "$out/artifacts/$h-"*
	if [ $long = 1 ]; then
		limit="-max_total_time=${FUZZ_TIME:-1800}"
	else
		eval "limit=\"-runs=\$ci_runs_$h -max_total_time=$cap\""
	fi
	# verify_fuzz: OpenSSL's allocations can only be attributed with the
	# slow unwinder; its corpus is checked for leaks afterwards instead.
	leaks=1
	[ $h = verify_fuzz ] && leaks=0
	ASAN_OPTIONS=detect_leaks=$leaks \
	"$out/$h" $limit -max_len=17000 -dict=fuzz/bpfsig.dict \
		-detect_leaks=$leaks -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$h-" \
		"$out/work/$h" fuzz/corpus >"$out/$h.log" 2>&1 &
	eval "pid_$h=$!"
done

total=0
for h in format_fuzz verify_fuzz; do
	eval "pid=\$pid_$h"
	status=0
	wait "$pid" || status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$h.log" | tail -n 1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$out/$h.log" | tail -n 1)
	execs=${execs:-0}
	total=$((total + execs))
	crashes=$(find "$out/artifacts" -name "$h-*" | wc -l)
	[ "$status" = 0 ] || [ "$crashes" != 0 ] || crashes=1
	what="$execs executions in ${secs:-?} s, $crashes crashes"
	if [ "$crashes" = 0 ]; then
		ok "$h" "$what"
	else
		not_ok "$h" "$what"
		grep -E -m 8 '_fuzz: |ERROR|runtime error|SUMMARY|Test unit' \
			"$out/$h.log" | sed 's/^/#   /'
	fi
done

# The verification path's corpus, each input once, with leak detection.
ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1 \
LSAN_OPTIONS=suppressions=$top/fuzz/lsan.supp:print_suppressions=0 \
	"$out/verify_fuzz" -runs=0 -detect_leaks=1 \
	-artifact_prefix="$out/artifacts/verify_fuzz-leak-" \
	"$out/work/verify_fuzz" fuzz/corpus >"$out/verify_fuzz.leaks.log" 2>&1 &&
	inputs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$out/verify_fuzz.leaks.log") &&
	ok verify_fuzz_corpus_leak_free "${inputs:-?} inputs" || {
	not_ok verify_fuzz_corpus_leak_free
	grep -E -m 12 'leak|#[0-9]+ 0x' "$out/verify_fuzz.leaks.log" | sed 's/^/#   /'
}

if [ $long = 1 ] || [ $total -ge $ci_min_total ]; then
	ok executions_total "$total executions, $(($(date +%s) - t0)) s wall"
else
	not_ok executions_total "$total executions, want at least $ci_min_total" \
		"(capped at $cap s per harness)"
fi
