# Shared by the scripts that drive aquarium in a real terminal (tmux).
# Source it from the repository root with NAME set to the script's name:
# it installs tmux if it is missing, builds aquarium into the temporary
# directory $work, names the tmux session $session, removes both on exit,
# and defines screen, wait_in, wait_for and quit_cleanly.

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

# quit_cleanly: press ctrl+c in the workbench, whose command line writes
# its exit status to $work/status, and fail unless it quit with status 0.
quit_cleanly() {
	tmux send-keys -t "$session" C-c
	for _ in $(seq 100); do
		[[ -s "$work/status" ]] && break
		sleep 0.1
	done
	local status
	status=$(cat "$work/status" 2>/dev/null || echo "exit status unknown")
	if [[ "$status" != "exit status 0" ]]; then
		echo "$NAME: workbench did not quit cleanly: $status" >&2
		cat "$work/stderr" >&2 || true
		screen >&2
		exit 1
	fi
}
