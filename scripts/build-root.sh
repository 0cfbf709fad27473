#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A Debian build root for kernels built with another suite's compiler (the
# ROOT column of scripts/kernels.list), made with debootstrap from Debian's
# packages under build/roots/NAME/, and remade when its recipe below changes.
# The host's own packages and apt configuration are not touched.
#   scripts/build-root.sh NAME                 make it (if needed)
#   scripts/build-root.sh NAME -- CMD ARGS...  run CMD in it, as root, with
#                                              this tree at the same path
set -eu
me=build-root
top=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "$me: $*" >&2; exit 1; }

[ $# -ge 1 ] || { echo "usage: $0 NAME [-- CMD ARGS...]" >&2; exit 2; }
name=$1; shift
case "$name" in
trixie)
	suite=trixie
	# gcc-14 and what Debian 13's kbuild tools (linux-kbuild-*) link to
	pkgs=gcc-14,make,libc6-dev,libelf1t64,libssl3t64,zlib1g,pahole,kmod
	;;
*) die "unknown build root '$name' (known: trixie)" ;;
esac
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
root=$top/build/roots/$name
recipe="$suite $pkgs $mirror v1"

if [ "$(cat "$root.recipe" 2>/dev/null)" != "$recipe" ]; then
	[ "$(id -u)" = 0 ] || die "need root to debootstrap $suite"
	command -v debootstrap >/dev/null 2>&1 ||
		die "debootstrap missing: run scripts/install-deps.sh"
	echo "$me: making the $name build root (debootstrap $suite, a few minutes)" >&2
	rm -rf "$root" "$root.recipe"
	mkdir -p "$root"
	debootstrap --variant=minbase --include="$pkgs" \
		--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		"$suite" "$root" "$mirror" >"$root.log" 2>&1 ||
		die "debootstrap $suite failed: see $root.log"
	rm -rf "$root/var/cache/apt/archives"/*.deb
	echo "$recipe" >"$root.recipe"
fi
[ "${1:-}" = -- ] || exit 0
shift
[ $# -ge 1 ] || die "no command after --"
# A private mount namespace: the bind mount goes away with the command.
exec unshare -m sh -c '
	mkdir -p "$1$2" && mount --bind "$2" "$1$2" &&
	mount -t proc proc "$1/proc" && dir=$3 && shift 3 &&
	exec chroot "$0" sh -c "cd \"\$0\" && exec \"\$@\"" "$dir" "$@"' \
	"$root" "$root" "$top" "$(pwd)" "$@"
