#!/bin/bash
# Run a command inside a QEMU (TCG) VM booted on the pinned Debian kernel, with the
# host's / shared read-only and build/vm/out (or $VM_OUT_DIR) shared writable.
# See Documentation/vm-testing.md.
set -eu

me=vm-run
usage() {
	cat <<'EOF'
usage: scripts/vm-run.sh [OPTIONS] -- COMMAND [ARGS...]
       scripts/vm-run.sh [OPTIONS] --shell [-- COMMAND [ARGS...]]

Boots the pinned kernel (scripts/kernel-abi.mk, unpacked in build/kernel) under
qemu-system-x86_64 -accel tcg, runs COMMAND in `chroot /host` (the host's / over 9p,
read-only) with cwd = the repo top, and exits with COMMAND's exit status.
COMMAND's stdout+stderr arrive on stdout (stdin is /dev/null).

  --timeout SECONDS  kill the VM after SECONDS (default 1200, env VM_TIMEOUT;
                     0 = none; default none with --shell)
  --mem MB           guest memory (default 2048, env VM_MEM)
  --smp N            guest CPUs (default 2, env VM_SMP)
  --tcg-thread single|multi
                     QEMU's TCG: one host thread per guest CPU (multi, the
                     default) or one for all (single; env VM_TCG_THREAD). Use
                     single where the guest patches kernel code that its other
                     CPUs are running (loading and unloading bpfsig under a
                     stream of loads): multi-threaded TCG (QEMU 7.2) can go on
                     running the old code (Documentation/vm-testing.md)
  --modules "A B"    modprobe these guest-kernel modules (from build/kernel)
                     before COMMAND; a failure exits 125
  --env NAME=VALUE   export NAME=VALUE to COMMAND (repeatable)
  --out DIR          writable out directory (default build/vm/out, env VM_OUT_DIR);
                     emptied at start; use a separate one per concurrent run
  --append "ARGS"    extra kernel command-line arguments (env VM_APPEND); the
                     guest always gets panic=-1 softlockup_panic=1: a CPU stuck
                     in the kernel for 20 s ends the VM (its trace on the
                     console) instead of hanging it until --timeout
  --kernel DIR       boot another kernel instead of the pinned one: DIR laid out
                     like build/kernel/ (boot/vmlinuz-REL, boot/config-REL,
                     lib/modules/REL, one REL), e.g. build/debug-kernel/install
                     (env VM_KERNEL_DIR)
  --loglevel N       console loglevel (default 4 = quiet; env VM_LOGLEVEL); the
                     console only goes to OUT/console.log, never to stdout
  --shell            interactive: console on this terminal, runs COMMAND (default
                     an interactive shell) on it; Ctrl-A x kills QEMU
  -v, --verbose      print timings and paths on stderr
  -h, --help         this help

Exit status: COMMAND's, or 125 if the VM timed out, crashed or never wrote a status
(the error and the last 50 console lines are printed on stderr).
In the guest: BPFSIG_IN_VM=1, BPFSIG_VM_OUT=<abs path of the out dir> (the only
writable place besides /tmp, /run, /dev/shm), /lib/modules/$(uname -r) and /boot
come from build/kernel: `modprobe MODULE` (or `modprobe -d <repo>/build/kernel
MODULE`) and module autoloading work (with --kernel: from DIR instead).
Env: VM_BZIMAGE=1 boots the compressed
bzImage (with KASLR, ~3 s slower) instead of the extracted vmlinux.
EOF
}
die() { echo "$me: $*" >&2; exit 125; }
t0=$(date +%s.%N)
elapsed() { echo "$(date +%s.%N) $t0" | awk '{printf "%.1f", $1 - $2}'; }

top=$(cd "$(dirname "$0")/.." && pwd -P)

