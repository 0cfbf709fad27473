#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Write the vmlinux ELF inside a Debian bzImage (its XZ or ZSTD payload) to OUT.
#   scripts/extract-vmlinux.sh VMLINUZ OUT
set -eu
[ $# = 2 ] || { echo "usage: $0 VMLINUZ OUT" >&2; exit 2; }
in=$1 out=$2
for fmt in xz zstd; do
	case $fmt in
	xz) magic='\xfd7zXZ\x00' dec='xz -dcq --single-stream' ;;
	zstd) magic='\x28\xb5\x2f\xfd' dec='zstd -dcq' ;;
	esac
	for off in $(LC_ALL=C grep -obUaP "$magic" "$in" | cut -d: -f1 | head -n 3); do
		tail -c +$((off + 1)) "$in" | $dec >"$out.tmp" 2>/dev/null || true
		if [ "$(head -c 4 "$out.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
			mv "$out.tmp" "$out"
			exit 0
		fi
	done
done
rm -f "$out.tmp"
echo "extract-vmlinux: no XZ or ZSTD compressed ELF in $in" >&2
exit 1
