#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Host tests for the bpfsig userspace: keygen, sign, verify, show, load/exec
# argument handling, securityfs commands (against a fake directory), keys/,
# the libbpfsig API, and every bad input with its exact exit code and
# message. Needs no BPF privileges and no bpfsig kernel module.
#
#   tools/tests/run.sh [-v]      (make -C tools first, or: make -C tools check)
#
# Output: one "ok N - ..." / "not ok N - ..." line per test, then
# "N passed, N failed". Exit status 0 only if nothing failed.
# Optional: BPFSIG_TEST_BTF=FILE adds a second target kernel BTF.

set -u
T=$(cd "$(dirname "$0")" && pwd)
TOOLS=$(cd "$T/.." && pwd)
TOP=$(cd "$TOOLS/.." && pwd)
B="$TOOLS/bpfsig/bpfsig"
API="$TOOLS/build/tests/api_test"
VERBOSE=0
[ "${1:-}" = -v ] && VERBOSE=1

W=$(mktemp -d /tmp/bpfsig-tests.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"

pass=0
fail=0
n=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
notok() {
	n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"
	[ -n "${2:-}" ] && sed 's/^/#   /' <<<"$2"
	return 0
}

# t DESC EXPECTED_RC "SUBSTRING|-" CMD...: run CMD, check rc and that the
# combined stdout+stderr contains SUBSTRING ("-": no check).
t() {
	local desc=$1 want=$2 sub=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	[ $VERBOSE = 1 ] && sed 's/^/#   | /' <<<"$out"
	if [ "$rc" != "$want" ]; then
		notok "$desc" "exit $rc, expected $want: $*"$'\n'"$out"
	elif [ "$sub" != - ] && ! grep -qF -- "$sub" <<<"$out"; then
		notok "$desc" "output lacks '$sub': $*"$'\n'"$out"
	else
		ok "$desc"
	fi
}

# c DESC CONDITION...: a shell test
c() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else notok "$desc" "failed: $*"; fi
}

# json_is FILE PYTHON_EXPR: FILE holds one JSON value d for which EXPR holds
json_is() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(not eval(sys.argv[2]))' "$@"; }

if [ ! -x "$B" ]; then
	echo "Bail out! $B not built (make -C tools)"
	exit 1
fi

# ---- fixtures ----------------------------------------------------------
printf '\xb7\x00\x00\x00\x00\x00\x00\x00\x95\x00\x00\x00\x00\x00\x00\x00' > prog.bin
CLANG_FLAGS="-O2 -g -target bpf -I/usr/include/$(gcc -print-multiarch 2>/dev/null)"
for o in simple core noprog textonly; do
	clang $CLANG_FLAGS -c "$T/bpf/$o.bpf.c" -o $o.o 2>clang.err ||
		{ echo "Bail out! clang failed on $o.bpf.c"; cat clang.err; exit 1; }
done
openssl ecparam -genkey -name prime256v1 -out ec.key 2>/dev/null
openssl req -new -x509 -key ec.key -subj /CN=ec -days 30 \
	-addext keyUsage=critical,digitalSignature -out ec.crt 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout nosig.key -out nosig.crt \
	-subj /CN=nosig -days 30 -addext keyUsage=critical,keyEncipherment \
	2>/dev/null
# an expired certificate: 'openssl ca' is the only 3.0 tool taking dates
mkdir ca && : > ca/index.txt && echo 01 > ca/serial
cat > ca/ca.cnf <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $W/ca
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = pol
x509_extensions = ext
[ pol ]
commonName = supplied
[ ext ]
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
CNF
openssl req -new -newkey rsa:2048 -nodes -keyout old.key -subj /CN=old \
	-out ca/old.csr 2>/dev/null
openssl ca -batch -selfsign -config ca/ca.cnf -keyfile old.key \
	-startdate 20000101000000Z -enddate 20010101000000Z -in ca/old.csr \
	-out old.crt >/dev/null 2>&1
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes256 \
	-pass pass:secret -out enc.key 2>/dev/null
openssl req -new -x509 -key enc.key -passin pass:secret -subj /CN=enc \
	-days 30 -addext keyUsage=critical,digitalSignature -out enc.crt 2>/dev/null

# ---- general -------------------------------------------------------------
t "no command: usage, exit 2" 2 "Usage:" "$B"
t "help: exit 0" 0 "COMMAND :=" "$B" help
t "-h: exit 0" 0 "Usage:" "$B" -h
t "-V prints version" 0 "bpfsig v" "$B" -V
t "unknown command: exit 2" 2 "unknown command 'frobnicate'" "$B" frobnicate
t "unknown global option: exit 2" 2 "unrecognized option" "$B" --bogus sign
t "sign help: exit 0" 0 "--attach-type" "$B" sign help

# ---- keygen ----------------------------------------------------------------
t "keygen 2048" 0 "k.key k.crt k.der" "$B" keygen --bits 2048 --subject "bpfsig test" -o k
c "keygen: key is mode 0600" test "$(stat -c %a k.key)" = 600
t "keygen: certificate extensions" 0 "Digital Signature" \
	openssl x509 -in k.crt -noout -ext keyUsage,basicConstraints,subjectKeyIdentifier
c "keygen: keyUsage critical, CA:FALSE, SKI" bash -c \
	"openssl x509 -in k.crt -noout -text | grep -A1 'Key Usage: critical' | grep -q 'Digital Signature' &&
	 openssl x509 -in k.crt -noout -text | grep -q 'CA:FALSE' &&
	 openssl x509 -in k.crt -noout -text | grep -q 'Subject Key Identifier'"
