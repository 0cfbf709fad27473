#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Regenerate the fuzzers' seed corpus: fuzz/corpus/ and fuzz/corpus.der.

usage: fuzz/make-corpus.py [BPFSIG]   (default tools/bpfsig/bpfsig; run
       from the top of the tree after `make tools`)

A fresh RSA-2048 key signs a few raw programs with `bpfsig sign`
(valid-*: every digest algorithm, map-fd, map-value and BTF-id ld_imm64s,
one ld_imm64 straddling a 512-instruction chunk, the attach-type fixup);
its certificate becomes fuzz/corpus.der and the private key is thrown
away. Malformed seeds (bad-*) break one rule of Documentation/format.md's
validation table each; edge-* parse with CMS blobs of lengths at the
limits. Everything is replaced; commit the result.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

top = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
out = os.path.join(top, 'fuzz', 'corpus')
bpfsig = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    top, 'tools', 'bpfsig', 'bpfsig')


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack('<BBhi', code, dst | src << 4, off, imm)


MOV_R0_0 = insn(0xb7)
EXIT = insn(0x95)


def ld_imm64(src, imm, imm2, dst=1):
    return insn(0x18, dst, src, 0, imm) + insn(0, 0, 0, 0, imm2)


PROGS = {
    # name: (instructions, sign arguments)
    'sockfilter': (MOV_R0_0 + EXIT, ['--type', 'socket_filter']),
    'sha384': (insn(0xb7, 0, 0, 0, 7) + EXIT,
               ['--type', 'socket_filter', '--hash', 'sha384']),
    'sha512': (insn(0xb7, 0, 0, 0, 9) + EXIT,
               ['--type', 'socket_filter', '--hash', 'sha512']),
    'mapfd': (ld_imm64(1, 3, 0) + ld_imm64(2, 4, 8, 2) + MOV_R0_0 + EXIT,
              ['--type', 'socket_filter']),
    'btfid': (ld_imm64(3, 1234, 5) + MOV_R0_0 + EXIT,
              ['--type', 'tracing', '--attach-type', '24']),
    # ld_imm64 halves at instructions 511 and 512: two hash chunks.
    'straddle': (b''.join(insn(0xb7, 1, 0, 0, i) for i in range(511)) +
                 ld_imm64(1, 6, 0) + MOV_R0_0 + EXIT,
                 ['--type', 'socket_filter']),
    'cgroup-sock': (insn(0xb7, 0, 0, 0, 1) + EXIT,
                    ['--type', 'cgroup_sock']),
    'xdp': (insn(0xb7, 0, 0, 0, 2) + EXIT, ['--type', 'xdp']),
}


def write(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)


def be32(b, off, v):
    b[off:off + 4] = struct.pack('>I', v)


