#!/usr/bin/env bash
# The js-client modules `aquarium compile --target js|ts` writes, live
# against the reference compiler and at run time:
#
#  1. every program of the Aqua corpora compiled to JS (NAME.js and
#     NAME.d.ts) and TS (NAME.ts) by aqua-api 0.14.6 and by us, compared
#     byte for byte; prints the identical share, fails on a difference;
#  2. .ci/js-module/module.aqua compiled with --target js, imported by a
#     Node program (.ci/js-module/test.mjs) that registers its service
#     and calls its functions through the real js-client 0.9 on an
#     `aquarium node`, over WebSocket.
#
#   AQUARIUM_REFERENCE_NODE_MODULES=DIR .ci/js-module.sh [CORPUS_DIR...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

: "${AQUARIUM_REFERENCE_NODE_MODULES:?set it to a node_modules directory with @fluencelabs/aqua-api 0.14.6 and js-client 0.9.0}"
export AQUARIUM_REFERENCE_NODE_MODULES

if [ $# -eq 0 ]; then
	set -- aqua/codegen/testdata/conformance core/node/testdata/conformance core/air/testdata/aqua \
		aqua/jsgen/testdata/programs .ci/js-module
fi

work=$(mktemp -d)
node_pid=
cleanup() {
	[ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/aquarium" ./cmd/aquarium

# shellcheck source=.ci/compare-lib.sh
source .ci/compare-lib.sh

reference_compile() { node .ci/js-module/reference.mjs "$@"; }
our_compile() {
	local out=$1 f=$2 target
	shift 2
	for target in js ts; do
		ours "--target $target" "$f" -I "$AQUARIUM_REFERENCE_NODE_MODULES" "$@" --target "$target" -o "$out"
	done
}
compiled_files() { ls "$1"; }
output_label() { echo "$1: $2"; }

# 1. The modules against the reference compiler's.
compare_corpora "JS/TS modules byte-identical to the reference compiler" files "$@"

# 2. The generated module at run time.
mod="$work/module"
mkdir -p "$mod"
"$work/aquarium" compile .ci/js-module/module.aqua -I "$AQUARIUM_REFERENCE_NODE_MODULES" --target js -o "$mod"
echo '{"type": "module"}' >"$mod/package.json"
ln -s "$(cd "$AQUARIUM_REFERENCE_NODE_MODULES" && pwd)" "$mod/node_modules"

"$work/aquarium" node --data-dir "$work/node" --listen /ip4/127.0.0.1/tcp/0/ws >"$work/node.out" 2>"$work/node.err" &
node_pid=$!
deadline=$((SECONDS + 60))
until relay=$(grep -m1 -o '/ip4/127.0.0.1/tcp/[0-9]*/ws/p2p/[A-Za-z0-9]*' "$work/node.out"); do
	kill -0 "$node_pid" 2>/dev/null || { cat "$work/node.err" >&2; echo "aquarium node exited" >&2; exit 1; }
	((SECONDS < deadline)) || { echo "aquarium node did not listen in 60 s" >&2; exit 1; }
	sleep 0.1
done
node .ci/js-module/test.mjs --module "$mod/module.js" --relay "$relay" || failed=1
kill -INT "$node_pid"
wait "$node_pid" || { echo "aquarium node did not stop cleanly on SIGINT" >&2; failed=1; }
node_pid=
exit "$failed"
