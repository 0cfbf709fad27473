#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scripts/tcg-stale-int3.sh on oopses it must and must not take for the
# emulator's stale code (selftests/kernels.sh boots a kernel again on it).
# selftests/fixtures/console-stale-int3.log is the console of the 6.12
# (deb13) boot it was written for, cut to its oops.
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
check tcg_stale.usage_error_exit_2 sh -c "'$s' /nonexistent 2>/dev/null; [ \$? = 2 ]"
