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

# shellcheck source=.ci/compare-lib.sh
source .ci/compare-lib.sh

reference_compile() { node aqua/codegen/testdata/conformance/reference.mjs compile "$@"; }
# our_compile writes the AIR of each function of a program in a folder
# of the program's name, as reference.mjs does.
our_compile() {
	local out f=$2
	out=$1/$(basename "$f" .aqua)
	shift 2
	mkdir -p "$out"
	ours "" "$f" "$@" -o "$out"
}
compiled_files() { (cd "$1" && find . -name '*.air') | sed 's|^\./||'; }
output_label() { echo "$1/${2%%/*}.aqua ${2#*/}"; }

compare_corpora "byte-identical to the reference compiler" functions "$@"
exit "$failed"
