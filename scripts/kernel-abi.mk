# The kernels: scripts/kernels.list is the one list. KDEFAULT, its first
# entry, is the pinned kernel: the default of every build and VM.
# `make module KRELEASE=<release>` builds for any other listed kernel.
KDEFAULT := $(firstword $(shell sed -e 's/\#.*//' $(dir $(lastword $(MAKEFILE_LIST)))kernels.list))
KRELEASE ?= $(KDEFAULT)