timeout_s=${VM_TIMEOUT:-}
mem=${VM_MEM:-2048}
smp=${VM_SMP:-2}
tcg_thread=${VM_TCG_THREAD:-multi}
modules=""
out=${VM_OUT_DIR:-$top/build/vm/out}
append=${VM_APPEND:-}
kernel_dir=${VM_KERNEL_DIR:-}
loglevel=${VM_LOGLEVEL:-4}
mode=run
verbose=0
interrupted=0
envs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) [ $# -ge 2 ] || die "--timeout needs a value"; timeout_s=$2; shift 2 ;;
	--timeout=*) timeout_s=${1#*=}; shift ;;
	--mem) [ $# -ge 2 ] || die "--mem needs a value"; mem=$2; shift 2 ;;
	--mem=*) mem=${1#*=}; shift ;;
	--smp) [ $# -ge 2 ] || die "--smp needs a value"; smp=$2; shift 2 ;;
	--smp=*) smp=${1#*=}; shift ;;
	--tcg-thread) [ $# -ge 2 ] || die "--tcg-thread needs single or multi"; tcg_thread=$2; shift 2 ;;
	--tcg-thread=*) tcg_thread=${1#*=}; shift ;;
	--modules) [ $# -ge 2 ] || die "--modules needs a value"; modules="$modules $2"; shift 2 ;;
	--modules=*) modules="$modules ${1#*=}"; shift ;;
	--env) [ $# -ge 2 ] || die "--env needs NAME=VALUE"; envs+=("$2"); shift 2 ;;
	--env=*) envs+=("${1#*=}"); shift ;;
	--out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift 2 ;;
	--out=*) out=${1#*=}; shift ;;
	--append) [ $# -ge 2 ] || die "--append needs a value"; append="$append $2"; shift 2 ;;
	--append=*) append="$append ${1#*=}"; shift ;;
	--kernel) [ $# -ge 2 ] || die "--kernel needs a directory"; kernel_dir=$2; shift 2 ;;
	--kernel=*) kernel_dir=${1#*=}; shift ;;
	--loglevel) [ $# -ge 2 ] || die "--loglevel needs a value"; loglevel=$2; shift 2 ;;
	--loglevel=*) loglevel=${1#*=}; shift ;;
	--shell) mode=shell; shift ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	*) echo "$me: unknown option '$1' (the command goes after --)" >&2; usage >&2; exit 125 ;;
	esac
done
[ $# -gt 0 ] || [ $mode = shell ] || { usage >&2; exit 125; }
case "$tcg_thread" in
single|multi) ;;
*) die "--tcg-thread must be single or multi, got '$tcg_thread'" ;;
esac
[ -n "$timeout_s" ] || { [ $mode = shell ] && timeout_s=0 || timeout_s=1200; }
for v in "timeout:$timeout_s" "mem:$mem" "smp:$smp" "loglevel:$loglevel"; do
	case "${v#*:}" in
	''|*[!0-9]*) die "--${v%%:*} must be a number, got '${v#*:}'" ;;
	esac
