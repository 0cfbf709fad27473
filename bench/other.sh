#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The benchmark's run (bench/run-vm.sh full: every case, the corpus, the
# hashing) on the newest kernel of scripts/kernels.list, or RELEASE: builds
# bpfsig.ko for it (scripts/kbuild.sh), boots it once and writes the report
# to Documentation/benchmark-RELEASE/ (bench/report), the same targets
# judged on that kernel. The pinned kernel's run is Documentation/benchmark.md.
#   bench/other.sh [RELEASE]
set -eu
unset MAKEFLAGS MFLAGS MAKELEVEL
me=bench-other
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. "$top/scripts/kernels.sh"
die() { echo "$me: $*" >&2; exit 1; }

rel=${1:-$(kernels_list | sort -V | tail -n 1)}
[ "$rel" != "$(kernels_default)" ] || die "$rel is the pinned kernel: make -C bench run"
kdir=$top/build/kernels/$rel
[ -d "$kdir/boot" ] || die "no $kdir: run scripts/install-deps.sh"
t0=$(date +%s.%N)
scripts/kbuild.sh "$rel" >/dev/null || die "cannot build bpfsig.ko for $rel"
ko=$top/build/modules/$rel/bpfsig.ko
make -s -C bench build >/dev/null || die "make -C bench build failed"
out=$top/build/bench/other-$rel
rm -rf "$out/vm"
mkdir -p "$out"
# A boot that dies of the emulator running stale code (the same rule as
# selftests/kernels.sh: scripts/tcg-stale-int3.sh) is booted once more.
for try in 1 2; do
	t1=$(date +%s.%N)
	scripts/vm-run.sh --timeout 3600 --kernel "$kdir" --out "$out/vm" -- \
		env BPFSIG_KO="$ko" BPFSIG_KDIR="$kdir" \
		bench/run-vm.sh full ${CORPUS_DIRS:-} 2>&1 | tee "$out/full.log"
	# the pipeline's status is tee's: the guest's last line says
	grep -q 'run-vm: \[.*\] done' "$out/full.log" && break
	[ $try = 1 ] && why=$(scripts/tcg-stale-int3.sh "$out/vm/console.log") ||
		die "the VM run failed ($out/full.log)"
	echo "$me: the VM died, $why; booting again" >&2
done
t2=$(date +%s.%N)
{
	echo "run=full"
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "git=$(git describe --always --dirty 2>/dev/null)"
	echo "host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "host_cpus=$(nproc)"
	echo "host_mem_gib=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)"
	echo "host_kernel=$(uname -r)"
	echo "qemu=$(qemu-system-x86_64 --version | head -n 1)"
	echo "vm_wall_s=$(echo "$t2 $t1" | awk '{printf "%.0f", $1 - $2}')"
	echo "total_wall_s=$(echo "$t2 $t0" | awk '{printf "%.0f", $1 - $2}')"
	echo "vm_status=0"
} > "$out/vm/raw/host.txt"
python3 bench/report "$out/vm/raw" "$top/Documentation/benchmark-$rel" --other
