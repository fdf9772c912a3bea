# Shared start of the scripts that test a live node with .ci/hostile
# (hostile-node.sh, soak.sh); source it from the repository root after
# setting script, the name that prefixes failures. It makes a work
# directory that goes on exit with every process listed in pids, defines
# fail, builds aquarium, the hostile tool and its service, and makes the
# deploying client's key, whose peer id is in client.
work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=.ci/fail.sh
source .ci/fail.sh

go build -o "$work/aquarium" ./cmd/aquarium
go build -o "$work/hostile" ./.ci/hostile
"$work/aquarium" marine build .ci/hostile/service -o "$work/hostile.wasm" >/dev/null 2>&1
client=$("$work/hostile" key "$work/client.key")
