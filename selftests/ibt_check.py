#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Inspect a bpfsig.ko built for a kernel with CONFIG_X86_KERNEL_IBT=y.

QEMU's software emulation does not enforce indirect branch tracking, so
this checks the built module instead, printing one TAP line per check:
  - objtool's IBT pass ran on it (an .ibt_endbr_seal section) and, given
    the build log, printed no warning;
  - each wrapper reaches its original by a direct call to a static call
    trampoline (__SCT__bpfsig_orig_*), recorded in .static_call_sites;
  - the wrappers contain no indirect call or jump;
  - every function whose address the module stores in data (ftrace ops,
    file operations, parameter ops, static call defaults, ...) begins
    with ENDBR64, so that the kernel's indirect calls to it are legal.
usage: ibt_check.py KO [BUILD_LOG] [PREFIX]
"""
import re
import subprocess
import sys

WRAPPERS = {"hook_bpf_check": "__SCT__bpfsig_orig_bpf_check",
            "hook_bpf_prog_load": "__SCT__bpfsig_orig_bpf_prog_load"}
n = 0
failed = 0


def tap(ok, name, why=""):
    global n, failed
    n += 1
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} {n} {name}" + ("" if ok else f" # {why}"))


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def functions(disasm):
    """{name: [instruction lines with their relocation lines]}"""
    funcs, cur = {}, None
    for line in disasm.splitlines():
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if m:
            cur = funcs.setdefault(m.group(1), [])
        elif cur is not None and line.strip():
            cur.append(line)
    return funcs


# Sections whose relocations are not function pointers the kernel calls.
NOT_POINTERS = re.compile(r"^(\.static_call|\.return_sites|"
                          r"\.call_sites|\.retpoline_sites|\.ibt_endbr_seal|__mcount_loc|"
                          r"\.orc_unwind|\.debug_|\.discard|__patchable_function_entries|"
                          r"\.smp_locks|__bug_table|\.gnu\.linkonce|\.altinstr|__ex_table)")


def func_starts(ko):
    """{(section name, offset): function name} for every FUNC symbol."""
    names = {}
    for line in run("readelf", "-SW", ko).splitlines():
        m = re.match(r"^\s*\[\s*(\d+)\]\s+(\S+)", line)
        if m:
            names[m.group(1)] = m.group(2)
    starts = {}
    for line in run("readelf", "-sW", ko).splitlines():
        f = line.split()
        if len(f) >= 8 and f[3] == "FUNC" and f[6] in names:
            starts[(names[f[6]], int(f[1], 16))] = f[7]
    return starts


def data_func_refs(ko):
    """Functions whose address a data section holds (named or section+addend)."""
    starts = func_starts(ko)
    by_name = {n for n in starts.values()}
    refs, sec = set(), None
    for line in run("readelf", "-rW", ko).splitlines():
        m = re.match(r"^Relocation section '\.rela(\S+)'", line)
        if m:
            sec = None if NOT_POINTERS.match(m.group(1)) else m.group(1)
            continue
        if sec is None:
            continue
        # absolute addresses anywhere, and PC-relative address loads in code
        # (lea); calls and jumps are PLT32 and are not address-taking
        m = re.match(r"^\S+\s+\S+\s+R_X86_64_(64|32S?|PC32)\s+\S+\s+(\S+)\s+([+-])\s+([0-9a-f]+)", line)
        if not m:
            continue
        sym, add = m.group(2), int(m.group(4), 16) * (1 if m.group(3) == "+" else -1)
        if m.group(1) == "PC32":
            add += 4
        if sym in by_name and add == 0:
            refs.add(sym)
        elif (sym, add) in starts:
            refs.add(starts[(sym, add)])
    # gcc's split-off .cold parts are jumped to, static call trampolines
    # called directly: neither is an indirect branch target
    return {r for r in refs if not r.endswith(".cold") and not r.startswith("__SCT__")}


def main():
    ko = sys.argv[1]
    log = sys.argv[2] if len(sys.argv) > 2 else None
    pre = sys.argv[3] if len(sys.argv) > 3 else "ibt"
    sections = run("readelf", "-SW", ko)
    tap(".ibt_endbr_seal" in sections, f"{pre}.objtool_ibt_pass_ran",
        "no .ibt_endbr_seal section: objtool --ibt did not run")
    if log:
        warn = [l for l in open(log, errors="replace") if "objtool" in l]
        tap(not warn, f"{pre}.objtool_no_warnings", "; ".join(w.strip() for w in warn[:3]))
    tap(".static_call_sites" in sections, f"{pre}.static_call_sites_recorded",
        "no .static_call_sites section")

    funcs = functions(run("objdump", "-dr", "--no-show-raw-insn", ko))
    for w, sct in WRAPPERS.items():
        body = "\n".join(funcs.get(w, []))
        tap(w in funcs, f"{pre}.{w}_present", "not in the module")
        tap(re.search(r"R_X86_64_PLT32\s+" + re.escape(sct) + r"-0x4", body) is not None,
            f"{pre}.{w}_calls_original_directly", f"no direct call to {sct}")
        indirect = [l.strip() for l in funcs.get(w, [])
                    if re.search(r"\b(call|jmp)\s+\*", l) or "__x86_indirect_thunk" in l]
        tap(not indirect, f"{pre}.{w}_no_indirect_branch", "; ".join(indirect[:3]))

    refs = sorted(data_func_refs(ko))
    tap(len(refs) >= 4, f"{pre}.address_taken_functions_found",
        f"only {refs}: the relocation scan is broken")
    missing = [f for f in refs
               if not funcs.get(f) or not funcs[f][0].split(":", 1)[1].strip().startswith("endbr64")]
    tap(not missing, f"{pre}.address_taken_functions_start_with_endbr64",
        "no ENDBR64 at " + ", ".join(missing))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
