#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The test bed's base root filesystem: a Debian 12 host with systemd as PID 1,
# the pinned kernel and its headers, DKMS and initramfs-tools, built from
# Debian's packages with mmdebstrap. Nothing of bpfsig is in it: the packages
# built from the tree are installed on top (scripts/testbed/mkimage.sh).
#
#   scripts/testbed/mkbase.sh        prints the base directory on stdout
#
# Cached in build/testbed/base-HASH/, HASH being a hash of this recipe (this
# file and scripts/kernel-abi.mk); a changed recipe builds a new base and
# removes the old one. Progress and errors go to stderr, the log to
# build/testbed/base.log.
set -eu
me=testbed-base
top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/scripts/kernels.sh"
krel=$(kernels_default)
kabi=${krel%-amd64}
# The second kernel whose headers are installed later, as a kernel upgrade:
# same ABI, PREEMPT_RT flavour (another configuration and vermagic).
krel2="$kabi-rt-amd64"
mirror=${TESTBED_MIRROR:-http://deb.debian.org/debian}
security=${TESTBED_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

# A lean host: systemd, udev, dbus, kmod, iproute2, bpftool, the pinned
# kernel (linux-image from bookworm-security), its headers and DKMS with what
# DKMS needs to build and sign modules (gcc, make, openssl); bpfsig's own
# run-time libraries are pulled in by its packages.
pkgs="systemd systemd-sysv udev dbus kmod iproute2 procps iputils-ping bpftool
keyutils initramfs-tools zstd linux-image-$krel linux-headers-$krel dkms openssl
libbpf1 libelf1 libssl3 libkeyutils1 zlib1g"

out=$top/build/testbed
hash=$(cat "$0" "$top/scripts/kernels.list" | sha256sum | cut -c1-16)
base=$out/base-$hash
if [ -f "$base/.testbed-base" ]; then
	echo "$base"
	exit 0
fi
[ "$(id -u)" = 0 ] || { echo "$me: must run as root" >&2; exit 1; }
for c in mmdebstrap setpriv unshare; do
	command -v $c >/dev/null || { echo "$me: $c missing: run scripts/install-deps.sh" >&2; exit 1; }
done
mkdir -p "$out"
for old in "$out"/base-*; do
	[ -d "$old" ] && [ "$old" != "$base" ] && rm -rf "$old"
done
rm -rf "$base" "$base.tmp"
log=$out/base.log
echo "$me: building $base (kernel $krel; log in $log)" >&2

# Nothing run in the root filesystem may load a module into this machine's
# kernel: every step runs without CAP_SYS_MODULE.
nomod() { setpriv --bounding-set -sys_module -- "$@"; }

# Files put into /etc before the packages install. The initramfs holds only
# what the VM's disk needs (virtio, ext4): quicker to make (here, and again
# when bpfsig is installed or removed) and to boot.
etc=$out/base-etc
rm -rf "$etc"
mkdir -p "$etc/initramfs-tools/conf.d" "$etc/initramfs-tools/hooks"
echo MODULES=list >"$etc/initramfs-tools/conf.d/testbed"
cat >"$etc/initramfs-tools/hooks/testbed" <<'HOOK'
#!/bin/sh
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
manual_add_modules virtio_pci virtio_blk ext4
HOOK
chmod 755 "$etc/initramfs-tools/hooks/testbed"
echo testbed >"$etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\ttestbed\n' >"$etc/hosts"
echo '/dev/vda / ext4 errors=remount-ro 0 1' >"$etc/fstab"

# The second kernel's headers are downloaded now, installed later.
get2="cd /var/cache/testbed && apt-get download -q -o APT::Sandbox::User=root linux-headers-$krel2 linux-headers-$kabi-common-rt"
if ! nomod mmdebstrap --variant=minbase --include="$(echo $pkgs | tr ' ' ,)" \
	--aptopt='APT::Install-Recommends "false"' \
	--dpkgopt=force-unsafe-io \
	--skip=cleanup/apt/lists \
	--essential-hook="cp -a '$etc/.' \"\$1/etc/\"" \
	--customize-hook="mkdir -p \"\$1/var/cache/testbed\" && chroot \"\$1\" sh -c '$get2'" \
	bookworm "$base.tmp" \
	"deb $mirror bookworm main" \
	"deb $mirror bookworm-updates main" \
	"deb $security bookworm-security main" >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "$me: mmdebstrap failed (is kernel $krel still in bookworm-security? the first entry of scripts/kernels.list)" >&2
	rm -rf "$base.tmp"
	exit 1
fi
rm -rf "$etc"
echo "$krel $krel2" >"$base.tmp/.testbed-base"
mv "$base.tmp" "$base"
echo "$base"
