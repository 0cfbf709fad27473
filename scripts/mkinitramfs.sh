#!/bin/sh
# Build build/vm/initramfs.cpio.gz for scripts/vm-run.sh (only when its inputs changed).
#
# Contents: static busybox + applet symlinks, the virtio/9p modules of the pinned
# kernel (scripts/kernel-abi.mk) and an /init that mounts the host's root read-only
# over 9p, sets up /proc, /sys, /dev, ... inside it and runs the command that
# vm-run.sh left in the per-run out directory, inside `chroot /host`.
#
# usage: scripts/mkinitramfs.sh [-f] [--kernel DIR]
#   -f            rebuild even if up to date
#   --kernel DIR  for another kernel laid out like build/kernel/ (boot/,
#                 lib/modules/REL): build/vm/initramfs-REL.cpio.gz; of the
#                 modules below, those built into it (modules.builtin) are
#                 skipped
# Prints the path of the initramfs on stdout.
set -eu

me=mkinitramfs
top=$(cd "$(dirname "$0")/.." && pwd -P)
force=0
kernel_dir=
while [ $# -gt 0 ]; do
	case "$1" in
	-f|--force) force=1 ;;
	--kernel) [ $# -ge 2 ] || { echo "usage: $0 [-f] [--kernel DIR]" >&2; exit 2; }
		kernel_dir=$2; shift ;;
	*) echo "usage: $0 [-f] [--kernel DIR]" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "$me: $*" >&2; exit 1; }

# --- the pinned kernel release (the first entry of scripts/kernels.list) -------
. "$top/scripts/kernels.sh"
krel=${KRELEASE:-$(kernels_default)}
[ -n "$krel" ] || die "no kernel in scripts/kernels.list"

kdir=$top/build/kernel
moddir=$kdir/lib/modules/$krel
[ -d "$moddir/kernel" ] ||
	die "build/kernel/lib/modules/$krel missing: run scripts/install-deps.sh"
suffix=
if [ -n "$kernel_dir" ]; then
	[ -d "$kernel_dir" ] || die "--kernel $kernel_dir: no such directory"
	kdir=$(cd "$kernel_dir" && pwd -P)
	krel=$(ls "$kdir/lib/modules" 2>/dev/null | head -n 2)
	[ -n "$krel" ] && [ "$(echo "$krel" | wc -l)" = 1 ] ||
		die "--kernel $kdir: want exactly one lib/modules/RELEASE"
	moddir=$kdir/lib/modules/$krel
	suffix=-$krel
fi

busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || die "$busybox missing: apt-get install busybox-static"
if command -v file >/dev/null 2>&1 && ! file -L "$busybox" | grep -q 'statically linked'; then
	die "$busybox is not statically linked: apt-get install busybox-static"
fi
for t in cpio gzip; do
	command -v $t >/dev/null 2>&1 || die "$t not found: apt-get install $t"
done

# Modules needed to reach the host over virtio-9p, in load order.
# NAME:CONFIG_OPTION: a module absent from the tree is fine when its option
# is =y (built in; FSCACHE=y since 6.12 is part of the netfs module).
mods="virtio_ring:VIRTIO virtio:VIRTIO virtio_pci_legacy_dev:VIRTIO_PCI_LIB_LEGACY
virtio_pci_modern_dev:VIRTIO_PCI_LIB virtio_pci:VIRTIO_PCI netfs:NETFS_SUPPORT
9pnet:NET_9P 9pnet_virtio:NET_9P_VIRTIO fscache:FSCACHE 9p:9P_FS"

vmdir=$top/build/vm
out=$vmdir/initramfs$suffix.cpio.gz
stamp=$vmdir/initramfs$suffix.stamp
mkdir -p "$vmdir"

# Serialise concurrent builders (two vm-run.sh started together).
if command -v flock >/dev/null 2>&1; then
	exec 8>"$vmdir/.initramfs.lock"
	flock 8
fi

# A kernel built without 9p (Debian's -cloud-amd64): its modules from
# Debian's own source, built for the test VM by scripts/kbuild-9p.sh.
extra=
if ! grep -Eq '^CONFIG_NET_9P=(y|m)$' "$kdir/boot/config-$krel" 2>/dev/null; then
	extra=$("$top/scripts/kbuild-9p.sh" "$krel" | tail -n 1) ||
		die "$krel has no 9p and scripts/kbuild-9p.sh could not build it"
fi

