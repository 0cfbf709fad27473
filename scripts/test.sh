#!/bin/sh
# Install what bpfsig needs (Debian 12, as root), build everything and run
# the whole test suite: host tests, then the VM tests on the pinned kernel.
# The last line reads "N passed, N failed, N skipped".
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
# the duration run.sh prints counts the installation too
BPFSIG_RUN_START=$(date +%s)
export BPFSIG_RUN_START
"$top/scripts/install-deps.sh"
exec "$top/selftests/run.sh" "$@"
