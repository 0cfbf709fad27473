#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-VM soak: selftests/soak_test's loaders, mode switches, key churn,
# revocations, securityfs readers and module reloads, all at once, then a
# clean kernel log and, on a kernel with kmemleak, no leak. One command for
# any VM command list (vm-tests.sh, make test-debug); run as root in the VM
# from the top of the tree, after `make` and `make -C selftests`.
#   selftests/soak.sh [--long] [--duration S] [--reader-closes] [--seed S]
# Default 60 s; --long 600 s. The module must not be locked; a loaded one
# is unloaded first, and the soak leaves it unloaded. BPFSIG_KO overrides
# the module (default bpfsig.ko). Prints TAP lines "ok N vm.soak.*".
# --reader-closes: the securityfs reader closes its files before an unload
# (see soak_test.c); without it a module whose securityfs files do not pin
# it is used after free.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export BPFSIG_TEST_KEYS=${BPFSIG_TEST_KEYS:-$top/build/selftests/keys}
ko=${BPFSIG_KO:-$top/bpfsig.ko}
SFS=/sys/kernel/security/bpfsig
. "$top/selftests/lib.sh"
t0=$(date +%s)
. "$top/selftests/dmesg-check.sh"

duration=60
args=""
while [ $# -gt 0 ]; do
	case "$1" in
	--long) duration=600; shift ;;
	--duration) duration=$2; shift 2 ;;
	--reader-closes) args="$args --reader-closes"; shift ;;
	--seed) args="$args --seed $2"; shift 2 ;;
	*) echo "usage: selftests/soak.sh [--long] [--duration S] [--reader-closes] [--seed S]" >&2
	   exit 2 ;;
	esac
done

if grep -q '^bpfsig ' /proc/modules; then
	if [ "$(cat $SFS/lock)" = 1 ]; then
		ok "soak # SKIP bpfsig is locked: the soak needs to unload it"
		exit 0
	fi
	check soak.module_unloads_first rmmod bpfsig
fi

kml=/sys/kernel/debug/kmemleak
[ ! -w $kml ] || echo clear > $kml

dmesg_mark soak
{ st=0; "$top/build/selftests/soak_test" --ko "$ko" --duration "$duration" $args 2>&1 || st=$?
  echo $st >/tmp/soak.status; } |
	sed 's/^\(\(not \)\{0,1\}ok [0-9]*\) soak\./\1 vm.soak./'
status=$(cat /tmp/soak.status)
[ "$status" -le 1 ] || not_ok soak.runs_to_the_end "soak_test exit status $status"
dmesg_check soak

# Leaks: kmemleak, where the kernel has it (the debug kernel). Objects whose
# allocation backtrace is in bpfsig, or in module space once it is gone.
if [ -w $kml ]; then
	echo scan > $kml
	sleep 5
	echo scan > $kml
	awk 'BEGIN { RS = "unreferenced object" }
	     NR > 1 && /bpfsig|\[<ffffffff[a-f]/ { print "unreferenced object" $0 }' \
		$kml > /tmp/kmemleak-soak.txt
	if [ -s /tmp/kmemleak-soak.txt ]; then
		not_ok soak.no_leak "kmemleak: $(grep -c '^unreferenced object' /tmp/kmemleak-soak.txt) objects"
		head -n 60 /tmp/kmemleak-soak.txt | sed 's/^/#   /'
	else
		ok soak.no_leak
	fi
else
	ok "soak.no_leak # SKIP kmemleak only on the debug kernel (make test-debug)"
fi
echo "# soak.sh: $(($(date +%s) - t0)) s"
