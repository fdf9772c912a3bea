#!/usr/bin/env bash
# The real js-client (@fluencelabs/js-client 0.9.0) against Aquarium's
# nodes, with the Aqua compiled by the reference compiler (aqua-api
# 0.14.6): a local network (`aquarium up --nodes 2`) and a standalone node
# (`aquarium node`) joined to it, every peer running INTERPRETER. The
# js-client test (.ci/js-client/test.mjs) connects over WebSocket to the
# standalone node, then to the network's first node; through each it
# calls the functions of .ci/js-client/acceptance.aqua and compares the
# results with the reference runtime's (.ci/js-client/golden.json), and
# `aquarium run --relay` calls a service the js-client peer registered.
# Both nodes must then stop cleanly on SIGINT.
#
#   AQUARIUM_REFERENCE_NODE_MODULES=DIR .ci/js-client.sh native|avm.wasm
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

interp=${1:?usage: .ci/js-client.sh native|avm.wasm}
: "${AQUARIUM_REFERENCE_NODE_MODULES:?set it to a node_modules directory with @fluencelabs/js-client 0.9.0, aqua-api 0.14.6 and avm 0.62.0}"
export AQUARIUM_REFERENCE_NODE_MODULES

work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
script="js-client ($interp)"
# shellcheck source=.ci/fail.sh
source .ci/fail.sh

go build -o "$work/aquarium" ./cmd/aquarium

# wait_match FILE PATTERN N PID: wait until FILE has N lines matching
# PATTERN, while process PID runs.
wait_match() {
	local file=$1 pattern=$2 n=$3 pid=$4 deadline=$((SECONDS + 60)) count
	until count=$(grep -c -- "$pattern" "$file" 2>/dev/null) || true; [ "${count:-0}" -ge "$n" ]; do
		kill -0 "$pid" 2>/dev/null || fail "$(basename "$file" .out) exited before it was up"
		((SECONDS < deadline)) || fail "$(basename "$file" .out) did not come up in 60 s"
		sleep 0.1
	done
}

start=$SECONDS
"$work/aquarium" up --nodes 2 --interpreter "$interp" >"$work/up.out" 2>"$work/up.err" &
up=$!
pids+=("$up")
wait_match "$work/up.out" '/ws/p2p/' 2 "$up"
# The first lines are the nodes' addresses in Fluence.connect's form.
node0=$(sed -n 1p "$work/up.out")
node1=$(sed -n 2p "$work/up.out")
for a in "$node0" "$node1"; do
	[[ $a =~ ^/ip4/127\.0\.0\.1/tcp/[0-9]+/ws/p2p/12D3KooW[1-9A-HJ-NP-Za-km-z]+$ ]] || fail "aquarium up printed $a, not a js-client address"
done
other=${node1##*/p2p/}

"$work/aquarium" node --data-dir "$work/node" --network aquarium-dev --bootstrap "$node0" --interpreter "$interp" \
	--listen /ip4/127.0.0.1/tcp/0 --listen /ip4/127.0.0.1/tcp/0/ws >"$work/node.out" 2>"$work/node.err" &
node=$!
pids+=("$node")
wait_match "$work/node.out" '^listening on .*/ws/' 1 "$node"
standalone=$(grep -m1 -o '/ip4/127.0.0.1/tcp/[0-9]*/ws/p2p/[A-Za-z0-9]*' "$work/node.out")
echo "network up in $((SECONDS - start)) s"

status=0
node .ci/js-client/test.mjs --other "$other" --aquarium "$work/aquarium" --interpreter "$interp" \
	--relay "$standalone" --label "node ($interp)" --relay "$node0" --label "up ($interp)" || status=1

for pid in "$node" "$up"; do
	kill -INT "$pid"
	deadline=$((SECONDS + 20))
	while kill -0 "$pid" 2>/dev/null; do
		((SECONDS < deadline)) || fail "a node did not stop within 20 s of SIGINT"
		sleep 0.1
	done
	wait "$pid" || fail "a node did not stop cleanly on SIGINT (status $?)"
done
pids=()
[ "$status" -eq 0 ] || fail "js-client calls failed"
echo "js-client ($interp): passed in $((SECONDS - start)) s"
