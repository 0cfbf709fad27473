# SPDX-License-Identifier: GPL-2.0
"""benchmark.md: the page of benchmark.md.in, with the targets table, the
discussion, the method's figures, the machine and the result tables."""
import os

from . import tables
from .cases import CASE_DESC, CASE_ORDER
from .discussion import discussion
from .fmt import fmt_int, fmt_time, fmt_x, md_table, status
from .judge import TARGETS
from .template import render

TARGET_NAMES = {
    "unsigned": "Unsigned and malformed loads",
    "forged": "Forged signatures and statements for another type or size",
    "replay": "Valid statement replayed onto another program of the same "
              "size",
    "corpus": "Signed-load overhead over the corpus",
    "corpus-cold": "First signed load over the corpus",
    "hash": "Hashing within 20% of the fastest in-kernel sha256",
    "decision": "Valid-load decision within 2x of hashing the program",
}


def refusal_rows(run, t, name):
    big = fmt_int(run.insns("straight", t.big))
    rows = []
    for r in t.groups[name].refusals:
        if not r.measured:
            rows.append([TARGET_NAMES[name], r.case, "no data",
                         status(False)])
            continue
        interleaved = ""
        if run.flat and r.cell_flat:
            interleaved = " " + render("target-interleaved",
                                       cell_flat="%.2f" % r.cell_flat)
        rows.append([TARGET_NAMES[name], r.case, render(
            "target-refusal", flat="%.2f" % r.flat,
            flat_target="%g" % TARGETS["flat"], big=big,
            interleaved=interleaved, worst=fmt_time(r.worst),
            verify=fmt_time(t.verify_1m_ns), cheaper=fmt_x(r.cheap),
            need=fmt_int(t.groups[name].need),
            early="all" if r.early else "NOT all"), status(r.ok)])
    return rows


def replay_row(run, x):
    signature = ""
    if x.sig:
        signature = render("target-replay-signature",
                           sig=fmt_time(x.sig)) + " "
    return [TARGET_NAMES["replay"],
            "replay, %s insns" % fmt_int(run.insns("straight", x.param)),
            render("target-replay", replay=fmt_time(x.replay),
                   copy=fmt_time(x.copy), signature=signature,
                   checks=fmt_time(x.checks), hash=fmt_time(x.hash),
                   bound=fmt_time(x.bound),
                   ratio="%.2f" % x.ratio, vs=fmt_x(x.vs)),
            "reported" + (" (within bound)" if x.ratio <= 1.0
                          else " (**above bound**)")]


def corpus_row(t):
    if t.corpus_median is None:
        return [TARGET_NAMES["corpus"], "-", "no data", status(False)]
    return [TARGET_NAMES["corpus"],
            "median of %d programs" % len(t.corpus_pcts),
            render("target-corpus", median="%+.1f%%" % t.corpus_median,
                   target="%g" % TARGETS["corpus_pct"]),
            status(t.corpus_ok)]


def corpus_cold_row(t):
    if t.corpus_cold_median is None:
        return [TARGET_NAMES["corpus-cold"], "-", "no data", "not measured"]
    return [TARGET_NAMES["corpus-cold"],
            "median of %d programs, cache off" % len(t.corpus_cold_pcts),
            render("target-corpus-cold",
                   median="%+.1f%%" % t.corpus_cold_median),
            "reported"]


def hash_row(run, t):
    hs = t.hash
    if not hs:
        return [TARGET_NAMES["hash"], "-", "no data", status(False)]
    if hs.pair:
        p = hs.pair
        return [TARGET_NAMES["hash"], "module after the reload (%s)" % p.driver,
                render("target-hash-pair", module_mbs="%.1f" % p.module_mbs,
                       driver=p.driver, afalg_mbs="%.1f" % p.afalg_mbs,
                       rounds=str(p.rounds), pair_mb="%.1f" % (p.bytes / 1e6),
                       ratio="%.0f" % (100 * p.ratio),
                       pair_driver_frac="%.0f" % (100 * p.driver_frac),
                       fastest=hs.fastest, fastest_mbs="%.1f" % hs.fastest_mbs,
                       frac="%.0f" % (100 * hs.frac), default=hs.default,
                       driver_frac="%.0f" % (100 * hs.driver_frac),
                       target="%.0f" % (100 * TARGETS["hash_frac"])),
                status(hs.ok)]
    return [TARGET_NAMES["hash"], "module as loaded (%s)" % hs.default,
            render("target-hash", module_mbs="%.1f" % hs.module_mbs,
                   slope_mb="%.1f" % (hs.bytes / 1e6), fastest=hs.fastest,
                   fastest_mbs="%.1f" % hs.fastest_mbs,
                   afalg_mb="%.1f" % (run.hash[0].bytes / 1e6),
                   frac="%.0f" % (100 * hs.frac), default=hs.default,
                   driver_frac="%.0f" % (100 * hs.driver_frac),
                   target="%.0f" % (100 * TARGETS["hash_frac"])),
            status(hs.ok)]


