#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The test bed's checks inside the Debian host (selftests/testbed/run.sh
# boots it). Started by bpfsig-testbed.service (Type=exec) at every boot;
# the boot's name is testbed.stage=NAME on the kernel command line. Waits
# for the boot to finish, runs the checks of that stage, writes TAP lines
# to the second serial port (the host collects them), powers off.
set -u
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH LC_ALL=C
here=/usr/local/lib/bpfsig-testbed
state=/var/lib/bpfsig-testbed
SFS=/sys/kernel/security/bpfsig
mkdir -p "$state"

stage=$(sed -n 's/.*testbed\.stage=\([a-z0-9-]*\).*/\1/p' /proc/cmdline)
[ -n "$stage" ] || exit 0	# booted by hand: no tests
tapdev=/dev/ttyS1
stty -F $tapdev raw -echo 2>/dev/null
tap() { echo "$*" >>"$state/$stage.tap"; echo "$*" >$tapdev; }
: >"$state/$stage.tap"

n=0
ok() { n=$((n + 1)); tap "ok $n testbed.$stage.$1"; }
not_ok() { n=$((n + 1)); tap "not ok $n testbed.$stage.$1${2:+ # $2}"; }
comment() { sed 's/^/#   /' | while IFS= read -r l; do tap "$l"; done; }
check() {
	name=$1; shift
	if "$@" >/tmp/check.out 2>&1; then ok "$name"; else
		not_ok "$name"; comment </tmp/check.out; fi
}
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "want '$2', got '$3'"; fi
}
# expect_run NAME STATUS PATTERN COMMAND...: COMMAND exits with STATUS and
# its output matches the extended regex PATTERN
expect_run() {
	name=$1 want=$2 pat=$3; shift 3
	"$@" >/tmp/run.out 2>&1
	got=$?
	if [ "$got" = "$want" ] && { [ -z "$pat" ] || grep -Eq -- "$pat" /tmp/run.out; }; then
		ok "$name"
	else
		not_ok "$name" "exit $got (want $want), output:"
		comment </tmp/run.out
		tap "#   (wanted /$pat/)"
	fi
}
stat() { awk -v k="$1" '$1 == k { print $2 }' $SFS/stats; }
policy() { sed -n "s/^$1=//p" /run/bpfsig/boot-policy; }
finish() {
	tap "# checks took $(($(cut -d. -f1 /proc/uptime) - t_checks)) s"
	tap "# testbed-guest done $stage"
	sync
	systemctl poweroff --no-block
	exit 0
}

# --- the boot -------------------------------------------------------------
tap "# testbed stage $stage: $(uname -r), up $(cut -d' ' -f1 /proc/uptime) s"
sysstate=$(timeout 300 systemctl is-system-running --wait 2>&1)
tap "# boot finished after $(cut -d' ' -f1 /proc/uptime) s: $sysstate"
t_checks=$(cut -d. -f1 /proc/uptime)
failed=$(systemctl --failed --plain --no-legend | awk '{ print $1 }' | tr '\n' ' ' | sed 's/ $//')
journalctl -b -o short-monotonic >"$state/$stage.journal" 2>&1

