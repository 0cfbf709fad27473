#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot the test bed's disk (build/testbed/disk.img) once, in QEMU (TCG), as
# a normal disk root (virtio-blk, ext4) with the kernel and initramfs that
# are on the disk itself (/boot, read out with debugfs: the guest may have
# remade its initramfs). The kernel command line carries testbed.stage=STAGE;
# bpfsig-testbed.service runs the stage's checks, writes TAP lines to the
# second serial port and powers off.
#
#   scripts/testbed/boot.sh [--timeout S] STAGE [KERNEL-ARGS...]
#
# Prints the guest's TAP lines; without its closing line (crash, hang,
# timeout) adds "not ok testbed.STAGE.boot_ran_to_the_end" and the console's
# last lines. Console, TAP and QEMU logs in build/testbed/boot-STAGE/.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
out=$top/build/testbed
timeout_s=${TESTBED_TIMEOUT:-600}
if [ "${1:-}" = --timeout ]; then timeout_s=$2; shift 2; fi
stage=${1:?usage: boot.sh [--timeout S] STAGE [KERNEL-ARGS...]}
shift
. "$top/scripts/kernels.sh"
krel=$(kernels_default)
img=$out/disk.img
dir=$out/boot-$stage
rm -rf "$dir"
mkdir -p "$dir"
[ -f "$img" ] || { echo "not ok 1 testbed.$stage.boot_ran_to_the_end # no $img"; exit 1; }

for f in vmlinuz initrd.img; do
	debugfs -R "dump /boot/$f-$krel $dir/$f" "$img" >/dev/null 2>&1
	[ -s "$dir/$f" ] || { echo "not ok 1 testbed.$stage.boot_ran_to_the_end # no /boot/$f-$krel on the disk"; exit 1; }
done

t0=$(date +%s)
timeout -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1024 \
	-nodefaults -no-user-config -display none -no-reboot -nic none \
	-kernel "$dir/vmlinuz" -initrd "$dir/initrd.img" \
	-append "root=/dev/vda ro console=ttyS0 quiet panic=-1 testbed.stage=$stage $*" \
	-drive "file=$img,format=raw,if=virtio,cache=unsafe" \
	-serial "file:$dir/console.log" -serial "file:$dir/tap.raw" \
	</dev/null >"$dir/qemu.log" 2>&1
qrc=$?
tr -d '\r' <"$dir/tap.raw" >"$dir/tap.txt"
grep -E '^(ok|not ok) [0-9]+ |^#' "$dir/tap.txt"
if ! grep -q "^# testbed-guest done $stage" "$dir/tap.txt"; then
	why="qemu status $qrc"
	[ $qrc = 124 ] && why="timed out after $timeout_s s"
	echo "not ok 99 testbed.$stage.boot_ran_to_the_end # $why"
	tail -n 40 "$dir/console.log" | sed 's/^/#   console: /'
	exit 1
fi
echo "# testbed boot $stage: $(($(date +%s) - t0)) s"
