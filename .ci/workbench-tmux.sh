#!/usr/bin/env bash
# Drives the workbench in a real terminal (tmux): start it on the starter
# file, run the starter's hello function, check the result and its trace
# on screen, and quit cleanly. Exits non-zero with the screen on failure.
set -euo pipefail

cd "$(dirname "$0")/.."

NAME=workbench-tmux
# shellcheck source=.ci/tmux-lib.sh
source .ci/tmux-lib.sh

tmux new-session -d -s "$session" -x 120 -y 40 \
	"cd '$work' && ./aquarium --nodes 3 2>'$work/stderr'; echo \"exit status \$?\" > '$work/status'; sleep 60"

wait_for "compiles · 2 function(s)"
wait_for "3 nodes up"

# ctrl+r opens the argument form of the function under the cursor (hello).
tmux send-keys -t "$session" C-r
wait_for 'name: string = "world"'
tmux send-keys -t "$session" Enter
wait_for 'hello("world") = "hello from the relay, world"'
# The trace shows the particle's trip to node0 and back, and its calls.
wait_for "→ node0"
wait_for "→ client"
wait_for "op.concat_strings"
wait_for "completed"

# The starter is not on disk, but nothing was typed into it: there is no
# work to lose, so ctrl+c quits at once.
quit_cleanly
if [[ -s "$work/stderr" ]]; then
	echo "workbench-tmux: the workbench wrote to stderr:" >&2
	cat "$work/stderr" >&2
	exit 1
fi
echo "workbench-tmux: ok"
