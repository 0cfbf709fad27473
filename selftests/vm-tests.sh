#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The in-VM part of the test suite: runs as root inside the test VM
# (scripts/vm-run.sh), on the pinned Debian kernel. Prints TAP-style
# "ok"/"not ok" lines that selftests/run.sh counts.
#   selftests/vm-tests.sh [main|soak|lock-param]
# soak: the soak alone (selftests/soak.sh), in a boot of its own that
# selftests/run.sh gives single-threaded TCG (scripts/vm-run.sh
# --tcg-thread single): it loads and unloads the module, so that ftrace
# patches bpf_check() and bpf_prog_load() while other CPUs run them.
# On a kernel other than the pinned one (selftests/kernels.sh):
# BPFSIG_KO, BPFSIG_TEST_MODULES (directory of the test modules),
# BPFSIG_KDIR (the kernel's tree, as build/kernel), BPFSIG_LEAN=1 (the
# module's own suites only: no stress, and no corpus of real programs
# unless BPFSIG_CORPUS_DIR names one), BPFSIG_CORPUS_DIR (the corpus built
# for this kernel, build/corpus-RELEASE, or on the debug kernel the corpus
# signed for its BTF: run it, lean or not).
# On the debug kernel (selftests/test-debug.sh): BPFSIG_SELFTESTS_BIN (the
# suites built with a longer harness timeout), BPFSIG_NO_STRESS_SOAK=1 (the
# stress runs in a boot of its own, as the soak always does).
set -u
phase=${1:-main}
top=$(pwd)
ko=${BPFSIG_KO:-$top/bpfsig.ko}
kdir=${BPFSIG_KDIR:-$top/build/kernel}
bin=${BPFSIG_SELFTESTS_BIN:-$top/build/selftests}
export BPFSIG_TEST_KEYS=$top/build/selftests/keys
SFS=/sys/kernel/security/bpfsig
. "$top/selftests/lib.sh"
. "$top/selftests/cli-vm.sh"
. "$top/selftests/record-vm.sh"

run_suite() { # BINARY
	echo "# suite $1"
	"$bin/$1" 2>&1
}

# sha384/sha512 are modules in this kernel; the module's softdep loads them
# under modprobe, insmod needs them loaded first.
modprobe -d "$kdir" sha512_generic 2>/dev/null || true

if [ "$phase" = soak ]; then
	"$top/selftests/soak.sh" 2>&1
	echo "# vm-tests done"
	exit 0
fi

if [ "$phase" = lock-param ]; then
	# A fresh boot: the module locked from the start. lock_test loads it
	# itself (mode=enforce lock=1), watching its init half-way.
	export BPFSIG_INSMOD=$ko BPFSIG_LOCKED_AT_LOAD=1
	run_suite lock_test
	check module_loaded_locked grep -q '^bpfsig ' /proc/modules
	expect_eq lock_param_locks 1 "$(cat $SFS/lock)"
	check lock_param_mode_not_lowered sh -c "! echo off > $SFS/mode"
	expect_eq lock_param_mode_enforce enforce "$(cat $SFS/mode)"
	check lock_param_rmmod_refused sh -c "! rmmod bpfsig 2>/dev/null"
	if cat "$BPFSIG_TEST_KEYS/spare.der" > $SFS/key_add 2>/tmp/err; then
		not_ok lock_param_unchained_key_refused
	else
		check lock_param_unchained_key_refused_enokey grep -q 'Required key not available' /tmp/err
	fi
	echo "# vm-tests done"
	exit 0
fi

# --- kernel.ftrace_enabled=0: bpfsig cannot be a permanent ftrace user ----
# (7.x: the knob can no longer turn ftrace off; nothing to refuse)
if [ "$(uname -r | cut -d. -f1)" -ge 7 ]; then
	echo "ok 1 refused_without_ftrace # SKIP kernel.ftrace_enabled cannot be 0 on 7.x"
else
echo 0 > /proc/sys/kernel/ftrace_enabled
if insmod "$ko" 2>/tmp/err; then
	not_ok refused_without_ftrace; rmmod bpfsig
else
	check refused_without_ftrace_ebusy grep -q 'Device or resource busy' /tmp/err
fi
check ftrace_off_explained sh -c "dmesg | grep -q 'bpfsig: cannot hook bpf_check(): function tracing is off (kernel.ftrace_enabled=0)'"
check ftrace_off_not_blamed_on_another_user sh -c "! dmesg | grep -q 'already redirected by another ftrace user'"
fi
echo 1 > /proc/sys/kernel/ftrace_enabled

