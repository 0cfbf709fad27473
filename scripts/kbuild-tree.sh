#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kbuild tree to build modules against for one kernel of
# scripts/kernels.list, complete enough for kbuild to give the modules BTF.
#   scripts/kbuild-tree.sh RELEASE        prints the directory
#
# With CONFIG_DEBUG_INFO_BTF_MODULES, kbuild's last step for a module runs,
# in the tree, "pahole --btf_base vmlinux" and "resolve_btfids -b vmlinux"
# (scripts/Makefile.modfinal), and prints "Skipping BTF generation for ...
# due to unavailability of vmlinux" when the tree has no vmlinux. Debian 13's
# linux-headers ship both vmlinux (the kernel's BTF) and resolve_btfids: their
# tree is used as it is. Debian 12's 6.1 headers ship neither, and are the
# system's (/usr/src, owned by dpkg): for them this makes a private tree,
# build/kbuild/RELEASE/, that links every entry of the headers and adds
#   vmlinux    extracted from the kernel's own image (the same .BTF the
#              kernel has in /sys/kernel/btf/vmlinux);
#   tools/bpf/resolve_btfids/resolve_btfids
#              built once from linux-source of the kernel's series
#              (build/kbuild/resolve_btfids-SERIES/).
# pahole comes from the system (Debian package pahole). Remade when the
# headers or the image change.
set -eu
me=kbuild-tree
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernels.sh"
die() { echo "$me: $*" >&2; exit 1; }

[ $# = 1 ] || { echo "usage: $0 RELEASE" >&2; exit 2; }
rel=$1
root=$(kernels_field "$rel" ROOT) || exit 1

# The headers, and the image whose vmlinux they go with.
if [ "$rel" = "$(kernels_default)" ] && [ -d "/usr/src/linux-headers-$rel" ]; then
	hdr=/usr/src/linux-headers-$rel
	image=$top/build/kernel/boot/vmlinuz-$rel
	[ -f "$image" ] || die "no $image: run scripts/install-deps.sh"
else
	kdir=$("$top/scripts/kernel-fetch.sh" "$rel")
	hdr=$kdir/usr/src/linux-headers-$rel
	image=$kdir/boot/vmlinuz-$rel
fi
resolver=tools/bpf/resolve_btfids/resolve_btfids

if ! grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$hdr/.config" ||
   { [ -f "$hdr/vmlinux" ] && [ -x "$hdr/$resolver" ]; }; then
	echo "$hdr"
	exit 0
fi
if [ "$root" = host ]; then
	command -v pahole >/dev/null 2>&1 ||
		die "pahole missing (Debian package pahole), needed for the modules' BTF: run scripts/install-deps.sh"
	# pahole-flags.sh adapts the flags to the pahole it finds; say when it
	# is not the one the kernel was built with.
	want=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$hdr/.config")
	have=$(pahole --version | sed -e 's/^v//' -e 's/\.//')
	[ "$want" = "$have" ] ||
		echo "$me: note: pahole $(pahole --version) here, the kernel was built with version $want" >&2
fi

tree=$top/build/kbuild/$rel
id="$hdr $(cksum <"$image")"
current() { [ -f "$tree/vmlinux" ] && [ "$(cat "$tree/.bpfsig-tree" 2>/dev/null)" = "$id" ]; }
if current; then
	echo "$tree"
	exit 0
fi
# One maker at a time; another may have made it meanwhile.
mkdir -p "$top/build/kbuild"
exec 9>"$top/build/kbuild/.lock"
flock 9
if current; then
	echo "$tree"
	exit 0
fi

# resolve_btfids of the kernel's series, from its linux-source tarball.
resolve_btfids() { # prints the binary
	series=$(echo "$rel" | cut -d. -f1,2)
	bin=$top/build/kbuild/resolve_btfids-$series
	if [ ! -x "$bin/resolve_btfids" ]; then
		tarball=/usr/src/linux-source-$series.tar.xz
		[ -f "$tarball" ] ||
			die "no $tarball (package linux-source-$series), needed to build resolve_btfids for the modules' BTF: run scripts/install-deps.sh"
		echo "$me: building resolve_btfids from linux-source-$series (once)" >&2
		rm -rf "$bin.src" "$bin.tmp"
		mkdir -p "$bin.src" "$bin.tmp"
		base=$(basename "$tarball" .tar.xz)
		tar -xJf "$tarball" -C "$bin.src" --strip-components=1 \
			"$base/tools" "$base/scripts/bpf_doc.py" ||
			die "cannot unpack tools/ from $tarball"
		make -s -C "$bin.src/tools/bpf/resolve_btfids" O="$bin.tmp" \
			>"$bin.log" 2>&1 ||
			die "building resolve_btfids failed: see $bin.log"
		rm -rf "$bin"
		mkdir -p "$bin"
		mv "$bin.tmp/resolve_btfids" "$bin/"
		rm -rf "$bin.src" "$bin.tmp"
	fi
	echo "$bin/resolve_btfids"
}

rm -rf "$tree.tmp"
mkdir -p "$tree.tmp"
for e in "$hdr"/* "$hdr"/.[!.]*; do
	[ -e "$e" ] || [ -L "$e" ] || continue
	case ${e##*/} in vmlinux | tools) continue ;; esac
	ln -s "$e" "$tree.tmp/${e##*/}"
done
if [ -x "$hdr/$resolver" ]; then
	ln -s "$hdr/tools" "$tree.tmp/tools"
else
	mkdir -p "$tree.tmp/tools"
	for e in "$hdr"/tools/*; do
		[ "${e##*/}" = bpf ] || ln -s "$e" "$tree.tmp/tools/${e##*/}"
	done
	mkdir -p "$tree.tmp/${resolver%/*}"
	rb=$(resolve_btfids)
	cp "$rb" "$tree.tmp/$resolver"
fi
if [ -f "$hdr/vmlinux" ]; then
	ln -s "$hdr/vmlinux" "$tree.tmp/vmlinux"
else
	"$top/scripts/extract-vmlinux.sh" "$image" "$tree.tmp/vmlinux" ||
		die "cannot extract vmlinux from $image"
	LC_ALL=C readelf -S -W "$tree.tmp/vmlinux" | grep -q ' \.BTF ' ||
		die "the vmlinux in $image has no .BTF section"
fi
echo "$id" >"$tree.tmp/.bpfsig-tree"
rm -rf "$tree"
mv "$tree.tmp" "$tree"
echo "$tree"