c "keygen: DER matches PEM" bash -c \
	"openssl x509 -in k.der -inform DER -outform PEM | cmp -s - k.crt"
t "keygen: refuses to overwrite, names the file" 1 "k.key: already exists" "$B" keygen --bits 2048 -o k
c "keygen: existing key untouched" test "$(stat -c %a k.key)" = 600
t "keygen: bad --bits: exit 2" 2 "--bits must be 2048, 3072 or 4096" "$B" keygen --bits 1024 -o x
t "keygen: missing -o: exit 2" 2 "-o PREFIX is required" "$B" keygen
t "keygen: unwritable directory" 1 "/nonexistent/dir/k.key" "$B" keygen --bits 2048 -o /nonexistent/dir/k
t "keygen second key" 0 - "$B" keygen --bits 2048 --subject other -o k2
t "keygen 3072 --days 1" 0 - "$B" keygen --bits 3072 --days 1 -o k3

# ---- sign / verify raw ---------------------------------------------------------
for h in sha256 sha384 sha512; do
	cp prog.bin p_$h.bin
	t "sign raw --hash $h" 0 - "$B" sign --key k.key --cert k.crt --hash $h --type socket_filter p_$h.bin
	t "verify raw $h" 0 "p_$h.bin: OK (2 insns, socket_filter" "$B" verify --cert k.crt p_$h.bin
	dd if=p_$h.bin of=stmt_$h.bin bs=1 skip=16 count=128 status=none
	python3 - p_$h.bin cms_$h.der <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
sig_len = struct.unpack('>I', d[-32 + 16:-32 + 20])[0]
open(sys.argv[2], 'wb').write(d[16 + 128:16 + 128 + sig_len])
PY
	t "openssl cms -verify accepts the $h CMS over the statement" 0 "Verification successful" \
		openssl cms -verify -binary -inform DER -in cms_$h.der -content stmt_$h.bin \
		-certfile k.crt -noverify -out /dev/null
	c "signed $h size: insns + multiple of 8" test $(( $(stat -c %s p_$h.bin) % 8 )) = 0
done
openssl cms -cmsout -print -inform DER -in cms_sha256.der > cms.txt 2>&1
c "CMS: no certificates" grep -qzP 'certificates:\s*\n\s*<ABSENT>' cms.txt
c "CMS: no signed attributes" grep -qzP 'signedAttrs:\s*\n\s*<ABSENT>' cms.txt
c "CMS: signer by subjectKeyIdentifier, detached content" bash -c \
	"grep -q 'd.subjectKeyIdentifier' cms.txt && grep -q 'eContent: <ABSENT>' cms.txt"
c "statement keyid = certificate subjectKeyIdentifier" bash -c \
	"ski=\$(openssl x509 -in k.crt -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :' | tr A-F a-f);
	 $B show p_sha256.bin | grep -q \"keyid \$ski\""
cp p_sha256.bin again.bin
t "re-sign a signed file" 0 - "$B" sign --key k.key --cert k.crt --type socket_filter again.bin
c "re-sign replaces, never stacks (deterministic bytes)" cmp -s p_sha256.bin again.bin
t "sign -o OUT leaves input alone" 0 - "$B" sign --key k.key --cert k.crt --type xdp --attach-type xdp -o out.bin prog.bin
c "input unchanged with -o" cmp -s prog.bin <(printf '\xb7\x00\x00\x00\x00\x00\x00\x00\x95\x00\x00\x00\x00\x00\x00\x00')
t "verify --type matching" 0 "OK" "$B" verify --cert k.crt --type xdp --attach-type xdp out.bin
t "verify --type other: EKEYREJECTED" 1 "signature rejected (EKEYREJECTED)" "$B" verify --cert k.crt --type kprobe out.bin
t "sign numeric type" 0 - "$B" sign --key k.key --cert k.crt --type 6 -o num.bin prog.bin
# The kernel turns attach type 0 of cgroup_sock into cgroup_inet_sock_create
t "sign cgroup_sock, attach 0" 0 - "$B" sign --key k.key --cert k.crt --type cgroup_sock -o cs.bin prog.bin
t "statement holds the fixed-up attach type" 0 "attach 2 (cgroup_inet_sock_create)" "$B" show cs.bin
t "verify cgroup_sock as loaded with attach 0" 0 "OK" "$B" verify --cert k.crt --type cgroup_sock cs.bin
t "show raw names the type" 0 "type xdp" "$B" show num.bin
cp p_sha256.bin flip.bin
printf '\x01' | dd of=flip.bin bs=1 seek=4 conv=notrunc status=none
t "flipped insn byte: EKEYREJECTED, names the file" 1 "flip.bin: signature rejected (EKEYREJECTED)" "$B" verify --cert k.crt flip.bin
t "wrong certificate: ENOKEY" 1 "signed by an unknown key (ENOKEY)" "$B" verify --cert k2.crt p_sha256.bin
t "unsigned file: ENODATA" 1 "prog.bin: not signed (ENODATA)" "$B" verify --cert k.crt prog.bin
cp p_sha256.bin badtrailer.bin
sz=$(stat -c %s badtrailer.bin)
printf '\x01' | dd of=badtrailer.bin bs=1 seek=$((sz - 32 + 9)) conv=notrunc status=none
t "malformed trailer: EBADMSG" 1 "malformed signature (EBADMSG)" "$B" verify --cert k.crt badtrailer.bin
t "sign refuses a damaged trailer" 1 "damaged signature trailer" "$B" sign --key k.key --cert k.crt --type xdp -o x.bin badtrailer.bin
cp p_sha256.bin badalgo.bin
printf '\x07' | dd of=badalgo.bin bs=1 seek=$((16 + 10)) conv=notrunc status=none
t "unknown digest algorithm: ENOPKG" 1 "unsupported algorithm (ENOPKG)" "$B" verify --cert k.crt badalgo.bin
t "-j verify prints JSON" 0 '"verified":true' "$B" -j verify --cert k.crt p_sha256.bin

