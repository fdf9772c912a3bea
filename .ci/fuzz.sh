#!/usr/bin/env bash
# Runs every fuzz target of the repository for a bounded time each
# (FUZZTIME, default 4s), with bounded minimisation, so that the targets
# fuzz rather than only replay their seeds. A crash fails the run and
# leaves the input under the package's testdata/fuzz for the test suite
# to replay.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fuzztime=${FUZZTIME:-4s}
failed=0
for file in $(git ls-files '*_test.go' | xargs grep -l '^func Fuzz'); do
  dir=./$(dirname "$file")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    printf '%-40s %s\n' "$dir" "$target"
    if ! go test "$dir" -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" -fuzzminimizetime 2s >/tmp/fuzz-$$.log 2>&1; then
      cat /tmp/fuzz-$$.log
      failed=1
    fi
  done
done
rm -f /tmp/fuzz-$$.log
exit $failed
