#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test-debug: the VM tests on a debug kernel (KASAN, lockdep, kmemleak,
# debugobjects, ...; scripts/debug-kernel.sh), then the kernel's own reports.
#
#   selftests/test-debug.sh [NAME...]      run all (or the named) VM tests
#   selftests/test-debug.sh --check NAME OUTDIR
#                                          only check the logs of a finished
#                                          run (OUTDIR = its vm-run out dir)
#
# Builds the debug kernel if needed, bpfsig.ko and selftests/modules against
# it (from a copy of the sources in build/test-debug/module/, as
# scripts/kbuild.sh does for the listed kernels; the tree's own bpfsig.ko is
# left alone), the VM selftests with a 300 s harness timeout instead of 30 s
# (selftests/debug-timeout.h; build/test-debug/selftests) and the corpus
# (signed for the debug kernel's BTF, build/test-debug/corpus). Each entry of
# VM_TESTS boots the debug kernel once, runs its command under
# selftests/debug-vm.sh (which scans for leaks at the end), and its console
# log, kernel log and kmemleak report are searched for KASAN, BUG, WARNING,
# lockdep, kmemleak, ODEBUG, sleep-in-atomic, stall and oops reports: each
# kind is one check, failing with the report lines it found (whatever their
# origin; nothing is filtered out). Prints TAP lines, ends with
# "N passed, N failed, N skipped". Logs: build/test-debug/.
set -eu

# The VM tests: one VM boot each, "NAME COMMAND [ARGS...]", run from the repo
# top as root in the guest. The stress and the soak, which vm-tests.sh runs
# in its main phase on the pinned kernel, have boots of their own here
# (BPFSIG_NO_STRESS_SOAK=1 below): each boot ends with a kmemleak scan of
# its own, and the soak's `clear` of kmemleak at its start cannot hide what
# the suites before it leaked. The stress keeps the 100,000 loads of
# selftests/run.sh (170-380 loads/s on this kernel, measured); the soak runs
# 300 s instead of 60, as it gets through 6-12 times fewer loads per second
# here than on the pinned kernel, more on a busy machine
# (Documentation/reliability.md).
STRESS_LOADS=${DEBUG_STRESS_LOADS:-100000}
SOAK_SECONDS=${DEBUG_SOAK_SECONDS:-300}
VM_TESTS=(
	"main selftests/vm-tests.sh main"
	"stress selftests/stress.sh --loads $STRESS_LOADS"
	"soak selftests/soak.sh --duration $SOAK_SECONDS"
	"lock-param selftests/vm-tests.sh lock-param"
)

# Guest memory (KASAN's shadow, kmemleak's and lockdep's tables), per-boot
# timeout, kernel command line: audit as in run.sh; KASAN reports every bug,
# not only the first.
VM_MEM=${DEBUG_VM_MEM:-4096}
VM_TIMEOUT=${DEBUG_VM_TIMEOUT:-14400}
VM_APPEND=${DEBUG_VM_APPEND:-"audit=1 kasan_multi_shot"}

top=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$top"
# The debug kernel is its own release, not one of scripts/kernels.list: make
# and vm-run.sh must not take a kernel from the caller's environment.
unset KRELEASE KDIR
out=$top/build/test-debug
log=$out/log
mkdir -p "$log"
tapf=$log/all.tap
n=0

tap() { tee -a "$tapf"; }
ok() { n=$((n + 1)); echo "ok $n debug.$1" | tap; }
not_ok() { n=$((n + 1)); echo "not ok $n debug.$1${2:+ # $2}" | tap; }
diag() { sed 's/^/#   /' | tap; }

