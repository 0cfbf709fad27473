#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# apt-get / apt-cache against Debian suites the host's apt is not configured
# for (bookworm-backports, trixie, trixie-backports, ...), with a private
# configuration and state under build/apt/: the host's own sources, state and
# installed packages are never touched.
#   scripts/apt-private.sh apt-get|apt-cache ARGS...
# The package lists are refreshed when older than a day.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build/apt
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

[ $# -ge 1 ] || { echo "usage: $0 apt-get|apt-cache ARGS..." >&2; exit 2; }
[ -f "$keyring" ] || { echo "apt-private: $keyring missing: apt-get install debian-archive-keyring" >&2; exit 1; }
mkdir -p "$dir/etc/preferences.d" "$dir/state/lists/partial" \
	"$dir/cache/archives/partial"
sources=$dir/etc/sources.list
new=$(for s in bookworm bookworm-updates bookworm-backports trixie trixie-updates trixie-backports; do
	echo "deb [signed-by=$keyring] $mirror $s main"
done
for s in bookworm-security trixie-security; do
	echo "deb [signed-by=$keyring] $security $s main"
done)
[ "$(cat "$sources" 2>/dev/null)" = "$new" ] || { echo "$new" >"$sources"; rm -f "$dir/state/updated"; }

set -- "$@"
opts="-o Dir::Etc::SourceList=$sources -o Dir::Etc::SourceParts=/dev/null
-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=$dir/etc/preferences.d
-o Dir::State=$dir/state -o Dir::State::status=$dir/state/status
-o Dir::Cache=$dir/cache -o APT::Sandbox::User=root -o Debug::NoLocking=1"
touch "$dir/state/status"
if [ -z "$(find "$dir/state/updated" -mmin -1440 2>/dev/null)" ]; then
	# shellcheck disable=SC2086
	apt-get $opts -qq update || {
		echo "apt-private: apt-get update failed (see above)" >&2; exit 1; }
	touch "$dir/state/updated"
fi
tool=$1; shift
# shellcheck disable=SC2086
exec "$tool" $opts "$@"
