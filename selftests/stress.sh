#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-VM stress: selftests/stress_test's BPF_PROG_LOAD calls with damaged
# signatures under enforce, then a clean kernel log. One command for any VM
# command list (vm-tests.sh, make test-debug); run as root in the VM from
# the top of the tree, after `make` and `make -C selftests`.
#   selftests/stress.sh [--long] [--loads N] [--seed S]
# Default 100,000 loads; --long 1,000,000. Loads bpfsig.ko (mode=enforce)
# if it is not loaded and unloads it afterwards; an already loaded module
# is used as it is and its mode restored (its policy must not be locked
# below enforce). BPFSIG_KO overrides the module (default bpfsig.ko).
# Prints TAP lines "ok N vm.stress.*".
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export BPFSIG_TEST_KEYS=${BPFSIG_TEST_KEYS:-$top/build/selftests/keys}
ko=${BPFSIG_KO:-$top/bpfsig.ko}
SFS=/sys/kernel/security/bpfsig
. "$top/selftests/lib.sh"
t0=$(date +%s)

loads=100000
args=""
while [ $# -gt 0 ]; do
	case "$1" in
	--long) loads=1000000; shift ;;
	--loads) loads=$2; shift 2 ;;
	--seed) args="$args --seed $2"; shift 2 ;;
	*) echo "usage: selftests/stress.sh [--long] [--loads N] [--seed S]" >&2; exit 2 ;;
	esac
done

loaded_here=0
if ! grep -q '^bpfsig ' /proc/modules; then
	modprobe -d "$top/build/kernel" sha512_generic 2>/dev/null || true
	if ! insmod "$ko" mode=enforce; then
		not_ok stress.module_loads
		exit 1
	fi
	loaded_here=1
fi
old_mode=$(cat $SFS/mode)

. "$top/selftests/dmesg-check.sh"
dmesg_mark stress
{ st=0; "$top/build/selftests/stress_test" --loads "$loads" $args 2>&1 || st=$?
  echo $st >/tmp/stress.status; } |
	sed 's/^\(\(not \)\{0,1\}ok [0-9]*\) stress\./\1 vm.stress./'
status=$(cat /tmp/stress.status)
[ "$status" -le 1 ] || not_ok stress.runs_to_the_end "stress_test exit status $status"
dmesg_check stress

if [ $loaded_here = 1 ]; then
	check stress.module_unloads rmmod bpfsig
else
	echo "$old_mode" > $SFS/mode
fi
echo "# stress.sh: $(($(date +%s) - t0)) s"
