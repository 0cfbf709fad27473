#!/bin/sh
# Run the kernel's checkpatch.pl --strict over the module sources and the shared format code, using the
# checkpatch from the linux-source package of the pinned kernel series.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/linux-source
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | head -n 1 || true)

if [ ! -x "$src/scripts/checkpatch.pl" ]; then
	if [ -z "$tarball" ]; then
		echo "checkpatch: no /usr/src/linux-source-*.tar.xz: run scripts/install-deps.sh" >&2
		exit 1
	fi
	mkdir -p "$src"
	base=$(basename "$tarball" .tar.xz)
	tar -xJf "$tarball" -C "$src" --strip-components=1 \
		"$base/scripts/checkpatch.pl" "$base/scripts/spelling.txt" \
		"$base/scripts/const_structs.checkpatch"
fi
cd "$top"
"$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f kernel/*.c kernel/*.h format/*.c format/*.h
