#!/usr/bin/env bash
# Runs every Go fuzz target in the module for a short while, one target per `go test` (Go fuzzes
# one target at a time), after `go test` has already run their seed corpora (testdata/fuzz/) as
# ordinary tests. A failure leaves the input that failed under the package's testdata/fuzz/, to
# be committed once fixed, as a regression test.
#   REACH_FUZZTIME  how long each target runs (default 10s; `make fuzz` runs them longer)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fuzztime="${REACH_FUZZTIME:-10s}"
start=$SECONDS
# Each line: a package directory and one of its fuzz targets.
targets="$(grep -rE --include='*_test.go' --exclude-dir='.[!.]*' '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
  sed -E 's#^\./(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]+).*#\1 \2#' | sort -u)"
[[ -n "$targets" ]] || { echo "fuzz.sh: no fuzz targets found" >&2; exit 1; }
while read -r dir name; do
  echo "fuzz.sh: $name in ./$dir for $fuzztime" >&2
  if ! out="$(go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "./$dir" 2>&1)"; then
    # On a busy machine the time can run out while Go is still measuring the seed corpus's
    # coverage, before any input was fuzzed: Go then reports the deadline, with no failing input.
    if grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
      echo "fuzz.sh: $name: the time ran out before fuzzing began (a busy machine); nothing failed" >&2
      continue
    fi
    echo "$out" | grep -v '^fuzz: elapsed' >&2
    exit 1
  fi
done <<<"$targets"
echo "fuzz.sh: $(wc -l <<<"$targets") targets fuzzed in $((SECONDS - start))s" >&2
