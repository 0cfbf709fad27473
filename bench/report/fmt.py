# SPDX-License-Identifier: GPL-2.0
"""How figures are written in the report."""


def us(ns):
    return float(ns) / 1e3


def fmt_time(ns):
    """Human time from nanoseconds, 3 significant digits."""
    ns = float(ns)
    if ns >= 1e9:
        return "%.3g s" % (ns / 1e9)
    if ns >= 1e6:
        return "%.3g ms" % (ns / 1e6)
    return "%.3g us" % (ns / 1e3)


def fmt_signed(ns):
    return ("+" if ns >= 0 else "-") + fmt_time(abs(ns))


def fmt_x(x):
    if x >= 100:
        return "{:,.0f}x".format(x)
    return "%.3gx" % x


def fmt_int(n):
    """1,000,000"""
    return "{:,}".format(n)


def status(ok):
    return "**MET**" if ok else "**MISSED**"


def md_table(head, rows, align=None):
    align = align or ["---"] * len(head)
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(x) for x in r) + " |")
    return "\n".join(out)