# Locate the modules and check the order against their `depends`.
set --		# the module files, in load order (paths may contain blanks)
loaded=" "
order=
for m in $mods; do
	opt=CONFIG_${m#*:}
	m=${m%%:*}
	# Debian compresses modules with xz since 6.12
	ko=$(find "$moddir/kernel" ${extra:+"$extra"} \( -name "$m.ko" -o -name "$m.ko.xz" \) -print -quit 2>/dev/null)
	if [ -z "$ko" ] && grep -q "^$opt=y\$" "$kdir/boot/config-$krel" 2>/dev/null; then
		loaded="$loaded$m "	# built in
		continue
	fi
	[ -n "$ko" ] || die "module $m.ko not found under $moddir/kernel, and $opt is not =y"
	if command -v modinfo >/dev/null 2>&1; then
		deps=$(modinfo -F depends "$ko" | tr ',' ' ')
		for d in $deps; do
			case "$loaded" in
			*" $d "*) ;;
			*) die "module order: $m depends on $d, which is not loaded before it" ;;
			esac
		done
	fi
	loaded="$loaded$m "
	order="$order $m"
	set -- "$@" "$ko"
done

# Inputs identity: this script (it carries /init), busybox, the modules, the release.
# Checksums rather than "newer than": dpkg-deb -x keeps the package's old mtimes, so
# a new ABI's modules would look older than an existing image.
ident=$( {
	echo "krel=$krel"
	cksum "$top/scripts/mkinitramfs.sh" "$busybox" "$@"
} | cksum)
if [ $force = 0 ] && [ -f "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$ident" ]; then
	echo "$out"
	exit 0
fi

stage=$(mktemp -d "$vmdir/initramfs.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
trap 'exit 1' INT TERM HUP
mkdir -p "$stage/bin" "$stage/sbin" "$stage/proc" "$stage/sys" "$stage/dev" \
	"$stage/host" "$stage/out" "$stage/top" "$stage/tmp" "$stage/lib/modules/$krel"
cp "$busybox" "$stage/bin/busybox"
for a in $("$busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$stage/bin/$a"
done
for ko in "$@"; do
	case "$ko" in
	*.ko.xz) b=${ko##*/}; xz -dc "$ko" >"$stage/lib/modules/$krel/${b%.xz}" ||
		die "cannot decompress $ko" ;;
	*) cp "$ko" "$stage/lib/modules/$krel/" ;;
	esac
done
echo "$order" >"$stage/lib/modules/$krel/load-order"
echo "$krel" >"$stage/krel"

cat >"$stage/init" <<'EOF'
#!/bin/sh
# /init of the bpfsig test VM, generated by scripts/mkinitramfs.sh. See
# Documentation/vm-testing.md. stdout/stderr of this script go to the console
# (ttyS0 = build/vm/out/console.log); the command's output goes to ttyS1.
export PATH=/bin:/sbin
krel=$(cat /krel)

fail() {
	echo "vm-init: $*" >&2
	echo "vm-init: giving up (no status written)" >&2
	poweroff -f
	exit 1
}
m9p() {	# tag mountpoint extra-options
	mount -t 9p -o "trans=virtio,version=9p2000.L,msize=512000$3" "$1" "$2"
}

mount -t proc proc /proc || fail "mount /proc"
mount -t sysfs sysfs /sys || fail "mount /sys"
mount -t devtmpfs devtmpfs /dev || fail "mount /dev"
for m in $(cat /lib/modules/$krel/load-order); do
	insmod /lib/modules/$krel/$m.ko || fail "insmod $m failed"
done

# The run's control files are in the writable share (the host's out directory).
# Writes to it are synchronous (cache=none; 6.1's cache=loose is write-through too):
# nothing written before a crash is lost, but every write() is a round trip to the
# host (~0.3 ms): see Documentation/vm-testing.md.
m9p vmout /out "" || fail "cannot mount the out share (tag vmout)"
[ -f /out/.vm-run/env ] || fail "/out/.vm-run/env missing"
. /out/.vm-run/env		# VM_TOP VM_OUT VM_MODE VM_TERM [VM_KDIR]

# Host root, read-only. cache=loose: the host tree does not change under a test run
# and this keeps binaries/libraries in the guest page cache.
m9p hostroot /host ",ro,cache=loose" || fail "cannot mount the host root (tag hostroot)"
[ -d "/host$VM_TOP" ] || fail "repo $VM_TOP not visible in the host share"
mount --bind "/host$VM_TOP" /top || fail "bind $VM_TOP"

mount -t proc proc /host/proc || fail "mount /host/proc"
mount -t sysfs sysfs /host/sys || fail "mount /host/sys"
mount -t devtmpfs devtmpfs /host/dev || fail "mount /host/dev"
mkdir -p /host/dev/pts /host/dev/shm
ln -sfn /proc/self/fd /host/dev/fd	# devtmpfs lacks these (bash <(...) needs /dev/fd)
ln -sfn /proc/self/fd/0 /host/dev/stdin
ln -sfn /proc/self/fd/1 /host/dev/stdout
ln -sfn /proc/self/fd/2 /host/dev/stderr
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /host/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /host/dev/shm
mount -t securityfs securityfs /host/sys/kernel/security || fail "mount securityfs"
mount -t debugfs debugfs /host/sys/kernel/debug || fail "mount debugfs"
mount -t tracefs tracefs /host/sys/kernel/tracing || fail "mount tracefs"
mount -t bpf bpf /host/sys/fs/bpf || fail "mount bpffs"
mount -t cgroup2 cgroup2 /host/sys/fs/cgroup || echo "vm-init: no cgroup2" >&2
mount -t tmpfs -o mode=1777 tmpfs /host/tmp || fail "mount /tmp"
mount -t tmpfs -o mode=755 tmpfs /host/run || fail "mount /run"
# A repo cloned under /tmp or /run would now be hidden: put it back.
case "$VM_TOP/" in
/tmp/*|/run/*)
	mkdir -p "/host$VM_TOP" && mount --bind /top "/host$VM_TOP" || fail "re-expose $VM_TOP" ;;
esac
# The writable out share over its usual absolute path.
mkdir -p "/host$VM_OUT" 2>/dev/null
mount --bind /out "/host$VM_OUT" || fail "bind the out share on $VM_OUT"

# The pinned kernel's modules and config at their usual places, as on an installed
# system: /lib/modules/$krel -> the repo's build/kernel tree (modprobe/modinfo without
# -d; the host's build/source symlinks from linux-headers are kept) and /boot ->
# build/kernel/boot (bpftool and libbpf read /boot/config-$(uname -r)).
kroot=${VM_KDIR:-$VM_TOP/build/kernel}	# vm-run --kernel DIR sets VM_KDIR
kmods=$kroot/lib/modules/$krel
if [ -d "/host$kmods" ] && [ -d /host/lib/modules ]; then
	set --		# few forks: each one costs ~20-30 ms under TCG
	for f in "/host$kmods"/*; do set -- "$@" "$kmods/${f##*/}"; done
	mkdir -p /tmp/hostmods
	cp -a "/host/lib/modules/$krel/." /tmp/hostmods/ 2>/dev/null
	mount -t tmpfs -o mode=755 tmpfs /host/lib/modules &&
	cp -a /tmp/hostmods "/host/lib/modules/$krel" &&
	ln -sf "$@" "/host/lib/modules/$krel/" ||
		echo "vm-init: could not set up /lib/modules/$krel" >&2
