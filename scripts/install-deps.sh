#!/bin/sh
# Install everything bpfsig needs on a Debian 12 machine (run as root).
# The pinned kernel image is unpacked into build/kernel/, never installed on the host.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernels.sh"
krel=$(kernels_default)

pkgs="build-essential make gcc clang llvm libbpf-dev libelf-dev zlib1g-dev libssl-dev
openssl libkeyutils-dev keyutils pkg-config bpftool iproute2 qemu-system-x86
busybox-static cpio kmod debootstrap zstd lz4 linux-headers-$krel linux-source-6.1 python3 gnuplot-nox
git debhelper dh-dkms lintian mmdebstrap e2fsprogs xz-utils libclang-rt-14-dev pahole"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps: need root to install:$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	if ! apt-get install -y -qq --no-install-recommends $missing; then
		echo "install-deps: could not install:$missing" >&2
		echo "install-deps: is kernel ABI $krel still in the package index?" \
		     "(the first entry of scripts/kernels.list)" >&2
		exit 1
	fi
fi

# The target kernel image and its modules, unpacked for QEMU.
kdir="$top/build/kernel"
if [ ! -f "$kdir/boot/vmlinuz-$krel" ]; then
	mkdir -p "$kdir/deb"
	(cd "$kdir/deb" && apt-get download -q -o APT::Sandbox::User=root "linux-image-$krel-unsigned") || {
		echo "install-deps: cannot download linux-image-$krel-unsigned" >&2
		exit 1
	}
	dpkg-deb -x "$kdir"/deb/linux-image-"$krel"-unsigned_*.deb "$kdir"
	rm -rf "$kdir/deb"
fi
echo "install-deps: ok (kernel $krel)"
