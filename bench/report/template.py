# SPDX-License-Identifier: GPL-2.0
"""The prose of benchmark.md: the sections of benchmark.md.in, filled in
(the file's first lines say how)."""
import os
import re
import string

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "benchmark.md.in")
SECTION = re.compile(r"^@@ (\S+)$")
BLOCK = re.compile(r"^\$\{(\w+)\}$")


def read_sections(path):
    """Section name -> its lines, trailing blank lines left out."""
    sections, lines = {}, None
    with open(path) as f:
        for line in f.read().split("\n"):
            m = SECTION.match(line)
            if m:
                lines = sections.setdefault(m.group(1), [])
            elif lines is not None:
                lines.append(line)
    for lines in sections.values():
        while lines and not lines[-1]:
            lines.pop()
    return sections


SECTIONS = read_sections(PATH)


def render(name, **values):
    """Section @name with @values: strings for ${field}s; for a ${block}
    line, a string of lines or None (no block, no blank line after it)."""
    out = []
    drop_blank = False
    for line in SECTIONS[name]:
        if drop_blank and not line:
            drop_blank = False
            continue
        drop_blank = False
        m = BLOCK.match(line)
        if m and values[m.group(1)] is None:
            drop_blank = True
        elif m:
            out.extend(values[m.group(1)].split("\n"))
        else:
            out.append(string.Template(line).substitute(values))
    return "\n".join(out)
