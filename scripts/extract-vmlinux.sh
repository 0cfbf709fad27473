#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Write the vmlinux ELF inside a Debian bzImage (its XZ, ZSTD or LZ4 payload:
# generic and rt use XZ or ZSTD, the 6.1 cloud flavour LZ4) to OUT.
#   scripts/extract-vmlinux.sh VMLINUZ OUT
set -eu
[ $# = 2 ] || { echo "usage: $0 VMLINUZ OUT" >&2; exit 2; }
in=$1 out=$2
for fmt in xz zstd lz4; do
	case $fmt in
	xz) magic='\xfd7zXZ\x00' dec='xz -dcq --single-stream' ;;
	zstd) magic='\x28\xb5\x2f\xfd' dec='zstd -dcq' ;;
	lz4) magic='\x02\x21\x4c\x18' dec='lz4 -dcq' ;;	# legacy frame
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
echo "extract-vmlinux: no XZ, ZSTD or LZ4 compressed ELF in $in" >&2
exit 1