# The kernel's CMS profile (Documentation/format.md, step 20): statements
# signed again with openssl cms, in ways that openssl accepts and the
# kernel refuses; offline verification must refuse them too.
openssl req -x509 -newkey rsa:1024 -nodes -keyout small.key -out small.crt \
	-subj /CN=s -days 30 2>/dev/null
cat > resign.py <<'PY'
import struct, subprocess, sys
src, out = sys.argv[1:3]
d = open(src, 'rb').read()
total = struct.unpack('>I', d[-12:-8])[0]
insns = d[:len(d) - total]
open('stmt.bin', 'wb').write(d[len(insns):len(insns) + 128])
cms = subprocess.run(['openssl', 'cms', '-sign', '-binary', '-noattr',
                      '-nosmimecap', '-keyid', '-md', 'sha256', '-in',
                      'stmt.bin', '-outform', 'DER'] + sys.argv[3:],
                     capture_output=True, check=True).stdout
open(out + '.cms', 'wb').write(cms)
pad = (-(128 + len(cms))) % 8
total = 128 + len(cms) + pad + 32
trailer = (b'~BPFSIG~' + bytes([1, 0, 0, 0])
           + struct.pack('>III', 128, len(cms), total) + bytes(8))
open(out, 'wb').write(d[:len(insns) + 128] + cms + bytes(pad) + trailer)
PY
python3 resign.py p_sha256.bin cms_cert.bin -signer k.crt -inkey k.key -nocerts -certfile small.crt
python3 resign.py p_sha256.bin cms_big.bin -signer k.crt -inkey k.key
python3 resign.py p_sha256.bin cms_other.bin -signer k2.crt -inkey k2.key -nocerts
c "CMS with an extra certificate stays under the 1024-byte cap" test "$(stat -c %s cms_cert.bin.cms)" -le 1024
t "openssl accepts the CMS with an extra certificate" 0 "Verification successful" \
	openssl cms -verify -binary -inform DER -in cms_cert.bin.cms -content stmt.bin -certfile k.crt -noverify -out /dev/null
t "verify: CMS carrying a certificate: EBADMSG, as the kernel" 1 "cms_cert.bin: malformed signature (EBADMSG)" "$B" verify --cert k.crt cms_cert.bin
c "CMS with the signer's certificate is over the 1024-byte cap" test "$(stat -c %s cms_big.bin.cms)" -gt 1024
t "verify: CMS over 1024 bytes: EBADMSG, as the kernel" 1 "cms_big.bin: malformed signature (EBADMSG)" "$B" verify --cert k.crt cms_big.bin
t "openssl accepts the statement signed by another key" 0 "Verification successful" \
	openssl cms -verify -binary -inform DER -in cms_other.bin.cms -content stmt.bin -certfile k2.crt -noverify -out /dev/null
t "verify: signer is not the key the statement names: EBADMSG, as the kernel" 1 "cms_other.bin: malformed signature (EBADMSG)" "$B" verify --cert k2.crt cms_other.bin

