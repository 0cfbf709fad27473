#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The program corpus in the VM (issue 4): every object of selftests/progs/,
# built and signed by selftests/corpus/Makefile, is loaded, attached and
# exercised on the booted kernel with bpfsig.ko enforcing -- through
# libbpfsig (corpus-run), `bpfsig load`, and unmodified bpftool, ip and tc
# under `bpfsig exec` -- and refused when unsigned, tampered, grafted or
# signed for another kernel.
#
# Run by selftests/vm-tests.sh as root, cwd = repo top, bpfsig.ko loaded
# with mode=enforce. The corpus is build/corpus/ (the pinned kernel) or
# $BPFSIG_CORPUS_DIR (build/corpus-RELEASE/, built for another listed
# kernel: selftests/kernels.sh); on another kernel the pinned kernel's build
# is also signed for it (test_pinned_build). Prints "ok N corpus.NAME" /
# "not ok N corpus.NAME # why" and "#" diagnostics. Leaves the module as it
# found it (enforcing); removes what it attached, pinned, created and
# enrolled.
set -u
top=$(pwd)
pinned=$top/build/corpus
out=${BPFSIG_CORPUS_DIR:-$pinned}
src=$top/selftests/corpus
bpfsig=$top/tools/bpfsig/bpfsig
run=$out/corpus-run
SFS=/sys/kernel/security/bpfsig
pins=/sys/fs/bpf/corpus
cgroot=/sys/fs/cgroup
objs="xdp_fw tc_cls sockfilter cgroup_skb globals tracing lsm_iter ksym_kfunc"
core_objs="tracing lsm_iter ksym_kfunc"
kmajor=$(uname -r | cut -d. -f1)
export CORPUS_DIR=$out CORPUS_SRC=$src

ok() { echo "ok corpus.$1"; }
not_ok() { echo "not ok corpus.$1${2:+ # $2}"; }
# check NAME COMMAND...: ok if COMMAND succeeds; its output on failure
check() {
	name=$1; shift
	if "$@" >/tmp/corpus.out 2>&1; then ok "$name"; else
		not_ok "$name" "exit $?"; sed 's/^/#   /' /tmp/corpus.out | head -n 40; fi
}
expect_eq() { # NAME WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "want '$2', got '$3'"; fi
}
# expect_run NAME STATUS PATTERN COMMAND...: COMMAND exits with STATUS and
# its stdout+stderr matches the extended regex PATTERN
expect_run() {
	name=$1 want=$2 pat=$3; shift 3
	"$@" >/tmp/corpus.out 2>&1
	got=$?
	if [ "$got" = "$want" ] && grep -Eq -- "$pat" /tmp/corpus.out; then
		ok "$name"
	else
		not_ok "$name" "exit $got (want $want), output:"
		sed 's/^/#   /' /tmp/corpus.out | head -n 40
	fi
}
# programs of OBJ as 'bpfsig show' lists them, with their classification:
# "NAME kernel-specific" / "NAME kernel-independent"
show_progs() {
	"$bpfsig" show "$1" | awk '
		/^  [A-Za-z0-9_]+  \(section / { name = $1; next }
		name != "" && /^\tkernel-(specific|independent)/ {
			sub(/:.*/, "", $1); print name, $1; name = "" }'
}
# cached: progs OBJ -> "NAME kernel-specific|kernel-independent" lines
progs() { cat "/tmp/corpus.progs.$1"; }
npins() { find "$1" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
elapsed() { echo $(( $(date +%s) - t0 )); }

setup() {
	expect_eq module_enforcing enforce "$(cat $SFS/mode 2>&1)"
	check guest_btf_is_the_signing_target cmp /sys/kernel/btf/vmlinux "$out/vmlinux.btf"
	exec 3<> $SFS/key_add
	keyid=$(cat "$out/keys/corpus.der" 2>&1 >&3 && head -n 1 <&3)
	exec 3>&-
	case "$keyid" in
	[0-9]*) ok corpus_key_enrolled ;;
	*) not_ok corpus_key_enrolled "$keyid"; keyid= ;;
	esac
	ip netns add corpus &&
	ip link add veth0 type veth peer name veth1 &&
	ip link set veth1 netns corpus &&
	ip addr add 10.199.0.1/24 dev veth0 && ip link set veth0 up &&
	ip -n corpus addr add 10.199.0.2/24 dev veth1 &&
	ip -n corpus link set veth1 up && ip -n corpus link set lo up
	check veth_pair_in_netns ip netns exec corpus busybox ping -c 1 -W 5 10.199.0.1
	mkdir -p "$pins"
}