# --- checks shared by the boots with bpfsig installed ----------------------
# signed/unsigned/revoked loads under enforce; with "logs", each refusal's
# line in the kernel log too (after a pause: the module's log lines are
# rate limited, 10 in 5 s, and every load libbpf makes is logged)
loads_enforced() {
	rm -rf /sys/fs/bpf/tb; mkdir -p /sys/fs/bpf/tb
	u0=$(stat unsigned) r0=$(stat revoked)
	[ "${1:-}" != logs ] || sleep 5
	expect_run unsigned_object_refused_eperm 255 'Operation not permitted' \
		bpftool prog load $here/hello.bpf.o /sys/fs/bpf/tb/unsigned
	check unsigned_refusal_counted test "$(stat unsigned)" -gt "$u0"
	[ "${1:-}" != logs ] || check unsigned_refusal_in_journal sh -c \
		"journalctl -b -k -o cat | grep -q 'bpfsig: action=deny verdict=unsigned errno=1 .*comm=bpftool'"
	[ "${1:-}" != logs ] || sleep 5
	expect_run revoked_statement_refused 1 'Key has been revoked' \
		bpfsig load $here/hello.revoked.o /sys/fs/bpf/tb/revoked
	check revoked_refusal_counted test "$(stat revoked)" -gt "$r0"
	[ "${1:-}" != logs ] || check revoked_refusal_in_journal sh -c \
		"journalctl -b -k -o cat | grep -q 'bpfsig: action=deny verdict=revoked errno=128 .*comm=bpfsig'"
	expect_run signed_object_loads_with_bpfsig_load 0 'loaded count_packets' \
		bpfsig load $here/hello.signed.o /sys/fs/bpf/tb/load
	expect_run signed_object_loads_with_bpfsig_exec_bpftool 0 '' \
		bpfsig exec --sigs $here/hello.signed.o -- \
		bpftool prog loadall $here/hello.signed.o /sys/fs/bpf/tb/exec
	check bpftool_pinned_the_program test -e /sys/fs/bpf/tb/exec/count_packets
	rm -rf /sys/fs/bpf/tb
}

# The policy of the configuration made for the first boot (mkimage.sh):
# enforce, locked, two keys, one object's statements revoked.
policy_as_configured() {
	check module_loaded test -d /sys/module/bpfsig
	expect_eq module_from_dkms "/lib/modules/$(uname -r)/updates/dkms/bpfsig.ko" \
		"$(modinfo -n bpfsig 2>&1)"
	expect_eq applied_by_initramfs initramfs "$(policy applied_by)"
	expect_eq applied_without_error 0 "$(policy errors)"
	expect_eq mode_enforce enforce "$(cat $SFS/mode)"
	expect_eq locked 1 "$(cat $SFS/lock)"
	expect_eq mode_from_config "/etc/bpfsig/bpfsig.conf" "$(policy mode.from | cut -d: -f1)"
	expect_eq two_keys_enrolled 2 "$(policy keys)"
	expect_eq systemd_loader_added 1 "$(policy loaders)"
	check keys_listed_by_bpfsig sh -c "bpfsig key list > /tmp/keys &&
		grep -q 'bpfsig testbed one' /tmp/keys && grep -q 'bpfsig testbed two' /tmp/keys"
	expect_eq revocations_applied "$(grep -c '^[0-9a-f]' /etc/bpfsig/revoked)" \
		"$(grep -c . $SFS/revoke)"
	expect_eq service_active active "$(systemctl is-active bpfsig.service)"
	check service_reports_initramfs sh -c \
		"journalctl -b -u bpfsig.service | grep -q 'policy applied by the initramfs'"
	expect_run status_shows_boot_policy 0 'applied_by: initramfs' bpfsig status
	check status_shows_where_mode_came_from sh -c \
		"bpfsig status | grep -Eq 'mode.from: /etc/bpfsig/bpfsig.conf:[0-9]+'"
}