# ---- bad input --------------------------------------------------------------------
t "sign: missing file" 1 "missing.bin: No such file or directory" "$B" sign --key k.key --cert k.crt --type xdp missing.bin
: > empty.bin
t "sign: empty raw file" 1 "empty.bin: not a raw instruction file" "$B" sign --key k.key --cert k.crt --type xdp empty.bin
printf 'abc' > odd.bin
t "sign: size not a multiple of 8" 1 "odd.bin: not a raw instruction file (size 3" "$B" sign --key k.key --cert k.crt --type xdp odd.bin
t "sign raw without --type: exit 2" 2 "need --type" "$B" sign --key k.key --cert k.crt prog.bin
t "sign: unknown type: exit 2" 2 "unknown program type 'nosuch'" "$B" sign --key k.key --cert k.crt --type nosuch prog.bin
t "sign: unknown attach type: exit 2" 2 "unknown attach type" "$B" sign --key k.key --cert k.crt --type xdp --attach-type nosuch prog.bin
t "sign: unknown hash: exit 2" 2 "unsupported --hash 'md5'" "$B" sign --key k.key --cert k.crt --hash md5 --type xdp prog.bin
t "sign: no --key: exit 2" 2 "--key KEY is required" "$B" sign --cert k.crt --type xdp prog.bin
t "sign: two files: exit 2" 2 "exactly one FILE" "$B" sign --key k.key --cert k.crt --type xdp prog.bin prog.bin
t "sign: missing key file" 1 "nokey.pem: No such file or directory" "$B" sign --key nokey.pem --cert k.crt --type xdp -o x.bin prog.bin
t "sign: missing cert file" 1 "nocert.pem: No such file or directory" "$B" sign --key k.key --cert nocert.pem --type xdp -o x.bin prog.bin
t "sign: key is not a key" 1 "prog.bin: not a private key" "$B" sign --key prog.bin --cert k.crt --type xdp -o x.bin prog.bin
t "sign: cert is not a cert" 1 "k.key: not an X.509 certificate" "$B" sign --key k.key --cert k.key --type xdp -o x.bin prog.bin
t "sign: key/cert mismatch" 1 "k.key: private key does not match certificate k2.crt" "$B" sign --key k.key --cert k2.crt --type xdp -o x.bin prog.bin
t "sign: encrypted key, no passphrase" 1 "enc.key: wrong or missing passphrase" "$B" sign --key enc.key --cert enc.crt --type xdp -o x.bin prog.bin </dev/null
t "sign: wrong passphrase" 1 "enc.key: wrong or missing passphrase" env BPFSIG_PASSPHRASE=nope "$B" sign --key enc.key --cert enc.crt --type xdp -o x.bin prog.bin
t "sign: right passphrase from BPFSIG_PASSPHRASE" 0 - env BPFSIG_PASSPHRASE=secret "$B" sign --key enc.key --cert enc.crt --type xdp -o enc.bin prog.bin
t "verify with enc.crt" 0 OK "$B" verify --cert enc.crt enc.bin
t "sign: EC key warns the kernel refuses it" 0 "the kernel only accepts RSA" "$B" sign --key ec.key --cert ec.crt --type xdp -o ec.bin prog.bin
t "verify: EC signature: ENOPKG" 1 "unsupported algorithm (ENOPKG)" "$B" verify --cert ec.crt ec.bin
t "sign: expired certificate warns" 0 "certificate has expired" "$B" sign --key old.key --cert old.crt --type xdp -o old.bin prog.bin
t "sign: non-signing certificate warns" 0 "keyUsage lacks digitalSignature" "$B" sign --key nosig.key --cert nosig.crt --type xdp -o nosig.bin prog.bin
t "sign: DER certificate accepted" 0 - "$B" sign --key k.key --cert k.der --type xdp -o der.bin prog.bin
openssl pkey -in k.key -outform DER -out k.key.der 2>/dev/null
t "sign: DER private key accepted" 0 - "$B" sign --key k.key.der --cert k.crt --type xdp -o der2.bin prog.bin
c "DER and PEM inputs give the same bytes" cmp -s der.bin der2.bin
cp prog.bin keep.bin
t "sign: unwritable output" 1 "/proc/nonexistent.bin" "$B" sign --key k.key --cert k.crt --type xdp -o /proc/nonexistent.bin keep.bin
t "sign: output is a directory" 1 "not a regular file" "$B" sign --key k.key --cert k.crt --type xdp -o /tmp keep.bin
c "failed sign left the input untouched" cmp -s prog.bin keep.bin
c "no temporary files left behind" bash -c "! ls -a | grep -q '^\.keep\.bin\.'"
t "verify: missing file" 1 "missing.bin: No such file or directory" "$B" verify --cert k.crt missing.bin
t "verify: no --cert: exit 2" 2 "--cert CERT is required" "$B" verify p_sha256.bin
t "show: missing file" 1 "missing.o: No such file or directory" "$B" show missing.o
t "show: garbage" 1 "odd.bin: neither a BPF object" "$B" show odd.bin

# ---- ELF objects ---------------------------------------------------------------
cp simple.o s.o
t "sign object" 0 - "$B" sign --key k.key --cert k.crt s.o
c "object has one .bpfsig section, not SHF_ALLOC" bash -c \
	"[ \$(readelf -SW s.o | grep -c ' .bpfsig ') = 1 ] && readelf -SW s.o | grep ' .bpfsig ' | grep -q 'PROGBITS'"
t "libbpf still opens the signed object (bpftool)" 0 - bash -c "bpftool btf dump file s.o >/dev/null"
t "verify object" 0 "s.o: OK (8 signatures verified; 3 program loads verified for 1 target(s))" "$B" verify --cert k.crt s.o
host_btf=$(sha256sum /sys/kernel/btf/vmlinux | cut -d' ' -f1)
t "verify object with wrong cert: ENOKEY, names the program and target" 1 \
	"s.o: signature of program 'sock_count' (target btf sha256:$host_btf): signed by an unknown key (ENOKEY)" \
	"$B" verify --cert k2.crt s.o
t "verify object with wrong cert: probe signatures counted, one line" 1 \
	"s.o: 5 libbpf probe signature(s): signed by an unknown key (ENOKEY)" "$B" verify --cert k2.crt s.o