cleanup() {
	ip link set dev veth0 xdp off 2>/dev/null
	tc qdisc del dev veth0 clsact 2>/dev/null
	ip link del veth0 2>/dev/null
	ip netns del corpus 2>/dev/null
	for c in "$cgroot"/corpus-*; do
		[ -d "$c" ] && rmdir "$c"
	done
	rm -rf "$pins" /sys/fs/bpf/xdp_jmp /sys/fs/bpf/xdp /sys/fs/bpf/tc /tmp/corpus.*
	[ -z "$keyid" ] || echo "$keyid" > $SFS/key_remove
	expect_eq cleanup_module_still_enforcing enforce "$(cat $SFS/mode 2>&1)"
	expect_eq cleanup_no_corpus_program_left 0 \
		"$(bpftool prog show 2>/dev/null | grep -cE 'name (xdp_fw|tc_drop_port|sock_drop_d|cg_e|cg_in|cg_sock|glob_|tp_getpgid|raw_sys_enter|kp_unl|krp_unl|fentry_unl|fexit_unl|lsm_sock|iter_tasks|perf_sample|ksym_percpu|kfunc_syskey|kconfig_only|up_target|typeless_addr)')"
}

# --- bpfsig show: exactly the CO-RE/ksym/kfunc programs are kernel-specific --
test_show() {
	for o in $objs; do
		show_progs "$out/$o.signed.o" > "/tmp/corpus.progs.$o"
		progs "$o" > /tmp/corpus.show
		[ -s /tmp/corpus.show ] || not_ok "$o.show_lists_programs"
		while read -r p kind; do
			if grep -qx "$o $p" "$src/kernel-specific.txt"; then
				expect_eq "$o.$p.show_kernel_specific" kernel-specific "$kind"
			else
				expect_eq "$o.$p.show_kernel_independent" kernel-independent "$kind"
			fi
		done < /tmp/corpus.show
	done
	check ksym_kfunc.show_names_typed_ksyms sh -c \
		"'$bpfsig' show '$out/ksym_kfunc.signed.o' | grep -q 'typed ksyms (BTF ids of the target kernel): runqueues,bpf_prog_active'"
	check ksym_kfunc.show_names_kfuncs sh -c \
		"'$bpfsig' show '$out/ksym_kfunc.signed.o' | grep -q 'kfunc calls (BTF ids of the target kernel): bpf_lookup_system_key,bpf_key_put'"
	check globals.show_kconfig_is_not_kernel_specific sh -c \
		"'$bpfsig' show '$out/globals.signed.o' | grep -A1 '^  glob_main ' | grep -q kernel-independent"
	# the unlink programs attach to the function behind unlink(2), which
	# 7.x renamed: do_unlinkat() -> filename_unlinkat(), same arguments
	if [ "$kmajor" -ge 7 ]; then
		fn=filename_unlinkat t=unlink_programs_attach_to_filename_unlinkat_renamed_in_7x
	else
		fn=do_unlinkat t=unlink_programs_attach_to_do_unlinkat
	fi
	expect_eq "tracing.$t" 4 "$("$bpfsig" show "$out/tracing.signed.o" |
		grep -cE "\(section (kprobe|kretprobe|fentry|fexit)/$fn, ")"
}

