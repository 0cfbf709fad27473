#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Did the guest die of the emulator running stale code?
#   scripts/tcg-stale-int3.sh CONSOLE_LOG
# The kernel patches its own text (ftrace, static keys, jump labels) with
# text_poke_bp(): an int3 first, then the new bytes, with every CPU
# synchronised in between. QEMU's multi-threaded TCG (7.2) can go on running
# the translation of the int3 on another vCPU after the patch is complete
# (Documentation/vm-testing.md): the kernel then dies of "Oops: int3" at an
# address where memory no longer holds an int3. The oops prints the code
# around the faulting RIP, <RIP's byte> marked: a trap taken on an int3 has
# RIP just past it, so the byte before the mark must be cc on real hardware.
# Exits 0 and says so (one line) when the first oops of CONSOLE_LOG is such
# an int3 trap whose byte before RIP is not cc; exits 1 otherwise.
set -eu
[ $# = 1 ] && [ -r "$1" ] || { echo "usage: $0 CONSOLE_LOG" >&2; exit 2; }
awk '
/Oops: / && !seen { seen = 1; int3 = ($0 ~ /Oops: int3/); next }
seen && int3 && !rip && /RIP: 0010:/ { rip = $NF; sub(/^0010:/, "", rip); next }
seen && int3 && rip && /Code: / {
	for (i = 2; i <= NF; i++)
		if ($i ~ /^<[0-9a-f][0-9a-f]>$/) {
			prev = $(i - 1)
			if (prev != "cc") {
				printf "int3 trap at %s, where memory holds %s %s (no int3): stale code run by the emulator\n", rip, prev, substr($i, 2, 2)
				found = 1
			}
			exit
		}
	exit
}
END { exit found ? 0 : 1 }
' "$1"