"$B" -j verify --cert k2.crt s.o > vfail.json 2>/dev/null
c "-j verify of an object that fails: one JSON error" json_is vfail.json '"ENOKEY" in d["error"]'
cp s.o s2.o
t "re-sign object" 0 - "$B" sign --key k.key --cert k.crt s2.o
c "re-signing replaces the section (identical file)" cmp -s s.o s2.o
t "re-sign object with another key" 0 - "$B" sign --key k2.key --cert k2.crt s2.o
c "still exactly one .bpfsig section" test "$(readelf -SW s2.o | grep -c ' .bpfsig ')" = 1
t "old key no longer verifies" 1 "ENOKEY" "$B" verify --cert k.crt s2.o
t "new key verifies" 0 OK "$B" verify --cert k2.crt s2.o
t "sign object -o OUT" 0 - "$B" sign --key k.key --cert k.crt --hash sha512 -o s3.o simple.o
c "input object untouched with -o" cmp -s simple.o "$W/simple.o"
c "input object has no .bpfsig" bash -c "! readelf -SW simple.o | grep -q bpfsig"
t "verify sha512 object" 0 OK "$B" verify --cert k.crt s3.o
t "show object lists programs and signatures" 0 "xdp_pass" "$B" show s.o
t "show object: not autoloaded program listed" 0 "not autoloaded" "$B" show s.o
t "show -j object is JSON" 0 - bash -c "'$B' -j show s.o | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"signed\"] and len(d[\"programs\"])==3 and len(d[\"signatures\"])>=3'"
t "show unsigned object" 0 "signatures: none" "$B" show simple.o
t "verify unsigned object: ENODATA" 1 "simple.o: not signed (ENODATA)" "$B" verify --cert k.crt simple.o
# tamper with the xdp program's instructions (imm of its last insn: r0 = XDP_PASS)
cp s.o tamper.o
python3 - tamper.o <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.find(bytes([0xb7, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]))  # r0 = 2
assert i > 0
d[i + 4] = 1
open(sys.argv[1], 'wb').write(d)
PY
t "tampered object fails, names the program" 1 "program 'xdp_pass' (xdp, 14 insns) has no signature" "$B" verify --cert k.crt tamper.o
t "detached bundle" 0 - "$B" sign --key k.key --cert k.crt --detached s.sig simple.o
c "detached: object untouched" bash -c "! readelf -SW simple.o | grep -q bpfsig"
t "verify with --sigs bundle" 0 OK "$B" verify --cert k.crt --sigs s.sig simple.o
t "show bundle" 0 "signature bundle" "$B" show s.sig
# objects without programs: libbpf still makes its probe loads for them
for o in noprog textonly; do
	t "sign: object without programs ($o) succeeds, says so" 0 \
		"${o}_s.o: note: no programs to sign (only subprograms, maps or data): wrote the signatures of the 3 probe loads libbpf makes for it" \
		"$B" sign --key k.key --cert k.crt -o ${o}_s.o $o.o
	c "sign: $o: one .bpfsig section" test "$(readelf -SW ${o}_s.o | grep -c ' .bpfsig ')" = 1
	t "verify: object without programs ($o)" 0 "${o}_s.o: OK (3 signatures verified; no programs to compare)" \
		"$B" verify --cert k.crt ${o}_s.o
	t "verify: object without programs ($o), wrong cert" 1 "${o}_s.o: 3 libbpf probe signature(s): signed by an unknown key (ENOKEY)" \
		"$B" verify --cert k2.crt ${o}_s.o
	t "show: object without programs ($o)" 0 "none (only subprograms, maps or data: libbpf loads no program from it)" \
		"$B" show ${o}_s.o
	t "show: its probe signatures ($o)" 0 "signatures: 3" "$B" show ${o}_s.o
done
t "verify: program object with only probe signatures: ENODATA" 1 \
	"simple.o: not signed (ENODATA): no signature for any program, only for libbpf probes" \
	"$B" verify --cert k.crt --sigs textonly_s.o simple.o
t "sign: ELF that is not BPF" 1 "not a BPF object" "$B" sign --key k.key --cert k.crt -o x.o /bin/true
head -c 1000 simple.o > trunc.o
t "sign: corrupt (truncated) ELF" 1 "trunc.o" "$B" sign --key k.key --cert k.crt -o x.o trunc.o
t "show: corrupt ELF" 1 "trunc.o" "$B" show trunc.o
t "sign: --type with an object: exit 2" 2 "apply to raw files" "$B" sign --key k.key --cert k.crt --type xdp simple.o
t "sign: --btf with a raw file: exit 2" 2 "apply to ELF objects only" "$B" sign --key k.key --cert k.crt --type xdp --btf /sys/kernel/btf/vmlinux prog.bin
t "sign: missing target BTF" 1 "nosuch.btf" "$B" sign --key k.key --cert k.crt --btf nosuch.btf -o x.o simple.o
t "sign: unwritable object output" 1 "/proc/x.o" "$B" sign --key k.key --cert k.crt -o /proc/x.o simple.o

