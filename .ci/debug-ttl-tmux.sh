#!/usr/bin/env bash
# Drives the workbench in a real terminal (tmux): with --ttl 10s, pause
# the network, start hello, leave it paused for 30 s, then step it and
# continue: it completes with its result, because particle time stands
# still while the network is paused. Exits non-zero with the screen on
# failure.
set -euo pipefail

cd "$(dirname "$0")/.."

NAME=debug-ttl-tmux
# shellcheck source=.ci/tmux-lib.sh
source .ci/tmux-lib.sh

tmux new-session -d -s "$session" -x 140 -y 40 \
	"cd '$work' && ./aquarium --nodes 3 --ttl 10s 2>'$work/stderr'; echo \"exit status \$?\" > '$work/status'; sleep 60"

wait_for "compiles · 2 function(s)"
wait_for "3 nodes up"

# Pause, then run hello: the client's first interpretation is held.
tmux send-keys -t "$session" C-p
wait_for "paused, 0 held"
tmux send-keys -t "$session" C-r
wait_for 'name: string = "world"'
tmux send-keys -t "$session" Enter
wait_for "paused, 1 held"

# Three times the TTL, paused.
sleep 30
if screen | grep -qE "timed out|expired|failed"; then
	echo "$NAME: the paused particle aged" >&2
	screen >&2
	exit 1
fi

# Two steps (the client's first hop, then the next), then continue.
tmux send-keys -t "$session" C-n
wait_for "hop 1/1 at client"
tmux send-keys -t "$session" C-n
wait_for "hop 2/"
tmux send-keys -t "$session" C-p
wait_for 'hello("world") = "hello from the relay, world"' 10
if screen | grep -qE "timed out|expired"; then
	echo "$NAME: the particle expired on its way" >&2
	screen >&2
	exit 1
fi
wait_for "completed"

quit_cleanly
echo "$NAME: ok"
