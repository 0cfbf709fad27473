# SPDX-License-Identifier: GPL-2.0
# bpfsig top-level build. The target kernel ABI is pinned in
# scripts/kernel-abi.mk; everything else is derived from it.

include scripts/kernel-abi.mk

KDIR ?= /usr/src/linux-headers-$(KRELEASE)
CHECKPATCH ?= build/linux-source/scripts/checkpatch.pl

.PHONY: all module test-modules tools keys test test-host test-vm demo bench checkpatch clean fuzz

all: module tools

module:
	@test -d $(KDIR) || { echo "bpfsig: $(KDIR) missing: run scripts/install-deps.sh" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

test-modules: module
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/modules modules

keys:
	$(MAKE) -C keys

test: all
	selftests/run.sh

test-host: tools
	selftests/run.sh --host-only

demo: all
	scripts/demo.sh --no-deps

# The benchmark (Documentation/benchmark.md): builds what it needs, boots the
# pinned kernel in the VM, writes Documentation/benchmark.*; bench-smoke is
# the quick version (build/bench/smoke/), for CI.
.PHONY: bench-smoke
bench:
	$(MAKE) -C bench

bench-smoke:
	$(MAKE) -C bench smoke

checkpatch:
	scripts/checkpatch.sh

fuzz:
	fuzz/run.sh --long

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean || true
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/modules clean || true
	$(MAKE) -C tools clean || true
	$(MAKE) -C selftests clean || true
	$(MAKE) -C fuzz clean || true
