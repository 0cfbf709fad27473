#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""An independent signer written from Documentation/format.md alone (Python
and the openssl command, no bpfsig code), for checking that bpfsig's output
is exactly what the spec says, byte for byte.

usage: spec_signer.py PROG.bin PROG_TYPE EXPECTED_ATTACH_TYPE HASH KEY CERT OUT
"""
import hashlib
import struct
import subprocess
import sys

HASHES = {'sha256': (1, 32), 'sha384': (2, 48), 'sha512': (3, 64)}


def canonical(insns):
    """Zero the fields that hold per-load file descriptors."""
    canon, pending = bytearray(insns), None
    for o in range(0, len(canon), 8):
        if pending is not None:               # second half of an ld_imm64
            if pending == 3:                  # BPF_PSEUDO_BTF_ID: module BTF fd
                canon[o + 4:o + 8] = bytes(4)
            pending = None
        elif canon[o] == 0x18:                # BPF_LD | BPF_IMM | BPF_DW
            src = canon[o + 1] >> 4
            if src in (1, 2):                 # BPF_PSEUDO_MAP_FD, _MAP_VALUE
                canon[o + 4:o + 8] = bytes(4)
            pending = src
    return bytes(canon)


def main():
    if len(sys.argv) != 8:
        sys.exit(__doc__.strip())
    prog, ptype, eat, hname, key, cert, out = sys.argv[1:8]
    ptype, eat = int(ptype), int(eat)
    insns = open(prog, 'rb').read()
    assert insns and len(insns) % 8 == 0
    algo, dlen = HASHES[hname]
    digest = hashlib.new(hname, canonical(insns)).digest()

    # The kernel's expected_attach_type fixup.
    if eat == 0 and ptype == 9:               # BPF_PROG_TYPE_CGROUP_SOCK
        eat = 2                               # BPF_CGROUP_INET_SOCK_CREATE
    if eat == 0 and ptype == 21:              # BPF_PROG_TYPE_SK_REUSEPORT
        eat = 39                              # BPF_SK_REUSEPORT_SELECT

    ext = subprocess.run(['openssl', 'x509', '-in', cert, '-noout', '-ext',
                          'subjectKeyIdentifier'], capture_output=True,
                         text=True, check=True).stdout.split('\n')[1]
    skid = bytes.fromhex(ext.strip().replace(':', ''))[:32]

    stmt = (b'BPFSTMT\0'
            + struct.pack('>HBBIIII', 1, algo, dlen, ptype, eat,
                          len(insns) // 8, 0)
            + bytes([len(skid), 0, 0, 0])
            + skid.ljust(32, b'\0') + digest.ljust(64, b'\0'))
    assert len(stmt) == 128
    cms = subprocess.run(['openssl', 'cms', '-sign', '-binary', '-noattr',
                          '-nocerts', '-nosmimecap', '-keyid', '-md', hname,
                          '-signer', cert, '-inkey', key, '-outform', 'DER'],
                         input=stmt, capture_output=True, check=True).stdout
    total = (128 + len(cms) + 32 + 7) & ~7
    trailer = (b'~BPFSIG~' + bytes([1, 0, 0, 0])
               + struct.pack('>III', 128, len(cms), total) + bytes(8))
    pad = bytes(total - 128 - len(cms) - 32)
    open(out, 'wb').write(insns + stmt + cms + pad + trailer)


main()
