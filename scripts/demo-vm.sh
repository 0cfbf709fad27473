#!/bin/sh
# The in-VM half of scripts/demo.sh: BPFSIG_KO is the module built for the
# booted kernel, BPFSIG_KDIR that kernel unpacked (as build/kernel).
set -u
top=$(pwd)
ko=${BPFSIG_KO:-$top/bpfsig.ko}
kdir=${BPFSIG_KDIR:-$top/build/kernel}
bpfsig=$top/tools/bpfsig/bpfsig
out=$top/build/demo
loadraw=$out/load-raw
step() { printf '\n== %s\n' "$*"; }
say() { printf '%s\n' "$@" | fold -s -w 78 | sed 's/ *$//'; }
run() { printf '$ %s\n' "$*"; "$@"; echo "(exit status $?)"; }

# The kernel's decision lines logged since mark(), if any; the kernel's
# "callbacks suppressed" too, should its rate limit drop some.
mark() { from=$(($(dmesg | wc -l) + 1)); }
kernel_said() {
	echo "-- the kernel log:"
	dmesg | tail -n +"$from" | grep -E 'bpfsig: action=|callbacks suppressed' ||
		echo "(no bpfsig decision: nothing reached the kernel)"
}
# The kernel logs at most 10 decision lines every 5 s (printk's rate limit):
# wait out the window before a step whose lines are shown.
fresh_window() { sleep 5; }

modprobe -d "$kdir" sha512_generic 2>/dev/null
step "load bpfsig, enforcing, on $(uname -r)"
run insmod "$ko" mode=enforce
step "enroll the signing certificate in the .bpfsig keyring"
run "$bpfsig" key add "$top/keys/signing_key.x509"
run "$bpfsig" key list

step "unsigned: an object loaded by an unmodified loader (bpftool), refused"
mark
run bpftool prog load "$out/hello.bpf.o" /sys/fs/bpf/unsigned
kernel_said
say "-- what libbpf's message means here: before the object's programs, \
libbpf loads tiny test programs of its own (feature probes: 2 instructions, \
no name). bpfsig refused them, unsigned (errno 1, EPERM: verdict=unsigned \
above), and libbpf reports any refusal of its \"trivial BPF program\" as \
\"Couldn't load trivial BPF program. Make sure your kernel supports BPF ... \
RLIMIT_MEMLOCK\": neither is the cause here. The object's own program was \
never sent. Load signed \
objects with 'bpfsig load', or run the loader under 'bpfsig exec --sigs', \
which sign libbpf's probes too."

step "unsigned: a raw program, refused at the syscall stage (errno 1, EPERM)"
mark
run "$loadraw" "$out/drop.bin" drop_all
kernel_said

step "the signed object, loaded and pinned with bpfsig load"
fresh_window
mark
run "$bpfsig" load "$out/hello.signed.o" /sys/fs/bpf/hello
kernel_said
run bpftool prog show pinned /sys/fs/bpf/hello/count_packets
step "the same signed object through an unmodified loader (bpftool)"
fresh_window
mark
run "$bpfsig" exec --sigs "$out/hello.signed.o" -- \
	bpftool prog loadall "$out/hello.signed.o" /sys/fs/bpf/hello2
kernel_said

step "tampered, caught by bpfsig load itself (the kernel never sees it)"
say "One instruction byte of hello.tampered.o changed after signing. bpfsig \
load appends to each load the signature whose statement matches the \
program; the changed program matches none, so the tool refuses it itself \
(\"no matching signature\", reported by libbpf as \"Required key not \
available\", ENOKEY) and does not send it. Only libbpf's probes, signed, \
reach the kernel."
fresh_window
mark
run "$bpfsig" load "$out/hello.tampered.o" /sys/fs/bpf/tampered
kernel_said
dmesg | tail -n +"$from" | grep -q 'prog_name=count_packets ' ||
	echo "(no decision for count_packets: the tool did not send it)"

step "the signed raw program, as signed: accepted"
mark
run "$loadraw" "$out/drop.signed.bin" drop_all
kernel_said
step "tampered, refused by the kernel (errno 129, EKEYREJECTED)"
say "The same file with one bit of its first instruction flipped after \
signing, its signature still appended: load-raw sends it as it is. The \
syscall stage finds a valid signature for a 2-instruction socket filter; \
the verifier stage hashes the instructions, finds another digest than the \
signed one, and refuses the load."
mark
run "$loadraw" "$out/drop.tampered.bin" drop_all
kernel_said

step "counters"
run "$bpfsig" status