# --- load, defaults, unload ---------------------------------------------
cli_without_module
check module_loads insmod "$ko"
expect_eq default_mode_permissive permissive "$(cat $SFS/mode 2>&1)"
expect_eq default_unlocked 0 "$(cat $SFS/lock 2>&1)"
expect_eq keyring_exists 1 "$(grep -c ' keyring *\.bpfsig: empty' /proc/keys)"
expect_eq require_kernel_sig_default Y \
	"$(cat /sys/module/bpfsig/parameters/require_kernel_sig)"
check load_logged sh -c "dmesg | grep -q 'bpfsig: loaded: mode=permissive lock=0 trust=bpfsig '"
check module_unloads rmmod bpfsig
check securityfs_gone_after_unload test ! -e $SFS
expect_eq keyring_gone_after_unload 0 "$(grep -c ' keyring *\.bpfsig' /proc/keys)"
if insmod "$ko" mode=bogus 2>/tmp/err; then
	not_ok bad_mode_param_refused; rmmod bpfsig
else
	ok bad_mode_param_refused
fi
if insmod "$ko" trust=system 2>/tmp/err; then
	not_ok bad_trust_param_refused; rmmod bpfsig
else
	check bad_trust_param_refused_einval sh -c "grep -q 'Invalid parameters' /tmp/err && dmesg | grep -q \"bpfsig: \\\`system' invalid for parameter \\\`trust'\""
fi

if insmod "$ko" cache_size=16385 2>/tmp/err; then
	not_ok cache_size_above_max_refused; rmmod bpfsig
else
	check cache_size_above_max_refused_erange sh -c "grep -q 'Numerical result out of range' /tmp/err && dmesg | grep -q \"bpfsig: \\\`16385' invalid for parameter \\\`cache_size'\""
fi
check cache_size_max_loads sh -c "insmod '$ko' cache_size=16384 && grep -q '^cache_size 16384\$' $SFS/stats && rmmod bpfsig"
if insmod "$ko" cache_insns_kib=262145 2>/tmp/err; then
	not_ok cache_insns_kib_above_max_refused; rmmod bpfsig
else
	check cache_insns_kib_above_max_refused_erange sh -c "grep -q 'Numerical result out of range' /tmp/err && dmesg | grep -q \"bpfsig: \\\`262145' invalid for parameter \\\`cache_insns_kib'\""
fi
check cache_insns_kib_default sh -c "insmod '$ko' && grep -q '^cache_insns_kib 4096\$' $SFS/stats && grep -q '^cache_insns_bytes 0\$' $SFS/stats && rmmod bpfsig"

# --- enforce: the main suites ----------------------------------------------
check module_loads_enforce insmod "$ko" mode=enforce
expect_eq param_mode_enforce enforce "$(cat $SFS/mode)"
# the bpfsig CLI against the module
cli_with_module
# bpfsig record: a loader whose loads signing its objects cannot foresee
record_with_module
run_suite format_test
run_suite securityfs_test
run_suite gate_test
run_suite malformed_test
# before keyring_test, which fills the revocation list
run_suite cache_test
run_suite keyring_test
run_suite trust_test
run_suite kernel_load_test
run_suite loader_test

# the corpus of real programs (selftests/corpus/), when built
lean=${BPFSIG_LEAN:-0}
if [ -x "$top/selftests/corpus/run-vm.sh" ] &&
   { [ "$lean" = 0 ] || [ -n "${BPFSIG_CORPUS_DIR:-}" ]; }; then
	"$top/selftests/corpus/run-vm.sh" 2>&1
fi

# .bpfsig is changed through securityfs only; keyutils still lists it
if keyctl padd asymmetric "" %:.bpfsig < "$BPFSIG_TEST_KEYS/spare.der" 2>/tmp/err; then
	not_ok keyctl_padd_refused
else
	check keyctl_padd_refused_eacces grep -q 'Permission denied' /tmp/err
