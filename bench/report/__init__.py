# SPDX-License-Identifier: GPL-2.0
"""bench/report: one benchmark run's raw data -> the published report.

load.py      raw CSV files -> records (records.py) in a Run
judge.py     the targets, MET or MISSED, with their figures
csvout.py    benchmark.csv, benchmark-{corpus,flood,hash,split,flat}.csv
plot.py      benchmark.png (gnuplot)
markdown.py  benchmark.md: benchmark.md.in (template.py) filled in, with
             tables.py (results) and discussion.py (what they say)
"""
