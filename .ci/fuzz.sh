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
    # Go's fuzzing coordinator can miss its own deadline while a worker
    # minimises a new input, and then fails with "context deadline
    # exceeded" though nothing crashed: such a run, which wrote no failing
    # input, is run once more. A crash or a hang always writes its input.
    for try in 1 2; do
      if go test "$dir" -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" -fuzzminimizetime 2s >/tmp/fuzz-$$.log 2>&1; then
        break
      fi
      if [ "$try" = 1 ] && ! grep -q 'Failing input written' /tmp/fuzz-$$.log && grep -q 'context deadline exceeded' /tmp/fuzz-$$.log; then
        echo "  the fuzzing coordinator missed its deadline with no failing input; once more"
        continue
      fi
      cat /tmp/fuzz-$$.log
      failed=1
      break
    done
  done
done
rm -f /tmp/fuzz-$$.log
exit $failed