# --- the kernel's reports ------------------------------------------------
# One check per kind: NAME|extended regex over the console log, the kernel
# log and the kmemleak report.
REPORTS=(
	"kasan|KASAN:"
	"bug|\bBUG:|kernel BUG at"
	"warning|WARNING:|-----------\[ cut here \]"
	"lockdep|possible circular locking|inconsistent lock state|possible recursive locking|possible irq lock inversion|suspicious RCU usage|bad unlock balance|held lock freed|lock held when returning to user space|lock held at task exit|INFO: trying to register non-static key|DEBUG_LOCKS_WARN_ON|turning off the locking correctness validator"
	"kmemleak|unreferenced object|kmemleak:.*(suspected memory leak|[Dd]isabl|[Mm]emory pool empty|[Cc]annot|[Ff]ail)"
	"odebug|ODEBUG:"
	"sleep_in_atomic|sleeping function called from invalid context|scheduling while atomic|in preemptible \[|Preemption disabled at|leaked lock or atomic"
	"oops|Oops|general protection fault|Unable to handle|Kernel panic|invalid opcode:|stack-protector|list_(add|del) corruption|refcount_t:|UBSAN:"
	"stall|soft lockup|hard LOCKUP|blocked for more than [0-9]+ seconds|detected stalls|self-detected stall"
	"call_trace|Call Trace:"
)
# Debug options the booted kernel must have for a clean log to mean something.
NEED_CONFIG="KASAN KASAN_GENERIC KASAN_INLINE PROVE_LOCKING DEBUG_ATOMIC_SLEEP
DEBUG_KMEMLEAK DEBUG_OBJECTS DEBUG_OBJECTS_FREE DEBUG_OBJECTS_TIMERS
DEBUG_OBJECTS_WORK DEBUG_OBJECTS_RCU_HEAD DEBUG_LIST"