# --- signed for another kernel only: the CLI names the program ------------
test_target_cli() {
	expect_run tracing.bpfsig_load_other_kernel_refused 1 \
		"program 'tp_getpgid': no matching signature.*re-sign the object for this kernel" \
		"$bpfsig" load "$out/tracing.alt.o"
	expect_run lsm_iter.bpfsig_load_other_kernel_refused 1 \
		"program 'iter_tasks': no matching signature.*re-sign the object for this kernel" \
		"$bpfsig" load "$out/lsm_iter.alt.o"
	expect_run ksym_kfunc.bpfsig_load_other_kernel_refused 1 \
		"program 'ksym_percpu': no matching signature.*re-sign the object for this kernel" \
		"$bpfsig" load "$out/ksym_kfunc.alt.o"
	for o in $core_objs; do
		expect_run "$o.bpfsig_load_two_kernels_loads" 0 "loaded" \
			"$bpfsig" load "$out/$o.multi.o"
	done
	# an unmodified loader: the program goes unsigned, the kernel refuses
	expect_run tracing.bpftool_other_kernel_refused_eperm 255 \
		"Operation not permitted" \
		"$bpfsig" exec --sigs "$out/tracing.alt.o" -- \
		bpftool prog loadall "$out/tracing.alt.o" "$pins/alt_tracing"
	rm -rf "$pins/alt_tracing"
}

# --- another kernel: the pinned kernel's build, signed for its BTF -----------
# Compiled once against the pinned kernel's vmlinux.h (build/corpus/), signed
# for its BTF only: refused here exactly where the relocated instructions
# differ; signed for both kernels: loads (corpus-run pinned-build).
test_pinned_build() {
	"$run" pinned-build lsm_iter ksym_kfunc
	# tracing's fentry/fexit programs name do_unlinkat by BTF id: signable
	# for a 6.x kernel, and then it loads and runs there; not for 7.x,
	# which renamed it filename_unlinkat (libbpf finds no BTF id for it)
	set -- "$bpfsig" sign --key "$out/keys/corpus.key" \
		--cert "$out/keys/corpus.der" --btf /sys/kernel/btf/vmlinux \
		-o /tmp/tracing.pinned.o "$pinned/tracing.bpf.o"
	if [ "$kmajor" -ge 7 ]; then
		expect_run tracing.pinned_build_unsignable_do_unlinkat_renamed_in_7x 1 \
			"failed to find kernel BTF type ID of 'do_unlinkat'" "$@"
		return
	fi
	check tracing.pinned_build_signed_for_this_kernel "$@"
	expect_run tracing.pinned_build.bpfsig_load_pins_all_programs 0 "loaded" \
		"$bpfsig" load /tmp/tracing.pinned.o "$pins/pb_tracing"
	expect_eq tracing.pinned_build.bpfsig_load_pinned_count \
		"$(progs tracing | wc -l)" "$(npins "$pins/pb_tracing")"
	"$run" trace-pinned tracing.pinned_build "$pins/pb_tracing"
	rm -rf "$pins/pb_tracing" /tmp/tracing.pinned.o
}

# --- bpfsig load OBJ PIN_DIR, then attach and exercise the pinned programs --
test_bpfsig_load() {
	for o in $objs; do
		n=$(progs "$o" | wc -l)
		expect_run "$o.bpfsig_load_pins_all_programs" 0 "loaded" \
			"$bpfsig" load "$out/$o.signed.o" "$pins/bl_$o"
		expect_eq "$o.bpfsig_load_pinned_count" "$n" "$(npins "$pins/bl_$o")"
	done
	"$run" sock-check sockfilter.bpfsig_load "$pins/bl_sockfilter/sock_drop_d"

	check xdp_fw.bpfsig_load.bpftool_fills_pinned_prog_array \
		bpftool map update pinned /sys/fs/bpf/xdp_jmp key 0 0 0 0 \
		value pinned "$pins/bl_xdp_fw/xdp_fw_ipv4"
	check xdp_fw.bpfsig_load.bpftool_attaches_pinned_xdp \
		bpftool net attach xdp pinned "$pins/bl_xdp_fw/xdp_fw" dev veth0
	"$run" xdp-check xdp_fw.bpfsig_load
	bpftool net detach xdp dev veth0

	tc qdisc add dev veth0 clsact
	check tc_cls.bpfsig_load.tc_attaches_pinned tc filter add dev veth0 \
		ingress bpf direct-action object-pinned "$pins/bl_tc_cls/tc_drop_port"
	"$run" tc-check tc_cls.bpfsig_load 9999
	tc qdisc del dev veth0 clsact

	mkdir "$cgroot/corpus-bl"
	check cgroup_skb.bpfsig_load.bpftool_attaches_pinned sh -c "
		bpftool cgroup attach $cgroot/corpus-bl egress pinned $pins/bl_cgroup_skb/cg_egress &&
		bpftool cgroup attach $cgroot/corpus-bl ingress pinned $pins/bl_cgroup_skb/cg_ingress &&
		bpftool cgroup attach $cgroot/corpus-bl sock_create pinned $pins/bl_cgroup_skb/cg_sock_create"
	"$run" cg-check cgroup_skb.bpfsig_load "$cgroot/corpus-bl"
	rmdir "$cgroot/corpus-bl"

	"$run" trace-pinned tracing.bpfsig_load "$pins/bl_tracing"
	rm -rf "$pins"/bl_* /sys/fs/bpf/xdp_jmp
}

