#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The in-VM side of `make test-debug` (selftests/test-debug.sh), on the debug
# kernel (scripts/debug-kernel.sh): runs COMMAND, then asks the kernel's
# debugging for its findings and leaves them in the out directory for the
# host to check:
#   debug-state.txt   release, command line, taint, the debug options of
#                     the booted kernel (/proc/config.gz), lockdep's state
#   kmemleak.txt      /sys/kernel/debug/kmemleak after two scans (empty: no
#                     suspected leak)
# Exits with COMMAND's status.
#   selftests/debug-vm.sh COMMAND [ARGS...]
set -u
out=${BPFSIG_VM_OUT:?"debug-vm: not in the test VM (no BPFSIG_VM_OUT)"}
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

"$@"
rc=$?

{
	echo "release: $(uname -r)"
	echo "cmdline: $(cat /proc/cmdline)"
	echo "tainted: $(cat /proc/sys/kernel/tainted)"
	zcat /proc/config.gz 2>/dev/null |
		grep -E '^CONFIG_(KASAN|KASAN_GENERIC|KASAN_INLINE|KASAN_VMALLOC|PROVE_LOCKING|DEBUG_ATOMIC_SLEEP|DEBUG_KMEMLEAK|DEBUG_OBJECTS|DEBUG_OBJECTS_[A-Z_]+|DEBUG_LIST|DEBUG_PREEMPT)=' |
		sed 's/^/config: /'
	grep -E 'debug_locks|lock-classes' /proc/lockdep_stats 2>/dev/null |
		sed 's/^ */lockdep: /'
} >"$out/debug-state.txt" 2>&1

# kmemleak does not report objects younger than 5 s, and an object can look
# unreferenced during one scan only: scan twice, apart, then read.
kml=/sys/kernel/debug/kmemleak
: >"$out/kmemleak.txt"
if [ -w "$kml" ]; then
	sleep 6
	if echo scan >"$kml" && sleep 6 && echo scan >"$kml"; then
		cat "$kml" >"$out/kmemleak.txt" 2>&1
		echo "kmemleak: scanned" >>"$out/debug-state.txt"
	else
		echo "kmemleak: scan failed" >>"$out/debug-state.txt"
	fi
else
	echo "kmemleak: $kml missing" >>"$out/debug-state.txt"
fi
echo "# debug-vm: '$*' exited with status $rc"
exit $rc
