# The comparison aqua-reference-diff.sh and js-module.sh share: every
# Aqua program of some corpora compiled by the reference compiler and by
# ours, and what the two wrote compared byte for byte. Sourced, not run,
# from the repository root, once the caller has built aquarium into its
# work directory, $work, which it removes on exit.
#
# The caller defines how each compiler runs and what is compared:
#
#   reference_compile OUT FILE...  the reference compiler's output of the
#                                  FILEs, into OUT; non-zero if any failed
#   our_compile OUT FILE FLAG...   ours, of FILE, into OUT, through ours
#                                  (below); FLAGs are FILE's `-- flags:`
#   compiled_files DIR             the outputs below DIR, a relative path
#                                  a line
#   output_label DIR NAME          how a failure names output NAME of
#                                  corpus DIR
#
# then calls compare_corpora, which sets failed when anything differs.
failed=0

# ours WHAT FILE ARG... runs `aquarium compile FILE ARG...`; if it fails,
# prints its error as the failure of FILE (WHAT, when not empty, says
# which of FILE's compilations) and sets failed.
ours() {
	local what=$1 f=$2
	shift 2
	if ! "$work/aquarium" compile "$f" "$@" 2>"$work/stderr"; then
		echo "$f: our compiler failed${what:+ ($what)}:" >&2
		cat "$work/stderr" >&2
		failed=1
	fi
}

# compare_corpora TITLE UNIT DIR... compiles the programs of each corpus
# DIR with both compilers, prints each output the two do not write
# alike, and then the share written byte-identical, as "TITLE: n of t
# UNIT (p%)". A corpus with no programs, or nothing written at all, ends
# the script.
compare_corpora() {
	local title=$1 unit=$2 total=0 identical=0 dir files slug ref out f flags name
	shift 2
	for dir in "$@"; do
		files=("$dir"/*.aqua)
		if [ ! -e "${files[0]}" ]; then
			echo "no Aqua programs in $dir" >&2
			exit 1
		fi
		slug=${dir//\//_}
		ref="$work/reference/$slug"
		out="$work/ours/$slug"
		mkdir -p "$ref" "$out"
		reference_compile "$ref" "${files[@]}" || failed=1
		for f in "${files[@]}"; do
			flags=$(sed -n 's/^-- flags: //p' "$f" | head -1)
			# shellcheck disable=SC2086 # flags are separate words
			our_compile "$out" "$f" $flags
		done
		# Every output either compiler wrote, once.
		while IFS= read -r name; do
			total=$((total + 1))
			if cmp -s "$ref/$name" "$out/$name"; then
				identical=$((identical + 1))
				continue
			fi
			failed=1
			if [ ! -e "$ref/$name" ]; then
				echo "$(output_label "$dir" "$name"): only our compiler wrote it" >&2
			elif [ ! -e "$out/$name" ]; then
				echo "$(output_label "$dir" "$name"): only the reference compiler wrote it" >&2
			else
				echo "$(output_label "$dir" "$name"): differs" >&2
				diff -u "$ref/$name" "$out/$name" | head -40 >&2 || true
			fi
		done < <( (compiled_files "$ref"; compiled_files "$out") | sort -u)
	done
	if [ "$total" -eq 0 ]; then
		echo "no $unit written" >&2
		exit 1
	fi
	awk -v title="$title" -v unit="$unit" -v n="$identical" -v t="$total" \
		'BEGIN { printf "%s: %d of %d %s (%.1f%%)\n", title, n, t, unit, 100 * n / t }'
}