fi
if [ -d "/host$kroot/boot" ] && [ -d /host/boot ]; then
	mount --bind "/host$kroot/boot" /host/boot ||
		echo "vm-init: could not bind $kroot/boot on /boot" >&2
fi
# Kernel module autoloading (request_module: crypto algorithms, rtnl-link-veth, ...)
# runs in the initramfs root: hand it to the host's kmod modprobe in the chroot.
echo /sbin/vm-modprobe >/proc/sys/kernel/modprobe

ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
hostname "${VM_HOSTNAME:-bpfsig-vm}"

home=/root
[ -d /host/root ] || home=/tmp
# The guest command's clean environment (extra variables come from vm-run --env).
set -- HOME=$home LANG=C.UTF-8 \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	BPFSIG_IN_VM=1 "BPFSIG_VM_OUT=$VM_OUT"
if [ "$VM_MODE" = shell ]; then
	echo "vm-init: interactive shell in chroot /host, cwd $VM_TOP; exit to power off" \
	     "(or Ctrl-A x to kill QEMU)" >/dev/console
	setsid -c env -i "$@" TERM="${VM_TERM:-vt100}" \
		chroot /host /bin/sh "$VM_OUT/.vm-run/cmd" </dev/ttyS0 >/dev/ttyS0 2>&1
	rc=$?
else
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	echo "vm-init: running command" >/dev/console
	env -i "$@" TERM=dumb chroot /host /bin/sh "$VM_OUT/.vm-run/cmd" \
		</dev/null >/dev/ttyS1 2>&1
	rc=$?
	: >/dev/ttyS1	# last close waits until the UART has sent everything
fi
echo "vm-init: command exited with status $rc" >/dev/console
dmesg -s 4194304 >/out/dmesg 2>&1
echo $rc >/out/status.tmp && mv /out/status.tmp /out/status
sync
poweroff -f
EOF
chmod 755 "$stage/init"
cat >"$stage/sbin/vm-modprobe" <<'EOF'
#!/bin/sh
# Kernel module autoloading helper (/proc/sys/kernel/modprobe) of the bpfsig test VM.
. /out/.vm-run/env
exec /bin/chroot /host /sbin/modprobe -d "${VM_KDIR:-$VM_TOP/build/kernel}" "$@"
EOF
chmod 755 "$stage/sbin/vm-modprobe"

tmp=$out.tmp.$$
(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) |
	gzip -n -6 >"$tmp"
mv "$tmp" "$out"
echo "$ident" >"$stamp"
echo "$me: built $out ($(du -k "$out" | cut -f1) KiB, kernel $krel)" >&2
echo "$out"
