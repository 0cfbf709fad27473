# SPDX-License-Identifier: GPL-2.0
"""benchmark.png: four panels (straight lines and diamond chains; end to
end and the module's decision time), drawn by gnuplot from data files in
WORK."""
import os
import shutil
import subprocess
import sys

from .cases import CASE_ORDER
from .fmt import us

COLORS = {"nomod": "#000000", "ref-e2big": "#bbbbbb", "off": "#777777",
          "valid": "#1a9850", "unsigned": "#d73027", "malformed": "#f46d43",
          "forged-garbage": "#fdae61", "forged-untrusted": "#762a83",
          "forged-badsig": "#c51b7d", "wrong-type": "#4575b4",
          "wrong-size": "#74add1", "replay": "#b8860b",
          "ref-copy": "#999999"}
DASHES = {"ref-copy": "dt 2", "ref-e2big": "dt 4", "off": "dt 3"}
ENFORCE = [c for c in CASE_ORDER if c not in ("nomod", "off", "ref-copy")]


def points(run, fam, case):
    """(x, median, p10, p90, decision) in us; x in instructions."""
    pts = []
    for p in run.params(fam):
        r = run.get(fam, p, case)
        if not r or r.n == 0:
            continue
        x = r.insns if fam == "straight" else run.processed.get((fam, p), 0)
        if x <= 0:
            continue
        dec = us(r.decision_mean_ns) if r.decisions else None
        pts.append((x, us(r.median_ns), us(r.p10_ns), us(r.p90_ns), dec))
    return pts


def write_series(run, work):
    """One data file per family and case; (family, case) -> file."""
    series = {}
    for fam in ("straight", "diamonds"):
        for case in CASE_ORDER:
            pts = points(run, fam, case)
            if not pts:
                continue
            fn = os.path.join(work, "%s-%s.dat" % (fam, case))
            with open(fn, "w") as f:
                for x, m, lo, hi, dec in pts:
                    f.write("%d %g %g %g %s\n" % (x, m, lo, hi,
                                                  dec if dec else "NaN"))
            series[(fam, case)] = fn
    e2big = run.get("ref", 0, "ref-e2big")
    if e2big and e2big.n:
        xs = [r.insns for r in run.loads if r.family == "straight"]
        fn = os.path.join(work, "straight-ref-e2big.dat")
        with open(fn, "w") as f:
            for x in (min(xs), max(xs)):
                f.write("%d %g %g %g NaN\n" % (x, us(e2big.median_ns),
                                               us(e2big.p10_ns),
                                               us(e2big.p90_ns)))
        series[("straight", "ref-e2big")] = fn
    return series


def panel(series, fam, col, title, xlabel, ylabel, cases, bars):
    lines = ["set title '%s'" % title, "set xlabel '%s'" % xlabel,
             "set ylabel '%s'" % ylabel]
    parts = []
    for c in cases:
        fn = series.get((fam, c))
        if not fn:
            continue
        style = "lc rgb '%s' %s" % (COLORS[c], DASHES.get(c, ""))
        if bars:
            parts.append("'%s' using 1:2:3:4 with yerrorlines %s lw 1.5 "
                         "pt 7 ps 0.7 title '%s'" % (fn, style, c))
        else:
            parts.append("'%s' using 1:%d with linespoints %s lw 1.5 "
                         "pt 7 ps 0.7 title '%s'" % (fn, col, style, c))
    lines.append("plot " + ", \\\n  ".join(parts) if parts
                 else "unset multiplot; set multiplot next")
    return lines


def script(run, out, series):
    insns = "instructions processed by the verifier"
    return (["set terminal pngcairo size 1600,1200 font 'sans,10'",
             "set output '%s'" % os.path.join(out, "benchmark.png"),
             "set logscale xy", "set grid", "set key outside right top",
             "set format y '10^{%L}'", "set format x '10^{%L}'",
             "set multiplot layout 2,2 title 'bpfsig benchmark (QEMU TCG, "
             "%s; medians, bars p10-p90)'" %
             run.machine.get("guest_kernel", "?")] +
            panel(series, "straight", 2, "Straight-line programs: "
                  "end-to-end bpf(BPF\\_PROG\\_LOAD)", "program instructions",
                  "latency (us)", CASE_ORDER + ["ref-e2big"], True) +
            panel(series, "straight", 5, "Straight-line programs: module "
                  "decision time (stats, mean)", "program instructions",
                  "decision (us)", ENFORCE, False) +
            panel(series, "diamonds", 2, "Diamond chains: end-to-end "
                  "bpf(BPF\\_PROG\\_LOAD)", insns, "latency (us)",
                  [c for c in CASE_ORDER if c != "ref-copy"], True) +
            panel(series, "diamonds", 5, "Diamond chains: module decision "
                  "time (stats, mean)", insns, "decision (us)", ENFORCE,
                  False) +
            ["unset multiplot"])


def plot(run, out, work):
    os.makedirs(work, exist_ok=True)
    series = write_series(run, work)
    gp = os.path.join(work, "benchmark.gp")
    with open(gp, "w") as f:
        f.write("\n".join(script(run, out, series)) + "\n")
    if not shutil.which("gnuplot"):
        sys.exit("report: gnuplot missing: run scripts/install-deps.sh")
    subprocess.run(["gnuplot", gp], check=True)