# --- unmodified bpftool under bpfsig exec ------------------------------------
test_bpftool() {
	for o in $objs; do
		n=$(progs "$o" | wc -l)
		rm -f /sys/fs/bpf/xdp_jmp
		"$bpfsig" exec --sigs "$out/$o.signed.o" -- bpftool prog loadall \
			"$out/$o.signed.o" "$pins/bt_$o" >/tmp/corpus.bt 2>&1
		rc=$?
		if [ $rc = 0 ] && [ "$(npins "$pins/bt_$o")" = "$n" ]; then
			ok "$o.bpftool_loadall_via_bpfsig_exec"
		else
			not_ok "$o.bpftool_loadall_via_bpfsig_exec" \
				"exit $rc, $(npins "$pins/bt_$o") of $n programs pinned"
			sed 's/^/#   /' /tmp/corpus.bt | head -n 30
		fi
		# every program of the object was signed; at most libbpf probes
		# of bpftool's own libbpf version went unsigned
		for p in $(progs "$o" | cut -d' ' -f1); do
			if grep -q "BPF_PROG_LOAD '$(echo "$p" | cut -c1-15)'" /tmp/corpus.bt; then
				not_ok "$o.$p.bpftool_load_was_signed" "$(grep "'$p" /tmp/corpus.bt | head -n 1)"
			fi
		done
		# and so were libbpf's feature probes (bpftool carries its own libbpf)
		if grep -q 'no matching signature' /tmp/corpus.bt; then
			not_ok "$o.bpftool_all_loads_signed"
			grep 'bpfsig-preload' /tmp/corpus.bt | sort -u | sed 's/^/#   /'
		else
			ok "$o.bpftool_all_loads_signed"
		fi
		case $o in
		xdp_fw)
			check xdp_fw.bpftool.fills_pinned_prog_array bpftool map \
				update pinned /sys/fs/bpf/xdp_jmp key 0 0 0 0 \
				value pinned "$pins/bt_xdp_fw/xdp_fw_ipv4"
			check xdp_fw.bpftool.attaches_pinned_xdp bpftool net attach \
				xdp pinned "$pins/bt_xdp_fw/xdp_fw" dev veth0
			"$run" xdp-check xdp_fw.bpftool
			bpftool net detach xdp dev veth0
			rm -f /sys/fs/bpf/xdp_jmp ;;
		cgroup_skb)
			mkdir "$cgroot/corpus-bt"
			check cgroup_skb.bpftool.attaches_pinned sh -c "
				bpftool cgroup attach $cgroot/corpus-bt egress pinned $pins/bt_cgroup_skb/cg_egress &&
				bpftool cgroup attach $cgroot/corpus-bt ingress pinned $pins/bt_cgroup_skb/cg_ingress &&
				bpftool cgroup attach $cgroot/corpus-bt sock_create pinned $pins/bt_cgroup_skb/cg_sock_create"
			"$run" cg-check cgroup_skb.bpftool "$cgroot/corpus-bt"
			rmdir "$cgroot/corpus-bt" ;;
		tracing)
			"$run" trace-pinned tracing.bpftool "$pins/bt_tracing" ;;
		esac
		rm -rf "$pins/bt_$o"
	done
	# bpftool prog load: one program, pinned
	expect_run sockfilter.bpftool_prog_load_via_bpfsig_exec 0 "" \
		"$bpfsig" exec --sigs "$out/sockfilter.signed.o" -- \
		bpftool prog load "$out/sockfilter.signed.o" "$pins/bt_sock"
	"$run" sock-check sockfilter.bpftool_prog_load "$pins/bt_sock"
	rm -f "$pins/bt_sock"
}

