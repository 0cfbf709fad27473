#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The in-VM part of the mainline comparison (bench/mainline/run.sh runs it
# through scripts/vm-run.sh on a kernel with attr.signature): loads that
# kernel's bpfsig.ko in enforce, enrolls the benchmark's trusted key and
# runs build/bench/mainline/mainline; raw files to $BPFSIG_VM_OUT/raw.
#   bench/mainline/run-vm.sh BPFSIG_KO ROUNDS SIZES VALID_MAX
set -u
[ $# = 4 ] || { echo "usage: $0 BPFSIG_KO ROUNDS SIZES VALID_MAX" >&2; exit 2; }
ko=$1 rounds=$2 sizes=$3 valid_max=$4
top=$(pwd)
b=$top/build/bench
out=${BPFSIG_VM_OUT:?not in the VM}/raw
SFS=/sys/kernel/security/bpfsig
die() { echo "mainline run-vm: $*" >&2; exit 1; }
mkdir -p "$out"

insmod "$ko" mode=enforce || die "insmod $ko failed"
cat "$b/keys/trusted.der" > $SFS/key_add || die "cannot enroll the trusted key"
ring=$(keyctl show %:.bpfsig 2>/dev/null |
	awk '/keyring: \.bpfsig$/ { print $1; exit }')
case "$ring" in
[0-9]*) ;;
*) die "no serial for .bpfsig (keyctl show %:.bpfsig)" ;;
esac
{
	echo "guest_kernel=$(uname -r)"
	echo "guest_cpus=$(nproc)"
	echo "bpf_jit_enable=$(cat /proc/sys/net/core/bpf_jit_enable)"
	echo "rounds=$rounds"
} > "$out/machine.txt"
cp $SFS/stats "$out/stats-before.txt"
"$b/mainline/mainline" --keys "$b/keys" --keyring "$ring" --rounds "$rounds" \
	--sizes "$sizes" --valid-max "$valid_max" --out "$out/mainline.csv" \
	--samples "$out/samples.csv" ||
	die "the measurement failed"
cp $SFS/stats "$out/stats-after.txt"
dmesg > "$out/dmesg.txt"
rmmod bpfsig || die "rmmod bpfsig failed"
if grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection' "$out/dmesg.txt"; then
	die "the kernel log has warnings (raw/dmesg.txt)"
fi
echo "mainline run-vm: done"
