#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The benchmark's smoke run (`make bench-smoke`: one VM boot, report in
# build/bench/smoke/), as the test suite runs it. The benchmark is a
# measurement: whether a target is met is not tested here (a smoke run's
# budgets are too short to judge one). What is: it runs to the end on this
# commit, its report judges every target, the corpus's signed replays were
# all accepted and all but each program's first served by the cache, and
# the kernel log stayed clean.
#   selftests/bench_smoke.sh        TAP lines "ok N bench.smoke.*"
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=$top/build/selftests/log
raw=$top/build/bench/vm-smoke/raw
report=$top/build/bench/smoke/benchmark.md
mkdir -p "$log"
n=0
ok() { n=$((n + 1)); echo "ok $n bench.smoke.$1"; }
not_ok() { n=$((n + 1)); echo "not ok $n bench.smoke.$1${2:+ # $2}"; }

rm -rf "$raw" "$top/build/bench/smoke"
t0=$(date +%s)
if make -s bench-smoke >"$log/bench-smoke.txt" 2>&1; then
	ok runs
else
	tail -20 "$log/bench-smoke.txt" | sed 's/^/# /'
	not_ok runs "make bench-smoke failed: build/selftests/log/bench-smoke.txt"
	exit 0
fi
echo "# make bench-smoke: $(($(date +%s) - t0)) s"

rev=$(git describe --always --dirty 2>/dev/null)
if grep -q "commit \`$rev\`" "$report"; then
	ok report_of_this_commit
else
	not_ok report_of_this_commit "$report does not name commit $rev"
fi

# The targets table: one row per target and case, each judged.
want='Unsigned and malformed loads|unsigned
Unsigned and malformed loads|malformed
Forged signatures and statements for another type or size|forged-garbage
Forged signatures and statements for another type or size|forged-untrusted
Forged signatures and statements for another type or size|forged-badsig
Forged signatures and statements for another type or size|wrong-type
Forged signatures and statements for another type or size|wrong-size
Valid statement replayed onto another program of the same size|replay, 1,000 insns
Valid statement replayed onto another program of the same size|replay, 100,000 insns
Signed-load overhead over the corpus|median of 1 programs
First signed load over the corpus|median of 1 programs, cache off
Valid-load decision within 2x of hashing the program|valid, 1,000 insns, cache warm
Hashing within 20% of the fastest in-kernel sha256|module after the reload (sha256-generic)'
rows=$(awk -F' [|] ' '/^## Targets/ { t = 1; next } /^##/ { t = 0 }
	t && /^[|] [A-Z]/ { sub(/^[|] /, "", $1); print $1 "|" $2 "|" $NF }' "$report")
got=$(echo "$rows" | cut -d'|' -f1,2)
# the hashing row names the driver the module chose: any
got=$(echo "$got" | sed 's/^\(Hashing.*|module after the reload\) (.*)$/\1 (sha256-generic)/')
bad=$(echo "$rows" | cut -d'|' -f3- | grep -Ecv '^(\*\*MET\*\*|\*\*MISSED\*\*|reported( \(.*\))?) [|]$')
if [ "$got" = "$want" ] && [ "$bad" = 0 ]; then
	ok every_target_judged
else
	echo "$rows" | sed 's/^/#   /'
	not_ok every_target_judged "rows or results differ from the 13 targets (MET, MISSED or reported)"
fi

# corpus.csv: pairs, errors, accepted are columns 8, 9, 20
if awk -F, 'NR > 1 { rows++; if ($9 != 0 || $20 != $8 || $8 < 2) bad++ }
	END { exit !(rows > 0 && !bad) }' "$raw/corpus.csv"; then
	ok corpus_signed_replays_all_accepted
else
	not_ok corpus_signed_replays_all_accepted "see $raw/corpus.csv"
fi
# the same replays signed in mode permissive: all accepted, none of them
# verified at the syscall stage (column 22), which is off in that mode;
# and the report splits the overhead by stage on them
if awk -F, 'NR > 1 { rows++; if ($9 != 0 || $20 != $8 || $8 < 2 || $22 != 0) bad++ }
	END { exit !(rows > 0 && !bad) }' "$raw/corpus-permissive.csv" &&
   grep -q 'By stage: the same replays with their signed loads in mode permissive' "$report"; then
	ok corpus_permissive_replays_split_by_stage
else
	not_ok corpus_permissive_replays_split_by_stage "see $raw/corpus-permissive.csv and $report"
fi
want=$(awk -F, 'NR > 1 { s += $8 - 1 } END { print s + 0 }' "$raw/corpus.csv")
hits=$(awk '$1 == "cache_hits" { print $2 }' "$raw/stats-enforce.txt")
if [ "${hits:-0}" -ge "$want" ] && [ "$want" -gt 0 ]; then
	ok corpus_replays_served_by_the_cache
else
	not_ok corpus_replays_served_by_the_cache "cache_hits ${hits:-?}, want at least $want"
fi
same=$(awk '$1 == "cache_insns_same" { print $2 }' "$raw/stats-enforce.txt")
if [ "${same:-0}" -ge "$want" ] && [ "$want" -gt 0 ]; then
	ok corpus_replays_compared_not_hashed
else
	not_ok corpus_replays_compared_not_hashed "cache_insns_same ${same:-?}, want at least $want"
fi
# hashpair.csv: 3 rounds, each with both replays timed (the larger one
# longer) and AF_ALG's digest right; the target row judged on them
if awk -F, 'NR > 1 { rows++; if ($9 != "" || $8 <= 0 || $7 <= $6) bad++ }
	END { exit !(rows == 3 && !bad) }' "$raw/hashpair.csv" &&
	grep -q '^| Hashing within .*| module after the reload' "$report"; then
	ok hashing_judged_interleaved
else
	not_ok hashing_judged_interleaved "see $raw/hashpair.csv"
fi
if grep -Eq 'WARNING:|BUG:|Oops|Call Trace|general protection' "$raw/dmesg.txt"; then
	not_ok kernel_log_clean "see $raw/dmesg.txt"
else
	ok kernel_log_clean
fi
