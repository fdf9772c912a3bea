#!/usr/bin/env bash
# Hostile inputs against a live `aquarium node`: frames whose length lies,
# frames and particle data whose fields claim gigabytes or nest 30 million
# levels deep, a particle from the future, a service that spins in every
# call, and one that grows memory until it traps. After each the node must
# answer op.identity within 100 ms (the median of five round trips) with
# its RSS under 1 GiB. A client whose relay is killed must hear of it at once. The
# node's peak RSS and the CPU it spent are printed for each input.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

script=hostile-node
# shellcheck source=.ci/hostile/lib.sh
source .ci/hostile/lib.sh
# op.identity is timed from a peer of its own: a second host with the
# deploying client's key would share its peer id.

# start_node NAME [FLAG...]: an aquarium node managed by the client, on
# loopback; sets pid, addr and http.
start_node() {
	local name=$1 deadline=$((SECONDS + 60))
	shift
	"$work/aquarium" node --listen /ip4/127.0.0.1/tcp/0 --data-dir "$work/$name" --network hostile \
		--http 127.0.0.1:0 --management "$client" --call-timeout 2s --service-queue 8 "$@" \
		>"$work/$name.out" 2>"$work/$name.err" &
	pid=$!
	pids+=("$pid")
	until grep -q '^http on ' "$work/$name.out" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || fail "$name exited before it was up"
		((SECONDS < deadline)) || fail "$name did not come up in 60 s"
		sleep 0.1
	done
	addr=$(sed -n 's/^listening on \(.*\/tcp\/.*\/p2p\/.*\)$/\1/p' "$work/$name.out" | head -1)
	http=$(sed -n 's/^http on //p' "$work/$name.out")
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)

# measure LABEL CMD...: runs CMD while sampling the node's RSS, then checks
# op.identity and the RSS, and prints the figures.
measure() {
	local label=$1 peak cpu0 rss ms bg
	shift
	peak=$(rss_kib "$node")
	cpu0=$(cpu_ticks "$node")
	"$@" &
	bg=$!
	while kill -0 "$bg" 2>/dev/null; do
		rss=$(rss_kib "$node")
		((rss > peak)) && peak=$rss
		sleep 0.05
	done
	wait "$bg" || fail "$label: the hostile input failed"
	ms=$("$work/hostile" identity "$addr") || fail "$label: op.identity did not answer"
	rss=$(rss_kib "$node")
	printf '%-34s peak RSS %5d MiB, CPU %5.2f s, then op.identity in %5.1f ms, RSS %4d MiB\n' \
		"$label" $((peak / 1024)) "$(echo "($(cpu_ticks "$node") - $cpu0) / $tick" | bc -l)" "$ms" $((rss / 1024))
	awk -v ms="$ms" 'BEGIN { exit !(ms < 100) }' || fail "$label: op.identity took $ms ms, want under 100"
	((peak < 1024 * 1024)) || fail "$label: peak RSS $((peak / 1024)) MiB, want under 1 GiB"
}

run() { "$work/aquarium" run .ci/hostile/hostile.aqua --relay "$addr" --key "$work/client.key" "$@"; }

start_node node
node=$pid
"$work/hostile" identity "$addr" >/dev/null || fail "op.identity on a fresh node"

measure "20 frames announcing 100 MiB" "$work/hostile" frames "$addr" 20 3s
measure "a particle a year ahead" "$work/hostile" future "$addr" "$work/client.key"
measure "20 frames and 20 particles claiming 3 GB" "$work/hostile" claims "$addr" "$work/client.key" 20
measure "a frame and a particle nesting 30M deep" "$work/hostile" deep "$addr" "$work/client.key"
metrics=$(curl -fsS "http://$http/metrics")
grep -q 'aquarium_particles_dropped_total{reason="timestamp in the future"} 1' <<<"$metrics" ||
	fail "the particle from the future is not counted as a drop"

