# SPDX-License-Identifier: GPL-2.0
"""The targets of issue 5, judged on one run: each MET or MISSED, with the
figures it was judged on."""
import statistics
from dataclasses import dataclass
from typing import Optional

from .cases import GROUP_FORGED, GROUP_UNSIGNED

TARGETS = {
    "flat": 2.0,            # max/min of the median over 1k..1M
    "cheap_unsigned": 10000,
    "cheap_forged": 1000,
    "corpus_pct": 5.0,
    "hash_frac": 0.80,      # module throughput >= 80% of the fastest driver
    "decision_x": 2.0,      # valid 1,000-insn decision / hashing them
    "decision_insns": 1000,
}


@dataclass
class Refusal:
    """One refused case over the straight-line sizes; no figures if a
    cell is missing or failed."""
    case: str
    flat: Optional[float] = None    # max/min of the medians over the sizes
    cheap: Optional[float] = None   # verifying the largest / worst median
    worst: Optional[float] = None   # the worst median
    ok: bool = False
    early: bool = False             # every load refused at the syscall stage
    best: Optional[float] = None
    cell_flat: Optional[float] = None  # max/min of the separate cells

    @property
    def measured(self):
        return self.flat is not None


@dataclass
class Group:
    refusals: list
    ok: bool
    need: int                       # how many times cheaper, at least


@dataclass
class Replay:
    """A valid statement replayed onto another program, against its bound:
    the kernel's copy + one legitimate first verification."""
    param: int
    replay: float
    copy: float
    checks: float
    sig: float
    hash: float                     # hashing the program, at the module's rate
    bound: float
    ratio: float
    vs: float
    accounted: float


@dataclass
class Hashing:
    module_mbs: float
    fastest: str
    fastest_mbs: float
    default: str
    default_mbs: Optional[float]
    frac: float
    bytes: int
    driver_frac: float
    ok: bool = False
    rehash: Optional[str] = None
    rehash_mbs: Optional[float] = None
    pair: Optional["HashPairs"] = None


@dataclass
class HashPairs:
    """hashpair.csv: the module's hashing against its own driver's through
    AF_ALG, in the same rounds."""
    driver: str
    rounds: int
    bytes: int
    module_mbs: float       # bytes / median of (big - small) decisions
    afalg_mbs: float        # bytes / median AF_ALG time
    ratio: float            # median over rounds of module rate / AF_ALG rate
    driver_frac: float      # that driver / the fastest (hash.csv)


@dataclass
class Decision:
    """A valid load's decision (cache warm) against hashing its
    instructions at the module's rate."""
    insns: int
    decision: float
    hash: float
    ratio: float
    ok: bool


@dataclass
class Verdict:
    verify_1m_ns: Optional[float]
    big: int
    groups: dict                    # "unsigned", "forged" -> Group
    reuse: bool
    replay: list
    corpus_pcts: list
    corpus_median: Optional[float]
    corpus_ok: bool
    hash: Optional[Hashing]
    corpus_cold_pcts: list = None   # first loads: bpfsig with cache_size=0
    corpus_cold_median: Optional[float] = None
    decision: Optional[Decision] = None


def median_ns(r):
    return float(r.median_ns) if r and r.n > 0 else None


def module_reuses(run):
    """True if the module verifies a signature at most once per load: its
    verifier stage relies on the syscall stage's verification (stats line
    syscall_stage_verified, counted by the valid loads' rows; 0 when they
    all hit the cache). A module without that line verified twice."""
    for r in run.loads:
        if (r.case == "valid" and r.phase == "enforce" and
                (r.syscall_stage_verified
                 if r.syscall_stage_verified is not None else -1) >= 0):
            return True
    return False


def judge_refusal(run, case, need, verify_1m):
    straight = run.params("straight")
    cell_meds = [median_ns(run.get("straight", p, case)) for p in straight]
    # the interleaved measurement when there is one (flat.csv)
    if all((case, p) in run.flat for p in straight):
        meds = [median_ns(run.flat[(case, p)]) for p in straight]
        if any(run.flat[(case, p)].errors for p in straight):
            meds = [None]
    else:
        meds = cell_meds
    if None in meds or not verify_1m:
        return Refusal(case)
    flat = max(meds) / min(meds)
    cheap = verify_1m / max(meds)
    early = all(run.get("straight", p, case).syscall_stage_refusals ==
                run.get("straight", p, case).n for p in straight)
    return Refusal(case, flat, cheap, max(meds),
                   flat <= TARGETS["flat"] and cheap >= need and early,
                   early, min(meds),
                   (max(cell_meds) / min(cell_meds)
                    if None not in cell_meds else None))


def judge_group(run, cases, need, verify_1m):
    refusals = [judge_refusal(run, c, need, verify_1m) for c in cases]
    return Group(refusals, all(r.ok for r in refusals), need)


def hash_ns(insns, hs):
    """Hashing @insns instructions at the module's measured rate."""
    return insns * 8 / (hs.module_mbs * 1e6) * 1e9 if hs and hs.module_mbs else 0.0


