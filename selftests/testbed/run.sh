#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The test bed: bpfsig as Debian packages on a Debian 12 host booted by
# systemd. Prints TAP lines that selftests/run.sh counts.
#   1. the packages: dpkg-buildpackage on the tree, lintian, their contents,
#      a program built against libbpfsig-dev (scripts/build-debs.sh);
#   2. the disk: the cached base root filesystem, the packages installed with
#      apt, DKMS for two kernels, the first boot's policy, all in a chroot
#      (scripts/testbed/mkimage.sh);
#   3. five boots of that disk in QEMU (scripts/testbed/boot.sh), each
#      checked from inside by selftests/testbed/guest.sh: install (enforce,
#      locked), second (the same policy again, then the configuration is
#      broken), broken (the documented outcome; repaired), recover (a locked
#      host booted with bpfsig.mode=permissive bpfsig.lock=no), then the
#      packages purged with apt (scripts/testbed/purge.sh, in a chroot: the
#      same in the VM takes minutes), removed (a host without bpfsig).
# Ends with "# testbed done" and the time each part took. (bpfsig-apply's
# reading of /etc/bpfsig is tested on this machine: apply-check.sh.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$top" || exit 1
out=$top/build/testbed
mkdir -p "$out"
version=$(sed -n 's/^VERSION[[:space:]]*:=[[:space:]]*//p' tools/Makefile)
n=0
ok() { n=$((n + 1)); echo "ok $n testbed.$1"; }
not_ok() { n=$((n + 1)); echo "not ok $n testbed.$1${2:+ # $2}"; }
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "want '$2', got '$3'"; fi
}
t0=$(date +%s)
since() { echo $(($(date +%s) - $1)); }

# --- 1. packages ------------------------------------------------------------
t=$(date +%s)
scripts/build-debs.sh >"$out/debs.txt" 2>&1
deb() { ls build/deb/"$1"_"$version"_*.deb 2>/dev/null; }
if [ -n "$(deb bpfsig)" ] && [ -n "$(deb bpfsig-dkms)" ] &&
   [ -n "$(deb libbpfsig1)" ] && [ -n "$(deb libbpfsig-dev)" ]; then
	ok deb.dpkg_buildpackage_builds_four_packages
else
	not_ok deb.dpkg_buildpackage_builds_four_packages
	sed 's/^/#   /' "$out/debs.txt"
fi
expect_eq deb.changelog_version_is_tools_version "$version" \
	"$(dpkg-parsechangelog -l debian/changelog -S Version)"
if [ -f build/deb/lintian.txt ] && ! grep -q '^[EW]: ' build/deb/lintian.txt; then
	ok deb.lintian_no_errors_no_warnings
else
	not_ok deb.lintian_no_errors_no_warnings
	sed 's/^/#   /' build/deb/lintian.txt 2>/dev/null
fi
# contents: PACKAGE PATH...
has() {
	p=$1; shift
	dpkg-deb -c "$(deb "$p")" 2>/dev/null | awk '{ print $6 }' | sed 's|^\.||' >"$out/contents"
	miss=""
	for f in "$@"; do grep -qx -- "$f" "$out/contents" || miss="$miss $f"; done
	if [ -z "$miss" ]; then ok "deb.$p.contents"; else not_ok "deb.$p.contents" "missing:$miss"; fi
}
src=/usr/src/bpfsig-$version
has bpfsig-dkms $src/dkms.conf $src/Kbuild $src/kernel/main.c $src/kernel/bpfsig.h \
	$src/format/parse.c $src/format/format.h