# --- ip link set ... xdp obj / tc filter add ... bpf obj under bpfsig exec ----
test_iproute2() {
	# ip(8) loads only the program it attaches and pins the prog array in
	# its own directory; the tail call target comes from another loader
	o=$out/xdp_fw.signed.o
	check xdp_fw.ip_link_xdp_obj_via_bpfsig_exec "$bpfsig" exec --sigs "$o" -- \
		ip link set dev veth0 xdp obj "$o" program xdp_fw
	check xdp_fw.ip_link.tail_call_target_loaded_by_bpfsig_load \
		"$bpfsig" load "$o" "$pins/ip_target"
	check xdp_fw.ip_link.prog_array_filled_across_loaders \
		bpftool map update pinned /sys/fs/bpf/xdp/globals/xdp_jmp \
		key 0 0 0 0 value pinned "$pins/ip_target/xdp_fw_ipv4"
	"$run" xdp-check xdp_fw.ip_link
	ip link set dev veth0 xdp off
	rm -rf /sys/fs/bpf/xdp /sys/fs/bpf/xdp_jmp "$pins/ip_target"

	o=$out/tc_cls.signed.o
	tc qdisc add dev veth0 clsact
	check tc_cls.tc_filter_bpf_obj_via_bpfsig_exec "$bpfsig" exec --sigs "$o" -- \
		tc filter add dev veth0 ingress bpf direct-action obj "$o" sec tc
	"$run" tc-check tc_cls.tc 9999
	tc qdisc del dev veth0 clsact
	rm -rf /sys/fs/bpf/tc

	# a libbpf skeleton application (embedding the unsigned object)
	expect_run sockfilter.skeleton_app_via_bpfsig_exec 0 "^err=0\$" \
		"$bpfsig" exec --sigs "$out/sockfilter.signed.o" -- "$out/skel"

	# the same loaders without signatures: refused by the kernel
	expect_run sockfilter.skeleton_app_unsigned_refused_eperm 1 "^err=-1\$" \
		"$out/skel"
	expect_run xdp_fw.ip_link_unsigned_refused_eperm 255 "Operation not permitted" \
		ip link set dev veth0 xdp obj "$out/xdp_fw.bpf.o" program xdp_fw
	ip link set dev veth0 xdp off 2>/dev/null
	rm -rf /sys/fs/bpf/xdp
	tc qdisc add dev veth0 clsact
	expect_run tc_cls.tc_filter_unsigned_refused_eperm 1 "Operation not permitted" \
		tc filter add dev veth0 ingress bpf direct-action obj "$out/tc_cls.bpf.o" sec tc
	tc qdisc del dev veth0 clsact
	rm -rf /sys/fs/bpf/tc
}

# --- unsigned and tampered objects through the CLI -----------------------------
# One instruction byte of the object's first program changed after signing:
# bpfsig load finds no signature for it and names it (nothing reaches the
# kernel); bpftool under bpfsig exec loads it unsigned and the kernel refuses.
# (A loader that appends the old signature anyway gets EKEYREJECTED: see the
# corpus-run replays, *.one_byte_changed_ekeyrejected.)
tamper() { # OBJ...: /tmp/OBJ.tampered.o, the first program's last-but-one
	   # instruction's imm changed
	python3 - "$out" "$@" <<'PY'
import struct, sys
for obj in sys.argv[2:]:
    b = bytearray(open('%s/%s.signed.o' % (sys.argv[1], obj), 'rb').read())
    shoff, = struct.unpack_from('<Q', b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3a)
    sh = lambda i: struct.unpack_from('<IIQQQQIIQQ', b, shoff + i * shentsize)
    stroff = sh(shstrndx)[4]
    for i in range(shnum):
        name, typ, flags, _, off, size, *_ = sh(i)
        n = bytes(b[stroff + name:b.index(0, stroff + name)])
        if typ == 1 and flags & 4 and n != b'.text' and size >= 16:
            b[off + size - 16 + 4] ^= 1
            break
    open('/tmp/%s.tampered.o' % obj, 'wb').write(b)
PY
}

