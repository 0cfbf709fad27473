#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Flip one bit of a byte, in place: inside an ELF section of a BPF object,
or anywhere in a file (--raw: a raw instruction file, signed or not). The
way the demo and the tests tamper with a program after signing it.

usage: flip-byte.py OBJ SECTION OFFSET
       flip-byte.py --raw FILE OFFSET
OFFSET may be negative: from the end of the section, or of the file.
"""
import struct
import sys


def flip(path, b, off, size, offset, where):
    if not -size <= offset < size:
        sys.exit(f'{path}: offset {offset} outside {where}')
    b[off + offset % size] ^= 1
    open(path, 'wb').write(b)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == '--raw':
        path, offset = sys.argv[2], int(sys.argv[3])
        b = bytearray(open(path, 'rb').read())
        flip(path, b, 0, len(b), offset, 'the file')
        return
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip())
    path, want, offset = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
    b = bytearray(open(path, 'rb').read())
    if b[:4] != b'\x7fELF' or b[4] != 2:
        sys.exit(f'{path}: not a 64-bit ELF file')
    shoff, = struct.unpack_from('<Q', b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3a)

    def header(i):
        return struct.unpack_from('<IIQQQQIIQQ', b, shoff + i * shentsize)

    strtab = header(shstrndx)[4]
    for i in range(shnum):
        name, _, _, _, off, size, *_ = header(i)
        if b[strtab + name:b.index(0, strtab + name)] == want:
            flip(path, b, off, size, offset, f'section {want.decode()}')
            return
    sys.exit(f'{path}: no section {want.decode()}')


main()
