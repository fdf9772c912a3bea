#!/usr/bin/env bash
# Times the conformance corpus compiled in-process by our compiler
# (BenchmarkCompileCorpus) and by the reference compiler
# (reference.mjs bench: compileFromString after warm-up), in one run, and
# prints both and the ratio. Needs Node and AQUARIUM_REFERENCE_NODE_MODULES.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
: "${AQUARIUM_REFERENCE_NODE_MODULES:?set it to a node_modules directory with @fluencelabs/aqua-api 0.14.6 and aqua-lib 0.10.2}"
export AQUARIUM_REFERENCE_NODE_MODULES

ours=$(cd ../../ && go test -run '^$' -bench '^BenchmarkCompileCorpus$' -benchtime 10x . |
	awk '$1 ~ /^BenchmarkCompileCorpus/ { print $3 }')
theirs=$(node reference.mjs bench ./*.aqua | sed -n 's/.*"nsPerRound":\([0-9]*\).*/\1/p')
if [ -z "$ours" ] || [ -z "$theirs" ]; then
	echo "a benchmark printed no figure" >&2
	exit 1
fi
awk -v o="$ours" -v t="$theirs" 'BEGIN {
	printf "corpus, ours:      %8.1f ms\n", o / 1e6
	printf "corpus, reference: %8.1f ms\n", t / 1e6
	printf "ours is %.1fx faster\n", t / o
}'
