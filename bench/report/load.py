# SPDX-License-Identifier: GPL-2.0
"""One run's raw data (RAW_DIR), read into records, and the lookups the
report makes in it."""
import csv
import dataclasses
import os
import sys
from dataclasses import dataclass, field

from .records import (Corpus, CorpusFailed, Flat, Flood, Hash, HashPair, Load,
                      Prog, Split, parse)


def read_rows(path):
    """The rows of a CSV file as dicts of strings; none if it is absent."""
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_kv(path):
    """key=value lines (machine.txt, host.txt, drivers.txt)."""
    kv = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                kv[k] = v
    return kv


@dataclass
class Run:
    raw: str
    rows: dict = field(default_factory=dict)   # file stem -> raw rows
    loads: list = field(default_factory=list)
    progs: list = field(default_factory=list)
    flood: list = field(default_factory=list)
    corpus: list = field(default_factory=list)
    corpus_cold: list = field(default_factory=list)  # cache_size=0
    # signed loads in mode permissive: the verifier stage alone
    corpus_permissive: list = field(default_factory=list)
    corpus_failed: list = field(default_factory=list)
    hash: list = field(default_factory=list)
    hashpair: list = field(default_factory=list)
    split: list = field(default_factory=list)
    flat: dict = field(default_factory=dict)   # (case, param) -> Flat
    machine: dict = field(default_factory=dict)
    host: dict = field(default_factory=dict)
    drivers: dict = field(default_factory=dict)
    cell: dict = field(default_factory=dict)   # (phase, family, param, case)
    processed: dict = field(default_factory=dict)  # (family, param) -> insns

    def get(self, family, param, case, phase=None):
        """The cell of @case, in @phase or the first phase that has it."""
        phases = [phase] if phase else ["nomod", "off", "enforce"]
        for ph in phases:
            r = self.cell.get((ph, family, param, case))
            if r:
                return r
        return None

    def params(self, family):
        return sorted({r.param for r in self.loads
                       if r.family == family and r.phase != "rehash"})

    def insns(self, family, param):
        r = self.get(family, param, "nomod")
        return r.insns if r else param


TABLES = {"loads": Load, "progs": Prog, "flood": Flood, "corpus": Corpus,
          "corpus-cold": Corpus, "corpus-permissive": Corpus,
          "corpus-failed": CorpusFailed, "hash": Hash, "split": Split,
          "hashpair": HashPair,
          "flat": Flat}


def top_driver(raw):
    """The highest-priority sha256 driver of proc-crypto.txt, or None."""
    best, drv = None, None
    for line in open(os.path.join(raw, "proc-crypto.txt")):
        k, _, v = line.partition(":")
        if k.strip() == "driver":
            drv = v.strip()
        elif k.strip() == "priority" and drv:
            if best is None or int(v) > best[0]:
                best = (int(v), drv)
    return best[1] if best else None


def by_name(rows, raw):
    """hash.csv: a driver AF_ALG cannot bind by its driver name (7.x's
    sha256-lib, ENOENT) is measured by the algorithm's name, sha256, which
    binds the highest-priority driver: that row stands for it when it is
    that driver."""
    named = [r for r in rows if r.driver == "sha256" and not r.error]
    if not named or not os.path.exists(os.path.join(raw, "proc-crypto.txt")):
        return rows
    top = top_driver(raw)
    return [dataclasses.replace(named[0], driver=r.driver)
            if r.driver == top and r.error == "No such file or directory"
            else r for r in rows]


def load_run(raw):
    run = Run(raw)
    records = {}
    for stem, cls in TABLES.items():
        run.rows[stem] = read_rows(os.path.join(raw, stem + ".csv"))
        records[stem] = [parse(cls, r) for r in run.rows[stem]]
    run.loads, run.progs = records["loads"], records["progs"]
    run.flood, run.corpus = records["flood"], records["corpus"]
    run.corpus_failed = records["corpus-failed"]
    run.corpus_cold = records["corpus-cold"]
    run.corpus_permissive = records["corpus-permissive"]
    run.hash, run.split = (by_name(records["hash"], raw),
                           records["split"])
    run.hashpair = records["hashpair"]
    run.flat = {(r.case, r.param): r for r in records["flat"]}
    for name in ("machine", "host", "drivers"):
        setattr(run, name, read_kv(os.path.join(raw, name + ".txt")))
    if not run.loads:
        sys.exit("report: no loads.csv in %s" % raw)
    run.cell = {(r.phase, r.family, r.param, r.case): r for r in run.loads}
    run.processed = {(p.family, p.param): p.verified_insns
                     for p in run.progs}
    return run
