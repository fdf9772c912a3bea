#!/usr/bin/env bash
# Drives the workbench's editor in a real terminal (tmux) at 80x24: go to
# a line longer than the pane and scroll along it, select it with shift,
# copy it (to tmux's buffer through OSC 52), paste it, find it, undo and
# redo, zoom the pane; q outside the editor warns of unsaved changes and
# quits once they are saved; the workbench names its own peer, and a
# refused attach can be read in full in the message log. Exits non-zero
# with the screen on failure.
set -euo pipefail

cd "$(dirname "$0")/.."

NAME=editor-tmux
# shellcheck source=.ci/tmux-lib.sh
source .ci/tmux-lib.sh
cd "$work"

fail() {
	echo "editor-tmux: $*" >&2
	screen >&2 || true
	exit 1
}

# close_find closes the find prompt and waits for it to go: an escape
# followed at once by another key reads as alt and that key.
close_find() {
	tmux send-keys -t "$session" Escape
	wait_for "✓ compiles"
}

# absent TEXT: fail if the workbench shows TEXT.
absent() {
	if screen | grep -qF -- "$1"; then
		fail "the screen shows $1"
	fi
}

# gone TEXT: wait until the workbench no longer shows TEXT.
gone() {
	local deadline=$((SECONDS + 10))
	while screen | grep -qF -- "$1"; do
		((SECONDS < deadline)) || fail "the screen still shows $1"
		sleep 0.1
	done
}

tail_mark=TAILMARK
long="-- LONGLINE $(printf 'a%.0s' $(seq 150)) $tail_mark"
cat >work.aqua <<AQUA
aqua Work

import "@fluencelabs/aqua-lib/builtin.aqua"

export hello

$long
func hello(name: string) -> string:
  on HOST_PEER_ID:
    msg <- Op.concat_strings("hello, ", name)
  <- msg
AQUA

# A node that lets another peer inspect it, not the workbench.
other=12D3KooWHkemnsmM16R6KHfJzB6vRH3nNBKWz2hcJLZViu72q7eg
tmux new-session -d -s "$session" -n node -x 80 -y 24 \
	"./aquarium node --data-dir node --listen /ip4/127.0.0.1/tcp/0 --allow-inspect $other 2>node.log | tee node.out; sleep 120"
# OSC 52 from the workbench makes a tmux buffer; no status bar, so the
# workbench has all 80x24 cells.
tmux set-option -s set-clipboard on
tmux set-option -g status off
deadline=$((SECONDS + 20))
until addr=$(grep -m1 -o '/ip4/127.0.0.1/tcp/[0-9]*/p2p/[A-Za-z0-9]*' node.out 2>/dev/null); do
	((SECONDS < deadline)) || fail "the node did not start: $(cat node.log)"
	sleep 0.2
done

tmux new-window -t "$session" -n wb \
	"./aquarium --nodes 2 work.aqua 2>stderr; echo \"exit status \$?\" > status; sleep 60"
wait_for "compiles · 1 function(s)"

# Go to line 7, longer than the pane: its end is off screen until the
# cursor goes there, and the status line says where the cursor is.
tmux send-keys -t "$session" C-g
wait_for "go to line:"
tmux send-keys -t "$session" 7 Enter
wait_for "7:1"
absent "$tail_mark"
tmux send-keys -t "$session" End
wait_for "$tail_mark"
wait_for "7:$((${#long} + 1))"
absent "LONGLINE"
tmux send-keys -t "$session" Home
wait_for "LONGLINE"
absent "$tail_mark"

# Select the line with shift+end and copy it: tmux receives it through
# OSC 52.
tmux send-keys -t "$session" S-End
wait_for "${#long} characters selected"
tmux send-keys -t "$session" C-c
wait_for "copied ${#long} characters"
# tmux takes the sequence in after the status line says so: wait for it.
deadline=$((SECONDS + 5))
until tmux show-buffer 2>/dev/null | grep -qF -- "$long"; do
	((SECONDS < deadline)) || fail "tmux's buffer does not hold the copied line: $(tmux show-buffer 2>&1 | head -c 200)"
	sleep 0.1
done

# Paste it on the file's last line, empty; find finds both.
tmux send-keys -t "$session" C-End
wait_for "12:1"
tmux send-keys -t "$session" C-v
wait_for "12:$((${#long} + 1))"
tmux send-keys -t "$session" C-f
wait_for "find:"
tmux send-keys -t "$session" -l "$tail_mark"
tmux send-keys -t "$session" Enter
wait_for "1 of 2"
tmux send-keys -t "$session" Enter
wait_for "2 of 2"
close_find

# Undo the paste: one match left, and the file is as saved; redo brings
# the line back.
tmux send-keys -t "$session" C-z
gone "work.aqua •"
tmux send-keys -t "$session" C-f Enter
wait_for "1 of 1"
close_find
tmux send-keys -t "$session" C-y C-f Enter
wait_for "1 of 2"
tmux send-keys -t "$session" Enter
wait_for "2 of 2"
close_find

# alt+z gives the editor the screen: every line of the file shows.
tmux send-keys -t "$session" Home M-z
wait_for "12  -- LONGLINE"
wait_for " 1  aqua Work"
absent "Inspector"
tmux send-keys -t "$session" M-z
wait_for "Inspector"

# The workbench names the peer it attaches as (in full when the Peers
# pane is zoomed) and a node that does not allow it says so; the message
# log holds the whole refusal with the flag that would allow it.
tmux send-keys -t "$session" M-4 M-z
wait_for "you attach as"
self=$(screen | grep -A1 "you attach as" | grep -o '12D3KooW[A-Za-z0-9]\{44\}' | head -1)
[[ -n "$self" ]] || fail "the Peers pane does not show the workbench's own peer id in full"
tmux send-keys -t "$session" M-z C-o
wait_for "attach as 12D3Ko"
tmux send-keys -t "$session" -l "$addr"
tmux send-keys -t "$session" Enter
# The status line shows the refusal's start only: 80 columns are few.
wait_for "up  attach /ip4" 30
absent "--allow-inspect $self"
tmux send-keys -t "$session" M-m
wait_for "Messages ("
wait_for "inspect this node"
screen | tr -d '│ \n' | sed 's/.*maynotinspect//' | grep -qF -- "--allow-inspect$self" ||
	fail "the message log does not hold the refusal's --allow-inspect $self in full"
close_find

# q in the trace does not lose the pasted line: it warns, and quits once
# the file is saved.
tmux send-keys -t "$session" M-5 q
wait_for "unsaved changes: ctrl+s saves"
sleep 0.5
[[ ! -s status ]] || fail "q quit with unsaved changes: $(cat status)"
tmux send-keys -t "$session" C-s
wait_for "saved work.aqua"
tmux send-keys -t "$session" q
for _ in $(seq 100); do
	[[ -s status ]] && break
	sleep 0.1
done
[[ "$(cat status 2>/dev/null)" == "exit status 0" ]] || fail "the workbench did not quit cleanly: $(cat status 2>/dev/null) $(cat stderr)"
[[ ! -s stderr ]] || fail "the workbench wrote to stderr: $(cat stderr)"
[[ "$(grep -c "$tail_mark" work.aqua)" == 2 ]] || fail "the saved file does not hold the pasted line: $(cat work.aqua)"
echo "editor-tmux: ok"
