# SPDX-License-Identifier: GPL-2.0
"""The published CSV files: benchmark.csv (the load matrix, in us) and
benchmark-{corpus,corpus-cold,corpus-permissive,flood,hash,split,flat}.csv (the raw files as they are)."""
import csv
import os

from .fmt import us

LOAD_COLUMNS = ["phase", "family", "param", "insns", "buf_insns",
                "verifier_processed", "case", "expect", "n", "errors",
                "median_us", "p10_us", "p90_us", "min_us", "max_us",
                "decision_mean_us", "syscall_stage_refusals"]
AS_IS = ["corpus", "corpus-cold", "corpus-permissive", "flood", "hash",
         "split", "flat"]


def load_row(run, r):
    return [r.phase, r.family, r.param, r.insns, r.buf_insns,
            run.processed.get((r.family, r.param), ""), r.case, r.expect,
            r.n, r.errors,
            "%.1f" % us(r.median_ns), "%.1f" % us(r.p10_ns),
            "%.1f" % us(r.p90_ns), "%.1f" % us(r.min_ns),
            "%.1f" % us(r.max_ns),
            "%.1f" % us(r.decision_mean_ns) if r.decisions else "",
            r.syscall_stage_refusals]


def write_csvs(run, out):
    with open(os.path.join(out, "benchmark.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(LOAD_COLUMNS)
        for r in run.loads:
            w.writerow(load_row(run, r))
    for name in AS_IS:
        rows = run.rows[name]
        if not rows:
            continue
        with open(os.path.join(out, "benchmark-%s.csv" % name), "w",
                  newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
