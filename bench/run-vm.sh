#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The in-VM part of the benchmark (bench/Makefile runs it through
# scripts/vm-run.sh): runs as root on the pinned Debian kernel, in phases,
# and leaves raw CSV files in $BPFSIG_VM_OUT/raw for bench/report.
#   bench/run-vm.sh full|smoke [CORPUS_DIR...]
#
# Phases (one boot, in this order):
#   1. nomod    no module loaded: verification baselines, the kernel's own
#               floors (E2BIG, alloc+copy), the flood without the module
#   2. off      bpfsig loaded, mode off
#   3. enforce  trusted key enrolled: every case, the flood, the corpus
#               (cache warm: a signed program's replays after its first
#               skip the signature verification), and the corpus once more
#               with its signed loads in mode permissive (the verifier
#               stage alone), corpus-permissive.csv; then bpfsig reloaded
#               with cache_size=0 and the corpus again ("first load":
#               every signed load verifies its signature), corpus-cold.csv
#   4. hash     sha256-ssse3 + algif_hash loaded: every sha256 driver through
#               AF_ALG; bpfsig reloaded (it now picks the fastest driver;
#               cache_insns_kib=0, so that valid loads hash their program)
#               and the valid loads measured again ("rehash"); then the
#               module's hashing and its driver's through AF_ALG, in the
#               same rounds ("hashpair")
# On another kernel than the pinned one (bench/Makefile's "other"), the
# environment names its module and module tree: BPFSIG_KO (bpfsig.ko built
# for it), BPFSIG_KDIR (the kernel's tree, lib/modules/RELEASE below it).
set -u
run=${1:-full}
[ $# -gt 0 ] && shift
top=$(pwd)
b=$top/build/bench
out=${BPFSIG_VM_OUT:?not in the VM}/raw
kdir=${BPFSIG_KDIR:-$top/build/kernel}
ko=${BPFSIG_KO:-$top/bpfsig.ko}
SFS=/sys/kernel/security/bpfsig
mkdir -p "$out"

opts="--out /tmp/raw --keys $b/keys"
seconds=10
if [ "$run" = smoke ]; then
	opts="$opts --smoke --budget 0.2"
	seconds=1
fi
mkdir -p /tmp/raw
bench() { "$b/bench" $opts "$@"; }
die() { echo "run-vm: $*" >&2; cp /tmp/raw/* "$out/" 2>/dev/null; exit 1; }
save() { cp /tmp/raw/* "$out/"; }
enroll() {
	cat "$b/keys/trusted.der" > /sys/kernel/security/bpfsig/key_add ||
		die "cannot enroll the trusted key"
}
t0=$(date +%s)
phase() { echo "run-vm: [$(($(date +%s) - t0)) s] $*" >&2; }

# --- the machine, as the guest sees it --------------------------------------
{
	echo "guest_kernel=$(uname -r)"
	echo "guest_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "guest_cpus=$(nproc)"
	echo "guest_mem_mib=$(awk '/MemTotal/ {printf "%.0f", $2 / 1024}' /proc/meminfo)"
	echo "guest_flags=$(grep -o -w -E 'ssse3|avx|avx2|bmi2|sha_ni|avx512f' /proc/cpuinfo | sort -u | tr '\n' ' ')"
	echo "clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	echo "bpf_jit_enable=$(cat /proc/sys/net/core/bpf_jit_enable)"
	echo "audit=$(cat /proc/cmdline | grep -o 'audit=[0-9]' || echo default)"
} > /tmp/raw/machine.txt

# sha384/sha512 for the module (as the selftests do); nf_conntrack for the
# XDP SYN proxy's kfuncs.
modprobe -d "$kdir" sha512_generic 2>/dev/null
modprobe nf_conntrack 2>/dev/null

# --- 1. no module -------------------------------------------------------------
grep -q '^bpfsig ' /proc/modules && die "bpfsig is already loaded"
phase "1/4 no module"
bench loads nomod || die "loads nomod failed"
bench --seconds $seconds flood nomod || die "flood nomod failed"
save

# --- 2. module loaded, mode off ----------------------------------------------
phase "2/4 module loaded, mode off"
insmod "$ko" mode=off || die "insmod failed"
# now: the kernel log wraps long before the end of the run
dmesg | sed -n 's/.*bpfsig: hashing with /default=/p' | tail -n 1 > /tmp/raw/drivers.txt
grep -q '^syscall_stage 1' $SFS/stats || die "no syscall stage (see dmesg)"
bench loads off || die "loads off failed"
save

# --- 3. enforce ---------------------------------------------------------------
phase "3/4 enforce"
enroll
echo enforce > $SFS/mode || die "cannot enforce"
bench loads enforce || die "loads enforce failed"
bench --seconds $seconds flood enforce || die "flood enforce failed"
# the corpus directories, from now on "$@"
if [ "$run" = smoke ]; then
	mkdir -p /tmp/corpus-smoke
	cp "$b/corpus/hello.bpf.o" /tmp/corpus-smoke/
	set -- /tmp/corpus-smoke
else
	set -- "$b/corpus" "$@"
fi
bench corpus "$@" || die "corpus failed"
cp $SFS/stats /tmp/raw/stats-enforce.txt
save

phase "3/4 corpus, signed loads in mode permissive (the verifier stage alone)"
mkdir -p /tmp/raw-permissive
bench --out /tmp/raw-permissive --signed-mode permissive corpus "$@" ||
	die "corpus (permissive) failed"
cp /tmp/raw-permissive/corpus.csv /tmp/raw/corpus-permissive.csv
save

phase "3/4 enforce, cache off (first loads)"
rmmod bpfsig || die "rmmod bpfsig failed"
insmod "$ko" mode=enforce cache_size=0 || die "insmod cache_size=0 failed"
enroll
mkdir -p /tmp/raw-cold
bench --out /tmp/raw-cold corpus "$@" || die "corpus (cache off) failed"
cp /tmp/raw-cold/corpus.csv /tmp/raw/corpus-cold.csv
cp $SFS/stats /tmp/raw/stats-cold.txt
grep -q '^cache_hits 0$' $SFS/stats || die "cache_size=0 and yet cache hits"
save

# --- 4. hashing -----------------------------------------------------------------
phase "4/4 sha256 drivers"
modprobe -d "$kdir" sha256-ssse3 || echo "run-vm: no sha256-ssse3 module" >&2
modprobe -d "$kdir" algif_hash || die "no algif_hash"
grep -A4 '^name *: sha256$' /proc/crypto > /tmp/raw/proc-crypto.txt
bench hash || die "hash failed"
rmmod bpfsig || die "rmmod bpfsig failed"
# cache_insns_kib=0: every valid load hashes its program (what this phase
# measures); the signature is still verified once and cached (a hit)
insmod "$ko" mode=enforce cache_insns_kib=0 || die "insmod (2) failed"
enroll
dmesg | sed -n 's/.*bpfsig: hashing with /rehash=/p' | tail -n 1 >> /tmp/raw/drivers.txt
bench loads rehash || die "loads rehash failed"
# the module's hashing and its driver's, interleaved round by round
bench hashpair || die "hashpair failed"
phase "done"

dmesg > /tmp/raw/dmesg.txt
if grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection' /tmp/raw/dmesg.txt; then
	echo "run-vm: the kernel log has warnings (raw/dmesg.txt)" >&2
fi
echo "guest_bench_s=$(($(date +%s) - t0))" >> /tmp/raw/machine.txt
save