if [ -r /sys/kernel/btf/vmlinux ]; then
	cp core.o c.o
	targets="--btf /sys/kernel/btf/vmlinux"
	[ -n "${BPFSIG_TEST_BTF:-}" ] && targets="$targets --btf $BPFSIG_TEST_BTF"
	t "sign CO-RE object" 0 - "$B" sign --key k.key --cert k.crt $targets c.o
	t "verify CO-RE object" 0 OK "$B" verify --cert k.crt $targets c.o
	t "show: CO-RE program is kernel-specific" 0 "CO-RE relocations" "$B" show c.o
	t "show: typed ksym detected" 0 "typed ksyms (BTF ids of the target kernel): bpf_prog_active" "$B" show c.o
	t "show: kconfig extern detected" 0 "kconfig externs" "$B" show c.o
	t "show -j: kernel_specific flags" 0 - bash -c "'$B' -j show c.o | python3 -c 'import json,sys; p={x[\"name\"]:x[\"kernel_specific\"] for x in json.load(sys.stdin)[\"programs\"]}; assert p==dict(core_probe=True, ksym_user=True, kconfig_user=False, plain=False), p'"
	cp /sys/kernel/btf/vmlinux other.btf
	printf 'x' >> other.btf
	other_btf=$(sha256sum other.btf | cut -d' ' -f1)
	t "verify for a given target it was not signed for" 1 "c.o: not signed for target other.btf (btf sha256:$other_btf)" "$B" verify --cert k.crt --btf other.btf c.o
	# signed for another kernel: verified on a machine that is not the target
	t "sign for another target only" 0 - "$B" sign --key k.key --cert k.crt --btf other.btf -o so.o simple.o
	t "verify off target: signatures checked, exit 0, says what was not" 0 \
		"so.o: OK (8 signatures verified; 0 program loads verified for 0 target(s); 1 target(s) not compared: no BTF)" \
		"$B" verify --cert k.crt so.o
	t "verify off target: names the target not compared" 0 \
		"so.o: note: target btf sha256:$other_btf: 3 program signature(s) not compared with the object's programs (no BTF for that kernel: --btf FILE)" \
		"$B" verify --cert k.crt so.o
	t "verify off target: the running kernel is not a target" 0 \
		"so.o: note: the running kernel (/sys/kernel/btf/vmlinux) is not one of the object's targets" \
		"$B" verify --cert k.crt so.o
	t "verify off target, wrong cert: still ENOKEY" 1 "so.o: signature of program 'xdp_pass' (target btf sha256:$other_btf): signed by an unknown key (ENOKEY)" \
		"$B" verify --cert k2.crt so.o
	t "verify with the target's BTF: programs compared" 0 "so.o: OK (8 signatures verified; 3 program loads verified for 1 target(s))" \
		"$B" verify --cert k.crt --btf other.btf so.o
	"$B" -j verify --cert k.crt so.o > voff.json 2>/dev/null
	c "-j verify off target: targets_unchecked 1, programs 0" json_is voff.json \
		'd["verified"] and d["targets_unchecked"] == 1 and d["programs"] == 0 and d["signatures"] == 8'
	t "sign CO-RE object for two targets" 0 - "$B" sign --key k.key --cert k.crt --btf /sys/kernel/btf/vmlinux --btf other.btf -o c2.o core.o
	t "verify two targets: the running kernel's compared, the other not" 0 \
		"c2.o: OK (13 signatures verified; 4 program loads verified for 1 target(s); 1 target(s) not compared: no BTF)" \
		"$B" verify --cert k.crt c2.o
	t "verify two targets: names the other" 0 \
		"c2.o: note: target btf sha256:$other_btf: 4 program signature(s) not compared with the object's programs (no BTF for that kernel: --btf FILE)" \
		"$B" verify --cert k.crt c2.o
else
	echo "# skipping CO-RE tests: no /sys/kernel/btf/vmlinux"
fi

# ---- load / exec (argument handling; no BPF privileges needed) -------------------
t "load: unsigned object refused before any load" 1 "simple.o: not signed (no .bpfsig section)" "$B" load simple.o
t "load: not an ELF" 1 "prog.bin: not an ELF object" "$B" load prog.bin
t "load: no programs" 1 "no BPF programs" "$B" load noprog.o
t "load: usage" 2 "expected OBJ" "$B" load
t "exec: no command: exit 2" 2 "no command given" "$B" exec --sigs s.o --
t "exec: no signatures: exit 2" 2 "no signatures" env -u BPFSIG_SIGS "$B" exec -- true
t "exec: missing sigs file" 1 "nosuch.sig: No such file" "$B" exec --sigs nosuch.sig -- true
t "exec: runs the command with the preload library" 0 "libbpfsig-preload.so" "$B" exec --sigs s.o -- sh -c 'echo $LD_PRELOAD'
t "exec: preload reads BPFSIG_SIGS" 0 "s.o" "$B" exec --sigs s.o -- sh -c 'echo $BPFSIG_SIGS'
t "preload: bad sigs file reported" 0 "bpfsig-preload: prog.bin: ignored" env BPFSIG_SIGS=prog.bin LD_PRELOAD="$TOOLS/preload/libbpfsig-preload.so" true

# ---- record / exec's report (the loads fail: no BPF privileges) ----------------------
# The loader's capabilities are dropped so that nothing reaches the
# kernel: its loads fail with EPERM and are recorded all the same.
L="$TOOLS/build/tests/loads"
nocap() { setpriv --bounding-set -bpf,-sys_admin,-perfmon,-net_admin "$@"; }
t "record: usage without a command" 2 "no command given" "$B" record --out r.mf --
t "record: --key without --cert" 2 "--key and --cert go together" "$B" record --key k.key -- true
t "record: --runs 0" 2 "--runs takes 1..100" "$B" record --runs 0 -- true
t "record: a command without loads" 1 "made no BPF_PROG_LOAD" "$B" record --out none.mf -- true
c "record: nothing written without loads" test ! -e none.mf
t "record: a failing command" 1 "exited with status 3 in run 1: nothing written" "$B" record --out fail.mf -- sh -c 'exit 3'
c "record: nothing written for a failing command" test ! -e fail.mf
t "record: a missing command" 1 "no-such-loader" "$B" record --out fail.mf -- no-such-loader
mkdir -p fakerec && echo enforce > fakerec/mode
t "record: refused under enforce" 1 "bpfsig is in enforce mode here" env BPFSIG_SECURITYFS="$W/fakerec" "$B" record --out enf.mf -- "$L" 1
c "record: nothing written under enforce" test ! -e enf.mf
t "record: three loads" 0 "recorded 3 loads in 1 run" nocap "$B" record --out r.mf -- "$L" 3
t "record: failed loads warned about" 0 "load 2 'p1' (type socket_filter) failed while recording: EPERM" nocap "$B" record --out r2.mf -- "$L" 3
"$B" -j show r.mf > r.json
c "show: a manifest's entries, each with its origin" json_is r.json \
	'd["kind"] == "manifest" and [(e["name"], e["load"], e["runs"], e["insn_cnt"], e["prog_type"], e["recorded_errno"]) for e in d["entries"]] == [("p0", 1, 1, 2, "socket_filter", "EPERM"), ("p1", 2, 1, 2, "socket_filter", "EPERM"), ("p2", 3, 1, 2, "socket_filter", "EPERM")] and d["entries"][0]["loader"] == sys.argv[3] + " 3"' "$L"
