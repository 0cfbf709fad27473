#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The test bed's disk: the cached base root filesystem (mkbase.sh) with
# bpfsig installed from the packages built from the tree (build/deb/, by
# scripts/build-debs.sh) with apt, as an admin would; the policy of the
# first boot configured in /etc/bpfsig; a second kernel's headers installed
# (a kernel upgrade, for DKMS); the test payload and the unit that runs it.
# All of it natively in a chroot, never in the VM.
#
#   scripts/testbed/mkimage.sh    -> build/testbed/disk.img
#
# Prints TAP lines ("testbed.chroot.*") for what it checks on the way: the
# installation, DKMS's builds and signatures, the initramfs, the config.
# Exit status 1 if the image could not be made.
set -u
me=testbed-image
top=$(cd "$(dirname "$0")/../.." && pwd -P)
out=$top/build/testbed
. "$top/scripts/kernels.sh"
krel=$(kernels_default)
kabi=${krel%-amd64}
krel2="$kabi-rt-amd64"
version=$(sed -n 's/^VERSION[[:space:]]*:=[[:space:]]*//p' "$top/tools/Makefile")
bpfsig=$top/tools/bpfsig/bpfsig
log=$out/image.log
die() { echo "$me: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
base=$("$top/scripts/testbed/mkbase.sh") || die "no base root filesystem"
ls "$top"/build/deb/bpfsig_"$version"_*.deb >/dev/null 2>&1 ||
	die "no packages in build/deb/: run scripts/build-debs.sh"
[ -x "$bpfsig" ] || die "$bpfsig missing: make tools"

# TAP lines and check NAME COMMAND... (in the chroot): selftests/lib.sh
n=0
TAP_PREFIX=testbed.chroot
TAP_RUN=inroot
. "$top/selftests/lib.sh"

# Nothing run in the root filesystem may load a module into this machine's
# kernel: no CAP_SYS_MODULE, a private mount namespace with its own /proc.
root=$out/root
inroot() {
	setpriv --bounding-set -sys_module -- unshare -m --propagation private \
		sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$root" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
		DEBIAN_FRONTEND=noninteractive "$@"
}
apt_get() {
	inroot apt-get -y -q -o Dpkg::Options::=--force-unsafe-io "$@" >>"$log" 2>&1
}

rm -rf "$root" "$out/disk.img" "$out/payload"
: >"$log"
cp -a "$base" "$root" || die "cannot copy $base"

# --- the test payload: keys, objects signed for the guest kernel's BTF ------
pay=$out/payload
keys=$out/keys
mkdir -p "$pay" "$keys"
for k in one two; do
	[ -f "$keys/testbed-$k.der" ] ||
		"$bpfsig" keygen --bits 2048 --subject "bpfsig testbed $k" \
			-o "$keys/testbed-$k" >/dev/null || die "keygen failed"
done
vmlinuz=$root/boot/vmlinuz-$krel
off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)
[ -n "$off" ] && tail -c +$((off + 1)) "$vmlinuz" | xz -dcq --single-stream \
	>"$pay/vmlinux" 2>/dev/null
objcopy -O binary --only-section=.BTF "$pay/vmlinux" "$pay/vmlinux.btf" ||
	die "cannot take the BTF out of $vmlinuz"
rm -f "$pay/vmlinux"
clang -target bpf -O2 -g -I/usr/include/x86_64-linux-gnu \
	-c "$top/demo/hello.bpf.c" -o "$pay/hello.bpf.o" || die "clang failed"
"$bpfsig" sign --key "$keys/testbed-one.key" --cert "$keys/testbed-one.crt" \
	--btf "$pay/vmlinux.btf" -o "$pay/hello.signed.o" "$pay/hello.bpf.o" &&
"$bpfsig" sign --key "$keys/testbed-two.key" --cert "$keys/testbed-two.crt" \
	--btf "$pay/vmlinux.btf" -o "$pay/hello.revoked.o" "$pay/hello.bpf.o" ||
	die "bpfsig sign failed"
cc -O2 -Wall -Wextra -shared -fPIC -o "$pay/loadonce.so" \
	"$top/selftests/testbed/loadonce.c" || die "cannot build loadonce.so"
