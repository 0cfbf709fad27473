#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What signing BPF programs the mainline way (attr.signature, 6.18+) takes,
# for one kernel of scripts/kernels.list that has it, from Debian's
# packages of the same kernel version, never installed on the host:
#   build/mainline-tools/RELEASE/bin/bpftool
#       Debian's bpftool built from that kernel's tree (`gen skeleton -L -S`,
#       `prog load -S`); it needs Debian 13's libc: run it in the trixie
#       build root (scripts/build-root.sh trixie -- ...)
#   build/mainline-tools/RELEASE/include/bpf/skel_internal.h (and the
#       headers it includes: bpf.h, libbpf_*.h)
#       libbpf's light-skeleton runtime of that tree (from linux-source-SERIES),
#       with the signature fields the generated skeletons set
#   build/mainline-tools/RELEASE/include/{linux,asm,asm-generic}
#       that kernel's UAPI headers (linux-libc-dev), with attr.signature
# usage: scripts/mainline-tools.sh RELEASE      prints the directory
set -eu
me=mainline-tools
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernels.sh"
die() { echo "$me: $*" >&2; exit 1; }

[ $# = 1 ] || { echo "usage: $0 RELEASE" >&2; exit 2; }
rel=$1
kernels_field "$rel" ROOT >/dev/null || exit 1
dir=$top/build/mainline-tools/$rel
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi
kver=${rel%%[-+]*}	# 7.3.4
series=${kver%.*}	# 7.3
apt="$top/scripts/apt-private.sh"
# the versions built from this kernel's tree: bpftool 7.8.0+7.3.4-1~bpo13+1,
# linux-source-7.3 7.3.4-1~bpo13+1
bver=$("$apt" apt-cache madison bpftool 2>/dev/null |
	awk -v k="+$kver-" 'index($3, k) { print $3; exit }')
[ -n "$bver" ] || die "no bpftool built from linux $kver in Debian's archive" \
	"(scripts/apt-private.sh apt-cache madison bpftool): update $KERNELS_LIST"
sver=$("$apt" apt-cache madison "linux-source-$series" 2>/dev/null |
	awk -v k="$kver-" 'index($3, k) == 1 { print $3; exit }')
[ -n "$sver" ] || die "no linux-source-$series $kver in Debian's archive: update $KERNELS_LIST"
lver=$("$apt" apt-cache madison linux-libc-dev 2>/dev/null |
	awk -v k="$kver-" 'index($3, k) == 1 { print $3; exit }')
[ -n "$lver" ] || die "no linux-libc-dev $kver in Debian's archive: update $KERNELS_LIST"

tmp=$top/build/mainline-tools/tmp-$rel
rm -rf "$tmp" "$dir"
mkdir -p "$tmp" "$dir/bin" "$dir/include/bpf"
echo "$me: bpftool $bver, linux-source-$series $sver, linux-libc-dev $lver (once)" >&2
(cd "$tmp" && "$apt" apt-get -qq download "bpftool=$bver" \
	"linux-source-$series=$sver" "linux-libc-dev=$lver") >&2 ||
	die "apt-get download failed"
dpkg-deb -x "$tmp"/bpftool_*.deb "$tmp/bpftool"
mv "$tmp/bpftool/usr/sbin/bpftool" "$dir/bin/bpftool"
dpkg-deb -x "$tmp"/linux-libc-dev_*.deb "$tmp/libc-dev"
inc=$tmp/libc-dev/usr/include
cp -r "$inc/linux" "$inc/asm-generic" "$inc/$(uname -m)-linux-gnu/asm" "$dir/include/"
src=linux-source-$series/tools/lib/bpf
dpkg-deb --fsys-tarfile "$tmp"/linux-source-"$series"_*.deb |
	tar -xOf - "./usr/src/linux-source-$series.tar.xz" |
	tar -xJf - -C "$tmp" "$src/skel_internal.h" "$src/bpf.h" \
		"$src/libbpf_common.h" "$src/libbpf_legacy.h" "$src/libbpf_version.h" ||
	die "no $src/skel_internal.h in linux-source-$series"
grep -q keyring_id "$tmp/$src/skel_internal.h" ||
	die "skel_internal.h of linux-source-$series has no signature support"
grep -q keyring_id "$dir/include/linux/bpf.h" ||
	die "linux-libc-dev $lver has no attr.keyring_id"
mv "$tmp/$src"/*.h "$dir/include/bpf/"
rm -rf "$tmp"
touch "$dir/.complete"
echo "$dir"