def malformed(valid, prog_len):
    """bad-*: one rule broken each (format.md, Validation, steps 1-17)."""
    b = bytes(valid)
    t = len(b) - 32
    s = prog_len
    sig_len, tot = struct.unpack_from('>II', b, t + 16)

    def mut(name, fn):
        m = bytearray(b)
        fn(m)
        write('bad-' + name, bytes(m))

    write('bad-unsigned', b[:prog_len])
    write('bad-short', b[-16:])
    write('bad-trailer-only', b[-32:])
    write('bad-no-instructions', b[prog_len:])
    write('bad-unaligned-len', b[3:])
    mut('trailer-magic', lambda m: m.__setitem__(t, 0x7f))
    mut('trailer-version', lambda m: m.__setitem__(t + 8, 2))
    mut('trailer-reserved0', lambda m: m.__setitem__(t + 10, 1))
    mut('trailer-reserved1', lambda m: m.__setitem__(t + 31, 1))
    mut('stmt-len', lambda m: be32(m, t + 12, 64))
    mut('sig-len-zero', lambda m: be32(m, t + 16, 0))
    mut('sig-len-huge', lambda m: be32(m, t + 16, 16385))
    mut('sig-len-past-total', lambda m: be32(m, t + 16, sig_len + 8))
    mut('total-unaligned', lambda m: be32(m, t + 20, tot + 4))
    mut('total-past-buffer', lambda m: be32(m, t + 20, len(b) + 8))
    mut('total-max', lambda m: be32(m, t + 20, 16544))
    if tot - 160 - sig_len:
        mut('padding', lambda m: m.__setitem__(t - 1, 0x5a))
    mut('stmt-magic', lambda m: m.__setitem__(s + 3, 0))
    mut('stmt-version', lambda m: m.__setitem__(s + 9, 2))
    mut('stmt-flags', lambda m: be32(m, s + 24, 1))
    mut('stmt-reserved', lambda m: m.__setitem__(s + 30, 1))
    mut('stmt-keyid-len', lambda m: m.__setitem__(s + 28, 33))
    mut('stmt-keyid-padding', lambda m: m.__setitem__(s + 63, 1))
    mut('stmt-hash-algo', lambda m: m.__setitem__(s + 10, 9))
    mut('stmt-digest-len', lambda m: m.__setitem__(s + 11, 48))
    mut('stmt-digest-padding', lambda m: m.__setitem__(s + 127, 1))
    mut('stmt-digest', lambda m: m.__setitem__(s + 64, m[s + 64] ^ 1))
    mut('stmt-insn-cnt', lambda m: be32(m, s + 20, 3))
    mut('cms-last-byte', lambda m: m.__setitem__(s + 128 + sig_len - 1,
                                                 m[s + 128 + sig_len - 1] ^ 1))
    mut('cms-garbage', lambda m: m.__setitem__(
        slice(s + 128, s + 128 + sig_len), b'A' * sig_len))
    mut('program-tampered', lambda m: m.__setitem__(4, 1))

    # edge-*: regions that parse (steps 1-17) with a CMS blob of a length at
    # a limit of the spec or near one: any change of a limit in the parser
    # or in fuzz/spec.h then shows at once. The CMS bytes are the real
    # blob, zero-filled or cut.
    cms = b[s + 128:s + 128 + sig_len]
    for n in (1, 1024, 1025, 16384):
        blob = (cms + bytes(n))[:n]
        total = (128 + n + 32 + 7) & ~7
        trailer = (b'~BPFSIG~' + bytes([1, 0, 0, 0]) +
                   struct.pack('>III', 128, n, total) + bytes(8))
        write(f'edge-sig-len-{n}', b[:s + 128] + blob +
              bytes(total - 160 - n) + trailer)


def main():
    if not os.access(bpfsig, os.X_OK):
        sys.exit(f'{bpfsig}: not built (make tools)')
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    with tempfile.TemporaryDirectory() as tmp:
        key = os.path.join(tmp, 'fuzz')
        subprocess.run([bpfsig, 'keygen', '--bits', '2048', '--subject',
                        'bpfsig fuzz corpus', '-o', key], check=True,
                       stdout=subprocess.DEVNULL)
        shutil.copy(key + '.der', os.path.join(top, 'fuzz', 'corpus.der'))
        signed = {}
        for name, (prog, args) in PROGS.items():
            raw = os.path.join(tmp, name + '.bin')
            with open(raw, 'wb') as f:
                f.write(prog)
            subprocess.run([bpfsig, 'sign', '--key', key + '.key',
                            '--cert', key + '.crt', *args, '-o',
                            raw + '.signed', raw], check=True,
                           stdout=subprocess.DEVNULL)
            with open(raw + '.signed', 'rb') as f:
                signed[name] = f.read()
            write('valid-' + name, signed[name])
        malformed(signed['sockfilter'], len(PROGS['sockfilter'][0]))
        # A map fd other than the one signed: still valid (canonical form).
        m = bytearray(signed['mapfd'])
        m[4] = 42
        write('valid-mapfd-other-fd', bytes(m))
        # A valid CMS from another statement.
        a, b = signed['sockfilter'], signed['xdp']
        write('bad-cms-of-other-statement',
              a[:16 + 128] + b[16 + 128:])
    print(f'{len(os.listdir(out))} seeds in {out}, certificate fuzz/corpus.der')


if __name__ == '__main__':
    main()
