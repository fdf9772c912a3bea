#!/usr/bin/env bash
# Attaches the workbench to a node in a real terminal (tmux): start
# `aquarium node --allow-inspect ID` in one window, attach to it from
# another with the key of ID, run a function through the node as relay,
# and see the particle's events in the attached trace view. An attach
# with a key the node does not allow is refused with a clear message.
# Exits non-zero with the screen on failure.
set -euo pipefail

cd "$(dirname "$0")/.."

NAME=attach-tmux
# shellcheck source=.ci/tmux-lib.sh
source .ci/tmux-lib.sh
cd "$work"

fail() {
	echo "attach-tmux: $*" >&2
	exit 1
}

# new_key DIR: make DIR/key, in a node's key format; print its peer id.
new_key() {
	mkdir -p "$1" && ./aquarium key new "$1/key"
}
inspector=$(new_key inspector)
stranger=$(new_key stranger)
[[ -n "$inspector" && -n "$stranger" ]] || fail "could not make keys"

tmux new-session -d -s "$session" -n node -x 120 -y 40 \
	"./aquarium node --data-dir node --listen /ip4/127.0.0.1/tcp/0 --allow-inspect $inspector 2>node.log | tee node.out; sleep 60"
deadline=$((SECONDS + 20))
until addr=$(grep -m1 -o '/ip4/127.0.0.1/tcp/[0-9]*/p2p/[A-Za-z0-9]*' node.out 2>/dev/null); do
	((SECONDS < deadline)) || fail "the node did not start: $(cat node.log)"
	sleep 0.2
done

# A peer the node does not allow is refused, and told how to be allowed.
if ./aquarium attach "$addr" --key stranger/key --no-tui >refused.out 2>refused.err; then
	fail "an attach with a key that is not allowed succeeded: $(cat refused.out)"
fi
grep -qF "may not inspect this node" refused.err ||
	fail "the refusal does not say why: $(cat refused.err)"
grep -qF -- "--allow-inspect $stranger" refused.err ||
	fail "the refusal does not name the peer to allow: $(cat refused.err)"

# The allowed inspector opens the workbench on the node.
tmux new-window -d -t "$session" -n attach \
	"./aquarium attach $addr --key inspector/key 2>attach.err; echo \"exit status \$?\" > attach.status; sleep 60"
wait_in attach "attached to"
wait_in attach "compiles · 2 function(s)"

cat >hello.aqua <<'AQUA'
aqua Hello

import "@fluencelabs/aqua-lib/builtin.aqua"

export hello

func hello(name: string) -> string:
  on HOST_PEER_ID:
    msg <- Op.concat_strings("hello from the node, ", name)
  <- msg
AQUA
out=$(./aquarium run hello.aqua -f 'hello("tmux")' --relay "$addr" 2>run.err) ||
	fail "run through the node failed: $(cat run.err)"
[[ "$out" == *'hello from the node, tmux'* ]] || fail "run printed: $out"

# The particle's events at the node show in the attached trace view.
wait_in attach "op.concat_strings"
wait_in attach "interpreted"

# The attached workbench runs functions with the node as relay, too.
tmux send-keys -t "$session:attach" C-r
wait_in attach 'name: string = "world"'
tmux send-keys -t "$session:attach" Enter
wait_in attach 'hello("world") = "hello from the relay, world"'

# The starter was not edited: one ctrl+c quits.
tmux send-keys -t "$session:attach" C-c
for _ in $(seq 100); do
	[[ -s attach.status ]] && break
	sleep 0.1
done
status=$(cat attach.status 2>/dev/null || echo "exit status unknown")
if [[ "$status" != "exit status 0" ]]; then
	echo "attach-tmux: the attached workbench did not quit cleanly: $status" >&2
	cat attach.err >&2 || true
	screen attach >&2
	exit 1
fi
[[ ! -s attach.err ]] || fail "the attached workbench wrote to stderr: $(cat attach.err)"
echo "attach-tmux: ok"
