#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Where a valid signed load's checking time goes, per function (ftrace
# function_graph), on the pinned kernel in the VM.
#
#   bench/profile.sh [INSNS [LOADS]]     (on the host: boots the VM)
#
# Loads one signed straight-line program of INSNS instructions (default
# 1000) LOADS times (default 20) in enforce mode, first untraced (the mean
# decision time from securityfs "stats"), then with function_graph on the
# module's checks (bpfsig_check_tail: syscall stage; bpfsig_check_prog:
# verifier stage), and prints the mean time per load of every function
# called, by stage and call depth (bench/profile.py). Two loads made before
# either measurement warm the caches. Needs `make -C bench build` (harness
# and keys).
set -eu
insns=${1:-1000}
loads=${2:-20}
top=$(cd "$(dirname "$0")/.." && pwd -P)
b=$top/build/bench
if [ -z "${BPFSIG_IN_VM:-}" ]; then
	[ -x "$b/bench" ] || { echo "profile: no $b/bench: run make -C bench build" >&2; exit 1; }
	# Single-threaded TCG: switching tracers patches the kernel's text
	# while the other vCPU runs, which multi-threaded TCG can get wrong
	# (Documentation/vm-testing.md: a CPU left waiting on the other's
	# answer to the patching IPI, seen here as a soft lockup).
	exec "$top/scripts/vm-run.sh" --tcg-thread single --out "$b/vm-profile" -- bench/profile.sh "$insns" "$loads"
fi

SFS=/sys/kernel/security/bpfsig
T=/sys/kernel/tracing
kdir=$top/build/kernel
modprobe -d "$kdir" sha512_generic 2>/dev/null || true
insmod "$top/bpfsig.ko" mode=enforce
cat "$b/keys/trusted.der" > $SFS/key_add
bench() { "$b/bench" --keys "$b/keys" "$@"; }
stat() { sed -n "s/^$1 //p" $SFS/stats; }

echo "kernel: $(uname -r)"
dmesg | sed -n 's/.*bpfsig: \(hashing with .*\)/\1/p' | tail -n 1
grep '^sha256_driver ' $SFS/stats || true
bench repeat "$insns" 2 >/dev/null
n0=$(stat accepted) t0=$(stat decision_ns_total) h0=$(stat cache_hits || echo 0)
bench repeat "$insns" "$loads"
n1=$(stat accepted) t1=$(stat decision_ns_total) h1=$(stat cache_hits || echo 0)
echo "untraced: $((n1 - n0)) accepted loads, cache hits $((h1 - h0)), mean decision (both stages) $(( (t1 - t0) / (n1 - n0) / 1000 )) us"

# 1. A few functions traced alone: little overhead, close to the real
# figures. 2. Everything the checks call (set_graph_function), to depth 8.
light='bpfsig_check_prog bpfsig_check_tail verify_pkcs7_signature check_digest check_revoked check_cached check_blacklisted verify_cms'
echo 0 > $T/tracing_on
echo function_graph > $T/current_tracer
echo 1 > $T/options/funcgraph-tail
echo 16384 > $T/buffer_size_kb
for f in $light bpfsig_cache_lookup bpfsig_cache_get bpfsig_cache_same_insns bpfsig_cache_keep_insns bpfsig_cache_add; do
	echo "$f" >> $T/set_ftrace_filter 2>/dev/null || true
done
echo > $T/trace
echo 1 > $T/tracing_on
bench repeat "$insns" "$loads" >/dev/null
echo 0 > $T/tracing_on
echo "== light trace (only: $(cat $T/set_ftrace_filter | tr '\n' ' '))"
cp $T/trace /tmp/light.trace
python3 "$top/bench/profile.py" --loads "$loads" --min-share 0 /tmp/light.trace
echo nop > $T/current_tracer
echo > $T/set_ftrace_filter

echo "== full trace (depth 8)"
echo function_graph > $T/current_tracer
echo 8 > $T/max_graph_depth
echo 'bpfsig_check_prog bpfsig_check_tail' > $T/set_graph_function
echo > $T/trace
echo 1 > $T/tracing_on
bench repeat "$insns" "$loads"
echo 0 > $T/tracing_on
cp $T/trace /tmp/profile.trace
echo nop > $T/current_tracer
python3 "$top/bench/profile.py" --loads "$loads" /tmp/profile.trace
cp /tmp/profile.trace "$BPFSIG_VM_OUT/" 2>/dev/null || true
rmmod bpfsig
