#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the raw CSV files of one benchmark run (bench/run-vm.sh) into the
published report: benchmark.md, benchmark.csv (the load matrix),
benchmark-{flat,split,corpus,flood,hash}.csv and benchmark.png (gnuplot).

    bench/report RAW_DIR OUT_DIR [--smoke | --other]

--other: a run on another kernel than the pinned one (bench/other.sh),
published in a directory below Documentation/.

Everything in the report is computed from RAW_DIR; nothing is typed in by
hand. Targets are those of issue 5; each is marked MET or MISSED with the
figures it was judged on.
"""
import os
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
if not __package__:
    # run as "python3 bench/report": import this directory as "report"
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from report.csvout import write_csvs  # noqa: E402
from report.judge import judge  # noqa: E402
from report.load import load_run  # noqa: E402
from report.markdown import report_md  # noqa: E402
from report.plot import plot  # noqa: E402


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    smoke = "--smoke" in sys.argv
    other = "--other" in sys.argv
    if len(args) != 2:
        sys.exit(__doc__)
    raw, out = args
    os.makedirs(out, exist_ok=True)
    run = load_run(raw)
    t = judge(run)
    write_csvs(run, out)
    plot(run, out, os.path.join(os.path.dirname(os.path.abspath(raw)),
                                "plot"))
    with open(os.path.join(out, "benchmark.md"), "w") as f:
        f.write(report_md(run, t, smoke, out, other))
    print("report: wrote %s/benchmark.{md,csv,png}" % out)


if __name__ == "__main__":
    main()
