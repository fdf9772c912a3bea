#!/usr/bin/env bash
# Measures Aquarium side by side with the reference toolchain and prints
# one Markdown table, in the README's style: for each workload our figure,
# the reference's, and the ratio reference ÷ ours (above 1: ours is
# faster). Figures are medians; each row names the benchmark it comes
# from. Run by hand, not by .ci/run; it takes about 15 minutes on 2 cores.
#
#   .ci/bench.sh                 # the table on standard output
#   BENCH_COUNT=5 .ci/bench.sh   # runs of each benchmark (default 3)
#
# Other knobs: BENCH_WASM_FOLD_COUNT, the whole sequential folds run on
# avm.wasm (default 1: one takes 20 s or more); BENCH_UP_COUNT, the runs
# of each network start-up benchmark (default 1: 1,000 nodes take
# minutes); BENCH_JS_CALLS, the timed js-client round trips through each
# relay (default 100). Progress goes to standard error, every
# benchmark's output to a log named there.
#
# The reference toolchain (aqua-api, avm.wasm, js-client) is the npm
# install .ci/run makes, in the same place; set
# AQUARIUM_REFERENCE_NODE_MODULES to use another.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BENCH_COUNT=${BENCH_COUNT:-3}
BENCH_WASM_FOLD_COUNT=${BENCH_WASM_FOLD_COUNT:-1}
BENCH_UP_COUNT=${BENCH_UP_COUNT:-1}
BENCH_JS_CALLS=${BENCH_JS_CALLS:-100}
BENCH_WORK=$(mktemp -d)
BENCH_LOG=$BENCH_WORK/bench.log
# shellcheck source=.ci/bench/lib.sh
source .ci/bench/lib.sh

pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	# The log stays for a look at what went wrong; the rest goes.
	find "$BENCH_WORK" -mindepth 1 -maxdepth 1 ! -name bench.log -exec rm -rf {} +
}
trap cleanup EXIT
started=$SECONDS
note "benchmark output goes to $BENCH_LOG"

# The reference toolchain, installed as .ci/run installs it.
if [ -z "${AQUARIUM_REFERENCE_NODE_MODULES:-}" ]; then
	ref=${AQUARIUM_REFERENCE_HOME:-$HOME/.cache/aquarium/reference}
	mkdir -p "$ref"
	cp .ci/reference-package.json "$ref/package.json"
	(cd "$ref" && npm install --no-audit --no-fund --loglevel=error) >&2
	export AQUARIUM_REFERENCE_NODE_MODULES="$ref/node_modules"
fi
go build -o "$BENCH_WORK/aquarium" ./cmd/aquarium

source .ci/bench/aqua.sh
source .ci/bench/air.sh
source .ci/bench/net.sh

table
note "done in $((SECONDS - started)) s"
