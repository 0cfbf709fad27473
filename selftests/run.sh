#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The whole test suite: host tests, then the VM tests on the pinned Debian
# kernel. Ends with "N passed, N failed, N skipped".
#   selftests/run.sh [--host-only]
set -u
start=${BPFSIG_RUN_START:-$(date +%s)}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=$top/build/selftests/log
mkdir -p "$log"
host_only=0
[ "${1:-}" = "--host-only" ] && host_only=1

: > "$log/all.tap"
tap() { tee -a "$log/all.tap"; }
fail_setup() { echo "not ok 1 setup.$1 # $2" | tap; }

# Build; a build failure is a failed test, not a silent skip.
if ! make -s module test-modules tools >"$log/build.txt" 2>&1 ||
   ! make -s -C selftests >>"$log/build.txt" 2>&1 ||
   { [ -f selftests/corpus/Makefile ] &&
     ! make -s -C selftests/corpus >>"$log/build.txt" 2>&1; }; then
	tail -30 "$log/build.txt"
	fail_setup build "see build/selftests/log/build.txt"
fi

# --- host ----------------------------------------------------------------
if scripts/checkpatch.sh >"$log/checkpatch.txt" 2>&1; then
	echo "ok 1 host.checkpatch_strict_clean" | tap
else
	sed 's/^/# /' "$log/checkpatch.txt"; echo "not ok 1 host.checkpatch_strict_clean" | tap
fi
if make -s -C tools >/dev/null 2>"$log/tools-warn.txt" && [ ! -s "$log/tools-warn.txt" ]; then
	echo "ok 2 host.tools_build_warning_free" | tap
else
	sed 's/^/# /' "$log/tools-warn.txt"; echo "not ok 2 host.tools_build_warning_free" | tap
fi
build/selftests/format_test 2>&1 | tap
if [ -x tools/tests/run.sh ]; then
	# its own summary line becomes a comment: only ours closes the run
	tools/tests/run.sh 2>&1 |
		sed 's/^\([0-9]* passed, [0-9]* failed\)/# tools: \1/' | tap
fi
fuzz/run.sh 2>&1 | tap

# --- keys for the VM tests: made by make -C selftests above ------------------
for name in rsa2048 rsa4096 untrusted spare; do
	[ -f "build/selftests/keys/$name.der" ] ||
		fail_setup "keygen_$name" "build/selftests/keys/$name.der missing"
done

# --- the tools against the spec: an independent signer, byte for byte ------
selftests/spec_test.sh 2>&1 | tap

# --- the emulator-fault detector that kernels.sh relies on ----------------
selftests/tcg_stale_test.sh 2>&1 | tap

# --- bpfsig-apply's reading of /etc/bpfsig ----------------------------------
selftests/testbed/apply-check.sh 2>&1 | tap

# --- VM -------------------------------------------------------------------
if [ $host_only = 0 ]; then
	# the soak loads and unloads the module under a stream of loads:
	# single-threaded TCG (scripts/vm-run.sh --tcg-thread). A boot that
	# dies half-way of the emulator running stale code (the same rule as
	# kernels.sh: scripts/tcg-stale-int3.sh; a stuck CPU ends a boot after
	# 20 s, softlockup_panic=1) is booted once more, and said;
	# what its first try counted is taken back, its console kept as
	# vm-PHASE-console-try1.log; that second boot runs single-threaded TCG.
	# Any other death fails.
	for phase in main soak lock-param; do
		tcg=multi
		[ "$phase" != soak ] || tcg=single
		out=$top/build/selftests/vm-$phase
		counted=$(wc -l < "$log/all.tap")
		for try in 1 2; do
			scripts/vm-run.sh --timeout 2400 --out "$out" \
				--append audit=1 --tcg-thread $tcg \
				-- selftests/vm-tests.sh $phase 2>&1 |
				tee "$log/vm-$phase.txt" | tap
			[ $try = 1 ] &&
				! grep -q '^# vm-tests done' "$log/vm-$phase.txt" &&
				why=$(scripts/tcg-stale-int3.sh "$out/console.log") ||
				break
			echo "# vm-$phase: the VM died half-way, $why; booting again, single-threaded TCG:"
			tcg=single
			cp "$out/console.log" "$log/vm-$phase-console-try1.log"
			head -n "$counted" "$log/all.tap" > "$log/all.tap.tmp" &&
				mv "$log/all.tap.tmp" "$log/all.tap"
		done
		grep -q '^# vm-tests done' "$log/vm-$phase.txt" ||
			fail_setup "vm_$phase" "the VM tests did not run to the end"
	done
	# the benchmark's smoke run (a measurement: its targets are not tested)
	selftests/bench_smoke.sh 2>&1 | tee "$log/bench-smoke.tap" | tap
	# the module's suites on every other kernel of scripts/kernels.list
	selftests/kernels.sh 2>&1 | tee "$log/kernels.txt" | tap
fi

# --- the test bed: the packages on a Debian host booted by systemd --------
if [ $host_only = 0 ]; then
	selftests/testbed/run.sh 2>&1 | tee "$log/testbed.txt" | tap
	grep -q '^# testbed done' "$log/testbed.txt" ||
		fail_setup testbed "the test bed did not run to the end"
fi

pass=$(grep -Ec '^ok [0-9]+ ' "$log/all.tap")
skip=$(grep -Ec '^ok [0-9]+ .*# SKIP' "$log/all.tap")
fail=$(grep -Ec '^not ok [0-9]+ ' "$log/all.tap")
echo
grep -E '^not ok [0-9]+ ' "$log/all.tap" | sed 's/^/FAILED: /'
echo "# duration: $(($(date +%s) - start)) s"
echo "$((pass - skip)) passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