done
for e in ${envs[@]+"${envs[@]}"}; do
	[[ "$e" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--env wants NAME=VALUE, got '$e'"
done

# --- the pinned kernel (the first entry of scripts/kernels.list) ------------------
. "$top/scripts/kernels.sh"
krel=${KRELEASE:-$(kernels_default)}
[ -n "$krel" ] || die "no kernel in scripts/kernels.list"
kdir=$top/build/kernel
vmlinuz=$kdir/boot/vmlinuz-$krel
[ -f "$vmlinuz" ] || die "build/kernel/boot/vmlinuz-$krel missing: run scripts/install-deps.sh"
[ -d "$kdir/lib/modules/$krel/kernel" ] ||
	die "build/kernel/lib/modules/$krel missing: run scripts/install-deps.sh"
# --kernel DIR: another kernel (e.g. scripts/debug-kernel.sh's), same layout.
if [ -n "$kernel_dir" ]; then
	[ -d "$kernel_dir" ] || die "--kernel $kernel_dir: no such directory"
	kdir=$(cd "$kernel_dir" && pwd -P)
	krel=
	for d in "$kdir"/lib/modules/*/; do
		[ -d "$d" ] || continue
		[ -z "$krel" ] || die "--kernel $kdir: more than one release under lib/modules/"
		krel=$(basename "$d")
	done
	[ -n "$krel" ] || die "--kernel $kdir: no lib/modules/RELEASE directory"
	vmlinuz=$kdir/boot/vmlinuz-$krel
	[ -f "$vmlinuz" ] || die "--kernel $kdir: boot/vmlinuz-$krel missing"
fi
qemu="qemu-system-x86_64"
command -v $qemu >/dev/null 2>&1 || die "$qemu not found: apt-get install qemu-system-x86 (or run scripts/install-deps.sh)"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) not found"
command -v flock >/dev/null 2>&1 || die "flock (util-linux) not found"

vmdir=$top/build/vm
mkdir -p "$vmdir"
# modules.dep so that `modprobe -d build/kernel MODULE` works inside the guest.
if [ ! -f "$kdir/lib/modules/$krel/modules.dep" ]; then
	command -v depmod >/dev/null 2>&1 || die "depmod not found: apt-get install kmod"
	(
		flock 7
		if [ ! -f "$kdir/lib/modules/$krel/modules.dep" ]; then
			depmod -b "$kdir" "$krel" || die "depmod -b build/kernel $krel failed"
		fi
	) 7>"$vmdir/.prep.lock"
fi
# Boot speed: under TCG the bzImage's own XZ decompression takes ~3 s. The kernel
# has CONFIG_PVH, so QEMU can boot the uncompressed ELF vmlinux directly (extracted
# once into build/vm/, ~65 MB). VM_BZIMAGE=1 boots the bzImage as shipped instead.
# (PVH enters the kernel at its link address: the decompressor's KASLR does not
# run. VM_BZIMAGE=1 gives a randomized layout.)
kernel=$vmlinuz
if [ "${VM_BZIMAGE:-0}" = 0 ] && grep -q '^CONFIG_PVH=y' "$kdir/boot/config-$krel" 2>/dev/null &&
   command -v xz >/dev/null 2>&1; then
	vmlinux=$vmdir/vmlinux-$krel
	# Keyed on the bzImage's checksum: dpkg-deb -x keeps the package's mtimes.
	kid=$(cksum <"$vmlinuz")
	if [ ! -s "$vmlinux" ] || [ "$(cat "$vmlinux.id" 2>/dev/null)" != "$kid" ]; then
		(
			flock 7
			if [ ! -s "$vmlinux" ] || [ "$(cat "$vmlinux.id" 2>/dev/null)" != "$kid" ]; then
				rm -f "$vmlinux" "$vmlinux.id"
				off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)
				if [ -n "$off" ] &&
				   tail -c +$((off + 1)) "$vmlinuz" | xz -dcq --single-stream >"$vmlinux.tmp" 2>/dev/null &&
				   [ "$(head -c 4 "$vmlinux.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
					mv "$vmlinux.tmp" "$vmlinux"
					echo "$kid" >"$vmlinux.id"
				else
					rm -f "$vmlinux.tmp"
					echo "$me: note: cannot extract vmlinux from the bzImage; booting it as is (slower)" >&2
				fi
			fi
		) 7>"$vmdir/.prep.lock"
	fi
	[ ! -s "$vmlinux" ] || kernel=$vmlinux
fi
if [ -z "$kernel_dir" ]; then
	initrd=$("$top/scripts/mkinitramfs.sh") || die "scripts/mkinitramfs.sh failed"
else
	initrd=$("$top/scripts/mkinitramfs.sh" --kernel "$kdir") ||
		die "scripts/mkinitramfs.sh --kernel $kdir failed"
fi

# --- the out directory: one run at a time, emptied at start -----------------------
mkdir -p "$out" || die "cannot create out directory $out"
out=$(cd "$out" && pwd -P)
case "$out" in
/|"$top"|"$top/build"|"$top/build/vm") die "refusing to use $out as the out directory" ;;
esac
exec 9<"$out"
if ! flock -n 9; then
	echo "$me: $out is in use by another vm-run, waiting" \
	     "(give concurrent runs their own VM_OUT_DIR / --out)" >&2
	flock 9
fi
if [ -n "$(ls -A "$out")" ] && [ ! -d "$out/.vm-run" ]; then
	die "$out is not empty and not a vm-run out directory: refusing to empty it"
fi
find "$out" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
mkdir "$out/.vm-run"

q() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }
{
	echo "VM_TOP=$(q "$top")"
	echo "VM_OUT=$(q "$out")"
	echo "VM_MODE=$mode"
	echo "VM_TERM=$(q "${TERM:-vt100}")"
	[ -z "$kernel_dir" ] || echo "VM_KDIR=$(q "$kdir")"
} >"$out/.vm-run/env"
{
	echo "# generated by scripts/vm-run.sh; run by /bin/sh in the guest's chroot /host"
	echo "cd $(q "$top") || exit 125"
	for e in ${envs[@]+"${envs[@]}"}; do
		echo "export ${e%%=*}=$(q "${e#*=}")"
	done
	for m in $modules; do
		echo "modprobe -d $(q "$kdir") $(q "$m") ||" \
		     "{ echo $(q "$me: modprobe -d $kdir $m failed") >&2; exit 125; }"
	done
	if [ $# -gt 0 ]; then
		printf 'exec'
		for a in "$@"; do printf ' %s' "$(q "$a")"; done
		echo
	else
		echo 'if [ -x /bin/bash ]; then exec /bin/bash -i; else exec /bin/sh -i; fi'
	fi
} >"$out/.vm-run/cmd"

cmdline="console=ttyS0 loglevel=$loglevel panic=-1 softlockup_panic=1 $append"
[ "$loglevel" -gt 4 ] || cmdline="quiet $cmdline"
qargs=(
	-accel "tcg,thread=$tcg_thread" -cpu max -smp "$smp" -m "$mem"
	-nodefaults -no-user-config -display none -no-reboot -nic none
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=${out//,/,,},mount_tag=vmout,security_model=none"
)
[ $verbose = 0 ] || echo "$me: kernel $kernel, out $out, prep $(elapsed) s" >&2

set +e
if [ $mode = shell ]; then
	# The console (ttyS0, muxed with the QEMU monitor) is this terminal.
	tmo=()
	[ "$timeout_s" = 0 ] || tmo=(timeout --foreground -k 10 "$timeout_s")
	${tmo[@]+"${tmo[@]}"} $qemu "${qargs[@]}" -serial mon:stdio -serial null \
		2>"$out/qemu.log"
	qrc=$?
else
	# ttyS0 (kernel console, init messages) -> OUT/console.log;
	# ttyS1 (COMMAND's stdout+stderr) -> our stdout.
	tmo=(timeout -k 10 "$timeout_s")
	[ "$timeout_s" != 0 ] || tmo=()
	${tmo[@]+"${tmo[@]}"} $qemu "${qargs[@]}" \
		-serial "file:$out/console.log" -serial stdio </dev/null 2>"$out/qemu.log" &
	qpid=$!
	trap 'interrupted=1; kill -TERM $qpid 2>/dev/null' INT TERM HUP
	while :; do
		wait $qpid
		qrc=$?
		kill -0 $qpid 2>/dev/null || break
	done
	trap - INT TERM HUP
fi
set -e
[ $verbose = 0 ] || echo "$me: VM done after $(elapsed) s (qemu status $qrc)" >&2

status=$(cat "$out/status" 2>/dev/null || true)
case "$status" in
[0-9]|[0-9][0-9]|[0-9][0-9][0-9]) exit "$status" ;;
esac
if [ $mode = run ] && [ $interrupted = 1 ]; then
	echo "$me: interrupted" >&2
elif [ $qrc = 124 ] && [ "$timeout_s" != 0 ]; then
	echo "$me: ERROR: the VM timed out after $timeout_s s (--timeout)" >&2
else
	echo "$me: ERROR: the VM stopped (qemu status $qrc) without a command exit status" >&2
fi
if [ -s "$out/qemu.log" ]; then
	echo "$me: --- qemu stderr ($out/qemu.log) ---" >&2
	tail -n 20 "$out/qemu.log" >&2
fi
echo "$me: --- last 50 console lines ($out/console.log) ---" >&2
tail -n 50 "$out/console.log" >&2 2>/dev/null || echo "$me: (no console log)" >&2
echo "$me: ---" >&2
exit 125