has bpfsig /usr/sbin/bpfsig /usr/sbin/bpfsig-apply /usr/lib/bpfsig/libbpfsig-preload.so \
	/etc/bpfsig/bpfsig.conf /etc/bpfsig/revoked /etc/bpfsig/keys.d/ \
	/etc/bpfsig/loaders.d/ /usr/share/man/man8/bpfsig-loader.8.gz \
	/lib/systemd/system/bpfsig.service \
	/usr/share/initramfs-tools/scripts/init-bottom/bpfsig \
	/usr/share/man/man5/bpfsig.conf.5.gz /usr/share/man/man8/bpfsig.8.gz \
	/usr/share/man/man8/bpfsig-apply.8.gz /usr/share/bash-completion/completions/bpfsig
has libbpfsig1 /usr/lib/x86_64-linux-gnu/libbpfsig.so.1 \
	/usr/lib/x86_64-linux-gnu/libbpfsig.so.$version
has libbpfsig-dev /usr/include/bpfsig/bpfsig.h /usr/lib/x86_64-linux-gnu/libbpfsig.a \
	/usr/lib/x86_64-linux-gnu/libbpfsig.so /usr/lib/x86_64-linux-gnu/pkgconfig/libbpfsig.pc
expect_eq deb.dkms_conf_version "PACKAGE_VERSION=\"$version\"" \
	"$(dpkg-deb --fsys-tarfile "$(deb bpfsig-dkms)" 2>/dev/null |
	   tar -xOf - ".$src/dkms.conf" | grep '^PACKAGE_VERSION=')"
# a program built against the packaged headers, pkg-config file and library
dev=$out/devcheck
rm -rf "$dev"; mkdir -p "$dev"
dpkg-deb -x "$(deb libbpfsig1)" "$dev/root" 2>/dev/null
dpkg-deb -x "$(deb libbpfsig-dev)" "$dev/root" 2>/dev/null
cat >"$dev/t.c" <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <bpfsig.h>
int main(void) { puts(bpfsig_errno_name(-EKEYREJECTED)); return 0; }
EOF
flags=$(PKG_CONFIG_SYSROOT_DIR=$dev/root \
	PKG_CONFIG_PATH=$dev/root/usr/lib/x86_64-linux-gnu/pkgconfig \
	pkg-config --cflags --libs libbpfsig 2>&1)
if cc -o "$dev/t" "$dev/t.c" $flags >"$dev/cc.log" 2>&1 &&
   [ "$(LD_LIBRARY_PATH=$dev/root/usr/lib/x86_64-linux-gnu "$dev/t")" = EKEYREJECTED ]; then
	ok deb.libbpfsig_dev_builds_and_links_a_program
else
	not_ok deb.libbpfsig_dev_builds_and_links_a_program
	sed 's/^/#   /' "$dev/cc.log"
fi
t_debs=$(since $t)

# --- 2. the disk ------------------------------------------------------------------
t=$(date +%s)
scripts/testbed/mkimage.sh 2>"$out/image.err"
cached=cached
grep -q '^testbed-base: building' "$out/image.err" && cached="newly built"
if [ ! -f "$out/disk.img" ]; then
	not_ok image_built "$(tail -n 1 "$out/image.err")"
	sed 's/^/#   /' "$out/image.err"
fi
t_image=$(since $t)

# --- 3. the boots -----------------------------------------------------------------
t=$(date +%s)
boots=""
for b in install second broken "recover bpfsig.mode=permissive bpfsig.lock=no" removed; do
	[ -f "$out/disk.img" ] || break
	tb=$(date +%s)
	# shellcheck disable=SC2086
	if ! scripts/testbed/boot.sh $b; then
		not_ok "boots_after_${b%% *}" "not run: the ${b%% *} boot did not finish"
		break
	fi
	boots="$boots ${b%% *} $(since $tb) s,"
	if [ "${b%% *}" = recover ]; then
		tb=$(date +%s)
		scripts/testbed/purge.sh
		boots="$boots purge $(since $tb) s,"
	fi
done
t_boots=$(since $t)

echo "# testbed done: $(since $t0) s (packages $t_debs s; root filesystem ($cached base) and disk $t_image s; boots $t_boots s:${boots%,})"
