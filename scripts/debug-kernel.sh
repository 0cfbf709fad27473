#!/bin/sh
# Build the debug kernel of `make test-debug`: Debian's patched 6.1 source
# (linux-source-6.1) with Debian's config of the pinned kernel, trimmed to
# what the test VM needs, plus KASAN, lockdep, kmemleak, debugobjects, ...
# (scripts/debug-kernel.config, scripts/debug-kernel.modules).
#
# usage: scripts/debug-kernel.sh [-f] [--no-deps] [--print]
#   -f         rebuild even if the cache is up to date
#   --no-deps  do not install missing packages (fail naming them)
#   --print    print KDIR=, KERNEL_DIR= and KRELEASE= (shell syntax; no build)
#
# Products, cached under build/debug-kernel/ and rebuilt only when the config
# fragment, the module list, Debian's config or the source package version
# change:
#   linux/          the source tree, built in place: usable as KDIR
#                   (make -C build/debug-kernel/linux M=$PWD modules),
#                   with linux/vmlinux and linux/arch/x86/boot/bzImage
#   install/        the kernel laid out like build/kernel/ for
#                   scripts/vm-run.sh --kernel: boot/vmlinuz-KREL,
#                   boot/config-KREL, boot/System.map-KREL, lib/modules/KREL
#   build.log       the last build's output; build-time.txt its duration
# Prints the install directory on stdout.
set -eu

me=debug-kernel
top=$(cd "$(dirname "$0")/.." && pwd -P)
die() { echo "$me: $*" >&2; exit 1; }

force=0 deps=1 print=0
while [ $# -gt 0 ]; do
	case "$1" in
	-f|--force) force=1 ;;
	--no-deps) deps=0 ;;
	--print) print=1 ;;
	-h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done

# Bump when this script changes the way the config or the tree is made.
recipe=1

# The pinned kernel: the first entry of scripts/kernels.list (its config is
# the base; its series names the source package).
. "$top/scripts/kernels.sh"
pinned=$(kernels_default)
[ -n "$pinned" ] || die "no kernel in scripts/kernels.list"
series=$(echo "$pinned" | cut -d. -f1,2)	# 6.1.0-56-amd64 -> 6.1
srcpkg=linux-source-$series
tarball=/usr/src/$srcpkg.tar.xz

fragment=$top/scripts/debug-kernel.config
modlist=$top/scripts/debug-kernel.modules
baseconfig=$top/build/kernel/boot/config-$pinned
dk=$top/build/debug-kernel
tree=$dk/linux
inst=$dk/install
log=$dk/build.log
stamp=$dk/stamp

if [ $print = 1 ]; then
	krel=$(cat "$dk/krelease" 2>/dev/null || echo "(not built)")
	echo "KDIR='$tree'"
	echo "KERNEL_DIR='$inst'"
	echo "KRELEASE='$krel'"
	exit 0
fi

# --- packages (idempotent, like install-deps.sh; never changes apt sources) --
pkgs="build-essential bc bison flex libelf-dev libssl-dev dwarves rsync cpio
xz-utils kmod $srcpkg"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ $deps = 1 ] || die "missing packages:$missing (apt-get install them)"
	[ "$(id -u)" = 0 ] || die "need root to install:$missing"
	echo "$me: installing$missing" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing >&2 || die "could not install:$missing"
fi
[ -f "$tarball" ] || die "$tarball missing (package $srcpkg)"
[ -f "$baseconfig" ] || die "build/kernel/boot/config-$pinned missing: run scripts/install-deps.sh"
[ -f "$fragment" ] || die "scripts/debug-kernel.config missing"
[ -f "$modlist" ] || die "scripts/debug-kernel.modules missing"
srcver=$(dpkg-query -W -f='${Version}' "$srcpkg")

mkdir -p "$dk"
exec 9>"$dk/.lock"
if ! flock -n 9; then
	echo "$me: another build holds $dk/.lock, waiting" >&2
	flock 9
fi

ident=$( {
	echo "recipe=$recipe source=$srcpkg $srcver"
	cksum <"$baseconfig"
	cksum <"$fragment"
	cksum <"$modlist"
} | cksum)
krel=$(cat "$dk/krelease" 2>/dev/null || true)
if [ $force = 0 ] && [ "$(cat "$stamp" 2>/dev/null)" = "$ident" ] && [ -n "$krel" ] &&
   [ -f "$inst/boot/vmlinuz-$krel" ] && [ -f "$tree/vmlinux" ]; then
	echo "$inst"
	exit 0