printf '{"wasm": "%s"}' "$(base64 -w0 "$work/hostile.wasm")" >"$work/deploy.json"
service=$(run -f 'deploy(wasm)' --data-path "$work/deploy.json" 2>"$work/deploy.err") || fail "deploy the hostile service"
service=${service//\"/}

spin64() {
	# 64 calls that never end by themselves: 9 are taken (one runs, eight
	# wait), the rest refused at once; each taken one ends at the 2 s call
	# timeout.
	run -f 'spin(id, xs)' --data "{\"id\": \"$service\", \"xs\": [$(seq -s, 1 64)]}" >/dev/null 2>"$work/spin.err" &
	local r=$! deadline=$((SECONDS + 10)) health
	until health=$(curl -sS "http://$http/health") && [[ $health == *'"status":"saturated"'* ]]; do
		((SECONDS < deadline)) || fail "/health never said saturated under 64 spinning calls: $health"
		sleep 0.05
	done
	ms=$("$work/hostile" identity "$addr") || fail "op.identity while the service spins"
	awk -v ms="$ms" 'BEGIN { exit !(ms < 100) }' || fail "op.identity took $ms ms while the service spins"
	# The call timeout ends the calls that were taken.
	deadline=$((SECONDS + 10))
	until health=$(curl -sS "http://$http/health") && [[ $health == *'"status":"ok"'* ]]; do
		((SECONDS < deadline)) || fail "/health still says saturated 10 s after the calls began: $health"
		sleep 0.05
	done
	wait "$r" || fail "spin did not start its calls: $(cat "$work/spin.err")"
}
measure "64 calls of a spinning service" spin64
[ "$(run -f "answer(\"$service\")")" = 42 ] || fail "the spinning service does not answer after its calls were interrupted"

hog() {
	if run -f "hog(\"$service\")" >"$work/hog.out" 2>&1; then
		fail "hog returned"
	fi
	# The memory limit stops it, or on a slow machine the call timeout
	# first; either way the service starts afresh.
	grep -q 'memory limit\|call interrupted' "$work/hog.out" || fail "hog failed without naming the memory limit: $(head -3 "$work/hog.out")"
	grep -q 'restarted' "$work/hog.out" || fail "hog's error does not say the service was restarted"
}
measure "a service that grows memory" hog
[ "$(run -f "answer(\"$service\")")" = 42 ] || fail "the service does not answer after it trapped"

# A relay whose next peer was killed reports the drop to the client at
# once.
naddr=$addr
start_node relay --bootstrap "$naddr"
relay=$pid
disown "$relay" # its death by SIGKILL is expected: no job report
raddr=$addr
[ "$("$work/aquarium" run .ci/hostile/hostile.aqua --relay "$raddr" -f "onPeer(\"${naddr##*/p2p/}\")")" = '["here"]' ] ||
	fail "the relay does not reach the node"
disown "$node"
kill -9 "$node"
start=$(date +%s%N)
"$work/aquarium" run .ci/hostile/hostile.aqua --relay "$raddr" -f "onPeer(\"${naddr##*/p2p/}\")" >"$work/next.out" 2>&1 &&
	fail "the run on a killed node succeeded"
grep -q 'could not reach' "$work/next.out" || fail "the run on a killed node failed without ErrUnreachable: $(cat "$work/next.out")"
printf '%-34s reported to the client in %d ms (a whole run)\n' "a killed next peer" $((($(date +%s%N) - start) / 1000000))

# A client waits on a relay that is then killed: it must fail at once.
"$work/aquarium" run .ci/hostile/hostile.aqua --relay "$raddr" -f 'waitOnRelay()' >"$work/wait.out" 2>&1 &
waiter=$!
deadline=$((SECONDS + 10))
until [[ $(curl -sS "http://$http/health") == *'"connected_peers":1'* ]]; do
	((SECONDS < deadline)) || fail "the client did not connect to the relay"
	sleep 0.05
done
kill -9 "$relay"
killed=$(date +%s%N)
wait "$waiter" && fail "the run on a killed relay succeeded"
detected=$(date +%s%N)
grep -q 'could not reach' "$work/wait.out" || fail "the run on a killed relay failed without ErrUnreachable: $(cat "$work/wait.out")"
printf '%-34s detected by the client in %d ms\n' "a killed relay" $(((detected - killed) / 1000000))