# systemd 252 generates its cgroup programs at run time, unsigned: PID 1 is
# a trusted loader for cgroup_device and cgroup_skb (/etc/bpfsig/loaders.d/
# systemd.loader, recorded by the package), so that under enforce, locked
# from boot, units get their device ACLs and IP firewalls.
sd=/usr/lib/systemd/systemd
sd_sum=$(sha256sum $sd | cut -c1-64)
systemd_bpf_trusted() {
	# counters taken before any other check loads anything
	expect_eq systemd_nothing_refused_at_boot "0 0" "$1"
	check systemd_loads_counted_as_loader test "$(stat loader)" -gt 0
	check systemd_loads_logged_as_loader sh -c "dmesg | grep -q \
'bpfsig: action=allow verdict=loader errno=0 stage=verifier pid=1 comm=systemd .* loader=trusted loader_digest=$sd_sum loader_path=$sd\$'"
	check no_systemd_refusal_logged sh -c "! dmesg | grep 'bpfsig: action=deny .*comm=systemd'"
	check journal_no_acl_warning sh -c "! journalctl -b -o cat | grep 'WITHOUT applying ACL'"
	check journal_no_firewall_warning sh -c \
		"! journalctl -b -o cat | grep 'does not support BPF/cgroup firewalling'"
	expect_run loader_entry_listed 0 \
		"^bpfsig-loader-v1 sha256=$sd_sum types=8,15 path=$sd signed=0\$" \
		bpfsig loader list
	# the protections in force
	expect_run device_policy_closed_block_device_eperm 1 \
		"'/dev/vda'.*Operation not permitted" \
		systemd-run --quiet --wait --pipe -p DevicePolicy=closed \
		head -c 512 /dev/vda
	expect_run device_acl_strict_eperm 1 'Operation not permitted' \
		systemd-run --quiet --wait --pipe -p DevicePolicy=strict \
		-p DeviceAllow=/dev/null head -c 1 /dev/zero
	expect_run ip_address_deny_udp_eperm 1 'Operation not permitted' \
		systemd-run --quiet --wait --pipe -p IPAddressDeny=any \
		bash -c 'echo x >/dev/udp/127.0.0.1/9'
	expect_run ip_address_deny_ping_fails 1 '' \
		systemd-run --quiet --wait --pipe -p IPAddressDeny=any \
		ping -c 1 -W 2 127.0.0.1
	for u in systemd-journald systemd-logind; do
		check "${u#systemd-}_device_program_attached" sh -c \
			"bpftool cgroup show /sys/fs/cgroup/system.slice/$u.service | grep -Eq '^ *[0-9]+ +(cgroup_)?device '"
	done
	# what the module trusts: systemd's executable, whatever code runs in
	# it (loadonce.so, preloaded), for its two types only; not a copy of
	# it with one byte changed
	expect_run trusted_systemd_loads_cgroup_skb 0 '' \
		env LD_PRELOAD=$here/loadonce.so TB_PROG_TYPE=8 $sd
	expect_run trusted_systemd_socket_filter_eprototype 91 '' \
		env LD_PRELOAD=$here/loadonce.so TB_PROG_TYPE=1 $sd
	cp $sd /tmp/systemd-copy
	size=$(wc -c <$sd)  # (stat is the counters function here)
	b=$(od -An -tu1 -j $((size - 1)) -N1 $sd | tr -d ' ')
	# shellcheck disable=SC2059
	printf "\\$(printf %o $(((b + 1) % 256)))" |
		dd of=/tmp/systemd-copy bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
	expect_eq systemd_copy_differs_by_one_byte 1 "$(cmp -l $sd /tmp/systemd-copy | wc -l)"
	expect_run changed_systemd_copy_eperm 1 '' \
		env LD_PRELOAD=$here/loadonce.so TB_PROG_TYPE=8 /tmp/systemd-copy
	rm -f /tmp/systemd-copy
}

case "$stage" in
install)
	# Packages installed with apt in the root filesystem, configured, first boot.
	at_boot="$(stat unsigned) $(stat loader_type)"
	expect_eq boot_completes_running running "$sysstate"
	expect_eq no_failed_units "" "$failed"
	policy_as_configured
	check no_bpfsig_errors_in_journal sh -c \
		"! journalctl -b -p err -o cat | grep -i bpfsig"
	check module_signed_by_dkms_key sh -c \
		"modinfo -F signer bpfsig | grep -q 'DKMS module signing key'"
	loads_enforced logs
	expect_run locked_mode_not_lowered 1 'locked' bpfsig mode permissive
	expect_run locked_module_not_unloaded 1 '' rmmod bpfsig
	systemd_bpf_trusted "$at_boot"
	# what the next boot must apply again
	{ cat $SFS/mode $SFS/lock; bpfsig key list | cut -f2 | sort; sort $SFS/revoke; } \
		>"$state/policy-install"
	# last (the next boot adds it again): a removed entry is not trusted
	# from the next load on, locked or not
	expect_run locked_loader_entry_removed 0 '' bpfsig loader remove $sd
	expect_run removed_loader_eperm 1 '' \
		env LD_PRELOAD=$here/loadonce.so TB_PROG_TYPE=8 $sd
	;;
