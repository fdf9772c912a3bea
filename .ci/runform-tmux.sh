#!/usr/bin/env bash
# Drives the workbench's run form and Peers pane in a real terminal
# (tmux): an argument of the wrong type is refused with its path, the
# type expected and the value given, and nothing is sent; data names work
# inside lists; ctrl+r in the editor runs the function the cursor is in,
# and refuses one that is not exported; the Peers pane shows a peer's id
# in full and copies it. Exits non-zero with the screen on failure.
set -euo pipefail

cd "$(dirname "$0")/.."

NAME=runform-tmux
# shellcheck source=.ci/tmux-lib.sh
source .ci/tmux-lib.sh

cat >"$work/args.aqua" <<'AQUA'
aqua Args

import "@fluencelabs/aqua-lib/builtin.aqua"

export older, greetAll

data User:
  name: string
  age: u32

func older(user: User) -> u32:
  <- user.age + 1

func helper(name: string) -> string:
  <- name

func greetAll(name: string, nodes: []PeerId) -> []string:
  greetings: *string
  for n <- nodes:
    on n:
      greetings <- Op.concat_strings("hello, ", helper(name))
  <- greetings
AQUA

tmux new-session -d -s "$session" -x 120 -y 40 \
	"cd '$work' && ./aquarium --nodes 3 args.aqua 2>'$work/stderr'; echo \"exit status \$?\" > '$work/status'; sleep 60"

wait_for "compiles · 2 function(s)"
wait_for "3 nodes up"

# ctrl+r outside any function opens the form of the one selected: older.
tmux send-keys -t "$session" C-r
wait_for 'user: User = {}'
tmux send-keys -t "$session" C-a C-k
tmux send-keys -t "$session" -l '{"name": "a", "age": "x"}'
tmux send-keys -t "$session" Enter
wait_for 'args.user.age: expected u32, got "x"'
if screen | grep -qF 'running older'; then
	echo "$NAME: a mistyped argument was sent" >&2
	screen >&2
	exit 1
fi
tmux send-keys -t "$session" C-a C-k
tmux send-keys -t "$session" -l '{"name": "a"}'
tmux send-keys -t "$session" Enter
wait_for 'args.user.age: expected u32, got nothing (missing'
tmux send-keys -t "$session" C-a C-k
tmux send-keys -t "$session" -l '{"name": "a", "age": 41}'
tmux send-keys -t "$session" Enter
wait_for 'older({"name": "a", "age": 41}) = 42'

# ctrl+r in helper, which is not exported, says so and runs nothing.
tmux send-keys -t "$session" M-1 C-g
tmux send-keys -t "$session" 15 Enter
tmux send-keys -t "$session" C-r
wait_for 'helper is not exported: only exported functions run'

# ctrl+r in greetAll opens its form; a list may name nodes.
tmux send-keys -t "$session" C-g
tmux send-keys -t "$session" 20 Enter
tmux send-keys -t "$session" C-r
wait_for 'nodes: []string = nodes'
tmux send-keys -t "$session" Down C-a C-k
tmux send-keys -t "$session" -l '[node0, node2]'
tmux send-keys -t "$session" Enter
wait_for 'greetAll("world", [node0, node2]) = ["hello, world","hello, world"]'

# The Peers pane shows the selected peer's id in full, and y copies it.
tmux send-keys -t "$session" M-4 Down
wait_for 'node1 is'
tmux send-keys -t "$session" y
wait_for "copied node1's peer id 12D3KooW"

quit_cleanly
echo "$NAME: ok"