digests=$("$bpfsig" -j show "$pay/hello.revoked.o" |
	grep -o '"statement_digest": *"[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
[ -n "$digests" ] || die "no statement digests in bpfsig show -j"

# --- install the packages, as an admin would -----------------------------------
mkdir -p "$root/var/cache/testbed/debs"
for p in bpfsig bpfsig-dkms libbpfsig1; do
	cp "$top"/build/deb/"$p"_"$version"_*.deb "$root/var/cache/testbed/debs/"
done
if apt_get install /var/cache/testbed/debs/bpfsig_"$version"_amd64.deb \
	/var/cache/testbed/debs/bpfsig-dkms_"$version"_all.deb \
	/var/cache/testbed/debs/libbpfsig1_"$version"_amd64.deb; then
	ok apt_installs_the_packages
else
	not_ok apt_installs_the_packages "see build/testbed/image.log"
	tail -n 30 "$log" | sed 's/^/#   /'
	die "apt-get install failed"
fi
expect_eq installed_version_is_tools_version "$version $version $version" \
	"$(inroot dpkg-query -W -f='${Version} ' bpfsig bpfsig-dkms libbpfsig1 | sed 's/ $//')"
check dkms_built_for_the_pinned_kernel sh -c \
	"dkms status bpfsig | grep -Fx 'bpfsig/$version, $krel, x86_64: installed'"
ko=/lib/modules/$krel/updates/dkms/bpfsig.ko
expect_eq module_vermagic "$krel SMP preempt mod_unload modversions " \
	"$(inroot modinfo -F vermagic $ko)"
expect_eq module_signed_by_dkms_key "DKMS module signing key" \
	"$(inroot modinfo -F signer $ko)"
check mok_certificate_for_mokutil test -s /var/lib/dkms/mok.pub
check initramfs_has_the_bpfsig_script sh -c \
	"lsinitramfs /boot/initrd.img-$krel | grep -x 'usr/scripts/init-bottom/bpfsig\|scripts/init-bottom/bpfsig'"
expect_eq unit_enabled enabled "$(inroot systemctl is-enabled bpfsig.service 2>&1)"
check default_config_checks_clean /usr/sbin/bpfsig-apply --check
sd=$(sha256sum "$root/usr/lib/systemd/systemd" | cut -c1-64)
expect_eq systemd_recorded_as_trusted_loader \
	"bpfsig-loader-v1 sha256=$sd types=8,15 path=/usr/lib/systemd/systemd" \
	"$(cat "$root/etc/bpfsig/loaders.d/systemd.loader" 2>&1)"

# --- a kernel upgrade: a second kernel's headers, DKMS builds for it ------------
hdrs=$(cd "$root" && ls var/cache/testbed/linux-headers-"$krel2"_*.deb \
	var/cache/testbed/linux-headers-"$kabi"-common-rt_*.deb | sed 's|^|/|')
# shellcheck disable=SC2086
if apt_get install $hdrs; then
	ok kernel_upgrade_headers_install
else
	not_ok kernel_upgrade_headers_install "see build/testbed/image.log"
fi
check dkms_built_for_the_new_kernel sh -c \
	"dkms status bpfsig | grep -Fx 'bpfsig/$version, $krel2, x86_64: installed'"
expect_eq new_kernel_module_vermagic "$krel2 SMP preempt_rt mod_unload modversions " \
	"$(inroot modinfo -F vermagic /lib/modules/$krel2/updates/dkms/bpfsig.ko)"

# --- the policy of the first boot: enforce, locked, two keys, a revocation ---
etc=$root/etc/bpfsig
cp "$keys/testbed-one.der" "$keys/testbed-two.der" "$etc/keys.d/"
sed -i 's/^mode = .*/mode = enforce/; s/^lock = .*/lock = yes/' "$etc/bpfsig.conf"
echo "$digests" >>"$etc/revoked"
expect_run_check=$(inroot /usr/sbin/bpfsig-apply --check 2>&1)
case "$expect_run_check" in
*"mode=enforce ("*"lock=yes ("*"keys=2"*"loaders=1"*"errors=0"*) ok configured_policy_checks_clean ;;
*) not_ok configured_policy_checks_clean; echo "$expect_run_check" | sed 's/^/#   /' ;;
esac

