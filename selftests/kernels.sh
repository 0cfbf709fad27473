#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The module's suites on every kernel of scripts/kernels.list other than the
# pinned one (selftests/run.sh covers that one): build bpfsig.ko and the test
# modules for the kernel in its toolchain, inspect the module when the kernel
# has CONFIG_X86_KERNEL_IBT, then boot the kernel and run vm-tests.sh,
# lean (BPFSIG_LEAN=1: no stress or soak), with the corpus of real programs
# built for the kernel's BTF where the list's CORPUS column says `yes`.
# Prints TAP lines; a kernel that cannot be built or booted is a failure.
#   selftests/kernels.sh [RELEASE...]      (default: all but the pinned one)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. "$top/scripts/kernels.sh"
log=$top/build/selftests/log
mkdir -p "$log"

if [ $# = 0 ]; then
	set -- $(kernels_list | tail -n +2)
fi
for rel in "$@"; do
	t0=$(date +%s)
	tag=kernel.$(echo "$rel" | tr '.+' '__')
	if ! scripts/kbuild.sh --test-modules "$rel" >"$log/build-$rel.txt" 2>&1; then
		tail -5 "$log/build-$rel.txt" | sed 's/^/# /'
		echo "not ok 1 $tag.build # see build/selftests/log/build-$rel.txt"
		continue
	fi
	echo "ok 1 $tag.build"
	kdir=$top/build/kernels/$rel
	mods=$top/build/modules/$rel
	corpus=
	if [ "$(kernels_field "$rel" CORPUS)" = yes ]; then
		if make -s -C selftests/corpus KRELEASE="$rel" >>"$log/build-$rel.txt" 2>&1; then
			echo "ok 1 $tag.corpus_build"
			corpus="--env BPFSIG_CORPUS_DIR=$top/build/corpus-$rel"
		else
			tail -5 "$log/build-$rel.txt" | sed 's/^/# /'
			echo "not ok 1 $tag.corpus_build # see build/selftests/log/build-$rel.txt"
		fi
	fi
	if grep -q '^CONFIG_X86_KERNEL_IBT=y' "$kdir/boot/config-$rel"; then
		selftests/ibt_check.py "$mods/bpfsig.ko" "$log/build-$rel.txt" "$tag.ibt"
	fi
	# A boot that dies before the first test (the guest kernel's own early
	# boot under TCG; bpfsig is not loaded yet) is tried once more, and said;
	# so is one that dies half-way of the emulator running stale code
	# (scripts/tcg-stale-int3.sh: an int3 oops, or a soft lockup on an int3
	# trap, where memory holds no int3),
	# its console kept as vm-RELEASE-console-try1.log; that second boot runs
	# single-threaded TCG, where no translation runs while another guest CPU
	# writes (Documentation/vm-testing.md). Any other death fails.
	console=$top/build/selftests/vm-$rel/console.log
	tcg=multi
	for try in 1 2; do
		scripts/vm-run.sh --timeout 1800 --tcg-thread $tcg --kernel "$kdir" \
			--out "$top/build/selftests/vm-$rel" --append audit=1 \
			--env BPFSIG_KO="$mods/bpfsig.ko" \
			--env BPFSIG_TEST_MODULES="$mods/selftests/modules" \
			--env BPFSIG_KDIR="$kdir" --env BPFSIG_LEAN=1 $corpus \
			-- selftests/vm-tests.sh main >"$log/vm-$rel.txt" 2>&1
		[ $try = 1 ] && ! grep -q '^# vm-tests done' "$log/vm-$rel.txt" || break
		if grep -Eq '^(not )?ok [0-9]+ ' "$log/vm-$rel.txt"; then
			why=$(scripts/tcg-stale-int3.sh "$console") || break
			echo "# $rel: the VM died half-way, $why; booting again, single-threaded TCG:"
			cp "$console" "$log/vm-$rel-console-try1.log"
			tcg=single
		else
			echo "# $rel: the VM died before the first test; booting again:"
			grep -m 3 -E 'Oops|BUG|panic' "$console" | sed 's/^/#   /'
		fi
	done
	# "ok N # SKIP why" (the harness names no test there) keeps its directive
	sed -E -e "s/^(not ok|ok) ([0-9]+) # /\1 \2 $tag # /;t" \
		-e "s/^(not ok|ok) ([0-9]+) /\1 \2 $tag./" "$log/vm-$rel.txt"
	if grep -q '^# vm-tests done' "$log/vm-$rel.txt"; then
		echo "ok 1 $tag.booted_and_ran_to_the_end"
	else
		echo "not ok 1 $tag.booted_and_ran_to_the_end # see build/selftests/log/vm-$rel.txt"
	fi
	echo "# $rel: $(($(date +%s) - t0)) s"
done
