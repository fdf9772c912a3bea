# The Aqua compiler's rows of .ci/bench.sh (sourced by it).

# The conformance corpus compiled warm, in-process, by both compilers:
# the workload of aqua/codegen/testdata/conformance/speed.sh, with the
# same two benchmarks. The reference's figure is reference.mjs's own: the
# mean of 10 rounds after 5 that warm the JIT up, in one Node process.
corpus_dir=aqua/codegen/testdata/conformance
gobench "$BENCH_WORK/corpus.txt" ./aqua/codegen '^BenchmarkCompileCorpus$' -benchtime 20x
ours=$(median "$BENCH_WORK/corpus.txt" BenchmarkCompileCorpus ns/op)
files=$(find "$corpus_dir" -maxdepth 1 -name '*.aqua' | wc -l)
note "node $corpus_dir/reference.mjs bench ($files files)"
theirs=$(node "$corpus_dir/reference.mjs" bench "$corpus_dir"/*.aqua 2>>"$BENCH_LOG" |
	sed -n 's/.*"nsPerRound":\([0-9]*\).*/\1/p') || true
timerow "warm compile of the $files-file conformance corpus, in-process (\`aqua/codegen\` \`BenchmarkCompileCorpus\`; aqua-api 0.14.6 in Node: \`reference.mjs bench\`, as \`speed.sh\`)" "$ours" "$theirs"

# One file compiled by a whole process, start-up included: `aquarium
# compile` against Node loading aqua-api 0.14.6 and compiling the same
# file (reference.mjs compile). Both write the AIR of each function to a
# directory; the two outputs must be the same for the row to stand.
one=aqua/codegen/testdata/bench/typical.aqua
runs=$((BENCH_COUNT < 5 ? 5 : BENCH_COUNT))
note "whole processes: aquarium compile and node reference.mjs compile of $one, $runs runs each, in turn"
what="one file (\`$one\`, 100 lines, imports aqua-lib), the whole \`compile\` process (\`aquarium compile -o\`; \`node reference.mjs compile\` with aqua-api 0.14.6), wall time of $runs runs, in turn"
if wallpair "$runs" "$BENCH_WORK/one-ours" "$BENCH_WORK/one-ref" \
	-- "$BENCH_WORK/aquarium" compile "$one" -o "$BENCH_WORK/one-out/ours" \
	-- node "$corpus_dir/reference.mjs" compile "$BENCH_WORK/one-out/ref" "$one"; then
	if diff -r "$BENCH_WORK/one-out/ours" "$BENCH_WORK/one-out/ref/$(basename "$one" .aqua)" >>"$BENCH_LOG"; then
		timerow "$what" "$(medianof "$BENCH_WORK/one-ours")" "$(medianof "$BENCH_WORK/one-ref")"
	else
		row "$what" "not measured: the AIR differs from the reference's (see $BENCH_LOG)" "–" "–"
	fi
else
	row "$what" "not measured: a compile failed (see $BENCH_LOG)" "–" "–"
fi