t "show: a manifest's origin in text" 0 "from: load 2 of $L 3, in 1 run; refused when recorded: EPERM" "$B" show r.mf
t "record: runs merge into the manifest" 0 "recorded 6 loads in 2 runs" nocap "$B" record --out r.mf --runs 2 -- "$L" 3
"$B" -j show r.mf > r.json
c "record: merged runs counted, no duplicate entries" json_is r.json '[e["runs"] for e in d["entries"]] == [3, 3, 3]'
t "record: a load that differs per run is not reproducible" 1 \
	"not reproducible: cannot be signed ahead: 'p0' (type socket_filter, load 1 of $L 2 pid): instruction 0 of 2 differs between runs" \
	nocap "$B" record --out pid.mf --runs 2 -- "$L" 2 pid
"$B" -j show pid.mf > pid.json
c "record: the non-reproducible load left out, the rest kept" json_is pid.json '[(e["name"], e["runs"]) for e in d["entries"]] == [("p1", 2)]'
mkdir -p elsewhere && cp k.key k.crt elsewhere/
t "sign: a manifest, with a key from another directory" 0 - "$B" sign --key elsewhere/k.key --cert elsewhere/k.crt r.mf
"$B" -j show r.mf.sig > rsig.json
c "sign: one signature per manifest entry, named with its origin" json_is rsig.json \
	'd["kind"] == "bundle" and [s["name"] for s in d["signatures"]] == ["p%d (load %d of %s 3)" % (i, i + 1, sys.argv[3]) for i in range(3)] and all(s["insn_cnt"] == 2 and s["prog_type"] == "socket_filter" for s in d["signatures"])' "$L"
t "sign: a manifest takes no --type" 2 "is a manifest" "$B" sign --key k.key --cert k.crt --type xdp -o x.sig r.mf
t "record --key: a signed bundle at once" 0 "holds 2 signatures" nocap "$B" record --key k.key --cert k.crt --out rk.sig -- "$L" 2
# p0 and p1 again, from another command line: signatures of their own
t "record --key: the bundle is added to" 0 "holds 5 signatures" nocap "$B" record --key k.key --cert k.crt --out rk.sig -- "$L" 3
t "record --key: a bundle signed by another key is refused" 1 "rk.sig: signature 1 ('p0 (load 1 of $L 2)') does not verify with" \
	nocap "$B" record --key ec.key --cert ec.crt --out rk.sig -- "$L" 1
# bad input: a truncated or changed manifest or bundle, nothing changed
head -c 100 r.mf > trunc.mf
cp r.mf flip.mf && printf '\x01' | dd of=flip.mf bs=1 seek=200 conv=notrunc 2>/dev/null
head -c 300 r.mf.sig > trunc.sig
t "show: a truncated manifest" 1 "trunc.mf: malformed manifest: truncated, or its length field is damaged" "$B" show trunc.mf
t "show: a changed manifest" 1 "flip.mf: malformed manifest: checksum mismatch" "$B" show flip.mf
t "sign: a changed manifest" 1 "flip.mf: malformed manifest: checksum mismatch" "$B" sign --key k.key --cert k.crt flip.mf
c "sign: nothing written for a changed manifest" test ! -e flip.mf.sig
cp trunc.mf trunc.before
t "record: onto a truncated manifest" 1 "trunc.mf: malformed manifest: truncated" nocap "$B" record --out trunc.mf -- "$L" 1
c "record: the truncated manifest unchanged" cmp -s trunc.mf trunc.before
cp trunc.sig trunc.sig.before
t "record --key: onto a truncated bundle" 1 "trunc.sig: malformed signature bundle (truncated or damaged); nothing changed" \
	nocap "$B" record --key k.key --cert k.crt --out trunc.sig -- "$L" 1
c "record --key: the truncated bundle unchanged" cmp -s trunc.sig trunc.sig.before
t "record: a manifest onto a bundle" 1 "rk.sig: not a manifest of recorded loads" nocap "$B" record --out rk.sig -- "$L" 1
t "exec: a truncated bundle, before running anything" 1 "trunc.sig: malformed signatures (truncated or damaged)" "$B" exec --sigs trunc.sig -- touch ran
c "exec: the command did not run" test ! -e ran
t "exec: an unsigned manifest" 1 "r.mf: an unsigned manifest of recorded loads: sign it first" "$B" exec --sigs r.mf -- true
ls -A > dir.before
t "exec: matched loads pass, the unmatched one reported at exit" 0 \
	"bpfsig-preload:   'p3' (type socket_filter, 2 insns): refused: EPERM (Operation not permitted)" \
	nocap "$B" exec --sigs r.mf.sig --report rep.txt -- "$L" 4
c "exec: the report names one load and suggests bpfsig record" \
	grep -qx "bpfsig-preload: report: 1 BPF_PROG_LOAD without a matching signature (pid [0-9]*: $L 4):" rep.txt
c "exec --report: the suggestion" grep -q "bpfsig record --out MANIFEST -- CMD" rep.txt
t "exec: no report when every load matches" 0 - nocap "$B" exec --sigs r.mf.sig -- "$L" 3
out=$(nocap "$B" exec --sigs r.mf.sig -- "$L" 3 2>&1)
c "exec: no report when every load matches (output)" bash -c "! grep -q 'report:' <<<\"\$1\"" _ "$out"

