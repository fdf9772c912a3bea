#!/usr/bin/env bash
# Compiles every program of the Aqua conformance corpora with the
# reference compiler (@fluencelabs/aqua-api from
# $AQUARIUM_REFERENCE_NODE_MODULES, as .ci/run installs it) and with
# ours, compares the AIR function by function, prints the byte-identical
# share and fails on any difference.
#
#   AQUARIUM_REFERENCE_NODE_MODULES=DIR .ci/aqua-reference-diff.sh [CORPUS_DIR...]
#
# Without arguments it checks the corpora whose golden AIR the tests use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

: "${AQUARIUM_REFERENCE_NODE_MODULES:?set it to a node_modules directory with @fluencelabs/aqua-api 0.14.6 and aqua-lib 0.10.2}"
export AQUARIUM_REFERENCE_NODE_MODULES

if [ $# -eq 0 ]; then
	set -- aqua/codegen/testdata/conformance core/node/testdata/conformance core/node/testdata/acceptance
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/aquarium" ./cmd/aquarium

total=0
identical=0
failed=0
for dir in "$@"; do
	files=("$dir"/*.aqua)
	if [ ! -e "${files[0]}" ]; then
		echo "no Aqua programs in $dir" >&2
		exit 1
	fi
	slug=${dir//\//_}
	ref="$work/reference/$slug"
	ours="$work/ours/$slug"
	mkdir -p "$ref" "$ours"
	if ! node aqua/codegen/testdata/conformance/reference.mjs compile "$ref" "${files[@]}"; then
		failed=1
	fi
	for f in "${files[@]}"; do
		name=$(basename "$f" .aqua)
		mkdir -p "$ours/$name"
		flags=$(sed -n 's/^-- flags: //p' "$f" | head -1)
		# shellcheck disable=SC2086 # flags are separate words
		if ! "$work/aquarium" compile "$f" $flags -o "$ours/$name" 2>"$work/stderr"; then
			echo "$f: our compiler failed:" >&2
			cat "$work/stderr" >&2
			failed=1
		fi
	done
	# Every function either compiler produced, once.
	while IFS= read -r fn; do
		total=$((total + 1))
		if cmp -s "$ref/$fn" "$ours/$fn"; then
			identical=$((identical + 1))
			continue
		fi
		failed=1
		if [ ! -e "$ref/$fn" ]; then
			echo "$dir/${fn%%/*}.aqua ${fn#*/}: only our compiler produced it" >&2
		elif [ ! -e "$ours/$fn" ]; then
			echo "$dir/${fn%%/*}.aqua ${fn#*/}: only the reference compiler produced it" >&2
		else
			echo "$dir/${fn%%/*}.aqua ${fn#*/}: the AIR differs" >&2
			diff -u "$ref/$fn" "$ours/$fn" | head -40 >&2 || true
		fi
	done < <( (cd "$ref" && find . -name '*.air'; cd "$ours" && find . -name '*.air') | sed 's|^\./||' | sort -u)
done

if [ "$total" -eq 0 ]; then
	echo "no functions compiled" >&2
	exit 1
fi
awk -v n="$identical" -v t="$total" 'BEGIN { printf "byte-identical to the reference compiler: %d of %d functions (%.1f%%)\n", n, t, 100 * n / t }'
exit "$failed"