fi
rm -f "$stamp"

# --- the source tree (re-extracted when the package version changes) -------
if [ "$(cat "$tree/.bpfsig-source" 2>/dev/null)" != "$srcpkg $srcver" ]; then
	echo "$me: extracting $tarball ($srcver) into $tree" >&2
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -xJf "$tarball" -C "$tree.tmp" --strip-components=1 ||
		die "cannot extract $tarball"
	echo "$srcpkg $srcver" >"$tree.tmp/.bpfsig-source"
	mv "$tree.tmp" "$tree"
fi

# --- the config --------------------------------------------------------------
# Debian's config, modules limited to debug-kernel.modules (built-ins kept),
# then the fragment, then olddefconfig; every fragment line must hold.
cd "$tree"
kmake() { make -s ARCH=x86_64 "$@" </dev/null; }
cp "$baseconfig" .config
kmake olddefconfig >/dev/null
lsmod=$dk/lsmod.txt
{
	echo "Module Size Used by"
	grep -v '^[[:space:]]*\(#\|$\)' "$modlist" | while read -r m _; do echo "$m 0 0"; done
} >"$lsmod"
kmake LSMOD="$lsmod" localmodconfig >"$dk/localmodconfig.log" 2>&1 ||
	{ cat "$dk/localmodconfig.log" >&2; die "make localmodconfig failed"; }
scripts/kconfig/merge_config.sh -m -O . .config "$fragment" >"$dk/merge_config.log" 2>&1 ||
	{ cat "$dk/merge_config.log" >&2; die "merge_config.sh failed"; }
kmake olddefconfig >/dev/null
bad=""
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" .config || bad="$bad
  want $line, got: $(grep "^${line%%=*}=" .config || echo "${line%%=*} not set")" ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		! grep -q "^$sym=" .config || bad="$bad
  want $sym off, got: $(grep "^$sym=" .config)" ;;
	esac
done <"$fragment"
[ -z "$bad" ] || die "the config does not hold what scripts/debug-kernel.config asks:$bad"
for m in $(grep -v '^[[:space:]]*\(#\|$\)' "$modlist" | cut -d' ' -f1); do
	! grep -q "module $m did not have configs" "$dk/localmodconfig.log" ||
		die "localmodconfig does not know module $m (scripts/debug-kernel.modules)"
done
kmake syncconfig >/dev/null	# include/config/auto.conf: LOCALVERSION for kernelrelease
krel=$(kmake kernelrelease)
[ -n "$krel" ] || die "make kernelrelease gave nothing"
[ "$krel" != "$pinned" ] || die "the debug kernel must not claim the pinned release $pinned"
cp .config "$dk/config"

# --- the build -------------------------------------------------------------
echo "$me: building $krel (nice -n 19, make -j2); log: $log" >&2
t0=$(date +%s)
if ! nice -n 19 make ARCH=x86_64 -j2 all >"$log" 2>&1 </dev/null; then
	tail -n 40 "$log" >&2
	die "kernel build failed (full log: $log)"
fi
t1=$(date +%s)
ncc=$(grep -c '^  CC ' "$log" || true)
echo "$krel built in $((t1 - t0)) s, $ncc files compiled, on $(date -u +%Y-%m-%dT%H:%MZ) ($(nproc) cores, nice -n 19, make -j2)" \
	>"$dk/build-time.txt"

# --- install: the layout of build/kernel/ ----------------------------------
rm -rf "$inst"
mkdir -p "$inst/boot"
cp arch/x86/boot/bzImage "$inst/boot/vmlinuz-$krel"
cp .config "$inst/boot/config-$krel"
cp System.map "$inst/boot/System.map-$krel"
make -s ARCH=x86_64 INSTALL_MOD_PATH="$inst" DEPMOD=/sbin/depmod modules_install \
	>>"$log" 2>&1 </dev/null || die "modules_install failed (log: $log)"
[ -f "$inst/lib/modules/$krel/modules.dep" ] || die "no modules.dep after modules_install"
echo "$krel" >"$dk/krelease"
echo "$ident" >"$stamp"
echo "$me: $(cat "$dk/build-time.txt")" >&2
echo "$inst"