# ---- securityfs / keyring ------------------------------------------------------------
t "status without module" 1 "bpfsig module not loaded" env BPFSIG_SECURITYFS="$W/nosuchdir" "$B" status
t "mode without module" 1 "bpfsig module not loaded" env BPFSIG_SECURITYFS="$W/nosuchdir" "$B" mode enforce
mkdir fakesec
echo permissive > fakesec/mode; echo 0 > fakesec/lock; printf 'allowed 1\ndenied 2\n' > fakesec/stats; : > fakesec/revoke
t "status reads mode/lock/stats" 0 "mode: permissive" env BPFSIG_SECURITYFS="$W/fakesec" "$B" status
t "status -j" 0 '"mode":"permissive"' env BPFSIG_SECURITYFS="$W/fakesec" "$B" -j status
BPFSIG_SECURITYFS="$W/fakesec" "$B" -j status > st.json
c "status -j: stats is an object of numbers" json_is st.json 'd["stats"] == {"allowed": 1, "denied": 2}'
env BPFSIG_SECURITYFS="$W/nosuchdir" "$B" -j status > st_nomod.json 2>/dev/null
c "status -j without module: valid JSON, an error field" json_is st_nomod.json '"module not loaded" in d["error"]'
mkdir fakesec2 && echo enforce > fakesec2/mode && echo 0 > fakesec2/lock
env BPFSIG_SECURITYFS="$W/fakesec2" "$B" -j status > st_nostats.json 2>/dev/null
c "status -j, stats unreadable: valid JSON, an error field" json_is st_nostats.json '"stats" in d["error"]'
t "mode enforce" 0 - env BPFSIG_SECURITYFS="$W/fakesec" "$B" mode enforce
c "mode file written" test "$(cat fakesec/mode)" = enforce
t "mode bogus: exit 2" 2 "expected one of off, permissive, enforce" "$B" mode bogus
t "lock" 0 - env BPFSIG_SECURITYFS="$W/fakesec" "$B" lock
c "lock file written" test "$(cat fakesec/lock)" = 1
dg=$("$B" -j show p_sha256.bin | python3 -c 'import json,sys; print(json.load(sys.stdin)["statement_digest"])')
t "revoke DIGEST" 0 - env BPFSIG_SECURITYFS="$W/fakesec" "$B" revoke "$dg"
c "revoke file written" test "$(cat fakesec/revoke)" = "$dg"
t "revoke: not hex: exit 2" 2 "not a statement digest" "$B" revoke xyz
chmod 000 fakesec/mode
if [ "$(id -u)" != 0 ]; then
	t "mode: EACCES explained" 1 "permission denied" env BPFSIG_SECURITYFS="$W/fakesec" "$B" mode off
fi
t "key list without module" 1 "keyring .bpfsig not found" "$B" key list
t "key add: not a certificate" 1 "prog.bin: not an X.509 certificate" "$B" key add prog.bin
t "key: usage" 2 "expected 'add CERT'" "$B" key frob

# ---- keys/Makefile ---------------------------------------------------------------------
mkdir keys
cp "$TOP/keys/Makefile" "$TOP/keys/x509.genkey" keys/
t "make -C keys" 0 GENKEY make -s -C keys KEY_BITS=2048
c "keys: signing_key.pem is 0600" test "$(stat -c %a keys/signing_key.pem)" = 600
t "keys: sign with signing_key.pem (key+cert in one file)" 0 - "$B" sign --key keys/signing_key.pem --cert keys/signing_key.x509 --type xdp -o kk.bin prog.bin
t "keys: verify with the DER x509" 0 OK "$B" verify --cert keys/signing_key.x509 kk.bin
cp keys/signing_key.pem pem.before
t "make -C keys again: nothing regenerated" 0 - make -s -C keys KEY_BITS=2048
c "keys: existing key kept" cmp -s pem.before keys/signing_key.pem

# ---- library API (libbpfsig.so) ---------------------------------------------------------
if [ -x "$API" ]; then
	out=$("$API" k.key k.crt k2.crt simple.o 2>&1)
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) ok "api: ${line#ok - }" ;;
		"not ok - "*) notok "api: ${line#not ok - }" ;;
		esac
	done <<<"$out"
	grep -q '^ok - object__sign_file' <<<"$out" || notok "api test ran to the end" "$out"
else
	notok "libbpfsig API tests" "$API not built (make -C tools)"
fi

# ---- what linking libbpfsig gives a program -------------------------------------------
libc_names=' (syscall|open|open64|fopen|fopen64|faccessat)$'
api=$(python3 -c 'import re, sys; t = re.sub(r"#define BPFSIG_API.*", "", open(sys.argv[1]).read()); print("\n".join(sorted(set(re.findall(r"BPFSIG_API[^(;]*?(\w+)\s*\(", t)))))' "$TOOLS/lib/bpfsig.h")
c "libbpfsig.so exports exactly the functions of bpfsig.h" \
	test "$(nm -D --defined-only "$TOOLS/lib/libbpfsig.so" | awk '{print $3}' | sort)" = "$api"
c "libbpfsig.a defines no libc function" \
	bash -c "! nm -g --defined-only '$TOOLS/lib/libbpfsig.a' | grep -Eq '$libc_names'"
c "the CLI defines no libc function" \
	bash -c "! nm -D --defined-only '$B' | grep -Eq '$libc_names'"
c "the preload library exports syscall() alone" \
	test "$(nm -D --defined-only "$TOOLS/preload/libbpfsig-preload.so" | awk '{print $3}')" = syscall

echo "$pass passed, $fail failed"
[ $fail = 0 ]
