#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host test: bpfsig's signed programs agree byte for byte with an
# independent signer written from Documentation/format.md
# (selftests/spec_signer.py). Prints TAP lines.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bpfsig=$top/tools/bpfsig/bpfsig
keys=$top/build/selftests/keys
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0

# mov r0, 0; exit
printf '\267\0\0\0\0\0\0\0\225\0\0\0\0\0\0\0' > "$work/plain.bin"
# r1 = map fd 7 (ld_imm64 MAP_FD); r2 = map value fd 8 + 16; BTF_ID 42 in
# module BTF fd 9; mov r0, 0; exit
printf '\030\021\0\0\7\0\0\0\0\0\0\0\0\0\0\0\030\042\0\0\10\0\0\0\0\0\0\0\20\0\0\0\030\063\0\0\52\0\0\0\0\0\0\0\11\0\0\0\267\0\0\0\0\0\0\0\225\0\0\0\0\0\0\0' > "$work/fds.bin"

# NAME PROG TYPE ATTACH HASH KEY
agree() {
	name=$1 prog=$2 type=$3 eat=$4 hash=$5 key=$6
	n=$((n + 1))
	if ! "$bpfsig" sign --key "$keys/$key.key" --cert "$keys/$key.crt" \
		--hash "$hash" --type "$type" --attach-type "$eat" \
		-o "$work/tool.bin" "$work/$prog" >"$work/err" 2>&1 ||
	   ! python3 "$top/selftests/spec_signer.py" "$work/$prog" "$type" \
		"$eat" "$hash" "$keys/$key.key" "$keys/$key.crt" \
		"$work/spec.bin" >>"$work/err" 2>&1; then
		echo "not ok $n spec.$name # signing failed"
		sed 's/^/#   /' "$work/err"
	elif cmp -s "$work/tool.bin" "$work/spec.bin"; then
		echo "ok $n spec.$name"
	else
		echo "not ok $n spec.$name # bytes differ"
		cmp -l "$work/tool.bin" "$work/spec.bin" | head -5 | sed 's/^/#   /'
	fi
}

agree plain_socket_filter_sha256 plain.bin 1 0 sha256 rsa2048
agree plain_xdp_sha384 plain.bin 6 0 sha384 rsa2048
agree plain_rsa4096_sha512 plain.bin 1 0 sha512 rsa4096
agree fds_canonical_sha256 fds.bin 1 0 sha256 rsa2048
agree cgroup_skb_egress plain.bin 8 1 sha256 rsa2048
agree cgroup_sock_fixup plain.bin 9 0 sha256 rsa2048
agree sk_reuseport_fixup plain.bin 21 0 sha256 rsa2048
