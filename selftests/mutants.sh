#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Do the stress and soak tests catch a broken module? Builds copies of
# bpfsig.ko with one bug planted each (under build/mutants/, the tree is
# untouched), then boots the VM once and runs a short stress or soak against
# each; every mutant must make some check fail. Not part of the suite.
#   selftests/mutants.sh [NAME...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
top=$(pwd)
. scripts/kernels.sh
krel=$(kernels_default)
kdir=/usr/src/linux-headers-$krel
base=$top/build/mutants

# name|test|file|python expression turning the file's text s into the bug
mutants='
digest_unchecked|stress|kernel/gate.c|s.replace("if (crypto_memneq(digest, stmt->digest, stmt->digest_len))\n\t\treturn -EKEYREJECTED;", "")
nopkg_counted_malformed|stress|kernel/audit.c|s.replace("case -ENOPKG:\n\t\treturn BPFSIG_V_NOPKG;", "case -ENOPKG:\n\t\treturn BPFSIG_V_MALFORMED;")
unsigned_wrong_errno|stress|kernel/bpfsig.h|s.replace("return err == -ENODATA ? -EPERM : err;", "return err == -ENODATA ? -EACCES : err;")
early_stage_skips_attach_type|stress|kernel/hook.c|s.replace("eat = bpfsig_load_attach_type(attr->prog_type,\n\t\t\t\t\t      attr->expected_attach_type);", "eat = attr->expected_attach_type;")
permissive_refuses|soak|kernel/hook.c|s.replace("if (!d.err || mode != BPFSIG_MODE_ENFORCE)", "if (!d.err || mode == BPFSIG_MODE_OFF)")
revocations_dropped_on_permissive|soak|kernel/policy.c|s.replace("\tmutex_lock(&policy_lock);\n\tif (locked && m < mode)", "\tif (m == BPFSIG_MODE_PERMISSIVE)\n\t\tWRITE_ONCE(nr_revoked, 0);\n\tmutex_lock(&policy_lock);\n\tif (locked && m < mode)")
early_refusal_counted_twice|soak|kernel/audit.c|s.replace("\tif (d->stage == BPFSIG_STAGE_SYSCALL)\n\t\tatomic64_inc(&early_refusals);", "\tif (d->stage == BPFSIG_STAGE_SYSCALL) {\n\t\tatomic64_inc(&early_refusals);\n\t\tatomic64_inc(&counts[d->verdict]);\n\t}")
# last: the module it leaves behind cannot be unloaded
ref_leaked_on_refusal|soak|kernel/hook.c|s.replace("\tbpfsig_inflight_drop();\n\tmodule_put(THIS_MODULE);", "\tbpfsig_inflight_drop();\n\tif (ret != -EPERM)\n\t\tmodule_put(THIS_MODULE);")
'

want=" $* "
cmds=$base/vm-commands.sh
mkdir -p "$base"
echo 'set -u' >"$cmds"
printf '%s\n' "$mutants" | while IFS='|' read -r name test file expr; do
	case "$name" in ""|"#"*) continue ;; esac
	[ $# = 0 ] || case "$want" in *" $name "*) ;; *) continue ;; esac
	dir=$base/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r Kbuild kernel format "$dir/"
	python3 -c '
import sys
p, expr = sys.argv[1], sys.argv[2]
s = open(p).read()
m = eval(expr)
if m == s:
    sys.exit("mutation does not apply: " + expr)
open(p, "w").write(m)' "$dir/$file" "$expr"
	if ! make -s -C "$kdir" M="$dir" modules >"$dir/build.log" 2>&1 || [ ! -f "$dir/bpfsig.ko" ]; then
		echo "not ok mutant.$name # does not build"
		continue
	fi
	if [ "$test" = stress ]; then
		run="selftests/stress.sh --loads 20000"
	else
		run="selftests/soak.sh --duration 30 --reader-closes"
	fi
	cat >>"$cmds" <<EOF
echo "# mutant $name: $run"
BPFSIG_KO=$dir/bpfsig.ko $run >/tmp/m.out 2>&1
grep -E '^(not )?ok' /tmp/m.out | sed 's/^/#   /'
grep -E '^# (wrong|counter|module ref|load [0-9])' /tmp/m.out | sed 's/^/#   /' | head -n 3
if grep -q '^not ok' /tmp/m.out; then echo "ok mutant.$name # caught"; else echo "not ok mutant.$name # survived"; fi
grep -q '^bpfsig ' /proc/modules && rmmod bpfsig
EOF
done
scripts/vm-run.sh --out "$base/vm" --timeout 1800 -- sh "$cmds"
