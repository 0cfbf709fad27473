# SPDX-License-Identifier: GPL-2.0
# Sourced by the VM stress and soak scripts (after lib.sh): is the kernel log
# clean while a test runs? A follower copies every new record to a file, so
# that a long run cannot lose a splat to a wrapped ring buffer.
#   dmesg_mark NAME     start following, before the test
#   dmesg_check NAME    stop; TAP line vm.NAME.dmesg_clean

dmesg_bad='WARNING:|BUG:|Oops|Call Trace|general protection|refcount_t:|list_del corruption|KASAN|UBSAN|kmemleak|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|blocked for more than|stack-protector'

# dmesg_wait FILE TEXT: until TEXT is in FILE (at most 10 s)
dmesg_wait() {
	i=0
	while ! grep -qF "$2" "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

dmesg_mark() {
	dmesg_log=/tmp/dmesg-$1.log
	dmesg_tag="bpfsig-selftest-$1-$$"
	dmesg --follow-new >"$dmesg_log" 2>&1 &
	dmesg_pid=$!
	sleep 0.2
	echo "$dmesg_tag start" >/dev/kmsg
	dmesg_wait "$dmesg_log" "$dmesg_tag start"
}

dmesg_check() {
	echo "$dmesg_tag end" >/dev/kmsg
	dmesg_wait "$dmesg_log" "$dmesg_tag end"
	kill "$dmesg_pid" 2>/dev/null || true
	wait "$dmesg_pid" 2>/dev/null || true
	if ! grep -qF "$dmesg_tag end" "$dmesg_log"; then
		not_ok "$1.dmesg_clean" "the kernel log was not followed to the end"
	elif grep -E "$dmesg_bad" "$dmesg_log" >/tmp/dmesg-$1.bad; then
		not_ok "$1.dmesg_clean" "$(wc -l </tmp/dmesg-$1.bad) bad lines:"
		head -n 40 /tmp/dmesg-$1.bad | sed 's/^/#   /'
	else
		ok "$1.dmesg_clean" "$(wc -l <"$dmesg_log") lines followed"
	fi
	cp "$dmesg_log" "${BPFSIG_VM_OUT:-/tmp}/dmesg-$1.txt" 2>/dev/null || true
}
