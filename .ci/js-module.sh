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
	node .ci/js-module/reference.mjs "$ref" "${files[@]}" || failed=1
	for f in "${files[@]}"; do
		flags=$(sed -n 's/^-- flags: //p' "$f" | head -1)
		for target in js ts; do
			# shellcheck disable=SC2086 # flags are separate words
			if ! "$work/aquarium" compile "$f" -I "$AQUARIUM_REFERENCE_NODE_MODULES" $flags --target "$target" -o "$ours" 2>"$work/stderr"; then
				echo "$f: our compiler failed (--target $target):" >&2
				cat "$work/stderr" >&2
				failed=1
			fi
		done
	done
	while IFS= read -r name; do
		total=$((total + 1))
		if cmp -s "$ref/$name" "$ours/$name"; then
			identical=$((identical + 1))
			continue
		fi
		failed=1
		if [ ! -e "$ref/$name" ]; then
			echo "$dir: $name: only our compiler wrote it" >&2
		elif [ ! -e "$ours/$name" ]; then
			echo "$dir: $name: only the reference compiler wrote it" >&2
		else
			echo "$dir: $name differs" >&2
			diff -u "$ref/$name" "$ours/$name" | head -40 >&2 || true
		fi
	done < <( (ls "$ref"; ls "$ours") | sort -u)
done
if [ "$total" -eq 0 ]; then
	echo "no modules written" >&2
	exit 1
fi
awk -v n="$identical" -v t="$total" 'BEGIN { printf "JS/TS modules byte-identical to the reference compiler: %d of %d files (%.1f%%)\n", n, t, 100 * n / t }'

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
