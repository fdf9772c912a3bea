#!/bin/sh
# Regenerates the golden AIR of every program here with the reference
# compiler (see README.md). Usage: ./regen.sh [FILE.aqua...]
set -eu
cd "$(dirname "$0")"
ORACLE=${ORACLE:-/work/shared/oracle/oracle}
[ $# -gt 0 ] || set -- *.aqua
for f in "$@"; do
	flags=$(sed -n 's/^-- flags: //p' "$f" | head -1)
	# shellcheck disable=SC2086
	if ! "$ORACLE" compile "$f" $flags > "${f%.aqua}.air.tmp" 2> "${f%.aqua}.err"; then
		echo "reference compiler failed on $f:" >&2
		cat "${f%.aqua}.err" >&2
		rm -f "${f%.aqua}.air.tmp" "${f%.aqua}.err"
		continue
	fi
	rm -f "${f%.aqua}.err"
	mv "${f%.aqua}.air.tmp" "${f%.aqua}.air"
done
