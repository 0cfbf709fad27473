#!/bin/sh
# The main job: install what bpfsig needs (Debian 12, as root), build the
# module and tools, sign a demo BPF object, then boot the pinned Debian
# kernel in QEMU and show the module enforcing: the signed program loads,
# the unsigned and tampered ones are refused with the reason.
#   scripts/demo.sh [--no-deps]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "${1:-}" = "--no-deps" ] || scripts/install-deps.sh

make -s module tools
make -s -C keys

out=build/demo
mkdir -p "$out"
clang -target bpf -O2 -g -I/usr/include/"$(uname -m)"-linux-gnu \
	-c demo/hello.bpf.c -o "$out/hello.bpf.o"
# Sign every program of the object, as libbpf will load it, for the
# target kernel's BTF.
tools/bpfsig/bpfsig sign --key keys/signing_key.pem \
	--cert keys/signing_key.x509 -o "$out/hello.signed.o" "$out/hello.bpf.o"
# A copy with one byte of the program's code changed after signing.
cp "$out/hello.signed.o" "$out/hello.tampered.o"
# The imm of the instruction before "exit": the step added to the counter.
scripts/flip-byte.py "$out/hello.tampered.o" socket -12

echo "== signed object, as bpfsig sees it offline"
tools/bpfsig/bpfsig show "$out/hello.signed.o"
echo
echo "== booting Debian's $(. scripts/kernels.sh && kernels_default) kernel in QEMU"
exec scripts/vm-run.sh --timeout 600 --out "$top/build/demo/vm" -- scripts/demo-vm.sh
