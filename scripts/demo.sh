#!/bin/sh
# The main job: install what bpfsig needs (Debian 12, as root), build the
# module and tools, sign a demo BPF object, then boot a Debian kernel in
# QEMU and show the module enforcing: the signed programs load, the
# unsigned and tampered ones are refused, with the errno and the kernel's
# log line for each.
#   scripts/demo.sh [--no-deps] [--kernel RELEASE]
# RELEASE (or KRELEASE=RELEASE in the environment) is any kernel of
# scripts/kernels.list; the default is its first, the pinned kernel.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/kernels.sh
deps=1
rel=${KRELEASE:-$(kernels_default)}
while [ $# -gt 0 ]; do
	case "$1" in
	--no-deps) deps=0; shift ;;
	--kernel) [ $# -ge 2 ] || { echo "demo: --kernel needs a RELEASE" >&2; exit 2; }
		rel=$2; shift 2 ;;
	--kernel=*) rel=${1#*=}; shift ;;
	*) echo "usage: $0 [--no-deps] [--kernel RELEASE]" >&2; exit 2 ;;
	esac
done
kernels_field "$rel" ROOT >/dev/null || exit 2
[ $deps = 0 ] || scripts/install-deps.sh

make -s tools
make -s -C keys
# The module for the kernel (build/modules/RELEASE/ but for the pinned one),
# that kernel unpacked (build/kernel for the pinned one, else
# build/kernels/RELEASE) and its vmlinux (the kbuild tree's), whose BTF the
# object is signed for.
if [ "$rel" = "$(kernels_default)" ]; then
	make -s module
	ko=$top/bpfsig.ko
	kdir=$top/build/kernel
	boot=
else
	make -s module KRELEASE="$rel" >/dev/null
	ko=$top/build/modules/$rel/bpfsig.ko
	kdir=$(scripts/kernel-fetch.sh "$rel")
	boot="--kernel $kdir"
fi
vmlinux=$(scripts/kbuild-tree.sh "$rel")/vmlinux

out=build/demo
mkdir -p "$out"
clang -target bpf -O2 -g -I/usr/include/"$(uname -m)"-linux-gnu \
	-c demo/hello.bpf.c -o "$out/hello.bpf.o"
# Sign every program of the object, as libbpf will load it, for the
# target kernel's BTF.
tools/bpfsig/bpfsig sign --key keys/signing_key.pem \
	--cert keys/signing_key.x509 --btf "$vmlinux" \
	-o "$out/hello.signed.o" "$out/hello.bpf.o"
# A copy with one byte of the program's code changed after signing.
cp "$out/hello.signed.o" "$out/hello.tampered.o"
# The imm of the instruction before "exit": the step added to the counter.
scripts/flip-byte.py "$out/hello.tampered.o" socket -12

# A raw program: the two instructions of demo/drop.bpf.c, signed with the
# signature appended to them, then a copy with one bit of the first
# instruction's immediate flipped ("r0 = 0" becomes "r0 = 1"): the signature
# travels with the changed instructions, for the kernel to refuse.
clang -target bpf -O2 -I/usr/include/"$(uname -m)"-linux-gnu \
	-c demo/drop.bpf.c -o "$out/drop.bpf.o"
llvm-objcopy -O binary --only-section=socket "$out/drop.bpf.o" "$out/drop.bin"
tools/bpfsig/bpfsig sign --key keys/signing_key.pem \
	--cert keys/signing_key.x509 --type socket_filter \
	-o "$out/drop.signed.bin" "$out/drop.bin"
cp "$out/drop.signed.bin" "$out/drop.tampered.bin"
scripts/flip-byte.py --raw "$out/drop.tampered.bin" 4
# A loader that passes a raw file to BPF_PROG_LOAD as it is.
cc -O2 -Wall -Wextra -D_GNU_SOURCE -o "$out/load-raw" demo/load-raw.c

echo "== signed object, as bpfsig sees it offline"
tools/bpfsig/bpfsig show "$out/hello.signed.o"
echo
echo "== signed raw program, and the copy changed after signing"
tools/bpfsig/bpfsig show "$out/drop.signed.bin"
printf 'first instruction, signed:   '; od -An -tx1 -N8 "$out/drop.signed.bin"
printf 'first instruction, tampered: '; od -An -tx1 -N8 "$out/drop.tampered.bin"
echo
echo "== booting Debian's $rel kernel in QEMU"
# shellcheck disable=SC2086
exec scripts/vm-run.sh --timeout 900 $boot --out "$top/build/demo/vm" \
	--env BPFSIG_KO="$ko" --env BPFSIG_KDIR="$kdir" -- scripts/demo-vm.sh
