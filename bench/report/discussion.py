# SPDX-License-Identifier: GPL-2.0
"""What the figures say, target by target: reasons and fixes. Each
function gives one item of the list, or None."""
import statistics

from .cases import CASE_DESC, GROUP_FORGED
from .fmt import fmt_int, fmt_signed, fmt_time, fmt_x
from .judge import TARGETS
from .template import render

GROUP_NAMES = {"unsigned": "Unsigned and malformed loads",
               "forged": "Forged signatures and wrong statements"}


def refusals(run, t, name):
    group = t.groups[name]
    good = [r for r in group.refusals if r.measured]
    if not good:
        return None
    what = GROUP_NAMES[name]
    if group.ok:
        worst = max(good, key=lambda r: r.worst)
        flat_worst = max(good, key=lambda r: r.flat)
        return render("say-refusal-met", what=what,
                      flat="%.2f" % flat_worst.flat,
                      flat_case=flat_worst.case,
                      cheaper=fmt_x(min(r.cheap for r in good)),
                      big=fmt_int(run.insns("straight", t.big)),
                      worst_case=worst.case, worst=fmt_time(worst.worst))
    bad = [r for r in good if not r.ok]
    details = " ".join(
        render("say-refusal-case", case=r.case, flat="%.2f" % r.flat,
               cheaper=fmt_x(r.cheap),
               stage=("all at the syscall stage" if r.early else
                      "NOT all at the syscall stage")) for r in bad)
    return render("say-refusal-missed", what=what,
                  cases=", ".join(r.case for r in bad) or "missing cells",
                  details=details,
                  flat_note=(render("say-flat-note")
                             if any(r.flat > TARGETS["flat"] for r in bad)
                             else None),
                  cheap_note=(render("say-cheap-note")
                              if any(r.cheap < group.need for r in bad)
                              else None))


def costliest(run, t):
    if not run.get("straight", t.big, "nomod"):
        return None
    costs = [(c, run.get("straight", t.big, c)) for c in GROUP_FORGED]
    costs = [(c, r) for c, r in costs if r and r.n]
    if not costs:
        return None
    c, r = max(costs, key=lambda x: float(x[1].median_ns))
    return render("say-costliest", case=c, median=fmt_time(r.median_ns),
                  insns=fmt_int(r.insns),
                  decision=fmt_time(r.decision_mean_ns),
                  why=(render("say-costliest-rsa") if c == "forged-badsig"
                       else CASE_DESC[c]))


def replay(run, t):
    if not t.replay:
        return None
    x = t.replay[-1]
    above = [y for y in t.replay if y.ratio > 1]
    insns = run.insns("straight", x.param)
    return render(
        "say-replay", insns=fmt_int(insns), replay=fmt_time(x.replay),
        mb="%.1f" % (insns * 8 / 1e6), copy=fmt_time(x.copy),
        verifier=render("say-replay-reuse" if t.reuse else "say-replay-again"),
        accounted=fmt_time(x.accounted),
        where=("within the bound" if x.ratio <= 1 else
               "%.0f%% above the bound" % (100 * (x.ratio - 1))),
        vs=fmt_x(x.vs),
        above=render(
            "say-replay-above",
            sizes=", ".join(fmt_int(run.insns("straight", y.param))
                            for y in above),
            by=", ".join("%s (%.2fx)" % (fmt_time(y.replay - y.bound),
                                         y.ratio) for y in above))
        if above else None)


def decompose(run, param):
    """The signed-load cost split for one straight-line size (split.csv)."""
    for r in run.split:
        if r.param == param and r.cycles:
            return r
    return None


def signature_ns(run, small):
    """The module's time for a signature verification: forged-badsig."""
    badsig = run.get("straight", small, "forged-badsig")
    return (float(badsig.decision_mean_ns)
            if badsig and badsig.decisions else None)


def split(run, t):
    small = min(run.params("straight"))
    parts = decompose(run, small)
    if not parts:
        return None
    sig_ns = signature_ns(run, small)
    values = dict(insns=fmt_int(run.insns("straight", small)),
                  appendix=fmt_signed(parts.appendix_ns),
                  verifier=fmt_signed(parts.verifier_stage_ns),
                  syscall=fmt_signed(parts.syscall_stage_ns))
    if not t.reuse:
        return render("say-split-twice",
                      accounted=fmt_time(parts.decision_mean_ns), **values)
    valid = run.get("straight", small, "valid")
    return render("say-split-reuse",
                  valid=fmt_time(float(valid.decision_mean_ns)),
                  signature=fmt_time(sig_ns) if sig_ns else "?", **values)


def corpus_once(t, ok_rows):
    if not t.reuse:
        return render("say-corpus-twice")
    return render("say-corpus-once",
                  verified=str(sum(c.syscall_stage_verified or 0
                                   for c in ok_rows)),
                  accepted=str(sum(c.accepted for c in ok_rows)))