fi
exec 3<> $SFS/key_add
cat "$BPFSIG_TEST_KEYS/spare.der" >&3
read -r id <&3
exec 3>&-
case "$id" in
[0-9]*) ok securityfs_key_add_enrolls ;;
*) not_ok securityfs_key_add_enrolls "$id" ;;
esac
check keyctl_lists_keyring sh -c "keyctl rdescribe %:.bpfsig | grep -q '^keyring;0;0;0f0b0000;.bpfsig$'"
check keyctl_lists_key sh -c "keyctl show %:.bpfsig | grep -q '^ *$id .* asymmetric: bpfsig test spare'"
check keyctl_unlink_refused sh -c "! keyctl unlink $id %:.bpfsig"
check securityfs_key_remove_removes sh -c "echo $id > $SFS/key_remove"
check key_removed sh -c "! keyctl show %:.bpfsig | grep -q '^ *$id '"

# the log line and audit record formats
run_suite log_test

run_suite unload_test
check unloaded_after_unload_test sh -c "! grep -q '^bpfsig ' /proc/modules"

# --- another IPMODIFY user of bpf_check() ------------------------------------
holder=${BPFSIG_TEST_MODULES:-$top/selftests/modules}/ipmodify_holder.ko
check holder_loads insmod "$holder"
if insmod "$ko" 2>/tmp/err; then
	not_ok refused_next_to_ipmodify_user; rmmod bpfsig
else
	check refused_next_to_ipmodify_user_ebusy grep -q 'Device or resource busy' /tmp/err
fi
check ebusy_explained sh -c "dmesg | grep -q 'bpfsig: bpf_check() is already redirected by another ftrace user'"
check holder_unloads rmmod ipmodify_holder
check module_loads_after_holder insmod "$ko"
if insmod "$holder" 2>/tmp/err; then
	not_ok holder_refused_next_to_bpfsig; rmmod ipmodify_holder
else
	check holder_refused_next_to_bpfsig_ebusy grep -q 'Device or resource busy' /tmp/err
fi
check module_unloads_after_holder rmmod bpfsig

# --- require_chain: only keys vouched for by the builtin/secondary keys ------
check module_loads_require_chain insmod "$ko" require_chain=1 trust=bpfsig+system
expect_eq trust_param_system bpfsig+system "$(cat /sys/module/bpfsig/parameters/trust)"
expect_eq trust_file_system bpfsig+system "$(cat $SFS/trust)"
if cat "$BPFSIG_TEST_KEYS/spare.der" > $SFS/key_add 2>/tmp/err; then
	not_ok require_chain_refuses_self_signed
else
	check require_chain_refuses_self_signed_enokey grep -q 'Required key not available' /tmp/err
fi
check module_unloads_require_chain rmmod bpfsig

# --- kernel-originated loads exempt ------------------------------------------
check module_loads_kernel_exempt insmod "$ko" mode=enforce require_kernel_sig=0
run_suite kernel_load_test
check module_unloads_kernel_exempt rmmod bpfsig

# --- cache_insns_kib=1: the cache's budget for instructions (cache_test) ----
check module_loads_insns_budget insmod "$ko" mode=enforce cache_insns_kib=1
expect_eq insns_budget_in_stats 1 "$(sed -n 's/^cache_insns_kib //p' $SFS/stats)"
run_suite cache_test
check module_unloads_insns_budget rmmod bpfsig

# --- stress (Documentation/reliability.md; the soak has a phase of its own) --
if [ "$lean" = 0 ] && [ "${BPFSIG_NO_STRESS_SOAK:-0}" = 0 ]; then
	"$top/selftests/stress.sh" 2>&1
fi

# --- lock at run time, last: the lock holds until reboot ------------------
check module_loads_for_lock insmod "$ko" mode=enforce
check enroll_before_lock sh -c "cat $BPFSIG_TEST_KEYS/rsa2048.der > $SFS/key_add"
check trust_system_before_lock sh -c "echo bpfsig+system > $SFS/trust"
cli_lock
run_suite lock_test
# trusted loaders once locked: only signed entries (rsa2048, enrolled above)
BPFSIG_LOADER_LOCKED=1 run_suite loader_test
check trust_narrowed_after_lock sh -c "dmesg | grep -q 'bpfsig: trust bpfsig+system -> bpfsig by pid='"
check rmmod_refused_locked sh -c "! rmmod bpfsig 2>/dev/null"

# --- the kernel log ----------------------------------------------------------
if dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection|refcount_t|list_del corruption' >/tmp/bad; then
	not_ok dmesg_clean; sed 's/^/#   /' /tmp/bad
else
	ok dmesg_clean
fi
dmesg > "${BPFSIG_VM_OUT:-/tmp}/dmesg-tests.txt"
echo "# vm-tests done"