def decision_row(t):
    x = t.decision
    if not x:
        return [TARGET_NAMES["decision"], "-", "no data", status(False)]
    return [TARGET_NAMES["decision"],
            "valid, %s insns, cache warm" % fmt_int(x.insns),
            render("target-decision", decision=fmt_time(x.decision),
                   hash=fmt_time(x.hash), ratio="%.2f" % x.ratio,
                   target="%g" % TARGETS["decision_x"]),
            status(x.ok)]


def targets(run, t):
    rows = (refusal_rows(run, t, "unsigned") +
            refusal_rows(run, t, "forged") +
            [replay_row(run, x) for x in t.replay] +
            [corpus_row(t), corpus_cold_row(t), decision_row(t),
             hash_row(run, t)])
    return md_table(["target", "case", "figures", "result"], rows)


def unexpected(run):
    errs = [r for r in run.loads if r.errors > 0]
    if not errs:
        return None
    return render("unexpected", cells=", ".join(
        "%s/%s/%s %s: %s x %s" % (r.phase, r.family, r.insns, r.case,
                                  r.errors, r.first_error) for r in errs))


def drift(t):
    """The largest max/min of one case, per cell and interleaved."""
    rows = [r for name in ("unsigned", "forged")
            for r in t.groups[name].refusals if r.measured]
    cell = [r.cell_flat for r in rows if r.cell_flat]
    return ("%.2f" % max(cell) if cell else "?",
            "%.2f" % max(r.flat for r in rows) if rows else "?")


def run_fields(run, smoke, other=False):
    """The header's and the machine table's figures ("?" if unknown)."""
    fields = {k: run.host.get(k, "?") for k in
              ("date", "git", "vm_wall_s", "total_wall_s", "host_cpu",
               "host_cpus", "host_mem_gib", "host_kernel", "qemu")}
    fields.update({k: run.machine.get(k, "?") for k in
                   ("guest_kernel", "guest_cpus", "guest_cpu",
                    "guest_mem_mib", "guest_flags", "clocksource",
                    "bpf_jit_enable", "audit", "guest_bench_s")})
    fields.update(driver_default=run.drivers.get("default", "?"),
                  driver_rehash=run.drivers.get("rehash", "?"),
                  make=("bench-smoke" if smoke else
                        "-C bench other" if other else "bench"),
                  smoke_note=(" " + render("smoke-note") if smoke else
                              " " + render("other-note",
                                           kernel=fields["guest_kernel"])
                              if other else ""))
    return fields


def method_fields(run, t, smoke):
    drift_cell, drift_flat = drift(t)
    return dict(
        budget="0.2" if smoke else "1.5",
        big=fmt_int(run.insns("straight", t.big)),
        cases="\n".join("- `%s`: %s." % (c, CASE_DESC[c])
                        for c in CASE_ORDER),
        drift_cell=drift_cell, drift_flat=drift_flat,
        flood_seconds="1" if smoke else "10",
        hash_small=fmt_int(run.insns("straight",
                                     min(run.params("straight")))))


def result_blocks(run, t):
    e2big = run.get("ref", 0, "ref-e2big")
    return dict(
        e2big=render("e2big", median=fmt_time(e2big.median_ns),
                     n=str(e2big.n)) if e2big else None,
        straight_e2e=tables.matrix(run, "straight", "e2e"),
        flat=tables.flat(run),
        straight_dec=tables.matrix(run, "straight", "dec"),
        diamonds_e2e=tables.matrix(run, "diamonds", "e2e"),
        diamonds_dec=tables.matrix(run, "diamonds", "dec"),
        split=tables.split(run), rehash=tables.rehash(run),
        flood=tables.flood(run), corpus=tables.corpus(run, t),
        hash_bytes=fmt_int(run.hash[0].bytes) if run.hash else "?",
        hash=tables.hash_table(run, t))


def others_note(out):
    """Links to the reports of other kernels' runs published below @out."""
    dirs = sorted(d for d in os.listdir(out) if d.startswith("benchmark-") and
                  os.path.isfile(os.path.join(out, d, "benchmark.md")))
    if not dirs:
        return ""
    return " " + render("others-note", links=", ".join(
        "[%s](%s/benchmark.md)" % (d[len("benchmark-"):], d) for d in dirs))


def report_md(run, t, smoke, out, other=False):
    md = render("page", targets=targets(run, t),
                others_note="" if smoke or other else others_note(out),
                unexpected=unexpected(run),
                discussion=discussion(run, t),
                **run_fields(run, smoke, other), **method_fields(run, t, smoke),
                **result_blocks(run, t)) + "\n"
    # published one directory down (bench/other.sh): links to the others
    return md.replace("](benchmark-mainline.md)",
                      "](../benchmark-mainline.md)") if other else md
