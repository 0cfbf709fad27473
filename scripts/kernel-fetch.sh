#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Download and unpack one kernel of scripts/kernels.list, never installing it
# on the host:
#   build/kernels/RELEASE/boot/{vmlinuz,config,System.map}-RELEASE
#   build/kernels/RELEASE/lib/modules/RELEASE/      (with modules.dep)
#   build/kernels/RELEASE/usr/src/linux-headers-RELEASE/   (a kbuild tree)
# usage: scripts/kernel-fetch.sh RELEASE
# Prints the directory. Does nothing when it is already complete.
set -eu
me=kernel-fetch
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernels.sh"
die() { echo "$me: $*" >&2; exit 1; }

[ $# = 1 ] || { echo "usage: $0 RELEASE" >&2; exit 2; }
rel=$1
kernels_field "$rel" ROOT >/dev/null || exit 1
dir=$top/build/kernels/$rel
hdr=$dir/usr/src/linux-headers-$rel
if [ -f "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi
apt="$top/scripts/apt-private.sh"

# The image is -unsigned in bookworm and trixie, plain in trixie-backports.
image=
for p in "linux-image-$rel-unsigned" "linux-image-$rel"; do
	if "$apt" apt-cache show "$p" >/dev/null 2>&1; then image=$p; break; fi
done
[ -n "$image" ] || die "no linux-image-$rel[-unsigned] in Debian's archive any more:" \
	"update $KERNELS_LIST to a release that is (scripts/apt-private.sh apt-cache search linux-image)"
# Since 7.x the image is split: linux-binary-REL (vmlinuz), linux-modules-REL.
parts=$("$apt" apt-cache depends "$image" 2>/dev/null |
	sed -n "s/^ *Depends: \(linux-\(binary\|modules\)-$rel\)\$/\1/p" | sort -u)
# headers + what they need to build modules (-common, kbuild)
pkgs="$image $parts linux-headers-$rel"
deps=$("$apt" apt-cache depends "linux-headers-$rel" 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-\(headers\|kbuild\)-[^ ]*\)$/\1/p' | sort -u)
[ -n "$deps" ] || die "linux-headers-$rel not in Debian's archive: update $KERNELS_LIST"
pkgs="$pkgs $deps"

rm -rf "$dir"
mkdir -p "$dir/deb"
(cd "$dir/deb" && "$apt" apt-get download -q $pkgs) >&2 ||
	die "cannot download: $pkgs"
for deb in "$dir"/deb/*.deb; do
	dpkg-deb -x "$deb" "$dir"
done
rm -rf "$dir/deb"
# Debian 13 ships modules under /usr/lib (merged /usr): one layout for all.
if [ ! -e "$dir/lib" ] && [ -d "$dir/usr/lib/modules" ]; then
	ln -s usr/lib "$dir/lib"
fi
[ -f "$hdr/Makefile" ] || die "no kbuild tree in linux-headers-$rel"
# Since 7.x the image lives in /usr/lib/modules/REL/ and the config only in
# the headers: give every kernel the classic /boot names.
mkdir -p "$dir/boot"
[ -e "$dir/boot/vmlinuz-$rel" ] || [ ! -f "$dir/lib/modules/$rel/vmlinuz" ] ||
	ln -s "../lib/modules/$rel/vmlinuz" "$dir/boot/vmlinuz-$rel"
[ -e "$dir/boot/config-$rel" ] || cp "$hdr/.config" "$dir/boot/config-$rel"
[ -f "$dir/boot/vmlinuz-$rel" ] || die "no vmlinuz for $rel in $image $parts"
# The flavour's Makefile includes the -common one by absolute path.
sed -i -e "s|^include /usr/src/|include $dir/usr/src/|" \
	-e "s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$dir/usr/src/|" "$hdr/Makefile"
if command -v depmod >/dev/null 2>&1; then
	depmod -b "$dir" "$rel" 2>/dev/null || die "depmod -b $dir $rel failed"
fi
touch "$dir/.complete"
echo "$dir"
