# SPDX-License-Identifier: GPL-2.0
"""The rows of the raw CSV files (bench/harness/), as named records.

One dataclass per file, one field per column, named as the column. A
column that older runs did not write, or that the report does not read,
has a default.
"""
import dataclasses
import typing
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Batch:
    """The columns of a batch of timed loads (loads.csv, flat.csv)."""
    n: int
    errors: int
    first_error: str
    median_ns: float
    p10_ns: float
    p90_ns: float
    min_ns: float
    max_ns: float


@dataclass(frozen=True)
class Load(Batch):
    """loads.csv: one cell, a case of one program in one phase."""
    phase: str
    family: str
    param: int
    insns: int
    buf_insns: int
    case: str
    expect: str
    decisions: int
    decision_mean_ns: float
    syscall_stage_refusals: int
    mean_ns: Optional[float] = None
    want_syscall_stage: Optional[int] = None
    accepted: Optional[int] = None
    unsigned: Optional[int] = None
    malformed: Optional[int] = None
    nokey: Optional[int] = None
    rejected: Optional[int] = None
    syscall_stage_verified: Optional[int] = None


@dataclass(frozen=True)
class Prog:
    """progs.csv: what the verifier processed of each program."""
    family: str
    param: int
    insns: int
    verified_insns: int


@dataclass(frozen=True)
class Flat(Batch):
    """flat.csv: one refused case at one size, all interleaved."""
    case: str
    param: int
    insns: int


@dataclass(frozen=True)
class Split:
    """split.csv: a signed load's time, split into its parts."""
    family: str
    param: int
    insns: int
    cycles: int
    errors: int
    off_ns: float
    signed_off_ns: float
    permissive_ns: float
    enforce_ns: float
    appendix_ns: float
    verifier_stage_ns: float
    syscall_stage_ns: float
    total_ns: float
    total_p10_ns: float
    total_p90_ns: float
    accepted: int
    decision_mean_ns: float
    syscall_stage_verified: Optional[int] = None


@dataclass(frozen=True)
class Corpus:
    """corpus.csv: one program of the corpus, unsigned vs signed."""
    object: str
    program: str
    prog_type: int
    expected_attach_type: int
    insns: int
    appendix_insns: int
    verified_insns: int
    pairs: int
    errors: int
    first_error: str
    unsigned_median_ns: float
    unsigned_p10_ns: float
    unsigned_p90_ns: float
    signed_median_ns: float
    signed_p10_ns: float
    signed_p90_ns: float
    diff_median_ns: float
    diff_p10_ns: float
    diff_p90_ns: float
    accepted: int
    decision_mean_ns: float
    syscall_stage_verified: Optional[int] = None

    @property
    def measured(self):
        return not self.errors and self.pairs != 0

    @property
    def overhead_pct(self):
        """The paired difference, in % of the unsigned load."""
        return 100.0 * self.diff_median_ns / self.unsigned_median_ns


@dataclass(frozen=True)
class CorpusFailed:
    """corpus-failed.csv: an object libbpf could not load."""
    object: str
    error: str


@dataclass(frozen=True)
class Flood:
    """flood.csv: one flood of unsigned loads."""
    label: str
    insns: int
    seconds: float
    loads: int
    accepted: int
    refused: int
    refusal_errno: str
    loads_per_s: float
    proc_user_s: float
    proc_sys_s: float
    machine_busy_s: float
    machine_cpus_s: float
    cpu_ms_per_load: float
    decisions: int
    decision_mean_ns: float
    syscall_stage_refusals: int


@dataclass(frozen=True)
class Hash:
    """hash.csv: one sha256 driver through AF_ALG."""
    driver: str
    bytes: int
    reps: int
    error: str
    median_ns: float
    min_ns: float
    max_ns: float
    mb_per_s: float


@dataclass(frozen=True)
class HashPair:
    """hashpair.csv: one round of the module's hashing (two replays) and
    its driver's through AF_ALG, interleaved."""
    round: int
    driver: str
    small_insns: int
    big_insns: int
    bytes: int
    module_small_ns: float
    module_big_ns: float
    afalg_ns: float
    error: str


def _converter(hint):
    if typing.get_origin(hint) is typing.Union:
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    return hint


def parse(cls, row):
    """A record of @cls from @row, a csv.DictReader row (all strings)."""
    hints = typing.get_type_hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        text = row.get(f.name)
        if text in (None, "") and f.default is not dataclasses.MISSING:
            continue
        values[f.name] = _converter(hints[f.name])(text)
    return cls(**values)