test_tampered_cli() {
	tamper $objs
	for o in $objs; do
		expect_run "$o.bpfsig_load_tampered_refused_names_program" 1 \
			"program '[a-z_0-9]+': no matching signature" \
			"$bpfsig" load "/tmp/$o.tampered.o"
		rm -f /sys/fs/bpf/xdp_jmp
		# refused at libbpf's first (unsigned) load: its feature probe
		expect_run "$o.bpftool_unsigned_refused_eperm" 255 \
			"Operation not permitted\(1\)" \
			bpftool prog loadall "$out/$o.bpf.o" "$pins/unsigned_$o"
		expect_eq "$o.bpftool_unsigned_nothing_pinned" 0 "$(npins "$pins/unsigned_$o")"
		rm -rf "$pins/unsigned_$o" /sys/fs/bpf/xdp_jmp "/tmp/$o.tampered.o"
	done
}

# --- what cannot work, shown ---------------------------------------------------
test_limits() {
	# a typeless ksym holds a kallsyms address of the booted kernel: flagged,
	# and signable only on the booted kernel itself (here, in the VM)
	expect_run typeless.show_flags_typeless_ksym 0 \
		"typeless ksyms \(kallsyms addresses of the booted kernel: cannot be signed ahead of boot\): bpf_prog_active" \
		"$bpfsig" show "$out/typeless.bpf.o"
	check typeless.signed_on_the_booted_kernel "$bpfsig" sign \
		--key "$out/keys/corpus.key" --cert "$out/keys/corpus.der" \
		--btf /sys/kernel/btf/vmlinux -o /tmp/typeless.signed.o "$out/typeless.bpf.o"
	expect_run typeless.loads_when_signed_on_the_booted_kernel 0 \
		"loaded typeless_addr" "$bpfsig" load /tmp/typeless.signed.o
	rm -f /tmp/typeless.signed.o
	# a module's kfunc: signing simulates a kernel with vmlinux BTF only
	expect_run modkfunc.cannot_be_signed_no_module_btf 1 \
		"extern \(func ksym\) 'bpf_[a-z_]+': not found in kernel or module BTFs" \
		"$bpfsig" sign --key "$out/keys/corpus.key" --cert "$out/keys/corpus.der" \
		--btf /sys/kernel/btf/vmlinux -o /tmp/modkfunc.signed.o "$out/modkfunc.bpf.o"
	rm -f /tmp/modkfunc.signed.o
	# a light skeleton's loader program (BPF_PROG_TYPE_SYSCALL) is generated
	# by bpftool and loads the object's programs from inside the kernel:
	# nothing bpfsig can sign today; refused
	expect_run sockfilter.light_skeleton_refused_eperm 1 "^err=-1\$" "$out/lskel"
}

