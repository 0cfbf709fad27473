# SPDX-License-Identifier: GPL-2.0
"""The Results section of benchmark.md: one function per table (and the
sentences that go with it); None where the run has no data for it."""
from .cases import CASE_ORDER, GROUP_FORGED, GROUP_UNSIGNED
from .fmt import fmt_int, fmt_signed, fmt_time, fmt_x, md_table
from .template import render

PROG_TYPES = {1: "socket_filter", 2: "kprobe", 3: "sched_cls",
              4: "sched_act", 5: "tracepoint", 6: "xdp", 7: "perf_event",
              8: "cgroup_skb", 9: "cgroup_sock", 17: "raw_tracepoint",
              26: "tracing", 27: "struct_ops", 28: "ext", 29: "lsm",
              30: "sk_lookup", 31: "syscall"}


def spread(median, p10, p90):
    return "%s (%s-%s)" % (fmt_time(median), fmt_time(p10), fmt_time(p90))


def matrix_head(run, fam):
    head = ["case"]
    for p in run.params(fam):
        if fam == "straight":
            head.append("%s insns" % fmt_int(run.insns(fam, p)))
        else:
            head.append("%d diamonds (%d insns, %s processed)" %
                        (p, run.insns(fam, p),
                         fmt_int(run.processed.get((fam, p), 0))))
    return head


def matrix_cell(r, what):
    """End to end ("e2e") or the module's decision time ("dec")."""
    if what == "e2e":
        cell = "%s n=%s" % (spread(r.median_ns, r.p10_ns, r.p90_ns), r.n)
        if r.errors:
            cell += " **%s unexpected results**" % r.errors
        return cell
    if not r.decisions:
        return "-"
    stage = ("syscall" if r.syscall_stage_refusals == r.decisions
             else "verifier")
    return "%s (%s)" % (fmt_time(r.decision_mean_ns), stage)


def matrix(run, fam, what):
    params = run.params(fam)
    rows = []
    for case in CASE_ORDER:
        row = [case]
        seen = False
        for p in params:
            r = run.get(fam, p, case)
            if not r or r.n == 0:
                row.append("-" if not r else "failed: %s" % r.first_error)
                continue
            seen = True
            row.append(matrix_cell(r, what))
        if seen:
            rows.append(row)
    return md_table(matrix_head(run, fam), rows,
                    ["---"] + ["--:"] * len(params))


def flat(run):
    if not run.flat:
        return None
    params = run.params("straight")
    rows = []
    for case in [c for c in CASE_ORDER if c in GROUP_UNSIGNED + GROUP_FORGED]:
        row = [case]
        for p in params:
            r = run.flat.get((case, p))
            row.append(spread(r.median_ns, r.p10_ns, r.p90_ns)
                       if r else "-")
        meds = [float(run.flat[(case, p)].median_ns) for p in params
                if (case, p) in run.flat]
        row.append("%.2f" % (max(meds) / min(meds)) if meds else "-")
        rows.append(row)
    table = md_table(["case"] + ["%s insns" % fmt_int(run.insns("straight", p))
                                 for p in params] + ["max/min"], rows,
                     ["---"] + ["--:"] * (len(params) + 1))
    any_r = next(iter(run.flat.values()))
    return render("flat", table=table, cycles=str(any_r.n))


def split(run):
    if not run.split:
        return None
    rows = []
    for r in run.split:
        off = float(r.off_ns)
        rows.append([fmt_int(r.insns), r.cycles, fmt_time(off),
                     fmt_signed(float(r.appendix_ns)),
                     fmt_signed(float(r.verifier_stage_ns)),
                     fmt_time(r.decision_mean_ns),
                     fmt_signed(float(r.syscall_stage_ns)),
                     "%s (%s..%s)" % (fmt_signed(float(r.total_ns)),
                                      fmt_signed(float(r.total_p10_ns)),
                                      fmt_signed(float(r.total_p90_ns))),
                     "%+.1f%%" % (100 * float(r.total_ns) / off)])
    return render("split", table=md_table(
        ["insns", "cycles", "unsigned, off", "appendix bytes",
         "verifier stage", "accounted", "syscall stage", "total (p10..p90)",
         "total / unsigned"], rows, ["--:"] * 9))


