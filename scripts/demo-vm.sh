#!/bin/sh
# The in-VM half of scripts/demo.sh.
set -u
top=$(pwd)
bpfsig=$top/tools/bpfsig/bpfsig
out=$top/build/demo
step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; echo "(exit status $?)"; }

modprobe -d "$top/build/kernel" sha512_generic 2>/dev/null
step "load bpfsig, enforcing"
run insmod "$top/bpfsig.ko" mode=enforce
step "enroll the signing certificate in the .bpfsig keyring"
run "$bpfsig" key add "$top/keys/signing_key.x509"
run "$bpfsig" key list
step "an unsigned object: refused before the verifier runs"
run bpftool prog load "$out/hello.bpf.o" /sys/fs/bpf/unsigned
step "the signed object, loaded and pinned with bpfsig load"
run "$bpfsig" load "$out/hello.signed.o" /sys/fs/bpf/hello
run bpftool prog show pinned /sys/fs/bpf/hello/count_packets
step "the same signed object through an unmodified loader (bpftool)"
run "$bpfsig" exec --sigs "$out/hello.signed.o" -- \
	bpftool prog loadall "$out/hello.signed.o" /sys/fs/bpf/hello2
step "the signed object with one instruction byte changed after signing"
run "$bpfsig" load "$out/hello.tampered.o" /sys/fs/bpf/tampered
step "what the kernel logged (refusals, then the last acceptance)"
dmesg | grep 'bpfsig: action=deny' | tail -n 3
dmesg | grep 'bpfsig: action=allow' | tail -n 1
step "counters"
run "$bpfsig" status