# check_logs NAME OUTDIR: the checks of one VM run's logs
check_logs() {
	local name=$1 vo=$2 st=$2/debug-state.txt rep=$log/$1-reports.txt
	local files=() f kind re hits c t
	for f in console.log dmesg kmemleak.txt; do
		[ -f "$vo/$f" ] && files+=("$vo/$f")
	done
	: >"$rep"

	# the detectors were there
	if [ -f "$st" ] && grep -q '^release: .*debug' "$st"; then
		ok "$name.booted_debug_kernel"
	else
		not_ok "$name.booted_debug_kernel" "no debug-state.txt or not a debug kernel"
		[ -f "$st" ] && diag <"$st"
	fi
	c=""
	for o in $NEED_CONFIG; do
		grep -q "^config: CONFIG_$o=y" "$st" 2>/dev/null || c="$c $o"
	done
	if [ -z "$c" ]; then ok "$name.debug_options_on"; else
		not_ok "$name.debug_options_on" "missing:$c"; fi
	if grep -q 'KernelAddressSanitizer initialized' "$vo/console.log" "$vo/dmesg" 2>/dev/null; then
		ok "$name.kasan_initialized"
	else
		not_ok "$name.kasan_initialized" "no 'KernelAddressSanitizer initialized' in the log"
	fi
	if grep -q '^kmemleak: scanned' "$st" 2>/dev/null; then
		ok "$name.kmemleak_scanned"
	else
		not_ok "$name.kmemleak_scanned" "$(grep '^kmemleak:' "$st" 2>/dev/null || echo 'no scan')"
	fi
	# lockdep switches itself off at its first report (debug_locks: 0)
	if grep -Eq '^lockdep: debug_locks: +1' "$st" 2>/dev/null; then
		ok "$name.lockdep_still_on"
	else
		not_ok "$name.lockdep_still_on" "$(grep 'debug_locks' "$st" 2>/dev/null || echo 'no /proc/lockdep_stats')"
	fi
	# taint: only O (out-of-tree, 4096) and E (unsigned, 8192) are expected
	t=$(sed -n 's/^tainted: //p' "$st" 2>/dev/null)
	if [ -n "$t" ] && [ $((t & ~(4096 | 8192))) = 0 ]; then
		ok "$name.no_taint_but_out_of_tree_module"
	else
		not_ok "$name.no_taint_but_out_of_tree_module" "tainted=${t:-unknown} (Documentation/admin-guide/tainted-kernels.rst)"
	fi

	# the reports: every matching line, from every file
	for kr in "${REPORTS[@]}"; do
		kind=${kr%%|*} re=${kr#*|}
		hits=
		[ ${#files[@]} = 0 ] ||
			hits=$(grep -HnE -- "$re" "${files[@]}" </dev/null 2>/dev/null | sed "s|^$vo/||")
		if [ -z "$hits" ]; then
			ok "$name.no_${kind}_reports"
			continue
		fi
		c=$(echo "$hits" | wc -l)
		not_ok "$name.no_${kind}_reports" "$c line(s); full reports in build/test-debug/log/$name-reports.txt"
		# distinct messages (without the timestamp), with where they are
		echo "$hits" | sed -E 's/^([^:]*:[0-9]+:)(\[ *[0-9.]+\] )?/\1 /' |
			awk -F': ' '{ k = substr($0, index($0, ": ") + 2); if (!(k in s)) { s[k] = 1; print } }' |
			head -n 30 | diag
		{
			echo "=== $kind: $c line(s)"
			echo "$hits" | while IFS=: read -r f l _; do
				echo "--- $f:$l$(sed -n "$l,$((l + 60))p" "$vo/$f" | grep -q bpfsig && echo ' (bpfsig in the next 60 lines)')"
				sed -n "$l,$((l + 60))p" "$vo/$f"
			done
		} >>"$rep"
	done
	[ -s "$rep" ] || rm -f "$rep"
}

finish() {
	local pass skip fail
	pass=$(grep -Ec '^ok [0-9]+ ' "$tapf" || true)
	skip=$(grep -Ec '^ok [0-9]+ .*# SKIP' "$tapf" || true)
	fail=$(grep -Ec '^not ok [0-9]+ ' "$tapf" || true)
	echo
	grep -E '^not ok [0-9]+ ' "$tapf" | sed 's/^/FAILED: /' || true
	echo "$((pass - skip)) passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
}

if [ "${1:-}" = --check ]; then
	[ $# = 3 ] || { echo "usage: $0 --check NAME OUTDIR" >&2; exit 2; }
	[ -d "$3" ] || { echo "test-debug: $3: no such directory" >&2; exit 2; }
	tapf=$log/check-$2.tap
	: >"$tapf"
	check_logs "$2" "$(cd "$3" && pwd -P)"
	finish
	exit
fi

# --- which tests -----------------------------------------------------------
: >"$tapf"
sel=("$@")
run=()
for t in "${VM_TESTS[@]}"; do
	if [ ${#sel[@]} = 0 ] || [[ " ${sel[*]} " == *" ${t%% *} "* ]]; then run+=("$t"); fi
done
[ ${#run[@]} -gt 0 ] || { echo "test-debug: no VM test named: ${sel[*]}" >&2; exit 2; }

# --- the debug kernel and everything built against it ----------------------
echo "# test-debug: debug kernel (scripts/debug-kernel.sh; the first build takes hours)" | tap
if ! scripts/debug-kernel.sh >/dev/null; then
	not_ok setup.debug_kernel "scripts/debug-kernel.sh failed"
	finish; exit 1
fi
eval "$(scripts/debug-kernel.sh --print)"	# KDIR KERNEL_DIR KRELEASE
echo "# test-debug: $KRELEASE, KDIR=$KDIR, $(cat build/debug-kernel/build-time.txt 2>/dev/null)" | tap
mod=$out/module
built=1
{
	make -s tools &&
	make -s -C selftests &&
	# the module and the test modules, from a copy of their sources
	mkdir -p "$mod/selftests" &&
	cp -pu Kbuild "$mod/" &&
	cp -rpu kernel format "$mod/" &&
	cp -rpu selftests/modules "$mod/selftests/" &&
	make -s -C "$KDIR" M="$mod" modules &&
	make -s -C "$KDIR" M="$mod/selftests/modules" modules &&
	# the harness-based VM selftests again, with a longer harness timeout
	# (debug-timeout.h); stress_test and soak_test have no harness
	vmt=$(make -s -C selftests --eval 'print-vm-tests: ; @echo $(SUITES) $(OTHER)' print-vm-tests) &&
	hvmt=$(for t in $vmt; do
		! grep -q kselftest_harness.h "selftests/$t.c" || echo "$out/selftests/$t"; done) &&
	make -s -C selftests OUT="$out/selftests" \
		CFLAGS="-O2 -g -include $top/selftests/debug-timeout.h" $hvmt &&
	[ -n "$hvmt" ] &&
	cp build/selftests/format_test build/selftests/loader_helper "$out/selftests/" &&
	make -s -C selftests/corpus OUT="$out/corpus" \
		VMLINUZ="$KERNEL_DIR/boot/vmlinuz-$KRELEASE" KCONFIG="$KERNEL_DIR/boot/config-$KRELEASE"
} >"$log/build.txt" 2>&1 || built=0
if [ $built = 1 ]; then ok setup.build; else
	not_ok setup.build "see build/test-debug/log/build.txt"; tail -n 30 "$log/build.txt" | diag; fi
for ko in "$mod/bpfsig.ko" "$mod/selftests/modules/ipmodify_holder.ko"; do
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
	if [ "$vm" = "$KRELEASE" ]; then ok "setup.$(basename "$ko" .ko)_built_for_debug_kernel"; else
		not_ok "setup.$(basename "$ko" .ko)_built_for_debug_kernel" "vermagic '$vm'"; fi
done
keys=build/selftests/keys
mkdir -p "$keys"
for k in rsa2048:2048 rsa4096:4096 untrusted:2048 spare:2048; do
	[ -f "$keys/${k%%:*}.der" ] && continue
	tools/bpfsig/bpfsig keygen --bits "${k#*:}" --subject "bpfsig test ${k%%:*}" \
		-o "$keys/${k%%:*}" >/dev/null || not_ok "setup.keygen_${k%%:*}"
done

# --- the VM tests ------------------------------------------------------------
for t in "${run[@]}"; do
	name=${t%% *}
	read -r -a cmd <<<"${t#* }"
	vo=$out/vm-$name
	echo "# test-debug: $name: ${cmd[*]} (debug kernel, ${VM_MEM} MB)" | tap
	t0=$(date +%s)
	set +e
	tcg=multi
	[ "$name" != soak ] || tcg=single	# as in run.sh
	scripts/vm-run.sh --kernel "$KERNEL_DIR" --mem "$VM_MEM" --timeout "$VM_TIMEOUT" \
		--tcg-thread $tcg --loglevel 8 --append "$VM_APPEND" --modules sha512_generic \
		--env BPFSIG_KO="$mod/bpfsig.ko" \
		--env BPFSIG_TEST_MODULES="$mod/selftests/modules" \
		--env BPFSIG_KDIR="$KERNEL_DIR" --env BPFSIG_CORPUS_DIR="$out/corpus" \
		--env BPFSIG_SELFTESTS_BIN="$out/selftests" --env BPFSIG_NO_STRESS_SOAK=1 \
		--out "$vo" \
		-- selftests/debug-vm.sh "${cmd[@]}" 2>&1 | tee "$log/vm-$name.txt" | tap
	rc=${PIPESTATUS[0]}
	set -e
	echo "# test-debug: $name: vm-run exit $rc after $(( $(date +%s) - t0 )) s" | tap
	if grep -q "^# debug-vm: .* exited with status" "$log/vm-$name.txt" && [ "$rc" = 0 ]; then
		ok "$name.ran_to_end"
	else
		not_ok "$name.ran_to_end" "vm-run exit $rc (125: the VM failed; see $vo/console.log)"
	fi
	check_logs "$name" "$vo"
done

# The modules that ran stay in build/test-debug/module/ (to decode a trace:
# build/debug-kernel/linux/scripts/decode_stacktrace.sh
# build/debug-kernel/linux/vmlinux ... build/test-debug/module).
finish
