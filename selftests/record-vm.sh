# SPDX-License-Identifier: GPL-2.0
# bpfsig record inside the test VM, with the module in enforce mode: a
# loader whose loads 'bpfsig sign OBJ' cannot foresee (record_loader.c, an
# XDP dispatcher loader that probes with an extension program and falls
# back silently to a legacy mode when refused). Sourced by vm-tests.sh;
# alone, it loads the module itself:
#   scripts/vm-run.sh -- sh selftests/record-vm.sh

rec_work=/tmp/record

# rec_clean: nothing of the loader left on lo
rec_clean() {
	ip link set dev lo xdpgeneric off 2>/dev/null
	rm -rf /sys/fs/bpf/record
}

# rec_xdp_name: the name of the XDP program attached to lo, or nothing
rec_xdp_name() {
	id=$(bpftool -j net show dev lo | python3 -c '
import json, sys
for x in json.load(sys.stdin)[0].get("xdp", []):
    print(x["id"])')
	[ -z "$id" ] || bpftool -j prog show id "$id" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["name"])'
}

# rec_match NAME ERE STRING: ok if STRING matches the whole ERE
rec_match() {
	if printf '%s\n' "$3" | grep -Eqx -- "$2"; then ok "$1"; else
		not_ok "$1" "'$3' does not match /$2/"; fi
}

# rec_freplace_links: the programs of freplace (tracing) links, sorted
rec_freplace_links() {
	for l in /sys/fs/bpf/record/slot0 /sys/fs/bpf/record/slot1; do
		[ -e "$l" ] || continue
		id=$(bpftool -j link show pinned "$l" | python3 -c 'import json, sys; print(json.load(sys.stdin)["prog_id"])')
		bpftool -j prog show id "$id" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["type"], d["name"])'
	done | sort | tr '\n' ' '
}

# rec_udp N: N datagrams to 127.0.0.1 through lo's XDP hook
rec_udp() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"x", ("127.0.0.1", 9))' "$1"
}

rec_packets() {
	bpftool -j map lookup pinned /sys/fs/bpf/record/packets key 0 0 0 0 |
		python3 -c 'import json, sys; d = json.load(sys.stdin); v = d.get("formatted", d)["value"]; print(v if isinstance(v, int) else int.from_bytes(bytes(int(b, 16) for b in v), "little"))'
}