def corpus_stages(run, ok_rows):
    """The verifier stage's share of the overhead: the same replays with
    their signed loads in mode permissive (no syscall stage)."""
    rows = [c for c in run.corpus_permissive if c.measured]
    if not rows:
        return ""
    perm = statistics.median(c.overhead_pct for c in rows)
    diff = statistics.median(float(c.diff_median_ns) for c in rows)
    enforce = statistics.median(float(c.diff_median_ns) for c in ok_rows)
    return " " + render(
        "say-corpus-stages", programs=str(len(rows)),
        median="%+.1f%%" % perm, fixed=fmt_time(diff),
        fixed_enforce=fmt_time(enforce),
        syscall=fmt_time(enforce - diff) if enforce >= diff else
        "no more than the noise")


def corpus(run, t):
    if t.corpus_median is None:
        return None
    ok_rows = [c for c in run.corpus if c.measured]
    if t.corpus_ok:
        return render("say-corpus-met", median="%+.1f%%" % t.corpus_median,
                      stages=corpus_stages(run, ok_rows))
    small = min(run.params("straight"))
    under = [c for c in ok_rows if c.overhead_pct <= TARGETS["corpus_pct"]]
    fixed = statistics.median(float(c.diff_median_ns) for c in ok_rows)
    sig_ns = signature_ns(run, small)
    garbage = run.get("straight", small, "forged-garbage")
    return render(
        "say-corpus-missed", median="%+.1f%%" % t.corpus_median,
        target="%g" % TARGETS["corpus_pct"], under=str(len(under)),
        programs=str(len(ok_rows)),
        under_list=(" (%s)" % ", ".join("%s/%s" % (c.object, c.program)
                                        for c in under)) if under else "",
        fixed=fmt_time(fixed),
        signature=fmt_time(sig_ns) if sig_ns else "?",
        parsing=fmt_time(garbage.decision_mean_ns) if garbage else "?",
        decision=fmt_time(statistics.median(float(c.decision_mean_ns)
                                            for c in ok_rows)),
        verify=fmt_time(statistics.median(float(c.unsigned_median_ns)
                                          for c in ok_rows)),
        need=fmt_time(fixed / (TARGETS["corpus_pct"] / 100)),
        once=" " + corpus_once(t, ok_rows),
        stages=corpus_stages(run, ok_rows))


def corpus_cold(run, t):
    rows = [c for c in run.corpus_cold if c.measured]
    warm = [c for c in run.corpus if c.measured]
    if t.corpus_cold_median is None or not rows:
        return None
    sig_ns = signature_ns(run, min(run.params("straight")))
    return render(
        "say-corpus-cold", median="%+.1f%%" % t.corpus_cold_median,
        programs=str(len(rows)),
        fixed=fmt_time(statistics.median(float(c.diff_median_ns)
                                         for c in rows)),
        warm=fmt_time(statistics.median(float(c.diff_median_ns)
                                        for c in warm)) if warm else "?",
        decision=fmt_time(statistics.median(float(c.decision_mean_ns)
                                            for c in rows)),
        decision_warm=fmt_time(statistics.median(
            float(c.decision_mean_ns) for c in warm)) if warm else "?",
        signature=fmt_time(sig_ns) if sig_ns else "?")


def hashing(run, t):
    hs = t.hash
    if not hs:
        return None
    rehash = ""
    if hs.rehash is not None:
        ssse3 = ("with sha256-ssse3 present"
                 if any(h.driver == "sha256-ssse3" for h in run.hash) else
                 "with no sha256-ssse3 driver to load (this kernel's sha256 "
                 "library picks its own SIMD code)")
        rehash = render("say-hash-rehash", driver=hs.rehash, ssse3=ssse3,
                        mbs="%.1f" % hs.rehash_mbs) + " "
    pair = ""
    if hs.pair:
        p = hs.pair
        r0 = run.hashpair[0]
        pair = render("say-hash-pair", rounds=str(p.rounds),
                      small=fmt_int(r0.small_insns), big=fmt_int(r0.big_insns),
                      driver=p.driver, pair_mb="%.1f" % (p.bytes / 1e6),
                      module_mbs="%.1f" % p.module_mbs,
                      afalg_mbs="%.1f" % p.afalg_mbs,
                      ratio="%.0f" % (100 * p.ratio))
    return render("say-hash", default=hs.default, pair=pair,
                  module_mbs="%.1f" % hs.module_mbs, fastest=hs.fastest,
                  fastest_mbs="%.1f" % hs.fastest_mbs,
                  default_mbs=("%.1f" % hs.default_mbs
                               if hs.default_mbs else "?"),
                  frac="%.0f" % (100 * hs.module_mbs / hs.fastest_mbs),
                  driver_frac="%.0f" % (100 * hs.driver_frac),
                  rehash=rehash, verdict="Met" if hs.ok else "**Missed**")


def discussion(run, t):
    items = [refusals(run, t, "unsigned"), refusals(run, t, "forged"),
             costliest(run, t), replay(run, t), split(run, t),
             corpus(run, t), corpus_cold(run, t), hashing(run, t)]
    items = [i for i in items if i is not None]
    return render("say", items="\n".join(items) if items else None)