second)
	# The same configuration, booted again.
	expect_eq boot_completes_running running "$sysstate"
	policy_as_configured
	{ cat $SFS/mode $SFS/lock; bpfsig key list | cut -f2 | sort; sort $SFS/revoke; } \
		>"$state/policy-second"
	check same_policy_as_first_boot cmp "$state/policy-install" "$state/policy-second"
	loads_enforced
	# An upgrade of systemd to another build (mkimage.sh), on the locked
	# host: the trigger records the new binary for the next boot and says
	# loudly that until then systemd is not trusted; systemd's postinst
	# re-executes PID 1, whose loads are refused as "file_changed".
	sleep 6	# the module's log lines are rate limited
	expect_run systemd_upgrade_says_reboot 0 \
		"loaders.d/systemd.loader: the policy is locked: .* until then $sd is not trusted .*: reboot now" \
		dpkg -i /var/cache/testbed/systemd_*+bpfsigtest1_amd64.deb
	new_sum=$(sha256sum $sd | cut -c1-64)
	check systemd_upgrade_changed_the_binary test "$new_sum" != "$sd_sum"
	expect_eq upgrade_entry_recorded_again \
		"bpfsig-loader-v1 sha256=$new_sum types=8,15 path=$sd" \
		"$(cat /etc/bpfsig/loaders.d/systemd.loader)"
	check upgrade_asks_for_reboot test -e /run/reboot-required
	check upgraded_systemd_refused_file_changed sh -c "dmesg | grep -q \
'bpfsig: action=deny verdict=unsigned errno=1 stage=verifier pid=1 comm=systemd .* loader=file_changed loader_digest=$new_sum loader_path=$sd\$'"
	# Break the configuration for the next boot: an unknown mode, a file
	# that is not a certificate, one that cannot be read.
	cp /etc/bpfsig/bpfsig.conf "$state/bpfsig.conf.good"
	sed -i 's/^mode = .*/mode = enforcing/' /etc/bpfsig/bpfsig.conf
	echo "not a certificate" >/etc/bpfsig/keys.d/garbage.pem
	ln -s /nonexistent/gone.der /etc/bpfsig/keys.d/gone.der
	;;
