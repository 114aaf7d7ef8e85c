#!/usr/bin/env bash
# Runs the benchmark end to end (see docs/performance.md):
#   1. A Neo4j of its own (launcher/, port 7689, sized for the graph) holding a generated
#      LinkedIn-shaped network: generated once by `reach seed --out` and loaded with the offline
#      importer, then kept in .neo4j/bench-<members>-<degree>-<seed> for later runs.
#      With NEO4J_URI set, that server is used as it is and must already hold the graph.
#   2. reach serving on 127.0.0.1:8089 against it.
#   3. reachbench: an open-loop load over HTTP, then the driver-only baseline; it prints the
#      table and writes bench/results.json and bench/latency.png.
# Knobs: BENCH_MEMBERS (100000), BENCH_AVG_DEGREE (100), BENCH_SEED (1), BENCH_RATE (500),
# BENCH_DURATION (60s), BENCH_WARMUP (15s), BENCH_OUT (bench), REACH_CACHED_CONNECTIONS (room
# for the whole graph), and the launcher's
# REACH_NEO4J_HEAP / REACH_NEO4J_PAGECACHE (sized from the member count when unset).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "bench.sh: $*" >&2; }

members="${BENCH_MEMBERS:-100000}"
degree="${BENCH_AVG_DEGREE:-100}"
seed="${BENCH_SEED:-1}"
rate="${BENCH_RATE:-500}"
duration="${BENCH_DURATION:-60s}"
warmup="${BENCH_WARMUP:-15s}"
out="${BENCH_OUT:-bench}"
export REACH_JWT_SECRET="${REACH_JWT_SECRET:-reach-bench-secret-not-for-production}"
# Room for every connection list of the graph in reach's cache, with some to spare: the lists
# hold members × degree entries, which with the member-id table and each list's bookkeeping take
# about 7 bytes each, and the cache counts its room in connections of 4 bytes.
export REACH_CACHED_CONNECTIONS="${REACH_CACHED_CONNECTIONS:-$((members * degree * 3))}"

go build -o bin/reach ./cmd/reach
go build -o bin/reachbench ./cmd/reachbench

reach_pid=""
cleanup() {
  [[ -n "$reach_pid" ]] && kill "$reach_pid" 2>/dev/null && wait "$reach_pid" 2>/dev/null
  if [[ -n "${own_neo4j:-}" ]]; then launcher/down.sh; fi
}
trap cleanup EXIT

if [[ -z "${NEO4J_URI:-}" ]]; then
  own_neo4j=1
  export REACH_NEO4J_PORT="${BENCH_NEO4J_PORT:-7689}"
  export REACH_NEO4J_DIR="$PWD/.neo4j/bench-$members-$degree-$seed"
  # The store takes about 5 GB per million members at 100 connections each; keep it in the page
  # cache, and leave the rest of 24 GiB to reach, the load generator and the OS.
  if (( members >= 500000 )); then
    export REACH_NEO4J_HEAP="${REACH_NEO4J_HEAP:-4g}" REACH_NEO4J_PAGECACHE="${REACH_NEO4J_PAGECACHE:-8g}"
  else
    export REACH_NEO4J_HEAP="${REACH_NEO4J_HEAP:-2g}" REACH_NEO4J_PAGECACHE="${REACH_NEO4J_PAGECACHE:-2g}"
  fi
  if [[ ! -f "$REACH_NEO4J_DIR/loaded" ]]; then
    launcher/down.sh
    csv="$REACH_NEO4J_DIR/csv"
    rm -rf "$csv"
    say "generating $members members with about $degree connections each (seed $seed)"
    bin/reach seed --members "$members" --avg-degree "$degree" --seed "$seed" --out "$csv"
    launcher/import.sh "$csv"
    rm -rf "$csv"
    NEO4J_URI="$(launcher/up.sh)" bin/reach migrate
    touch "$REACH_NEO4J_DIR/loaded"
  fi
  NEO4J_URI="$(launcher/up.sh)"
  export NEO4J_URI
fi

REACH_ADDR=127.0.0.1:8089 bin/reach serve 2>"${TMPDIR:-/tmp}/reach-bench-serve.log" &
reach_pid=$!
for _ in $(seq 1 60); do
  curl -fs http://127.0.0.1:8089/readyz >/dev/null 2>&1 && break
  sleep 1
done
curl -fs http://127.0.0.1:8089/readyz >/dev/null || { say "reach did not become ready"; exit 1; }

bin/reachbench --url http://127.0.0.1:8089 --rate "$rate" --duration "$duration" --warmup "$warmup" \
  --out "$out" --neo4j-heap "${REACH_NEO4J_HEAP:-}" --neo4j-pagecache "${REACH_NEO4J_PAGECACHE:-}"