# --- mainline BPF signatures (attr.signature: 7.x) ----------------------------
# sockfilter as a light skeleton signed by Debian's bpftool (`gen skeleton
# -L -S`), loaded by mainline.c with the keyring it names: with the corpus
# key (enrolled in .bpfsig by setup) or a key never enrolled.
sfs_stat() { awk -v n="$1" '$1 == n { print $2 }' $SFS/stats; }
# lines of the kernel log since mark_log (after a marker line: the ring
# buffer is full by now, its line count no longer grows); a fresh window
# for the module's rate-limited lines (5 s)
mark_log() {
	sleep 5
	marks=$((${marks:-0} + 1))
	echo "corpus: mark $marks" > /dev/kmsg
}
new_log() { dmesg | awk -v m="corpus: mark $marks" 'seen; index($0, m) { seen = 1 }'; }
# expect_lines NAME FILE PATTERN...: FILE has a line matching each pattern
expect_lines() {
	name=$1 file=$2; shift 2
	for pat in "$@"; do
		grep -Eq -- "$pat" "$file" && continue
		not_ok "$name" "no line matching '$pat' in:"
		sed 's/^/#   /' "$file" | head -n 40
		return
	done
	ok "$name"
}
# mainline_run NAME STATUS KEYRING SKEL [SESSION_CERT]: run the skeleton
# SKEL with KEYRING (in a new session keyring holding SESSION_CERT, if
# given); it exits with STATUS; its output and the kernel's new lines are
# left in /tmp/corpus.ml and /tmp/corpus.mllog
mainline_run() {
	name=$1 want=$2 ring=$3 skel=$4 cert=${5:-}
	mark_log
	if [ -n "$cert" ]; then
		keyctl session - sh -c 'keyctl padd asymmetric "" @s < "$1" >/dev/null &&
			exec "$2" -3' sh "$cert" "$skel" >/tmp/corpus.ml 2>&1
	else
		"$skel" "$ring" >/tmp/corpus.ml 2>&1
	fi
	got=$?
	new_log >/tmp/corpus.mllog
	expect_eq "$name.exit_status" "$want" "$got"
}
test_mainline() {
	ring=$(keyctl show %:.bpfsig 2>/dev/null |
		awk '/keyring: \.bpfsig$/ { print $1; exit }')
	case "$ring" in
	[0-9]*) ok mainline.bpfsig_keyring_serial ;;
	*) not_ok mainline.bpfsig_keyring_serial "keyctl show %:.bpfsig: '$ring'"; return ;;
	esac
	trusted=$out/mainline-lskel untrusted=$out/mainline-lskel-untrusted
	sfx="stage=verifier pid=[0-9]+ comm=mainline-lskel[a-z-]* prog_type=[0-9]+ insn_cnt=[0-9]+ appendix_len=0"

	# a key bpfsig trusts, keyring .bpfsig: the kernel verifies the
	# loader's signature, bpfsig accepts it and then the program it loads
	# from its signed map; the filter runs. (The loader passes its log
	# buffer on to the loads it makes: their logs replace its own.)
	m0=$(sfs_stat mainline) n0=$(sfs_stat nokey)
	mainline_run mainline.trusted_loads 0 "$ring" "$trusted"
	expect_lines mainline.trusted_loads_and_runs /tmp/corpus.ml '^err=0$' \
		'^received=A$'
	expect_lines mainline.trusted_logged /tmp/corpus.mllog \
		"bpfsig: action=allow verdict=mainline errno=0 $sfx kernel=0 prog_name=__loader.prog claimed_signer=\$" \
		"bpfsig: action=allow verdict=mainline errno=0 $sfx kernel=1 prog_name=sock_drop_d claimed_signer=\$"
	expect_eq mainline.trusted_counted "$((m0 + 2)) $n0" "$(sfs_stat mainline) $(sfs_stat nokey)"

	# a key not in .bpfsig, keyring .bpfsig: the kernel's verification
	# fails (ENOKEY); bpfsig, which let the keyring through, decides nothing
	m0=$(sfs_stat mainline)
	mainline_run mainline.untrusted_key_refused 1 "$ring" "$untrusted"
	expect_lines mainline.untrusted_key_refused_enokey /tmp/corpus.ml \
		'^err=-126$' '^log: signature verification failed: -126$'
	expect_eq mainline.untrusted_key_no_decision "0 $m0" \
		"$(grep -c 'prog_name=__loader.prog' /tmp/corpus.mllog) $(sfs_stat mainline)"

	# keyrings bpfsig does not trust: refused before the kernel verifies
	# anything (ENOKEY, verdict=nokey), whoever signed: the caller's
	# session keyring holding the signer's certificate (as bpftool prog
	# load -S does), with the corpus key or the other one; the builtin
	# trusted keys (keyring_id 0) with trust=bpfsig
	for k in trusted:"$trusted":"$out/keys/corpus.der" untrusted:"$untrusted":"$out/keys/untrusted.der" \
		builtin:"$trusted":; do
		what=${k%%:*} rest=${k#*:}
		skel=${rest%%:*} cert=${rest#*:}
		n0=$(sfs_stat nokey)
		mainline_run "mainline.keyring_$what.refused" 1 0 "$skel" "$cert"
		expect_lines "mainline.keyring_$what.refused_enokey" /tmp/corpus.ml '^err=-126$'
		expect_eq "mainline.keyring_$what.not_verified" 0 \
			"$(grep -c 'signature verification' /tmp/corpus.ml)"
		expect_lines "mainline.keyring_$what.logged" /tmp/corpus.mllog \
			"bpfsig: action=deny verdict=nokey errno=126 $sfx kernel=0 prog_name=__loader.prog claimed_signer=\$"
		expect_eq "mainline.keyring_$what.counted" "$((n0 + 1))" "$(sfs_stat nokey)"
	done

	# Debian's bpftool 7.8 itself, in the Debian 13 build root:
	# `prog load -L -S` signs a loader at load time, puts the certificate
	# in the session keyring and names that keyring: refused by bpfsig
	n0=$(sfs_stat nokey)
	mark_log
	"$top/scripts/build-root.sh" trixie -- \
		"$top/build/mainline-tools/$(uname -r)/bin/bpftool" prog load -L -S \
		-k "$out/keys/corpus.key" -i "$out/keys/corpus.der" \
		"$out/sockfilter.bpf.o" >/tmp/corpus.ml 2>&1
	# bpftool exits with the load's errno, negative: -126 & 255 = 130
	expect_eq mainline.bpftool_prog_load_S.exit_status 130 "$?"
	new_log >/tmp/corpus.mllog
	expect_lines mainline.bpftool_prog_load_S_refused_enokey /tmp/corpus.ml \
		'^err -126$' '^failed to load loader prog$'
	expect_lines mainline.bpftool_prog_load_S_logged /tmp/corpus.mllog \
		"bpfsig: action=deny verdict=nokey errno=126 stage=verifier pid=[0-9]+ comm=bpftool prog_type=31 insn_cnt=[0-9]+ appendix_len=0 kernel=0 prog_name=__loader.prog claimed_signer=\$"
	expect_eq mainline.bpftool_prog_load_S_counted "$((n0 + 1))" "$(sfs_stat nokey)"

	# trust=bpfsig+system: the builtin keys are trusted, bpfsig lets the
	# load through; the corpus key is not among them: the kernel refuses
	echo bpfsig+system > $SFS/trust
	mainline_run mainline.trust_system_builtin 1 0 "$trusted"
	echo bpfsig > $SFS/trust
	expect_lines mainline.trust_system_builtin_kernel_refuses /tmp/corpus.ml \
		'^err=-126$' '^log: signature verification failed: -126$'
	expect_eq mainline.trust_system_builtin_no_decision 0 \
		"$(grep -c 'prog_name=__loader.prog' /tmp/corpus.mllog)"

	# bpfsig's own signatures alongside, in the same boot
	expect_run mainline.bpfsig_signed_still_loads 0 "loaded sock_drop_d" \
		"$bpfsig" load "$out/sockfilter.signed.o" "$pins/ml_own"
	rm -rf "$pins/ml_own" /tmp/corpus.ml /tmp/corpus.mllog
}

main() {
	t0=$(date +%s)
	echo "# corpus: $(ls "$out"/*.signed.o 2>/dev/null | wc -l) signed objects in $out, kernel $(uname -r)"
	if [ ! -x "$run" ]; then
		not_ok built "$run missing: make -C selftests/corpus [KRELEASE=...]"
		return
	fi
	keyid=
	setup
	test_show
	"$run" test $objs
	echo "# corpus: libbpfsig tests done at $(elapsed) s"
	"$run" target $core_objs
	test_target_cli
	# built for another listed kernel (make KRELEASE=...), not for the
	# pinned one nor the debug kernel (selftests/test-debug.sh)
	if [ "$out" != "$pinned" ] && [ -e "$out/lsm_iter.pinned.o" ]; then
		test_pinned_build
	fi
	echo "# corpus: target tests done at $(elapsed) s"
	test_bpfsig_load
	echo "# corpus: bpfsig load tests done at $(elapsed) s"
	test_bpftool
	echo "# corpus: bpftool tests done at $(elapsed) s"
	test_iproute2
	test_tampered_cli
	test_limits
	if [ -x "$out/mainline-lskel" ]; then
		test_mainline
		echo "# corpus: mainline signature tests done at $(elapsed) s"
	fi
	cleanup
	echo "# corpus: done in $(elapsed) s"
	# the module's log lines are rate-limited (5 s, burst 10): leave the
	# next suite a fresh window
	sleep 5
}

# TAP numbers, assigned here so that every part can print plain ok/not ok
main 2>&1 | awk '
	/^ok corpus\./ { n++; sub(/^ok /, "ok " n " "); print; fflush(); next }
	/^not ok corpus\./ { n++; sub(/^not ok /, "not ok " n " "); print; fflush(); next }
	/^#/ { print; fflush(); next }
	{ print "# " $0; fflush() }'