broken)
	# Documented outcome (bpfsig.conf(5), ERRORS): fail closed (enforce),
	# not locked, valid keys enrolled, each error in the journal, the unit
	# failed, the boot complete.
	expect_eq boot_completes_degraded degraded "$sysstate"
	expect_eq only_bpfsig_service_failed bpfsig.service "$failed"
	expect_eq mode_enforce_fail_closed enforce "$(cat $SFS/mode)"
	expect_eq not_locked_on_error 0 "$(cat $SFS/lock)"
	expect_eq mode_from_says_fail_closed "fail-closed: error in /etc/bpfsig/bpfsig.conf" \
		"$(policy mode.from)"
	expect_eq valid_keys_still_enrolled 2 "$(policy keys)"
	# systemd upgraded in the second boot: its new build trusted from boot
	expect_eq upgraded_systemd_loader_added 1 "$(policy loaders)"
	check upgraded_systemd_loads_as_loader sh -c "dmesg | grep -q \
'bpfsig: action=allow verdict=loader errno=0 stage=verifier pid=1 comm=systemd .* loader=trusted loader_digest=$sd_sum loader_path=$sd\$'"
	check upgraded_no_firewall_warning sh -c \
		"! journalctl -b -o cat | grep 'does not support BPF/cgroup firewalling'"
	journalctl -b -o cat -t bpfsig-apply >/tmp/apply.log
	check journal_names_unknown_mode grep -Eq \
		"^/etc/bpfsig/bpfsig.conf:[0-9]+: mode: unknown value 'enforcing' \\(expected off, permissive or enforce\\)$" /tmp/apply.log
	check journal_names_bad_certificate grep -qx \
		'/etc/bpfsig/keys.d/garbage.pem: not an X.509 certificate (PEM or DER)' /tmp/apply.log
	check journal_names_unreadable_file grep -qx \
		'/etc/bpfsig/keys.d/gone.der: cannot be read (No such file or directory)' /tmp/apply.log
	expect_eq lock_from_says_fail_closed "fail-closed: error in /etc/bpfsig/bpfsig.conf" \
		"$(policy lock.from)"
	check unit_repeats_errors sh -c "journalctl -b -u bpfsig.service -p err -o cat |
		grep -q 'at boot (initramfs): /etc/bpfsig/keys.d/garbage.pem'"
	loads_enforced
	# Repair without a reboot (the policy is not locked): fix the files,
	# restart the unit; the configured lock then applies.
	cp "$state/bpfsig.conf.good" /etc/bpfsig/bpfsig.conf
	rm -f /etc/bpfsig/keys.d/garbage.pem /etc/bpfsig/keys.d/gone.der
	expect_run check_after_repair 0 'errors=0' bpfsig-apply --check
	check repaired_by_restart systemctl restart bpfsig.service
	expect_eq repaired_service_active active "$(systemctl is-active bpfsig.service)"
	expect_eq repaired_locked 1 "$(cat $SFS/lock)"
	expect_eq repaired_no_failed_units "" \
		"$(systemctl --failed --plain --no-legend | awk '{ print $1 }')"
	;;
recover)
	# The locked host booted with bpfsig.mode=permissive bpfsig.lock=no.
	expect_eq boot_completes_running running "$sysstate"
	expect_eq mode_permissive_from_cmdline permissive "$(cat $SFS/mode)"
	expect_eq not_locked_from_cmdline 0 "$(cat $SFS/lock)"
	expect_eq mode_from_kernel_command_line "kernel command line" "$(policy mode.from)"
	expect_eq keys_enrolled 2 "$(policy keys)"
	a0=$(stat unsigned)
	expect_run unsigned_loads_in_permissive 0 '' \
		bpftool prog load $here/hello.bpf.o /sys/fs/bpf/recover
	check unsigned_still_counted test "$(stat unsigned)" -gt "$a0"
	rm -f /sys/fs/bpf/recover
	# Not locked: the module can go (the packages are purged next, from
	# the host: scripts/testbed/purge.sh).
	check unlocked_module_unloads rmmod bpfsig
	;;
removed)
	# After the purge (scripts/testbed/purge.sh): a host without bpfsig.
	expect_eq boot_completes_running running "$sysstate"
	expect_eq no_failed_units "" "$failed"
	check no_module test ! -d /sys/module/bpfsig
	check nothing_in_journal_from_bpfsig sh -c \
		"! journalctl -b -o cat | grep -v bpfsig-testbed | grep -i bpfsig"
	expect_run unsigned_object_loads 0 '' \
		bpftool prog load $here/hello.bpf.o /sys/fs/bpf/removed
	rm -f /sys/fs/bpf/removed
	expect_run systemd_ip_firewall_applies_again 1 '' \
		systemd-run --quiet --wait --pipe -p IPAddressDeny=any \
		ping -c 1 -W 2 127.0.0.1
	expect_run systemd_device_acl_applies_again 1 'Operation not permitted' \
		systemd-run --quiet --wait --pipe -p DevicePolicy=strict \
		-p DeviceAllow=/dev/null head -c 1 /dev/zero
	;;
*)
	not_ok "unknown_stage" "$stage"
	;;
esac
finish
