#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build bpfsig's Debian packages from the tree as a fresh clone would have
# it (tracked files and new ones not ignored, nothing from build/):
# dpkg-buildpackage -us -uc -b in a copy, then lintian.
#
#   scripts/build-debs.sh [--force]
#
# Products in build/deb/: the .deb files, the .changes and .buildinfo,
# build.log, lintian.txt. Skipped when the sources are unchanged since the
# last build (a hash of their contents), unless --force. Exit status 1 if
# the build fails or lintian reports an error.
set -eu
me=build-debs
top=$(cd "$(dirname "$0")/.." && pwd -P)
out=$top/build/deb
force=0
[ "${1:-}" = --force ] && force=1

command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null &&
	command -v lintian >/dev/null ||
	{ echo "$me: dpkg-dev, debhelper or lintian missing: run scripts/install-deps.sh" >&2; exit 1; }
command -v git >/dev/null && git -C "$top" rev-parse --git-dir >/dev/null 2>&1 ||
	{ echo "$me: $top is not a git tree" >&2; exit 1; }

files() {
	git -C "$top" ls-files -co --exclude-standard |
		while IFS= read -r f; do [ -f "$top/$f" ] && echo "$f"; done
}
hash=$(cd "$top" && files | sort | tr '\n' '\0' | xargs -0 sha256sum | sha256sum | cut -c1-16)
if [ $force = 0 ] && [ "$(cat "$out/.hash" 2>/dev/null)" = "$hash" ] &&
   ls "$out"/bpfsig_*.deb >/dev/null 2>&1; then
	echo "$me: sources unchanged, packages in build/deb/ are current" >&2
	exit 0
fi

version=$(sed -n 's/^VERSION[[:space:]]*:=[[:space:]]*//p' "$top/tools/Makefile")
rm -rf "$out"
src=$out/src/bpfsig-$version
mkdir -p "$src"
(cd "$top" && files | tar -cf - -T -) | tar -xf - -C "$src"

t0=$(date +%s)
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	echo "$me: dpkg-buildpackage failed (build/deb/build.log)" >&2
	exit 1
fi
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
t1=$(date +%s)
lrc=0
lintian --fail-on error --tag-display-limit 0 "$out"/bpfsig_*.changes \
	>"$out/lintian.txt" 2>&1 || lrc=$?
rm -rf "$out/src"
echo "$hash" >"$out/.hash"
echo "$me: packages in build/deb/ ($((t1 - t0)) s; lintian $(($(date +%s) - t1)) s)" >&2
if [ $lrc != 0 ]; then
	cat "$out/lintian.txt" >&2
	echo "$me: lintian reports errors (build/deb/lintian.txt)" >&2
	exit 1
fi
