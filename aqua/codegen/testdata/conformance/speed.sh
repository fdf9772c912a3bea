#!/usr/bin/env bash
# Times the conformance corpus compiled in-process by our compiler
# (BenchmarkCompileCorpus) and by the reference compiler
# (reference.mjs bench: compileFromString after warm-up), in one run, and
# prints both, the ratio and whether it meets the target of 50 times.
# Ours is the median of five benchmark runs: the figure is meant for a
# shared machine. Needs Node and AQUARIUM_REFERENCE_NODE_MODULES.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
: "${AQUARIUM_REFERENCE_NODE_MODULES:?set it to a node_modules directory with @fluencelabs/aqua-api 0.14.6 and aqua-lib 0.10.2}"
export AQUARIUM_REFERENCE_NODE_MODULES

target=50
ours=$(cd ../../ && go test -run '^$' -bench '^BenchmarkCompileCorpus$' -benchtime 20x -count 5 . |
	awk '$1 ~ /^BenchmarkCompileCorpus/ { print $3 }' | sort -n | sed -n 3p)
theirs=$(node reference.mjs bench ./*.aqua | sed -n 's/.*"nsPerRound":\([0-9]*\).*/\1/p')
if [ -z "$ours" ] || [ -z "$theirs" ]; then
	echo "a benchmark printed no figure" >&2
	exit 1
fi
awk -v o="$ours" -v t="$theirs" -v target="$target" 'BEGIN {
	printf "corpus, ours:      %8.1f ms\n", o / 1e6
	printf "corpus, reference: %8.1f ms\n", t / 1e6
	ratio = t / o
	verdict = ratio >= target ? "meets" : "misses"
	printf "ours is %.1fx faster: %s the target of %dx\n", ratio, verdict, target
}'
