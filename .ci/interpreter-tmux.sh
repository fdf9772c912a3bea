#!/usr/bin/env bash
# Drives the workbench in a real terminal (tmux): in the Peers pane, i
# switches the relay to avm.wasm; hello runs through it, and the trace
# names avm.wasm as the interpreter of the relay's hops and native as the
# client's. Then i switches it back. Skips when avm.wasm is not installed
# (CI installs it: AQUARIUM_REFERENCE_NODE_MODULES).
set -euo pipefail

cd "$(dirname "$0")/.."

avm=""
for d in "${AQUARIUM_REFERENCE_NODE_MODULES:-}" "$HOME/.cache/aquarium/reference/node_modules"; do
	if [[ -n "$d" && -f "$d/@fluencelabs/avm/dist/avm.wasm" ]]; then
		avm="$d/@fluencelabs/avm/dist/avm.wasm"
		break
	fi
done
if [[ -z "$avm" ]]; then
	echo "interpreter-tmux: skipped: avm.wasm is not installed (npm install @fluencelabs/avm@0.62.0)"
	exit 0
fi

NAME=interpreter-tmux
# shellcheck source=.ci/tmux-lib.sh
source .ci/tmux-lib.sh

tmux new-session -d -s "$session" -x 160 -y 45 \
	"cd '$work' && AQUARIUM_REFERENCE_NODE_MODULES='${avm%/@fluencelabs/avm/dist/avm.wasm}' ./aquarium --nodes 3 2>'$work/stderr'; echo \"exit status \$?\" > '$work/status'; sleep 60"

wait_for "compiles · 2 function(s)"
wait_for "3 nodes up"

# The Peers pane: every peer runs the native interpreter, and the
# selected one (node0, the relay) shows its js-client address.
tmux send-keys -t "$session" M-4
wait_for "interp"
wait_for "js-client:"
wait_for "/ip4/127.0.0.1/tcp/"
if ! screen | grep -qE "node0 +relay +up +native"; then
	echo "$NAME: node0 does not show the native interpreter" >&2
	screen >&2
	exit 1
fi

# i switches the relay to avm.wasm (compiled on first use).
tmux send-keys -t "$session" i
wait_for "node0 runs avm.wasm" 120
if ! screen | grep -qE "node0 +relay +up +avm\.wasm"; then
	echo "$NAME: the Peers pane does not show node0 on avm.wasm" >&2
	screen >&2
	exit 1
fi

# hello runs through the relay: avm.wasm interprets its hops there.
tmux send-keys -t "$session" C-r
wait_for 'name: string = "world"'
tmux send-keys -t "$session" Enter
wait_for 'hello("world") = "hello from the relay, world"' 30
wait_for "by avm.wasm"
wait_for "by native"
trace=$(screen)
if ! grep -E "▣ +│ +│ +│ +interpreted .* by avm\.wasm" <<<"$trace" >/dev/null; then
	echo "$NAME: no hop on node0's lane names avm.wasm" >&2
	echo "$trace" >&2
	exit 1
fi
if grep -E "▣ +│ +│ +│ +interpreted .* by native" <<<"$trace" >/dev/null; then
	echo "$NAME: a hop on node0's lane names the native interpreter" >&2
	echo "$trace" >&2
	exit 1
fi

# And back: i switches node0 to the native interpreter.
tmux send-keys -t "$session" M-4
tmux send-keys -t "$session" i
wait_for "node0 runs native"

quit_cleanly
echo "$NAME: ok"