record_with_module() {
	rec_loader=$top/build/selftests/record_loader
	rec_objs=$top/build/selftests/record
	rm -rf "$rec_work"; mkdir -p "$rec_work/objs"; rec_clean
	expect_run record.key_add 0 '^[0-9]+$' "$bpfsig" key add "$keys/rsa2048.der"
	rec_id=$(cat /tmp/run.out)
	# the objects as their distribution ships them: signed (bpfsig sign),
	# every program as libbpf loads it from the object
	for o in dispatcher components; do
		expect_run "record.sign_$o" 0 '' "$bpfsig" sign --key "$keys/rsa2048.key" \
			--cert "$keys/rsa2048.der" -o "$rec_work/objs/$o.bpf.o" \
			"$rec_objs/$o.bpf.o"
	done
	"$bpfsig" mode enforce

	# without a recording: the probe (xdp_pass as an extension) is
	# refused, the loader falls back silently; exec says so at exit
	u0=$(stat unsigned)
	expect_run record.no_bundle_falls_back 0 '^mode: legacy \(xdp_pass\)$' \
		"$bpfsig" exec --sigs "$rec_work/objs/dispatcher.bpf.o" \
		--sigs "$rec_work/objs/components.bpf.o" --report "$rec_work/report" \
		-- "$rec_loader" "$rec_work/objs" lo
	cp /tmp/run.out "$rec_work/legacy.out"
	expect_eq record.no_bundle_legacy_attached xdp_pass "$(rec_xdp_name)"
	expect_eq record.no_bundle_no_extension "" "$(rec_freplace_links)"
	ext_line=$(grep "^bpfsig-preload:   'xdp_pass' (type ext, " "$rec_work/legacy.out")
	rec_match record.no_bundle_report_names_refused_load \
		"bpfsig-preload:   'xdp_pass' \\(type ext, [0-9]+ insns\\): refused: EPERM \\(Operation not permitted\\), 2 times" \
		"$ext_line"
	check record.no_bundle_report_one_load grep -q '^bpfsig-preload: report: 1 BPF_PROG_LOAD without a matching signature' "$rec_work/legacy.out"
	check record.no_bundle_report_suggests_record grep -q 'bpfsig record --out MANIFEST -- CMD' "$rec_work/legacy.out"
	check record.no_bundle_report_file sh -c "grep -qxF \"$ext_line\" $rec_work/report"
	check record.no_bundle_refusal_explained grep -Eq \
		"^bpfsig-preload: the kernel's bpfsig refused BPF_PROG_LOAD 'xdp_pass' \\(type ext, [0-9]+ insns\\): not signed \\(EPERM\\)" \
		"$rec_work/legacy.out"
	# the probe, and libbpf's second try for the verifier log
	expect_eq record.no_bundle_probe_refused_twice $((u0 + 2)) "$(stat unsigned)"
	rec_clean

	# record where the loads may load (permissive), twice: the manifest
	"$bpfsig" mode permissive
	expect_run record.record_manifest 0 'recorded [0-9]+ loads in 2 runs of .*record_loader, 0 not reproducible' \
		"$bpfsig" record --runs 2 --out "$rec_work/rec.mf" -- \
		"$rec_loader" "$rec_work/objs" lo
	check record.record_ran_dispatcher_mode sh -c \
		"[ \$(grep -c '^mode: dispatcher' /tmp/run.out) = 2 ]"
	rec_clean
	"$bpfsig" mode enforce
	expect_run record.show_manifest_origin 0 \
		"^	from: load [0-9]+ of $rec_loader $rec_work/objs lo, in 2 runs\$" \
		"$bpfsig" show "$rec_work/rec.mf"
	# the extension loads: the probe (xdp_pass), then both slots
	check record.manifest_has_the_ext_loads sh -c "\"$bpfsig\" -j show $rec_work/rec.mf | python3 -c '
import json, sys
e = json.load(sys.stdin)[\"entries\"]
ext = sorted(x[\"name\"] for x in e if x[\"prog_type\"] == \"ext\")
assert ext == [\"xdp_count\", \"xdp_pass\", \"xdp_pass\"], ext
assert all(x[\"runs\"] == 2 and x[\"recorded_errno\"] == \"\" for x in e), e'"

	# signed elsewhere: the key is in another directory, not the work one
	expect_run record.sign_manifest 0 '' "$bpfsig" sign --key "$keys/rsa2048.key" \
		--cert "$keys/rsa2048.der" -o "$rec_work/rec.sig" "$rec_work/rec.mf"

	# under enforce with the bundle alone: the full mode
	u0=$(stat unsigned); a0=$(stat accepted)
	expect_run record.bundle_full_mode 0 '^mode: dispatcher \(xdp_pass, xdp_count\)$' \
		"$bpfsig" exec --sigs "$rec_work/rec.sig" -- "$rec_loader" "$rec_work/objs" lo
	check record.bundle_no_report sh -c "! grep -q 'report:\\|no matching signature' /tmp/run.out"
	expect_eq record.bundle_no_unsigned_load "$u0" "$(stat unsigned)"
	check record.bundle_loads_accepted test "$(stat accepted)" -gt "$a0"
	expect_eq record.bundle_dispatcher_attached xdp_dispatcher "$(rec_xdp_name)"
	expect_eq record.bundle_two_programs_share_the_hook "ext xdp_count ext xdp_pass " \
		"$(rec_freplace_links)"
	rec_udp 20
	check record.bundle_second_program_sees_packets test "$(rec_packets)" -ge 20
	rec_clean

	# bad input: a damaged bundle is refused by the kernel, and record
	# will not add to it
	python3 - "$rec_work/rec.sig" "$rec_work/bad.sig" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
off = 32
for _ in range(struct.unpack(">I", b[16:20])[0]):
    rec_len, _, nlen = struct.unpack(">IIH", b[off:off + 10])
    b[off + 48 + (nlen + 7) // 8 * 8 + 128 + 120] ^= 1   # in the CMS blob
    off += rec_len
open(sys.argv[2], "wb").write(b)
PY
	cp "$rec_work/bad.sig" "$rec_work/bad.before"
	# libbpf's first load, its probe, is refused: the loader cannot start
	expect_run record.damaged_bundle_refused 1 \
		"^bpfsig-preload: the kernel's bpfsig refused BPF_PROG_LOAD '' \\(type socket_filter, 2 insns\\): the signature does not describe this load or does not verify \\(EKEYREJECTED\\)" \
		"$bpfsig" exec --sigs "$rec_work/bad.sig" -- "$rec_loader" "$rec_work/objs" lo
	check record.damaged_bundle_loader_stopped grep -q 'cannot load the dispatcher' /tmp/run.out
	expect_eq record.damaged_bundle_nothing_attached "" "$(rec_xdp_name)"
	"$bpfsig" mode permissive
	expect_run record.record_onto_damaged_bundle 1 'bad.sig: signature 1 .* does not verify with .*; nothing changed' \
		"$bpfsig" record --key "$keys/rsa2048.key" --cert "$keys/rsa2048.der" \
		--out "$rec_work/bad.sig" -- "$rec_loader" "$rec_work/objs" lo
	check record.damaged_bundle_unchanged cmp "$rec_work/bad.sig" "$rec_work/bad.before"
	head -c 200 "$rec_work/rec.mf" > "$rec_work/trunc.mf"
	expect_run record.truncated_manifest 1 'trunc.mf: malformed manifest: truncated' \
		"$bpfsig" sign --key "$keys/rsa2048.key" --cert "$keys/rsa2048.der" \
		"$rec_work/trunc.mf"
	check record.truncated_manifest_nothing_written test ! -e "$rec_work/trunc.mf.sig"

	# a loader generating another program in every run
	expect_run record.not_reproducible 1 \
		"not reproducible: cannot be signed ahead: 'gen' \\(type socket_filter, load [0-9]+ of $rec_loader gen\\): instruction 0 of 2 differs between runs" \
		"$bpfsig" record --runs 2 --out "$rec_work/gen.mf" -- "$rec_loader" gen
	check record.not_reproducible_left_out sh -c "\"$bpfsig\" show $rec_work/gen.mf > $rec_work/gen.show && ! grep -q \"'gen'\" $rec_work/gen.show"
	"$bpfsig" mode enforce
	rec_clean
	expect_run record.key_remove 0 '' "$bpfsig" key remove "$rec_id"
}

# alone: load the module, run, unload
case "$0" in
*record-vm.sh)
	set -u
	top=$(pwd)
	bpfsig=$top/tools/bpfsig/bpfsig
	keys=$top/build/selftests/keys
	SFS=/sys/kernel/security/bpfsig
	. "$top/selftests/lib.sh"
	modprobe -d "$top/build/kernel" sha512_generic 2>/dev/null
	insmod "$top/bpfsig.ko" mode=enforce || exit 1
	record_with_module
	rmmod bpfsig
	echo "# record-vm done"
	;;
esac
