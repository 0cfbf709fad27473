# SPDX-License-Identifier: GPL-2.0
# The bpfsig CLI against the running module, inside the test VM. Sourced
# by vm-tests.sh with bpfsig.ko loaded (mode=enforce); the first part
# (cli_without_module) runs before any insmod.

bpfsig=$top/tools/bpfsig/bpfsig
obj=$top/build/selftests/cli/globals.bpf.o
textonly=$top/build/selftests/cli/textonly.bpf.o
work=/tmp/cli
keys=$BPFSIG_TEST_KEYS

# prog_insns OBJ NAME: instruction count of program NAME's signature
prog_insns() {
	"$bpfsig" -j show "$1" | python3 -c '
import json, sys
for s in json.load(sys.stdin)["signatures"]:
    if s["name"] == sys.argv[1]:
        print(s["insn_cnt"]); break' "$2"
}

cli_without_module() {
	expect_run cli.status_without_module 1 'bpfsig module not loaded' \
		"$bpfsig" status
	expect_run cli.mode_without_module 1 'bpfsig module not loaded' \
		"$bpfsig" mode enforce
}

cli_with_module() {
	rm -rf "$work" /sys/fs/bpf/cli; mkdir -p "$work"

	# keys
	expect_run cli.key_add 0 '^[0-9]+$' "$bpfsig" key add "$keys/rsa2048.der"
	id=$(cat /tmp/run.out)
	expect_run cli.key_list 0 "^$id[[:space:]]+bpfsig test rsa2048" "$bpfsig" key list
	expect_run cli.key_list_json 0 "\"id\": ?$id" "$bpfsig" -j key list
	expect_run cli.key_add_missing_file 1 'no-such\.der.*No such file' \
		"$bpfsig" key add "$work/no-such.der"

	# modes and status
	expect_run cli.mode_permissive 0 '' "$bpfsig" mode permissive
	expect_eq cli.mode_written permissive "$(cat $SFS/mode)"
	expect_run cli.mode_bogus_usage 2 '' "$bpfsig" mode bogus
	expect_run cli.mode_enforce 0 '' "$bpfsig" mode enforce
	expect_run cli.mode_needs_cap_sys_admin 1 \
		'mode: writing .off.: Operation not permitted: needs CAP_SYS_ADMIN' \
		setpriv --bounding-set -sys_admin "$bpfsig" mode off
	expect_eq cli.mode_unchanged_without_cap enforce "$(cat $SFS/mode)"
	expect_run cli.status 0 'mode: enforce' "$bpfsig" status
	expect_run cli.status_json 0 '"mode": ?"enforce"' "$bpfsig" -j status
	check cli.status_json_stats_are_numbers sh -c "\"$bpfsig\" -j status |
		python3 -c 'import json, sys; s = json.load(sys.stdin)[\"stats\"]; assert type(s[\"accepted\"]) is int, s'"

	# sign in the guest: the default target is the running kernel's BTF
	expect_run cli.sign_object 0 '' "$bpfsig" sign --key "$keys/rsa2048.key" \
		--cert "$keys/rsa2048.der" -o "$work/signed.o" "$obj"
	expect_run cli.sign_object_untrusted 0 '' "$bpfsig" sign \
		--key "$keys/untrusted.key" --cert "$keys/untrusted.der" \
		-o "$work/untrusted.o" "$obj"
	expect_run cli.verify_object 0 'OK' "$bpfsig" verify \
		--cert "$keys/rsa2048.der" "$work/signed.o"
	expect_run cli.show_object 0 'count_len.*count_proto|count_proto.*count_len' \
		sh -c "$bpfsig show $work/signed.o | tr '\n' ' '"

	# bpfsig load: maps, global data, subprograms; probes must not degrade
	u0=$(stat unsigned)
	expect_run cli.load_signed 0 'loaded count_len' "$bpfsig" load \
		"$work/signed.o" /sys/fs/bpf/cli
	expect_eq cli.load_no_unsigned_probe "$u0" "$(stat unsigned)"
	check cli.load_pinned_both test -e /sys/fs/bpf/cli/count_len -a \
		-e /sys/fs/bpf/cli/count_proto
	check cli.load_global_data_maps sh -c \
		"bpftool map show > /tmp/maps; grep -q 'name seen ' /tmp/maps && grep -q 'rodata' /tmp/maps && grep -q 'bss' /tmp/maps && grep -q '[.]data' /tmp/maps"
	rm -rf /sys/fs/bpf/cli

	# --pinmaps: the maps outlive bpfsig too
	expect_run cli.load_pinmaps 0 'loaded count_len' "$bpfsig" load \
		--pinmaps /sys/fs/bpf/cli_maps "$work/signed.o" /sys/fs/bpf/cli
	data=$(ls -d /sys/fs/bpf/cli_maps/*data 2>/dev/null | grep -v rodata | head -n 1)
	expect_run cli.pinned_data_map_holds_initial_value 0 '"calls": ?7' \
		bpftool -j map dump pinned "$data"
	check cli.pinned_map_seen test -e /sys/fs/bpf/cli_maps/seen
	rm -rf /sys/fs/bpf/cli /sys/fs/bpf/cli_maps

	# unmodified bpftool through bpfsig exec
	u0=$(stat unsigned)
	expect_run cli.exec_bpftool_loadall 0 '' "$bpfsig" exec \
		--sigs "$work/signed.o" -- bpftool prog loadall "$work/signed.o" \
		/sys/fs/bpf/cli
	check cli.exec_no_degrade sh -c "! grep -Eqi 'support|legacy|fallback' /tmp/run.out"
	check cli.exec_pinned test -e /sys/fs/bpf/cli/count_len
	expect_eq cli.exec_no_unsigned_load "$u0" "$(stat unsigned)"
	rm -rf /sys/fs/bpf/cli

	# refusals
	expect_run cli.load_unsigned_says_so 1 "globals.bpf.o: not signed" \
		"$bpfsig" load "$obj" /sys/fs/bpf/cli
	rm -rf /sys/fs/bpf/cli
	expect_run cli.load_unsigned_kernel_refuses 1 \
		"globals.bpf.o: load failed: Operation not permitted" \
		"$bpfsig" load --allow-unsigned "$obj" /sys/fs/bpf/cli
	rm -rf /sys/fs/bpf/cli
	expect_run cli.bpftool_unsigned_eperm 255 'Operation not permitted' \
		bpftool prog loadall "$obj" /sys/fs/bpf/cli
	rm -rf /sys/fs/bpf/cli
	cp "$work/signed.o" "$work/tampered.o"
	"$top/scripts/flip-byte.py" "$work/tampered.o" socket 4
	expect_run cli.load_tampered_refused 1 "count_len.*no matching signature|no matching signature.*count_len" \
		"$bpfsig" load "$work/tampered.o" /sys/fs/bpf/cli
	rm -rf /sys/fs/bpf/cli
	u0=$(stat unsigned)
	expect_run cli.exec_tampered_refused_by_kernel 255 '' "$bpfsig" exec \
		--sigs "$work/signed.o" -- bpftool prog loadall "$work/tampered.o" \
		/sys/fs/bpf/cli
	rm -rf /sys/fs/bpf/cli
	# what bpfsig exec says about it, once (libbpf's retry for the
	# verifier log is not explained again); the kernel counted two loads
	insns=$(prog_insns "$work/signed.o" count_len)
	expect_eq cli.exec_refusal_explained_once \
		"1 bpfsig-preload: the kernel's bpfsig refused BPF_PROG_LOAD 'count_len' (type socket_filter, $insns insns): not signed (EPERM)" \
		"$(grep -c "the kernel's bpfsig refused" /tmp/run.out) $(grep "the kernel's bpfsig refused" /tmp/run.out)"
	expect_eq cli.exec_refusal_counted_twice $((u0 + 2)) "$(stat unsigned)"
	# signed, but by a key the module does not trust: libbpf's first
	# probes are refused, and libbpf blames the kernel's configuration
	k0=$(stat nokey)
	expect_run cli.exec_untrusted_refused 255 'Couldn.t load trivial BPF program' \
		"$bpfsig" exec --sigs "$work/untrusted.o" -- bpftool prog loadall \
		"$work/untrusted.o" /sys/fs/bpf/cli
	rm -rf /sys/fs/bpf/cli
	expect_eq cli.exec_untrusted_one_line_per_refused_load $(($(stat nokey) - k0)) \
		"$(grep -c "^bpfsig-preload: the kernel's bpfsig refused BPF_PROG_LOAD .*: signed by a key it does not trust (ENOKEY)" /tmp/run.out)"
	trivial="the kernel's bpfsig refused BPF_PROG_LOAD '' (type TYPE, 2 insns): signed by a key it does not trust (ENOKEY); libbpf's advice about CONFIG_BPF_SYSCALL and RLIMIT_MEMLOCK, if it follows, does not apply"
	check cli.exec_untrusted_trivial_probe_explained_socket_filter \
		grep -qxF "bpfsig-preload: $(echo "$trivial" | sed s/TYPE/socket_filter/)" /tmp/run.out
	# the last refusal, right before libbpf's advice
	expect_eq cli.exec_untrusted_trivial_probe_explained_before_libbpf_advice \
		"bpfsig-preload: $(echo "$trivial" | sed s/TYPE/tracepoint/)" \
		"$(grep -B1 "Couldn't load trivial BPF program" /tmp/run.out | head -n 1)"
	# refused by the kernel itself, not bpfsig: nothing said
	expect_run cli.exec_kernel_eperm_not_blamed_on_bpfsig 255 'Operation not permitted' \
		setpriv --bounding-set -bpf,-sys_admin,-perfmon,-net_admin \
		"$bpfsig" exec --sigs "$work/signed.o" -- bpftool prog loadall \
		"$work/signed.o" /sys/fs/bpf/cli
	check cli.exec_kernel_eperm_no_bpfsig_line sh -c "! grep -q \"the kernel's bpfsig refused\" /tmp/run.out"
	rm -rf /sys/fs/bpf/cli
	# permissive: bpfsig refuses nothing, the verifier refuses the tampered
	# program (EACCES): nothing said
	"$bpfsig" mode permissive
	expect_run cli.exec_permissive_verifier_refusal 255 'Permission denied' \
		"$bpfsig" exec --sigs "$work/signed.o" -- bpftool prog loadall \
		"$work/tampered.o" /sys/fs/bpf/cli
	check cli.exec_permissive_no_bpfsig_line sh -c "! grep -q \"the kernel's bpfsig refused\" /tmp/run.out"
	"$bpfsig" mode enforce
	rm -rf /sys/fs/bpf/cli

	# an object without programs (only .text functions): signed, it loads
	# (nothing) under enforce through an unmodified loader
	expect_run cli.sign_textonly 0 'no programs to sign' "$bpfsig" sign \
		--key "$keys/rsa2048.key" --cert "$keys/rsa2048.der" \
		-o "$work/textonly.o" "$textonly"
	u0=$(stat unsigned)
	expect_run cli.exec_textonly_loads 0 '' "$bpfsig" exec \
		--sigs "$work/textonly.o" -- bpftool prog loadall "$work/textonly.o" \
		/sys/fs/bpf/cli
	expect_eq cli.exec_textonly_no_unsigned_load "$u0" "$(stat unsigned)"
	rm -rf /sys/fs/bpf/cli

	# revoke a statement with the CLI
	dig=$("$bpfsig" -j show "$work/signed.o" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for s in d["signatures"]:
    if s.get("name") == "count_len":
        print(s["statement_digest"]); break')
	expect_run cli.revoke 0 '' "$bpfsig" revoke "$dig"
	expect_run cli.load_revoked_refused 1 'count_len' "$bpfsig" load \
		"$work/signed.o" /sys/fs/bpf/cli
	rm -rf /sys/fs/bpf/cli
	expect_run cli.exec_revoked_explained 255 \
		"^bpfsig-preload: the kernel's bpfsig refused BPF_PROG_LOAD 'count_len' \\(type socket_filter, $insns insns\\): the signed statement, or its key, is revoked \\(EKEYREVOKED\\)\$" \
		"$bpfsig" exec --sigs "$work/signed.o" -- bpftool prog loadall \
		"$work/signed.o" /sys/fs/bpf/cli
	rm -rf /sys/fs/bpf/cli
	cli_loader
	expect_run cli.key_remove 0 '' "$bpfsig" key remove "$id"
	check cli.key_removed sh -c "! $bpfsig key list | grep -q '^$id '"
}

# trusted loaders: loader_helper (selftests/loader_helper.c) copied, so that
# its path is ours; exits with the errno of its one unsigned load
loader_helper=$top/build/selftests/loader_helper
cli_loader() {
	cp "$loader_helper" "$work/loader"
	sum=$(sha256sum "$work/loader" | cut -c1-64)
	line="bpfsig-loader-v1 sha256=$sum types=8,15 path=$work/loader"
	expect_run cli.loader_add 0 "^$line signed=0\$" "$bpfsig" loader add \
		--types cgroup_skb,cgroup_device "$work/loader"
	expect_run cli.loader_list 0 "^$line signed=0\$" "$bpfsig" loader list
	expect_run cli.loader_list_json 0 \
		"\"sha256\": ?\"$sum\", ?\"types\": ?\\[\"cgroup_skb\", ?\"cgroup_device\"\\], ?\"path\": ?\"$work/loader\", ?\"signed\": ?false" \
		"$bpfsig" -j loader list
	expect_run cli.loader_loads_its_type 0 '' "$work/loader" 8
	expect_run cli.loader_other_type_eprototype 91 '' "$work/loader" 1
	expect_run cli.loader_remove 0 '' "$bpfsig" loader remove "$work/loader"
	expect_run cli.loader_removed_eperm 1 '' "$work/loader" 8
	expect_run cli.loader_remove_again_enoent 1 \
		'removing the trusted loader: no such entry' \
		"$bpfsig" loader remove "sha256=$sum"
	expect_run cli.loader_unknown_type_usage 2 "unknown program type 'nosuch'" \
		"$bpfsig" loader add --types nosuch "$work/loader"
	expect_run cli.loader_add_not_entry 1 'not a trusted loader entry' \
		"$bpfsig" loader add --file /etc/hostname
	# a signed entry, into a file, then added from it (as loaders.d does)
	expect_run cli.loader_sign_to_file 0 "^$line signed=1\$" "$bpfsig" \
		loader sign --key "$keys/rsa2048.key" --cert "$keys/rsa2048.der" \
		--types cgroup_skb,cgroup_device -o "$work/loader.entry" "$work/loader"
	check cli.loader_not_added_by_sign_o sh -c "! grep -q $sum $SFS/loaders"
	expect_run cli.loader_add_signed_file 0 "^$line signed=1\$" "$bpfsig" \
		loader add --file "$work/loader.entry"
	expect_run cli.loader_signed_listed 0 "^$line signed=1\$" "$bpfsig" loader list
	expect_run cli.loader_signed_loads 0 '' "$work/loader" 15
	expect_run cli.loader_signed_remove 0 '' "$bpfsig" loader remove "$work/loader"
	expect_run cli.loader_unsigned_to_file 0 "^$line signed=0\$" "$bpfsig" \
		loader add --types 8,15 -o "$work/plain.entry" "$work/loader"
	expect_eq cli.loader_unsigned_file_is_line "$line" "$(cat "$work/plain.entry")"
}

# with the module loaded in enforce mode, last: locks it
cli_lock() {
	expect_run cli.lock 0 '' "$bpfsig" lock
	expect_eq cli.lock_written 1 "$(cat $SFS/lock)"
	expect_run cli.mode_lowering_refused_locked 1 \
		'Operation not permitted: the policy is locked' \
		"$bpfsig" mode permissive
	expect_run cli.status_shows_lock 0 'lock: 1' "$bpfsig" status
	expect_run cli.loader_unsigned_refused_locked 1 \
		'needs CAP_SYS_ADMIN, and once the policy is locked a signed entry' \
		"$bpfsig" loader add --file "$work/plain.entry"
}
