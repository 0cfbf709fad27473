# SPDX-License-Identifier: GPL-2.0
# Shell helpers for the kernel list (scripts/kernels.list); sourced, not run.
#   kernels_list              the releases, one per line, in list order
#   kernels_field REL FIELD   SUITE, ROOT or CORPUS of REL; fails naming the list
#   kernels_default           the first release (the pinned one)

# The sourcing script's $top (the repository), else the one above its own dir.
if [ -z "${KERNELS_LIST:-}" ]; then
	KERNELS_LIST=${top:-$(cd "$(dirname "$0")/.." && pwd)}/scripts/kernels.list
fi

kernels_list() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$KERNELS_LIST" | awk '{print $1}'
}

kernels_default() {
	kernels_list | head -n 1
}

kernels_field() {
	_col=
	case "$2" in
	SUITE) _col=2 ;;
	ROOT) _col=3 ;;
	CORPUS) _col=4 ;;
	*) echo "kernels_field: unknown field $2" >&2; return 2 ;;
	esac
	_v=$(sed -e 's/#.*//' "$KERNELS_LIST" | awk -v r="$1" -v c="$_col" '$1 == r { print $c }')
	if [ -z "$_v" ]; then
		echo "kernel $1 is not in $KERNELS_LIST; listed: $(kernels_list | tr '\n' ' ')" >&2
		return 1
	fi
	echo "$_v"
}
