#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bpfsig-apply's reading of /etc/bpfsig (bpfsig.conf(5)), on this machine:
# crafted configurations through "bpfsig-apply --check", each with the
# policy it must give and the exact message of each error. Nothing is
# applied. Prints TAP lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
apply=$top/packaging/bpfsig-apply
keys=$top/build/testbed/keys
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
digest=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

for k in one two; do
	[ -f "$keys/testbed-$k.der" ] || { mkdir -p "$keys" &&
		"$top/tools/bpfsig/bpfsig" keygen --bits 2048 --subject "bpfsig testbed $k" \
			-o "$keys/testbed-$k" >/dev/null; }
done

# fresh: a configuration as the package installs it
fresh() {
	rm -rf "${work:?}/etc"
	mkdir -p "$work/etc/keys.d"
	cp "$top/packaging/bpfsig.conf" "$top/packaging/revoked" "$work/etc/"
	: >"$work/cmdline"
}
set_conf() { sed -i "s/^$1 = .*/$1 = $2/" "$work/etc/bpfsig.conf"; }
line_of() { grep -n "^$1 = " "$top/packaging/bpfsig.conf" | cut -d: -f1; }

# case NAME STATUS 'EXPECTED OUTPUT LINES (grep -F, one a line)'
case_() {
	name=$1 want=$2 expect=$3
	n=$((n + 1))
	BPFSIG_CMDLINE=$work/cmdline "$apply" --check --confdir "$work/etc" \
		>"$work/out" 2>&1
	got=$?
	miss=$(echo "$expect" | while IFS= read -r l; do
		[ -z "$l" ] || grep -qxF -- "$l" "$work/out" || echo "$l"; done)
	if [ "$got" = "$want" ] && [ -z "$miss" ]; then
		echo "ok $n testbed.apply.$name"
	else
		echo "not ok $n testbed.apply.$name # exit $got (want $want)"
		echo "$miss" | sed '/^$/d; s/^/#   missing: /'
		sed 's/^/#   got: /' "$work/out"
	fi
}
c=$work/etc/bpfsig.conf
m=$(line_of mode)
l=$(line_of lock)

fresh
case_ default_config_is_permissive_unlocked 0 "mode=permissive ($c:$m)
lock=no ($c:$l)
require_kernel_sig=yes ($c:$(line_of require_kernel_sig))
require_chain=no ($c:$(line_of require_chain))
keys=0
revoked=0
errors=0"

fresh; set_conf mode enforce; set_conf lock yes
cp "$keys/testbed-one.der" "$work/etc/keys.d/one.der"
cp "$keys/testbed-two.crt" "$work/etc/keys.d/two.pem"
touch "$work/etc/keys.d/one.der~" "$work/etc/keys.d/two.pem.dpkg-old"
echo "$digest" >>"$work/etc/revoked"
case_ enforce_locked_two_keys_one_revocation 0 "mode=enforce ($c:$m)
lock=yes ($c:$l)
keys=2
revoked=1
errors=0"

fresh; set_conf lock on
case_ boolean_spellings 0 "lock=yes ($c:$l)"

fresh; set_conf mode enforcing
case_ unknown_mode_fails_closed 1 "bpfsig-apply: $c:$m: mode: unknown value 'enforcing' (expected off, permissive or enforce)
mode=enforce (fail-closed: error in $c)
lock=no (fail-closed: error in $c)
errors=1"

fresh; set_conf mode permissive; set_conf lock maybe
case_ bad_boolean_fails_closed 1 "bpfsig-apply: $c:$l: lock: unknown value 'maybe' (expected yes or no)
mode=enforce (fail-closed: error in $c)"

fresh; echo "mdoe = off" >>"$c"
case_ unknown_setting_fails_closed 1 "bpfsig-apply: $c:$(wc -l <"$c"): unknown setting 'mdoe' (known: mode lock require_kernel_sig require_chain)
mode=enforce (fail-closed: error in $c)"

