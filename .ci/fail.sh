# fail MESSAGE...: what the scripts that run nodes print when a check
# fails: "$script: MESSAGE", then the tail of every non-empty stderr log
# of the run ($work/*.err); it exits 1. Sourced, not run: set script and
# work first.
fail() {
	echo "$script: $*" >&2
	local f
	for f in "$work"/*.err; do
		[ -s "$f" ] && { echo "--- $(basename "$f")" >&2; tail -20 "$f" >&2; }
	done
	exit 1
}
