# SPDX-License-Identifier: GPL-2.0
# Shell helpers of the VM tests: TAP-style lines that selftests/run.sh
# counts. Sourced by vm-tests.sh and the scripts it sources, and by the test
# bed's host-side scripts. TAP_PREFIX names the lines (default "vm");
# TAP_RUN, if set, is the command check() runs its COMMAND through (e.g. a
# chroot).
n=${n:-0}

ok() { n=$((n + 1)); echo "ok $n ${TAP_PREFIX:-vm}.$1"; }
not_ok() { n=$((n + 1)); echo "not ok $n ${TAP_PREFIX:-vm}.$1${2:+ # $2}"; }

# check NAME COMMAND...: ok if COMMAND succeeds; its output on failure
check() {
	name=$1; shift
	if ${TAP_RUN:-} "$@" >/tmp/check.out 2>&1; then ok "$name"; else
		not_ok "$name"; sed 's/^/#   /' /tmp/check.out; fi
}

# expect_eq NAME WANT GOT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "want '$2', got '$3'"; fi
}

# expect_run NAME STATUS PATTERN COMMAND...: COMMAND exits with STATUS and
# its output (stdout+stderr) matches the extended regex PATTERN
expect_run() {
	name=$1 want=$2 pat=$3; shift 3
	"$@" >/tmp/run.out 2>&1
	got=$?
	if [ "$got" = "$want" ] && { [ -z "$pat" ] || grep -Eq -- "$pat" /tmp/run.out; }; then
		ok "$name"
	else
		not_ok "$name" "exit $got (want $want), output:"
		sed 's/^/#   /' /tmp/run.out
		echo "#   (wanted /$pat/)"
	fi
}

# stat NAME: one counter of the module's stats
stat() { awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/security/bpfsig/stats; }
