#!/usr/bin/env bash
# Drives the workbench in a real terminal (tmux): greetAll on a peer that
# is not in the network fails at once, in under a second, saying that the
# particle could not reach its next peer, and the trace shows the drop;
# the particle's TTL is not waited out. Exits non-zero with the screen on
# failure.
set -euo pipefail

cd "$(dirname "$0")/.."

NAME=unroutable-tmux
# shellcheck source=.ci/tmux-lib.sh
source .ci/tmux-lib.sh

# A well-formed peer id of no peer in the network.
stranger=$("$work/aquarium" key new "$work/stranger.key" 2>/dev/null | grep -oE '12D3KooW[1-9A-HJ-NP-Za-km-z]+' | head -1)
if [[ -z "$stranger" ]]; then
	stranger=$("$work/aquarium" key show "$work/stranger.key" | grep -oE '12D3KooW[1-9A-HJ-NP-Za-km-z]+' | head -1)
fi

tmux new-session -d -s "$session" -x 140 -y 40 \
	"cd '$work' && ./aquarium --nodes 3 2>'$work/stderr'; echo \"exit status \$?\" > '$work/status'; sleep 60"

wait_for "compiles · 2 function(s)"
wait_for "3 nodes up"

# greetAll, from the Functions pane, on node1 and the stranger.
tmux send-keys -t "$session" M-2 Down C-r
wait_for 'nodes: []string = nodes'
tmux send-keys -t "$session" Down C-a C-k
tmux send-keys -t "$session" -l "[node1, \"$stranger\"]"
start=$(date +%s%N)
tmux send-keys -t "$session" Enter
until screen | grep -qF "✗ greetAll"; do
	if (($(date +%s%N) - start > 5000000000)); then
		echo "$NAME: the run did not fail within 5 s" >&2
		screen >&2
		exit 1
	fi
	sleep 0.05
done
# The inspector shows how long the run took, as the workbench timed it
# from sending the particle to its failure.
wait_for "took "
took=$(screen | grep -oE 'took +[0-9.]+(µs|ms|s)' | head -1 | awk '{print $2}')
ms=$(awk -v t="$took" 'BEGIN {
	if (t ~ /µs$/) { sub(/µs$/, "", t); print t / 1000 }
	else if (t ~ /ms$/) { sub(/ms$/, "", t); print t }
	else { sub(/s$/, "", t); print t * 1000 } }')
if [[ -z "$took" ]] || awk -v ms="$ms" 'BEGIN { exit !(ms >= 1000) }'; then
	echo "$NAME: the run failed after ${took:-?}, want under 1 s" >&2
	screen >&2
	exit 1
fi
wait_for "greetAll(\"world\", [node1, \"$stranger\"]) failed: particle"
# The inspector says why, the trace where, and the run is over.
wait_for "could not reach its next"
wait_for "dropped: unroutable"
if screen | grep -qF "1 running"; then
	echo "$NAME: the failed run is still counted as running" >&2
	screen >&2
	exit 1
fi
echo "$NAME: failed in $took"

quit_cleanly
echo "$NAME: ok"
