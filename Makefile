# SPDX-License-Identifier: GPL-2.0
# bpfsig top-level build. The supported kernels are listed in
# scripts/kernels.list; the first is the default (scripts/kernel-abi.mk).

include scripts/kernel-abi.mk

# The kbuild tree: by default the headers of KRELEASE, completed by
# scripts/kbuild-tree.sh so that kbuild gives the modules BTF (Debian 12's
# headers lack vmlinux); KDIR=DIR builds against DIR as it is.
KDIR ?=
kbuild_tree = $(if $(KDIR),echo $(KDIR),scripts/kbuild-tree.sh $(KRELEASE))
CHECKPATCH ?= build/linux-source/scripts/checkpatch.pl

.PHONY: all module test-modules tools keys test test-host test-vm demo bench checkpatch clean \
	deb testbed fuzz test-debug

all: module tools

# The default kernel builds here, against the installed headers; any other
# listed kernel in build/modules/<release>/, in its own toolchain.
ifeq ($(KRELEASE),$(KDEFAULT))
module:
	@kdir=$$($(kbuild_tree)) && test -d "$$kdir" || { echo "bpfsig: no kbuild tree for $(KRELEASE) ($(or $(KDIR),scripts/kbuild-tree.sh)): run scripts/install-deps.sh" >&2; exit 1; }; \
	$(MAKE) -C "$$kdir" M=$(CURDIR) modules
else
module:
	scripts/kbuild.sh $(KRELEASE)
endif

tools:
	$(MAKE) -C tools

ifeq ($(KRELEASE),$(KDEFAULT))
test-modules: module
	@kdir=$$($(kbuild_tree)) && \
	$(MAKE) -C "$$kdir" M=$(CURDIR)/selftests/modules modules
else
test-modules:
	scripts/kbuild.sh --test-modules $(KRELEASE)
endif

keys:
	$(MAKE) -C keys

test: all
	selftests/run.sh

test-host: tools
	selftests/run.sh --host-only

# The VM tests, the stress and the soak on a debug kernel (KASAN, lockdep,
# kmemleak, debugobjects), built from linux-source by scripts/debug-kernel.sh
# (hours, the first time; cached in build/debug-kernel/), then its reports.
# Not part of `make test` (too long for CI). Documentation/reliability.md.
test-debug:
	selftests/test-debug.sh

demo: all
	scripts/demo.sh --no-deps --kernel $(KRELEASE)

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

# The Debian packages (build/deb/), and the test bed that installs them on a
# Debian 12 host booted by systemd in QEMU (Documentation/testbed.md).
deb:
	scripts/build-debs.sh

testbed: tools
	selftests/testbed/run.sh

fuzz:
	fuzz/run.sh --long

clean:
	$(MAKE) -C $(or $(KDIR),/usr/src/linux-headers-$(KRELEASE)) M=$(CURDIR) clean || true
	$(MAKE) -C $(or $(KDIR),/usr/src/linux-headers-$(KRELEASE)) M=$(CURDIR)/selftests/modules clean || true
	$(MAKE) -C tools clean || true
	$(MAKE) -C selftests clean || true
	$(MAKE) -C fuzz clean || true
