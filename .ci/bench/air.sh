# The AIR interpreter's rows of .ci/bench.sh (sourced by it): ours,
# core/avm, against avm.wasm (@fluencelabs/avm 0.62.0) on wazero, both
# run by the benchmarks of marine/avmwasm on the very same inputs.

pkg=./marine/avmwasm

# One call: the run that asks for it and the run that takes its result.
gobench "$BENCH_WORK/onecall.txt" $pkg '^BenchmarkOneCall$'
timerow "AIR, one call, both runs (\`marine/avmwasm\` \`BenchmarkOneCall\` \`core/avm/complete\`, \`avm.wasm/complete\`)" \
	"$(median "$BENCH_WORK/onecall.txt" BenchmarkOneCall/core/avm/complete ns/op)" \
	"$(median "$BENCH_WORK/onecall.txt" BenchmarkOneCall/avm.wasm/complete ns/op)"
timerow "… as a node runs it, with an \`avm.Memo\` and \`LazySign\` (\`core/avm/node\`: the first run has no result to sign)" \
	"$(median "$BENCH_WORK/onecall.txt" BenchmarkOneCall/core/avm/node ns/op)" \
	"$(median "$BENCH_WORK/onecall.txt" BenchmarkOneCall/avm.wasm/complete ns/op)"

# A fold of 1,000 sequential calls, all 1,002 runs as a host makes them;
# ours as a node runs it, with the avm.Memo it keeps for the particle and
# LazySign. avm.wasm takes 20 s or more a fold: it runs
# BENCH_WASM_FOLD_COUNT folds, one by default.
fold=BenchmarkSequentialFoldWhole
gobench "$BENCH_WORK/fold-ours.txt" $pkg "^$fold\$/^core-avm\$" -benchtime 1x
BENCH_COUNT=$BENCH_WASM_FOLD_COUNT gobench "$BENCH_WORK/fold-ref.txt" $pkg "^$fold\$/^avm.wasm\$" -benchtime 1x
timerow "AIR, fold of 1,000 sequential calls, all 1,002 runs (\`marine/avmwasm\` \`$fold\`; ours as a node runs it, with an \`avm.Memo\` and \`LazySign\`; avm.wasm: $BENCH_WASM_FOLD_COUNT fold)" \
	"$(median "$BENCH_WORK/fold-ours.txt" $fold/core-avm ns/op)" \
	"$(median "$BENCH_WORK/fold-ref.txt" $fold/avm.wasm ns/op)"
for at in 50 500 950; do
	ours=$(median "$BENCH_WORK/fold-ours.txt" $fold/core-avm "µs/run@$at")
	theirs=$(median "$BENCH_WORK/fold-ref.txt" $fold/avm.wasm "µs/run@$at")
	timerow "… one run of it at a trace of ~$at calls (\`$fold\` \`µs/run@$at\`: mean of 100 runs)" \
		"${ours:+$(awk -v u="$ours" 'BEGIN { print u * 1000 }')}" \
		"${theirs:+$(awk -v u="$theirs" 'BEGIN { print u * 1000 }')}"
done

# The runs that take the most work at once (BenchmarkSideBySide): each
# pair run in turn, so that both meet the same moment of the machine; the
# ratio is the median of the pairs' ratios.
gobench "$BENCH_WORK/side.txt" $pkg '^BenchmarkSideBySide$/./^interleaved$' -benchtime 20x
for w in "fold-1000-calls|AIR, fold of 1,000 calls in \`par\`, the run that takes all their results" \
	"par-1000-merge|AIR, 1,000 \`par\` branches that ran on another peer, merged" \
	"merge-1MB|AIR, merging data that carries a ~1 MB value"; do
	name=${w%%|*}
	timerow "${w#*|} (\`marine/avmwasm\` \`BenchmarkSideBySide/$name/interleaved\`)" \
		"$(median "$BENCH_WORK/side.txt" "BenchmarkSideBySide/$name/interleaved" ours-ns/run)" \
		"$(median "$BENCH_WORK/side.txt" "BenchmarkSideBySide/$name/interleaved" reference-ns/run)" \
		"$(median "$BENCH_WORK/side.txt" "BenchmarkSideBySide/$name/interleaved" ratio)"
done
