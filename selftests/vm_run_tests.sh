#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What "make -C selftests run_tests" runs where this kernel is not the
# target (a development host: never load bpfsig there): boots the pinned
# kernel in the test VM (scripts/vm-run.sh) and runs "make run_tests"
# there, where the suites run on that kernel with the module loaded. Its
# TAP output is this test's output; it fails if a suite fails, or if the
# VM does not report every suite it planned.
set -u
top=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
log=$top/build/selftests/run_tests-vm.tap

if [ ! -f "$top/bpfsig.ko" ]; then
	echo "vm_run_tests: $top/bpfsig.ko not built: run make first" >&2
	exit 1
fi
"$top/scripts/vm-run.sh" --timeout "${BPFSIG_VM_TIMEOUT:-1500}" \
	--out "$top/build/selftests/vm-run_tests" --append audit=1 \
	-- make -s -C selftests run_tests > "$log" 2>&1
status=$?
cat "$log"
[ "$status" = 0 ] || { echo "vm_run_tests: the VM run failed ($status)" >&2; exit 1; }
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | head -n 1)
ran=$(grep -Ec '^(not )?ok [0-9]+ ' "$log")
if [ -z "$plan" ] || [ "$ran" != "$plan" ]; then
	echo "vm_run_tests: ${ran} results for a plan of ${plan:-nothing}" >&2
	exit 1
fi
! grep -q '^not ok ' "$log"
