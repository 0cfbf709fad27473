#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Purge bpfsig's packages from the test bed's disk (build/testbed/disk.img)
# between two boots, with apt in a chroot, as on the host itself but at
# native speed: under TCG the same purge (DKMS, depmod for two kernels, a
# new initramfs) takes minutes. Prints TAP lines ("testbed.purge.*") for
# what it leaves behind.
#
#   scripts/testbed/purge.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
out=$top/build/testbed
img=$out/disk.img
log=$out/purge.log
mnt=$out/mnt
. "$top/scripts/kernels.sh"
krel=$(kernels_default)

if [ "${1:-}" != --inside ]; then
	[ "$(id -u)" = 0 ] || { echo "not ok 1 testbed.purge.ran # needs root"; exit 1; }
	mkdir -p "$mnt"
	# A private mount namespace (the mounts go with it) without
	# CAP_SYS_MODULE: nothing in the disk may load a module here.
	exec setpriv --bounding-set -sys_module -- \
		unshare -m --propagation private "$0" --inside
fi

if ! mount -o loop "$img" "$mnt" 2>"$log"; then
	echo "not ok 1 testbed.purge.disk_mounted # $(cat "$log")"
	exit 1
fi
mount -t proc proc "$mnt/proc"
inroot() {
	chroot "$mnt" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
}
# TAP lines and check NAME COMMAND... (in the chroot): selftests/lib.sh
n=0
TAP_PREFIX=testbed.purge
TAP_RUN=inroot
. "$top/selftests/lib.sh"

if inroot apt-get purge -y -q bpfsig bpfsig-dkms libbpfsig1 >>"$log" 2>&1; then
	ok apt_purges_the_packages
else
	not_ok apt_purges_the_packages "see build/testbed/purge.log"
	tail -n 20 "$log" | sed 's/^/#   /'
fi
check packages_gone sh -c "! dpkg -l bpfsig bpfsig-dkms libbpfsig1 2>/dev/null | grep -q '^[ir]'"
check dkms_forgets_bpfsig sh -c "! dkms status 2>&1 | grep -q bpfsig"
check no_module_left_for_any_kernel sh -c "! find /lib/modules -name 'bpfsig.ko*' | grep -q ."
check no_unit_left sh -c "! systemctl is-enabled bpfsig.service >/dev/null 2>&1 &&
	! test -e /lib/systemd/system/bpfsig.service"
check initramfs_remade_without_bpfsig sh -c \
	"! lsinitramfs /boot/initrd.img-$krel | grep -q bpfsig"
expect_eq only_certificates_added_by_the_admin_left "/etc/bpfsig/keys.d/testbed-one.der
/etc/bpfsig/keys.d/testbed-two.der" "$(inroot find /etc/bpfsig -type f | sort)"
if grep -q "directory '/etc/bpfsig/keys.d' not empty so not removed" "$log"; then
	ok dpkg_says_it_kept_them
else
	not_ok dpkg_says_it_kept_them
fi

umount "$mnt/proc"
umount "$mnt"
