#!/usr/bin/env bash
# A soak of a live `aquarium node`: for SOAK_SECONDS (default 60), four
# clients run op.identity round trips and one calls a Wasm service after
# each, while another client sends garbage frames, frames whose length
# lies, particles from a year ahead, particles with bad signatures and
# particles over the node's size limit. Every good request must come
# back; the node's goroutines and RSS, read from its /metrics in the
# first and the last 10 s, must not grow past the tolerances stated in
# .ci/hostile/soak.go; and the node must still answer op.identity at the
# end. Prints the particles per second held, good and hostile apart, the
# goroutines and RSS at start and end, and the CPU seconds the node used.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${SOAK_SECONDS:-60}
script=soak
# shellcheck source=.ci/hostile/lib.sh
source .ci/hostile/lib.sh

# The node as .ci/hostile-node.sh starts it, with a particle size limit
# of 4 MiB: room for the deployment of the service (3 MiB), not for the
# soak's oversized particles. Its trace log keeps 5,000 events, which the
# traffic fills within the first seconds: a log that still fills (the
# default keeps 100,000, some 25 MiB) is memory that grows, boundedly,
# through the whole soak, and would read as a leak.
deadline=$((SECONDS + 60))
"$work/aquarium" node --listen /ip4/127.0.0.1/tcp/0 --data-dir "$work/node" --network soak \
	--http 127.0.0.1:0 --management "$client" --call-timeout 2s --max-particle-size 4MiB --trace-events 5000 \
	>"$work/node.out" 2>"$work/node.err" &
node=$!
pids+=("$node")
until grep -q '^http on ' "$work/node.out" 2>/dev/null; do
	kill -0 "$node" 2>/dev/null || fail "the node exited before it was up"
	((SECONDS < deadline)) || fail "the node did not come up in 60 s"
	sleep 0.1
done
addr=$(sed -n 's/^listening on \(.*\/tcp\/.*\/p2p\/.*\)$/\1/p' "$work/node.out" | head -1)
http=$(sed -n 's/^http on //p' "$work/node.out")

printf '{"wasm": "%s"}' "$(base64 -w0 "$work/hostile.wasm")" >"$work/deploy.json"
service=$("$work/aquarium" run .ci/hostile/hostile.aqua --relay "$addr" --key "$work/client.key" \
	-f 'deploy(wasm)' --data-path "$work/deploy.json" 2>"$work/deploy.err") || fail "deploy the service"
service=${service//\"/}

echo "soak: ${seconds} s of good and hostile traffic against $addr"
"$work/hostile" soak "$addr" "$http" "$service" "$seconds" || fail "the soak failed"
kill -0 "$node" 2>/dev/null || fail "the node died"
echo "the node's drops:"
curl -fsS "http://$http/metrics" | sed -n 's/^aquarium_particles_dropped_total{reason="\(.*\)"} \(.*\)$/  \2 \1/p'
ms=$("$work/hostile" identity "$addr") || fail "op.identity after the soak"
printf 'after the soak    op.identity in %.1f ms\n' "$ms"
