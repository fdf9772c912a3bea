# The network's rows of .ci/bench.sh (sourced by it).

# Round trips through a relay, in-process (net/devnet). There is no
# in-process reference relay to run beside them: js-client has none of
# its own, so these rows have no reference.
gobench "$BENCH_WORK/rt.txt" ./net/devnet '^BenchmarkRoundTrip(Parallel)?$'
# ofcpu NAME prints " (X of CPU each)" from NAME's cpu-ns/op, the CPU time
# of client and relay together, steadier than wall time on a loaded
# machine; nothing when it reports none.
ofcpu() {
	local cpu
	cpu=$(median "$BENCH_WORK/rt.txt" "$1" cpu-ns/op)
	echo "${cpu:+ ($(duration "$cpu") of CPU each)}"
}
ours=$(median "$BENCH_WORK/rt.txt" BenchmarkRoundTrip ns/op)
row "relay round trip, client → relay → client over loopback libp2p, one at a time (\`net/devnet\` \`BenchmarkRoundTrip\`)" \
	"$(measured "$ours" "$(duration "${ours:-0}")$(ofcpu BenchmarkRoundTrip)")" \
	"none (no in-process reference relay)" "–"
ours=$(median "$BENCH_WORK/rt.txt" BenchmarkRoundTripParallel round-trips/s)
row "the same, 16 in flight (\`net/devnet\` \`BenchmarkRoundTripParallel\`)" \
	"$(measured "$ours" "$(thousands "${ours:-0}") round trips/s$(ofcpu BenchmarkRoundTripParallel)")" \
	"none (no in-process reference relay)" "–"

# The real js-client through `aquarium node` as its relay, the relay on
# our interpreter against the same relay on avm.wasm: what the relay's
# interpreter costs on the real path (js-client's own, avm.wasm in Node,
# is in both figures alike).
# jsrelay INTERPRETER VAR: starts a node on INTERPRETER, times js-client
# round trips through it (.ci/bench/roundtrip.mjs) and sets VAR to the
# median in nanoseconds; to nothing if it could not.
jsrelay() {
	local interp=$1 dir=$BENCH_WORK/node-$1 pid addr="" deadline ns=""
	mkdir -p "$dir"
	"$BENCH_WORK/aquarium" node --data-dir "$dir/data" --network aquarium-dev --interpreter "$interp" \
		--listen /ip4/127.0.0.1/tcp/0/ws >"$dir/out" 2>"$dir/err" &
	pid=$!
	pids+=("$pid")
	deadline=$((SECONDS + 60))
	while [ -z "$addr" ] && kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
		sleep 0.2
		addr=$(grep -m1 -o '/ip4/127.0.0.1/tcp/[0-9]*/ws/p2p/[A-Za-z0-9]*' "$dir/out" || true)
	done
	if [ -n "$addr" ]; then
		note "js-client round trips through aquarium node --interpreter $interp"
		ns=$(node .ci/bench/roundtrip.mjs --relay "$addr" --calls "$BENCH_JS_CALLS" 2>>"$BENCH_LOG" |
			sed -n 's/.*"medianNs":\([0-9]*\).*/\1/p') || true
	else
		note "aquarium node --interpreter $interp did not come up; its output is in $BENCH_LOG"
		cat "$dir/err" >>"$BENCH_LOG"
	fi
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# Reaped: the cleanup must not signal its id, which may be reused.
	local kept=() p
	for p in "${pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
	pids=("${kept[@]}")
	printf -v "$2" '%s' "$ns"
}
jsrelay native ours
jsrelay avm.wasm theirs
timerow "js-client 0.9.0 → \`aquarium node\` → js-client round trip (op.identity), one at a time, median of $BENCH_JS_CALLS (\`.ci/bench/roundtrip.mjs\`): the relay on our interpreter (\`--interpreter native\`) against the same relay on avm.wasm (\`--interpreter avm.wasm\`)" \
	"$ours" "$theirs"

# Networks started and joined: whatever start-up benchmarks net/devnet
# holds. Each result line is read for its number of nodes and transport,
# from its name (100 or 1000; "mem" for in memory, TCP otherwise). The
# CPU time the start took is given too when the benchmark reports it
# (cpu-s/op): on a loaded machine it is the steadier figure. Of their
# sub-benchmarks only those whose names say 100 and TCP or 1000 and
# memory run: a network of 1,000 nodes over TCP is not in the table.
upnames=$(grep -ho '^func Benchmark[A-Za-z0-9_]*' net/devnet/*_test.go | sed 's/^func //' |
	grep -E '(Up|Start)' | grep -vx BenchmarkStart10 || true)
uprow() {
	local nodes=$1 mem=$2 what=$3 name="" ns cpu
	if [ -n "$upnames" ]; then
		name=$(names "$BENCH_WORK/up.txt" | awk -v n="$nodes" -v mem="$mem" '{
			s = tolower($0)
			if ((s ~ /mem/) != mem) next
			if (match(s, "(^|[^0-9])" n "([^0-9]|$)")) { print; exit }
		}')
	fi
	if [ -z "$name" ]; then
		row "$what" "not measured: no benchmark in net/devnet printed a figure for $nodes nodes $([ "$mem" = 1 ] && echo in memory || echo over TCP) (start-up benchmarks there: $(echo BenchmarkStart10 $upnames); see $BENCH_LOG)" "none" "–"
		return
	fi
	ns=$(median "$BENCH_WORK/up.txt" "$name" ns/op)
	cpu=$(median "$BENCH_WORK/up.txt" "$name" cpu-s/op)
	row "$what (\`net/devnet\` \`$name\`)" \
		"$(measured "$ns" "$(duration "${ns:-0}")${cpu:+ ($(duration "$(awk -v s="$cpu" 'BEGIN { print s * 1e9 }')") of CPU)}")" "none" "–"
}
if [ -n "$upnames" ]; then
	BENCH_COUNT=$BENCH_UP_COUNT gobench "$BENCH_WORK/up.txt" ./net/devnet \
		"^($(echo $upnames | tr ' ' '|'))\$/(?i)(100.*tcp|tcp.*100|1000.*mem|mem.*1000)" -benchtime 1x
fi
uprow 100 0 "100 nodes started and joined, over TCP"
uprow 1000 1 "1,000 nodes started and joined, in memory"
