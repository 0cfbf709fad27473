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
# Or the trap comes back for ever: a kernel with kprobes finds no int3 at
# the address, steps back to it ("removed right after we hit it"), and the
# emulator runs its translation of the int3 again. With softlockup_panic=1
# (scripts/vm-run.sh) the watchdog ends that boot after 20 s and prints the
# stuck CPU's stack, interrupted either in the int3 handler (the trap's
# frame follows it: neither the byte at its RIP nor the one before is cc)
# or at the trapping instruction itself: the first instruction of a
# function, the one ftrace patches (memory holding its call, e8, or its
# nop, 0f 1f 44 00 00; after endbr64 under IBT). A real CPU cannot spend
# 20 s at either place.
# Exits 0 and says so (one line) when the first oops or soft lockup of
# CONSOLE_LOG is such an int3 trap; exits 1 otherwise.
set -eu
[ $# = 1 ] && [ -r "$1" ] || { echo "usage: $0 CONSOLE_LOG" >&2; exit 2; }
awk '
# the bytes of a "Code:" line: before[1] the one before the marked one,
# at[1..5] the marked one and those after it
function code(line,   f, n, i, m) {
	n = split(line, f, " ")
	for (i = 1; i <= n; i++)
		if (f[i] ~ /^<[0-9a-f][0-9a-f]>$/) {
			m = i
			break
		}
	if (!m)
		return 0
	for (i = 1; i <= 4; i++)
		before[i] = f[m - i]
	at[1] = substr(f[m], 2, 2)
	for (i = 2; i <= 5; i++)
		at[i] = f[m + i - 1]
	return 1
}
function rip_of(line,   r) {
	r = line
	sub(/.*RIP: 0010:/, "", r)
	return r
}
# the serial console ends its lines with CR LF
{ sub(/\r$/, "") }
!seen && /Oops: / { seen = 1; int3 = ($0 ~ /Oops: int3/); next }
!seen && /BUG: soft lockup|Kernel panic - not syncing: softlockup/ {
	seen = 1; lockup = 1; next
}
seen && int3 && !rip && /RIP: 0010:/ { rip = rip_of($0); next }
seen && int3 && rip && /Code: / {
	if (code($0) && before[1] != "cc") {
		printf "int3 trap at %s, where memory holds %s %s (no int3): stale code run by the emulator\n", rip, before[1], at[1]
		found = 1
	}
	exit
}
seen && lockup && /<\/TASK>|Kernel Offset/ { exit }
seen && lockup { block[++nb] = $0 }
END {
	if (found || !lockup)
		exit found ? 0 : 1
	for (i = 1; i <= nb && !h; i++)
		if (block[i] ~ /exc_int3/)
			h = i
	for (i = h ? h + 1 : 1; i <= nb && !r; i++)
		if (block[i] ~ /RIP: 0010:/)
			r = i
	for (i = r + 1; r && i <= nb && !c; i++)
		if (block[i] ~ /Code: /)
			c = i
	if (!c || !code(block[c]) || before[1] == "cc" || at[1] == "cc")
		exit 1
	rip = rip_of(block[r])
	if (h) {
		printf "int3 trap at %s again and again (soft lockup), where memory holds %s %s (no int3): stale code run by the emulator\n", rip, before[1], at[1]
		exit 0
	}
	site = at[1] == "e8" || (at[1] at[2] at[3] at[4] at[5] == "0f1f440000")
	entry = rip ~ /\+0x0\// ||
		(rip ~ /\+0x4\// && before[4] before[3] before[2] before[1] == "f30f1efa")
	if (!site || !entry)
		exit 1
	printf "a CPU stuck at %s, a function entry ftrace patches, where memory holds %s (no int3): the emulator running a stale int3 again and again\n", rip, at[1] " " at[2] " " at[3] " " at[4] " " at[5]
	exit 0
}
' "$1"
