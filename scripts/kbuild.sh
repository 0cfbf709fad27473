#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build bpfsig.ko (and optionally the selftests' test module) for one kernel
# of scripts/kernels.list, in the toolchain that kernel was built with:
#   build/modules/RELEASE/bpfsig.ko
#   build/modules/RELEASE/selftests/modules/*.ko   (with --test-modules)
# usage: scripts/kbuild.sh [--test-modules] RELEASE
# The sources are copied to build/modules/RELEASE/, so that builds for
# several kernels do not share objects.
set -eu
me=kbuild
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernels.sh"
die() { echo "$me: $*" >&2; exit 1; }

testmods=0
[ "${1:-}" = --test-modules ] && { testmods=1; shift; }
[ $# = 1 ] || { echo "usage: $0 [--test-modules] RELEASE" >&2; exit 2; }
rel=$1
root=$(kernels_field "$rel" ROOT) || exit 1

# The kernel's headers, with what kbuild needs for the modules' BTF.
kdir=$("$top/scripts/kbuild-tree.sh" "$rel") || die "no kbuild tree for $rel"
out=$top/build/modules/$rel
mkdir -p "$out/selftests"
# Copy only what changed, so that kbuild rebuilds only that.
cp -pu "$top/Kbuild" "$out/"
cp -rpu "$top/kernel" "$top/format" "$out/"
[ $testmods = 0 ] || cp -rpu "$top/selftests/modules" "$out/selftests/"

run_make() { # DIR
	if [ "$root" = host ]; then
		make -s -C "$kdir" M="$1" modules
	else
		"$top/scripts/build-root.sh" "$root" -- make -s -C "$kdir" M="$1" modules
	fi
}
run_make "$out" || die "building bpfsig.ko for $rel failed"
[ $testmods = 0 ] || run_make "$out/selftests/modules" ||
	die "building the test modules for $rel failed"
echo "$out/bpfsig.ko"