# --- another build of systemd, for the upgrade of the second boot -------------------
# The installed package rebuilt from its files (as dpkg-repack would), with
# a new version and one byte of /lib/systemd/systemd changed (the last one,
# in the section headers, which nothing executes): another binary, as a
# security update would bring.
rp=$out/systemd-repack
rm -rf "$rp"; mkdir -p "$rp/DEBIAN"
sdver=$(inroot dpkg-query -W -f='${Version}' systemd)
inroot dpkg-query -s systemd | awk -v v="$sdver+bpfsigtest1" '
	/^[A-Z]/ { skip = ($1 == "Status:" || $1 == "Conffiles:" || $1 == "Config-Version:") }
	/^Version:/ { print "Version: " v; next }
	!skip { print }' >"$rp/DEBIAN/control"
inroot dpkg-query -s systemd | awk '/^Conffiles:/ { c = 1; next } /^[A-Z]/ { c = 0 } c { print $1 }' \
	>"$rp/DEBIAN/conffiles"
for f in preinst postinst prerm postrm triggers; do
	[ ! -f "$root/var/lib/dpkg/info/systemd.$f" ] ||
		cp -p "$root/var/lib/dpkg/info/systemd.$f" "$rp/DEBIAN/$f"
done
(cd "$root" && sed 's|^/||' var/lib/dpkg/info/systemd.list |
	while IFS= read -r f; do [ -d "$f" ] || echo "$f"; done |
	tar -cf - --no-recursion -T -) | tar -C "$rp" -xf -
sdbin=$rp/lib/systemd/systemd
sdsize=$(wc -c <"$sdbin")	# (stat is lib.sh's counters function)
b=$(od -An -tu1 -j $((sdsize - 1)) -N1 "$sdbin" | tr -d ' ')
# shellcheck disable=SC2059
printf "\\$(printf %o $(((b + 1) % 256)))" |
	dd of="$sdbin" bs=1 seek=$((sdsize - 1)) conv=notrunc 2>/dev/null
expect_eq systemd_rebuild_differs_by_one_byte 1 \
	"$(cmp -l "$root/usr/lib/systemd/systemd" "$sdbin" | wc -l)"
if dpkg-deb --root-owner-group -Zxz -b "$rp" \
	"$root/var/cache/testbed/systemd_${sdver}+bpfsigtest1_amd64.deb" >>"$log" 2>&1; then
	ok systemd_rebuilt_as_another_version
else
	not_ok systemd_rebuilt_as_another_version "see build/testbed/image.log"
fi
rm -rf "$rp"

# --- the test payload and the unit that runs it at every boot --------------------
install -d "$root/usr/local/lib/bpfsig-testbed"
install -m 644 "$pay/hello.bpf.o" "$pay/hello.signed.o" "$pay/hello.revoked.o" \
	"$pay/loadonce.so" "$root/usr/local/lib/bpfsig-testbed/"
install -m 755 "$top/selftests/testbed/guest.sh" "$root/usr/local/lib/bpfsig-testbed/"
install -m 644 "$top/selftests/testbed/bpfsig-testbed.service" "$root/etc/systemd/system/"
ln -sf /etc/systemd/system/bpfsig-testbed.service \
	"$root/etc/systemd/system/multi-user.target.wants/bpfsig-testbed.service"
# timers and jobs that would only slow the VM down
for u in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer \
	 e2scrub_all.timer fstrim.timer; do
	rm -f "$root/etc/systemd/system/timers.target.wants/$u"
done
# a real host's dpkg syncs its writes (mkbase.sh's builds did not)
rm -f "$root/etc/dpkg/dpkg.cfg.d/99mmdebstrap"

# --- the disk ----------------------------------------------------------------------
mke2fs -q -F -t ext4 -L testbed -d "$root" "$out/disk.img" 3G >>"$log" 2>&1 ||
	die "mke2fs failed (build/testbed/image.log)"
rm -rf "$root"
echo "# testbed image: build/testbed/disk.img"
