#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bpfsig's signatures side by side with the kernel's own (attr.signature,
# 6.18 and later), on the newest kernel of scripts/kernels.list (or
# RELEASE): builds bpfsig.ko for it (scripts/kbuild.sh), takes its UAPI
# headers (scripts/mainline-tools.sh), builds bench/mainline/mainline.c
# against them, boots the kernel once (bench/mainline/run-vm.sh) and writes
# Documentation/benchmark-mainline.{md,csv} (bench/mainline/report.py).
#   bench/mainline/run.sh [--smoke] [RELEASE]
# --smoke: few rounds, into build/bench/mainline/smoke/ instead.
set -eu
# make's -w (from a parent make) would mix "Entering directory" into what
# the helpers print
unset MAKEFLAGS MFLAGS MAKELEVEL
me=bench-mainline
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. "$top/scripts/kernels.sh"
die() { echo "$me: $*" >&2; exit 1; }

rounds=60 sizes=1000,10000,100000,999900 valid_max=10000
dest=$top/Documentation
if [ "${1:-}" = --smoke ]; then
	rounds=3 sizes=1000,100000
	dest=$top/build/bench/mainline/smoke
	shift
fi
if [ $# -gt 0 ]; then
	rel=$1
else
	# the newest listed kernel; attr.signature came with 6.18
	rel=$(kernels_list | sort -V | tail -n 1)
fi
kver=${rel%%[-+]*}
[ "$(printf '%s\n6.18\n' "$kver" | sort -V | head -n 1)" = 6.18 ] ||
	die "$rel has no attr.signature (6.18 or later needed)"

t0=$(date +%s)
scripts/kbuild.sh "$rel" >/dev/null || die "cannot build bpfsig.ko for $rel"
ko=$top/build/modules/$rel/bpfsig.ko
tools=$(scripts/mainline-tools.sh "$rel") || die "no UAPI headers for $rel"
make -s -C bench build >/dev/null || die "make -C bench build failed"
out=$top/build/bench/mainline
mkdir -p "$out"
${CC:-cc} -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -I"$tools/include" \
	-I"$top/tools/lib" -I"$top/format" -o "$out/mainline" \
	bench/mainline/mainline.c "$top/tools/lib/libbpfsig.a" \
	-lbpf -lelf -lz -lcrypto -lkeyutils ||
	die "building bench/mainline/mainline.c failed"
# A boot that dies of the emulator running stale code (the same rule as
# selftests/kernels.sh: scripts/tcg-stale-int3.sh) is booted once more.
for try in 1 2; do
	scripts/vm-run.sh --timeout 3600 --kernel "$top/build/kernels/$rel" \
		--out "$out/vm" -- bench/mainline/run-vm.sh "$ko" "$rounds" \
		"$sizes" "$valid_max" && break
	[ $try = 1 ] && why=$(scripts/tcg-stale-int3.sh "$out/vm/console.log") ||
		die "the VM run failed"
	echo "bench-mainline: the VM died, $why; booting again" >&2
done
{
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "git=$(git describe --always --dirty 2>/dev/null)"
	echo "host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "qemu=$(qemu-system-x86_64 --version | head -n 1)"
	echo "total_wall_s=$(($(date +%s) - t0))"
} > "$out/vm/raw/host.txt"
mkdir -p "$dest"
python3 bench/mainline/report.py "$out/vm/raw" "$dest"
