#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scripts/tcg-stale-int3.sh on oopses it must and must not take for the
# emulator's stale code (selftests/kernels.sh boots a kernel again on it).
# selftests/fixtures/console-stale-int3.log is the console of the 6.12
# (deb13) boot it was written for, cut to its oops;
# console-stale-int3-lockup.log the console of a soak on the pinned kernel
# under multi-threaded TCG, cut to its soft lockup panic (the stuck CPU
# interrupted at the stale int3 itself, memory holding the call ftrace had
# written), console-stale-int3-lockup-nop.log another (memory holding the
# nop ftrace had written back); stack-int3-handler.txt the stack
# of a CPU in the same stall interrupted in the int3 handler (sysrq-l of an
# unload_test loop), put under that panic here.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
TAP_PREFIX=host
. "$top/selftests/lib.sh"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
s=$top/scripts/tcg-stale-int3.sh
f=$top/selftests/fixtures/console-stale-int3.log

expect_eq tcg_stale.recognised \
	"int3 trap at __schedule+0x411/0xbe0, where memory holds e9 03 (no int3): stale code run by the emulator" \
	"$("$s" "$f")"
# the same trap with the int3 still in memory: a real one
sed 's/ e9 <03> / cc <03> /' "$f" > "$t/real.log"
check tcg_stale.int3_in_memory_not_recognised sh -c "! '$s' '$t/real.log'"
# another oops first: only the first oops counts
{ printf '[    1.0] Oops: general protection fault, probably for non-canonical address\n[    1.1] RIP: 0010:foo+0x5/0x10\n[    1.2] Code: 90 90 90 <0f> 1f 44\n'; cat "$f"; } > "$t/gpf.log"
check tcg_stale.other_oops_first_not_recognised sh -c "! '$s' '$t/gpf.log'"
printf '[    1.0] booted\n' > "$t/none.log"
check tcg_stale.no_oops_not_recognised sh -c "! '$s' '$t/none.log'"

# the endless form: a soft lockup panic (softlockup_panic=1)
l=$top/selftests/fixtures/console-stale-int3-lockup.log
expect_eq tcg_stale.lockup_at_entry_recognised \
	"a CPU stuck at bpf_prog_load+0x0/0xb00, a function entry ftrace patches, where memory holds e8 4b 97 00 3f (no int3): the emulator running a stale int3 again and again" \
	"$("$s" "$l")"
expect_eq tcg_stale.lockup_at_entry_nop_recognised \
	"a CPU stuck at bpf_prog_load+0x0/0xb00, a function entry ftrace patches, where memory holds 0f 1f 44 00 00 (no int3): the emulator running a stale int3 again and again" \
	"$("$s" "$top/selftests/fixtures/console-stale-int3-lockup-nop.log")"
sed 's/ <e8> 4b / <cc> 4b /' "$l" > "$t/lockup-cc.log"
check tcg_stale.lockup_on_int3_in_memory_not_recognised sh -c "! '$s' '$t/lockup-cc.log'"
# stuck inside a function, or at an entry that is no ftrace site: a real loop
sed 's/RIP: 0010:bpf_prog_load+0x0\//RIP: 0010:bpf_prog_load+0x10\//' "$l" > "$t/lockup-mid.log"
check tcg_stale.lockup_inside_function_not_recognised sh -c "! '$s' '$t/lockup-mid.log'"
sed 's/ <e8> 4b 97 00 3f / <55> 48 89 e5 41 /' "$l" > "$t/lockup-push.log"
check tcg_stale.lockup_at_plain_entry_not_recognised sh -c "! '$s' '$t/lockup-push.log'"
{ head -n 2 "$l"; cat "$top/selftests/fixtures/stack-int3-handler.txt"; } > "$t/handler.log"
expect_eq tcg_stale.lockup_in_int3_handler_recognised \
	"int3 trap at bpf_check+0x1/0x2da0 again and again (soft lockup), where memory holds 0f 1f (no int3): stale code run by the emulator" \
	"$("$s" "$t/handler.log")"
sed 's/ 00 0f <1f> 44 / 00 cc <1f> 44 /' "$t/handler.log" > "$t/handler-cc.log"
check tcg_stale.lockup_in_handler_int3_in_memory_not_recognised sh -c "! '$s' '$t/handler-cc.log'"
# a soft lockup that is no int3 at all: nothing about int3 in its stack
grep -v 'exc_int3' "$t/handler.log" | sed 's/RIP: 0010:bpf_check+0x1\//RIP: 0010:bpf_check+0x41\//' > "$t/lockup-loop.log"
check tcg_stale.lockup_without_int3_not_recognised sh -c "! '$s' '$t/lockup-loop.log'"
check tcg_stale.usage_error_exit_2 sh -c "'$s' /nonexistent 2>/dev/null; [ \$? = 2 ]"
