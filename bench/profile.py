#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Mean time per load of each function in an ftrace function_graph trace
(options/funcgraph-tail on), by stage: every call tree rooted at
bpfsig_check_prog (verifier stage) or at bpfsig_check_tail outside it
(syscall stage). Used by bench/profile.sh."""
import argparse
import collections
import re
import sys

LINE = re.compile(r'^(?:[^|]*\|)?\s*(\d+)\)\s*([+!#*@$ ]?\s*([\d.]+) us)?\s*\|(.*)$')
STAGE = {'bpfsig_check_prog': 'verifier', 'bpfsig_check_tail': 'syscall'}


def name_of(text):
    return re.sub(r'\s*\[[^]]*\]', '', text.strip()).split('(')[0].strip()


def parse(path):
    stacks = collections.defaultdict(list)   # cpu -> [name, ...]
    total = collections.defaultdict(float)   # (stage, path) -> us
    calls = collections.Counter()            # (stage, path) -> calls
    roots = collections.Counter()            # stage -> root calls
    for line in open(path):
        m = LINE.match(line.rstrip('\n'))
        if not m:
            continue
        cpu, dur, text = m.group(1), m.group(3), m.group(4)
        st = stacks[cpu]
        body = text.strip()
        if body.endswith('{'):
            st.append(name_of(body))
            continue
        if body.startswith('}'):
            if not st:
                continue
            path_ = tuple(st)
            st.pop()
        elif body.endswith(';'):
            path_ = tuple(st) + (name_of(body),)
        else:
            continue
        if dur is None or path_[0] not in STAGE:
            continue
        stage = STAGE[path_[0]]
        total[stage, path_] += float(dur)
        calls[stage, path_] += 1
        if len(path_) == 1:
            roots[stage] += 1
    return total, calls, roots


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--loads', type=int, required=True)
    ap.add_argument('--depth', type=int, default=4)
    ap.add_argument('--min-share', type=float, default=0.01)
    ap.add_argument('trace')
    a = ap.parse_args()
    total, calls, roots = parse(a.trace)
    if not roots:
        sys.exit('profile: no bpfsig_check_* call in the trace')
    for stage in ('syscall', 'verifier'):
        root = [p for (s, p) in total if s == stage and len(p) == 1]
        if not root:
            continue
        whole = total[stage, root[0]]
        print(f'\n{stage} stage: {roots[stage]} calls of {root[0][0]} '
              f'for {a.loads} loads, {whole / a.loads:.1f} us per load '
              '(traced: function_graph inflates small calls)')
        print(f'{"us/load":>10} {"share":>6} {"calls/load":>10}  function')
        for (s, p) in sorted(total, key=lambda k: k[1]):
            if s != stage or len(p) > a.depth:
                continue
            t = total[s, p]
            if t < a.min_share * whole:
                continue
            print(f'{t / a.loads:10.1f} {100 * t / whole:5.1f}% '
                  f'{calls[s, p] / a.loads:10.2f}  {"  " * (len(p) - 1)}{p[-1]}')


if __name__ == '__main__':
    main()
