# Shared by the scripts that drive aquarium in a real terminal (tmux).
# Source it from the repository root with NAME set to the script's name:
# it installs tmux if it is missing, builds aquarium into the temporary
# directory $work, names the tmux session $session, removes both on exit,
# and defines screen, wait_in and wait_for.

if ! command -v tmux >/dev/null; then
	apt-get update -qq && apt-get install -y -qq tmux >/dev/null
fi

work=$(mktemp -d)
session="aquarium-$NAME-$$"
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/aquarium" ./cmd/aquarium

# screen [WINDOW]: what a window of the session (by default its current
# one) shows.
screen() { tmux capture-pane -p -t "$session${1:+:$1}"; }

# wait_in WINDOW TEXT [SECONDS]: poll a window ("" for the current one)
# until TEXT shows; on timeout print the screen and exit.
wait_in() {
	local win=$1 text=$2 deadline=$((SECONDS + ${3:-20}))
	until screen "$win" | grep -qF -- "$text"; do
		if ((SECONDS >= deadline)); then
			echo "$NAME: timed out waiting${win:+ in $win} for: $text" >&2
			screen "$win" >&2
			exit 1
		fi
		sleep 0.2
	done
}

# wait_for TEXT [SECONDS]: wait_in the current window.
wait_for() { wait_in "" "$@"; }