def rehash(run):
    rh = [r for r in run.loads if r.phase == "rehash"]
    if not rh:
        return None
    rows = []
    for r in rh:
        base = run.get(r.family, r.param, "valid", "enforce")
        rows.append(["%s %s insns" % (r.family, fmt_int(r.insns)),
                     fmt_time(r.median_ns),
                     fmt_time(base.median_ns) if base else "-",
                     fmt_time(r.decision_mean_ns),
                     fmt_time(base.decision_mean_ns) if base else "-"])
    new, old = run.drivers.get("rehash"), run.drivers.get("default")
    return render("rehash", driver=run.drivers.get("rehash", "?"),
                  table=md_table(["program", "end-to-end, %s" % new,
                                  "end-to-end, %s" % old,
                                  "decision, %s" % new,
                                  "decision, %s" % old], rows))


def flood(run):
    rows = []
    for f in run.flood:
        rows.append([f.label, "%.1f s" % f.seconds, fmt_int(f.loads),
                     f.accepted, "%s %s" % (f.refused, f.refusal_errno),
                     "{:,.1f}".format(f.loads_per_s),
                     "%.2f + %.2f" % (f.proc_user_s, f.proc_sys_s),
                     "%.2f of %.2f" % (f.machine_busy_s, f.machine_cpus_s),
                     "%.4g" % f.cpu_ms_per_load])
    lines = [md_table(["module", "time", "loads", "accepted", "refused",
                       "loads/s", "process CPU s (user + sys)",
                       "machine busy CPU s", "busy CPU ms per load"], rows)]
    a = {f.label: f for f in run.flood}
    if len(run.flood) == 2 and "nomod" in a and "enforce" in a:
        lines += ["", render(
            "flood-ratio",
            cpu=fmt_x(a["nomod"].cpu_ms_per_load /
                      a["enforce"].cpu_ms_per_load),
            rate=fmt_x(a["enforce"].loads_per_s / a["nomod"].loads_per_s))]
    return "\n".join(lines)


def corpus_row(c):
    u = float(c.unsigned_median_ns)
    ok = c.measured
    return ["%s / %s" % (c.object, c.program),
            PROG_TYPES.get(c.prog_type, c.prog_type),
            c.insns, c.verified_insns, c.pairs,
            fmt_time(u) if ok else "-",
            fmt_time(c.signed_median_ns) if ok else "-",
            ("%+.1f%% (%+.0f..%+.0f%%)" %
             (100 * c.diff_median_ns / u, 100 * c.diff_p10_ns / u,
              100 * c.diff_p90_ns / u))
            if ok else "failed: " + c.first_error,
            ("%.1f%%" % (100 * c.decision_mean_ns / u)) if ok and u else "-"]


def corpus(run, t):
    lines = [md_table(["program", "type", "insns", "processed", "pairs",
                       "unsigned (off)", "signed (enforce)",
                       "overhead, paired (p10..p90)",
                       "module decision / unsigned"],
                      [corpus_row(c) for c in run.corpus],
                      ["---", "---"] + ["--:"] * 7), ""]
    if t.corpus_pcts:
        ps = sorted(t.corpus_pcts)
        lines.append(render("corpus-median", n=str(len(ps)),
                            median="%+.1f%%" % t.corpus_median,
                            min="%+.1f%%" % ps[0], max="%+.1f%%" % ps[-1]))
    if run.corpus_failed:
        lines += ["", render("corpus-failed", objects=", ".join(
            "%s (%s)" % (f.object, f.error) for f in run.corpus_failed))]
    return "\n".join(lines)


def hash_table(run, t):
    rows = [[h.driver, h.reps, h.error or fmt_time(h.median_ns),
             "%.1f" % h.mb_per_s] for h in run.hash]
    hs = t.hash
    if hs:
        rows.append(["bpfsig verify path, %s (decision slope)" % hs.default,
                     "-", "-", "%.1f" % hs.module_mbs])
        if hs.rehash is not None:
            rows.append(["bpfsig verify path, %s (after reload)" % hs.rehash,
                         "-", "-", "%.1f" % hs.rehash_mbs])
    return md_table(["driver", "reps", "median", "MB/s"], rows)
