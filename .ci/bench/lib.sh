# Helpers for .ci/bench.sh: running `go test -bench`, taking medians of
# its results, timing whole processes, and the table's rows. Sourced, not
# run; the caller sets BENCH_COUNT, BENCH_WORK and BENCH_LOG.

# note prints progress on standard error, away from the table.
note() { printf 'bench: %s\n' "$*" >&2; }

# gobench OUT PKG REGEX [FLAG...]: runs the benchmarks of PKG that REGEX
# matches, BENCH_COUNT times each unless a FLAG says otherwise, and keeps
# go test's output in OUT (and in BENCH_LOG). When a run fails, the
# figures the others printed still count: a benchmark that printed none
# makes its rows read "not measured".
gobench() {
	local out=$1 pkg=$2 regex=$3
	shift 3
	note "go test -bench '$regex' $* $pkg"
	if go test -run '^$' -bench "$regex" -count "$BENCH_COUNT" -timeout 60m "$@" "$pkg" >"$out" 2>&1; then
		{ echo "--- $pkg -bench $regex"; cat "$out"; } >>"$BENCH_LOG"
	else
		note "go test failed for $pkg -bench '$regex': only the figures it printed count; its output is in $BENCH_LOG"
		{ echo "--- $pkg -bench $regex (failed)"; cat "$out"; } >>"$BENCH_LOG"
	fi
}

# median FILE NAME UNIT prints the median of the UNIT figures (ns/op,
# round-trips/s, µs/run@50, ...) of benchmark NAME in go test output FILE,
# NAME without its -GOMAXPROCS suffix; nothing when there is none. An even
# count takes the mean of the middle two, as benchstat does.
median() {
	awk -v name="$2" -v unit="$3" '
		{ n = $1; sub(/-[0-9]+$/, "", n) }
		n == name { for (i = 3; i < NF; i += 2) if ($(i + 1) == unit) print $i }
	' "$1" | sort -g | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) exit
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# names FILE prints the benchmark names in go test output FILE, without
# their -GOMAXPROCS suffix, once each.
names() {
	awk '$1 ~ /^Benchmark/ && $2 ~ /^[0-9]+$/ { n = $1; sub(/-[0-9]+$/, "", n); if (!seen[n]++) print n }' "$1"
}

# wallpair RUNS OUT_A OUT_B -- A... -- B...: times whole processes, A and B
# in turn (A B A B ...) after one warm-up run of each, so that a machine
# whose speed drifts slows both alike. The wall time of each run, in
# nanoseconds, goes to OUT_A and OUT_B, one a line. A run that fails stops
# it, with status 1.
wallpair() {
	local runs=$1 outA=$2 outB=$3
	shift 3
	[ "$1" = -- ] || return 2
	shift
	local a=() b=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do a+=("$1"); shift; done
	[ $# -gt 0 ] || return 2
	shift
	b=("$@")
	: >"$outA"
	: >"$outB"
	"${a[@]}" >/dev/null 2>>"$BENCH_LOG" || return 1
	"${b[@]}" >/dev/null 2>>"$BENCH_LOG" || return 1
	local i
	for ((i = 0; i < runs; i++)); do
		wallrun "$outA" "${a[@]}" || return 1
		wallrun "$outB" "${b[@]}" || return 1
	done
}

# wallrun OUT CMD...: runs CMD once and appends its wall time in
# nanoseconds to OUT. EPOCHREALTIME is read by the shell itself: no
# process of its own is timed with the command.
wallrun() {
	local out=$1 start end
	shift
	start=$EPOCHREALTIME
	"$@" >/dev/null 2>>"$BENCH_LOG" || return 1
	end=$EPOCHREALTIME
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f\n", (e - s) * 1e9 }' >>"$out"
}

# medianof FILE prints the median of the numbers in FILE, one a line.
medianof() {
	sort -g "$1" | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) exit
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# duration NS prints NS nanoseconds with a unit and about three digits,
# as the README writes figures: 340 ns, 6.0 ms, 7.9 s.
duration() {
	awk -v ns="$1" 'function fig(x) { return x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x) }
	BEGIN {
		if (ns >= 1e9) print fig(ns / 1e9) " s"
		else if (ns >= 1e6) print fig(ns / 1e6) " ms"
		else if (ns >= 1e3) print fig(ns / 1e3) " µs"
		else print fig(ns) " ns"
	}'
}

# thousands N prints N rounded, with thousands separated by commas: 2,700.
thousands() {
	awk -v x="$1" 'BEGIN {
		s = sprintf("%.0f", x); out = ""
		while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
		print s out
	}'
}

# ratio REF OURS prints REF ÷ OURS, the times ours is faster (below 1:
# slower), to two or three digits.
ratio() {
	awk -v r="$1" -v o="$2" 'BEGIN {
		x = r / o
		print (x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x))
	}'
}

# ROWS holds the table's rows, printed at the end.
ROWS=()

# row WHAT OURS REFERENCE RATIO adds a row to the table.
row() { ROWS+=("| $1 | $2 | $3 | $4 |"); }

# timerow WHAT OURS_NS REF_NS [RATIO] adds a row of two durations and
# their ratio, RATIO when given (the median of interleaved runs' ratios,
# which need not be the ratio of the median times); a figure that is
# missing makes the row say so.
timerow() {
	local what=$1 ours=$2 ref=$3 given=${4:-}
	if [ -z "$ours" ]; then
		row "$what" "not measured: the benchmark printed no figure (see $BENCH_LOG)" "${ref:+$(duration "$ref")}" "–"
	elif [ -z "$ref" ]; then
		row "$what" "$(duration "$ours")" "not measured: the benchmark printed no figure (see $BENCH_LOG)" "–"
	elif [ -n "$given" ]; then
		row "$what" "$(duration "$ours")" "$(duration "$ref")" "$(ratio "$given" 1)"
	else
		row "$what" "$(duration "$ours")" "$(duration "$ref")" "$(ratio "$ref" "$ours")"
	fi
}

# measured VALUE TEXT prints TEXT, VALUE's figure as the table gives it,
# or when VALUE is empty says that nothing was measured.
measured() {
	if [ -n "$1" ]; then
		echo "$2"
	else
		echo "not measured: the benchmark printed no figure (see $BENCH_LOG)"
	fi
}

# table prints the rows as one Markdown table.
table() {
	echo "| what | ours | reference | ratio (reference ÷ ours) |"
	echo "|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
}