fresh; echo "mode enforce" >>"$c"
case_ syntax_error_fails_closed 1 "bpfsig-apply: $c:$(wc -l <"$c"): expected 'name = value', got 'mode enforce'"

fresh; echo "mode=off" >>"$c"
case_ setting_twice_fails_closed 1 "bpfsig-apply: $c:$(wc -l <"$c"): 'mode' set twice
mode=enforce (fail-closed: error in $c)"

fresh; rm "$c"
case_ missing_config_fails_closed 1 "bpfsig-apply: $c: missing
mode=enforce (fail-closed: error in $c)
lock=no (fail-closed: error in $c)"

fresh; rm "$c"; mkdir "$c"
case_ unreadable_config_fails_closed 1 "bpfsig-apply: $c: cannot be read (Is a directory)
mode=enforce (fail-closed: error in $c)"

fresh; cp "$keys/testbed-one.der" "$work/etc/keys.d/one.der"
echo "not a certificate" >"$work/etc/keys.d/garbage.pem"
ln -s /nonexistent/gone.der "$work/etc/keys.d/gone.der"
case_ bad_and_unreadable_certificates_named 1 "bpfsig-apply: $work/etc/keys.d/garbage.pem: not an X.509 certificate (PEM or DER)
bpfsig-apply: $work/etc/keys.d/gone.der: cannot be read (No such file or directory)
mode=permissive ($c:$m)
keys=1
errors=2"

fresh; cp "$keys/testbed-one.der" "$work/etc/keys.d/one.der"
echo "$digest" >>"$work/etc/revoked"; echo "sha256:abc" >>"$work/etc/revoked"
r=$work/etc/revoked
case_ bad_revocation_enrolls_no_key 1 "bpfsig-apply: $r:$(wc -l <"$r"): not a statement digest (64 hex digits): 'sha256:abc'
bpfsig-apply: $r: unreadable revocations: fail-closed, no certificate from $work/etc/keys.d is enrolled
keys=0
revoked=1"

fresh; set_conf mode enforce; set_conf lock yes
echo "quiet bpfsig.mode=permissive bpfsig.lock=no" >"$work/cmdline"
case_ kernel_command_line_overrides 0 "mode=permissive (kernel command line)
lock=no (kernel command line)"

fresh; echo "bpfsig.mode=enforcing" >"$work/cmdline"
case_ kernel_command_line_bad_value 1 "bpfsig-apply: kernel command line: bpfsig.mode=enforcing: unknown value (expected off, permissive or enforce)
mode=permissive ($c:$m)"

fresh; echo "modprobe.blacklist=foo,bpfsig" >"$work/cmdline"
case_ blacklist_noted 0 "bpfsig-apply: modprobe.blacklist=bpfsig on the kernel command line: the module would not be loaded"

# loaders.d: entries as "bpfsig loader add -o" writes them
bpfsig=$top/tools/bpfsig/bpfsig
fresh; mkdir -p "$work/etc/loaders.d"
cp /bin/true "$work/exe"
"$bpfsig" loader add --types cgroup_skb,cgroup_device \
	-o "$work/etc/loaders.d/exe.loader" "$work/exe" >/dev/null
touch "$work/etc/loaders.d/exe.loader~"	# not *.loader: ignored
case_ loader_entry_counted 0 "loaders=1
errors=0"

old=$(sha256sum "$work/exe" | cut -c1-64)
echo x >>"$work/exe"
new=$(sha256sum "$work/exe" | cut -c1-64)
le=$work/etc/loaders.d/exe.loader
case_ changed_loader_named 1 "bpfsig-apply: $le: $work/exe has changed since this entry was recorded (sha256 $new, entry $old): not trusted; if the change is legitimate: bpfsig-apply --refresh-loaders
loaders=0
errors=1"

echo "not an entry" >"$work/etc/loaders.d/bad.loader"
case_ bad_loader_entry_named 1 "bpfsig-apply: $work/etc/loaders.d/bad.loader: not a trusted loader entry (bpfsig-loader(8)): 'not an entry'
errors=2"