def judge_replay(run, reuse, hs):
    """Replay: bound = the kernel's copy + one legitimate first
    verification (signature + the checks of a valid load, whose
    instructions, cache warm, are compared, + the hash of the program)."""
    rep = []
    for p in run.params("straight"):
        r = run.get("straight", p, "replay")
        copy = run.get("straight", p, "ref-copy")
        valid = run.get("straight", p, "valid")
        ver = run.get("straight", p, "nomod")
        badsig = run.get("straight", p, "forged-badsig")
        if not (r and copy and valid and ver and r.n):
            continue
        checks = float(valid.decision_mean_ns)
        sig = (float(badsig.decision_mean_ns)
               if reuse and badsig and badsig.decisions else 0.0)
        h = hash_ns(valid.insns, hs)
        bound = median_ns(copy) + checks + sig + h
        rep.append(Replay(param=p, replay=median_ns(r), copy=median_ns(copy),
                          checks=checks, sig=sig, hash=h, bound=bound,
                          ratio=median_ns(r) / bound,
                          vs=median_ns(ver) / median_ns(r),
                          accounted=float(r.decision_mean_ns)))
    return rep


def hash_slope(small, big, nbytes):
    """MB/s of the module's verify path: the slope of its decision time
    from the load @small to @big, @nbytes larger."""
    d = float(big.decision_mean_ns) - float(small.decision_mean_ns)
    return nbytes / (d / 1e9) / 1e6 if d > 0 else 0


def judge_hash(run):
    """The module's effective throughput vs the fastest driver: the slope
    of the replays' decisions (a replay is hashed in full: cache warm, a
    valid load's instructions are compared instead)."""
    straight = run.params("straight")
    small, big = min(straight), max(straight)
    v_small = run.get("straight", small, "replay", "enforce")
    v_big = run.get("straight", big, "replay", "enforce")
    good = [h for h in run.hash if not h.error and h.driver != "sha256"]
    if not (v_small and v_big and good):
        return None
    nbytes = (v_big.insns - v_small.insns) * 8
    mod_mbs = hash_slope(v_small, v_big, nbytes)
    fastest = max(good, key=lambda h: float(h.mb_per_s))
    default = run.drivers.get("default", "?")
    drv = [h for h in good if h.driver == default]
    default_mbs = float(drv[0].mb_per_s) if drv else None
    fastest_mbs = float(fastest.mb_per_s)
    hs = Hashing(module_mbs=mod_mbs, fastest=fastest.driver,
                 fastest_mbs=fastest_mbs, default=default,
                 default_mbs=default_mbs, frac=mod_mbs / fastest_mbs,
                 bytes=nbytes, driver_frac=(default_mbs or 0) / fastest_mbs)
    rs = run.get("straight", small, "valid", "rehash")
    rb = run.get("straight", big, "valid", "rehash")
    if rs and rb:
        hs.rehash = run.drivers.get("rehash", "?")
        hs.rehash_mbs = hash_slope(rs, rb, nbytes)
    hs.pair = judge_pairs(run, good, fastest_mbs)
    if hs.pair:
        hs.frac = hs.pair.ratio * hs.pair.driver_frac
    hs.ok = (hs.frac >= TARGETS["hash_frac"] and
             hs.driver_frac >= TARGETS["hash_frac"])
    return hs


def judge_pairs(run, good, fastest_mbs):
    """The module's rate against its driver's, round by round."""
    rows = [p for p in run.hashpair if not p.error and p.afalg_ns > 0 and
            p.module_big_ns > p.module_small_ns]
    if not rows or len(rows) != len(run.hashpair):
        return None
    drv = [h for h in good if h.driver == rows[0].driver]
    nbytes = rows[0].bytes
    diff = [p.module_big_ns - p.module_small_ns for p in rows]
    return HashPairs(
        driver=rows[0].driver, rounds=len(rows), bytes=nbytes,
        module_mbs=nbytes / (statistics.median(diff) / 1e9) / 1e6,
        afalg_mbs=nbytes / (statistics.median(p.afalg_ns for p in rows)
                            / 1e9) / 1e6,
        ratio=statistics.median(p.afalg_ns / d for p, d in zip(rows, diff)),
        driver_frac=(float(drv[0].mb_per_s) / fastest_mbs if drv else 0.0))


def judge_decision(run, hs):
    """The valid load of 1,000 instructions: its mean decision (both
    stages, cache warm) against hashing those instructions."""
    p = TARGETS["decision_insns"]
    v = run.get("straight", p, "valid", "enforce")
    if not (v and v.decisions and hs and hs.module_mbs):
        return None
    d = float(v.decision_mean_ns)
    h = hash_ns(p, hs)
    return Decision(insns=p, decision=d, hash=h, ratio=d / h,
                    ok=d / h <= TARGETS["decision_x"])


def judge(run):
    big = max(run.params("straight"))
    verify_1m = median_ns(run.get("straight", big, "nomod"))
    groups = {
        "unsigned": judge_group(run, GROUP_UNSIGNED,
                                TARGETS["cheap_unsigned"], verify_1m),
        "forged": judge_group(run, GROUP_FORGED, TARGETS["cheap_forged"],
                              verify_1m),
    }
    reuse = module_reuses(run)
    # signed-load overhead over the corpus
    pcts = [c.overhead_pct for c in run.corpus if c.measured]
    median = statistics.median(pcts) if pcts else None
    cold = [c.overhead_pct for c in run.corpus_cold if c.measured]
    hs = judge_hash(run)
    return Verdict(verify_1m_ns=verify_1m, big=big, groups=groups,
                   reuse=reuse, replay=judge_replay(run, reuse, hs),
                   corpus_pcts=pcts, corpus_median=median,
                   corpus_ok=(median is not None and
                              median <= TARGETS["corpus_pct"]),
                   hash=hs, corpus_cold_pcts=cold,
                   corpus_cold_median=(statistics.median(cold)
                                       if cold else None),
                   decision=judge_decision(run, hs))
