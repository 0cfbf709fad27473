#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the 9p modules (9pnet, 9pnet_virtio, 9p) for a kernel of
# scripts/kernels.list that does not ship them, for the test VM only:
#   build/modules/RELEASE/9p/{9pnet,9pnet_virtio,9p}.ko
# usage: scripts/kbuild-9p.sh RELEASE      (prints the directory)
#
# Debian's -cloud-amd64 flavours are built without CONFIG_NET_9P, and the
# test VM reaches the host over virtio-9p (scripts/vm-run.sh). The sources are
# net/9p and fs/9p of Debian's linux-source package of the same series
# (/usr/src/linux-source-X.Y.tar.xz, installed by scripts/install-deps.sh),
# built out of tree against the kernel's headers, as =m with the options the
# generic flavour has (no fscache, no ACLs: the VM needs neither). The
# modules taint the test kernel with O, like bpfsig.ko itself.
set -eu
me=kbuild-9p
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernels.sh"
die() { echo "$me: $*" >&2; exit 1; }

[ $# = 1 ] || { echo "usage: $0 RELEASE" >&2; exit 2; }
rel=$1
root=$(kernels_field "$rel" ROOT) || exit 1
[ "$root" = host ] || die "$rel: only kernels built on the host toolchain are supported here"
kdir=$("$top/scripts/kernel-fetch.sh" "$rel")
hdr=$kdir/usr/src/linux-headers-$rel
series=$(echo "$rel" | sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p')
tarball=/usr/src/linux-source-$series.tar.xz
[ -f "$tarball" ] ||
	die "$tarball missing (the 9p sources for $rel): run scripts/install-deps.sh"

out=$top/build/modules/$rel/9p
stamp="$(cksum <"$0") $(ls -l --time-style=+%s "$tarball" | awk '{print $5, $6}') $rel"
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] &&
   [ -f "$out/net/9pnet.ko" ] && [ -f "$out/net/9pnet_virtio.ko" ] && [ -f "$out/fs/9p.ko" ]; then
	echo "$out"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out/src"
tar -xJf "$tarball" -C "$out/src" --strip-components=1 \
	"linux-source-$series/net/9p" "linux-source-$series/fs/9p" ||
	die "cannot extract net/9p and fs/9p from $tarball"
mv "$out/src/net/9p" "$out/net"
mv "$out/src/fs/9p" "$out/fs"
rm -rf "$out/src"
extra=
for d in net fs; do
	# fs/9p uses 9pnet's symbols: their CRCs come from net/'s Module.symvers.
	make -s -C "$hdr" M="$out/$d" CONFIG_NET_9P=m CONFIG_NET_9P_VIRTIO=m \
		CONFIG_9P_FS=m ${extra:+KBUILD_EXTRA_SYMBOLS="$extra"} modules >"$out/build-$d.log" 2>&1 || {
		tail -n 20 "$out/build-$d.log" >&2
		die "building $d/9p for $rel failed (build/modules/$rel/9p/build-$d.log)"
	}
	extra=$out/net/Module.symvers
done
echo "$stamp" >"$out/.stamp"
echo "$out"
