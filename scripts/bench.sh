#!/usr/bin/env bash
# Runs the benchmark end to end (see docs/performance.md):
#   1. A Neo4j of its own (launcher/, port 7689, sized for the graph) holding a generated
#      LinkedIn-shaped network: generated once by `reach seed --out` and loaded with the offline
#      importer, then kept in .neo4j/bench-<members>-<degree>-<seed> for later runs.
#      With NEO4J_URI set, that server is used as it is and must already hold the graph.
#   2. The PostgreSQL peer (bench/pgpeer): a PostgreSQL 15 of its own (scripts/postgres.sh,
#      port 5439) holding the same network, loaded from the same CSV files with COPY
#      (reachpeer load), then kept in .postgres/bench-<members>-<degree>-<seed>.
#   3. reach serving on 127.0.0.1:8089 against Neo4j, and the peer serving reachability behind
#      reach's HTTP stack on 127.0.0.1:8090 (reachpeer serve); neither limits requests per member.
#      With BENCH_COMPARE_REV, that revision's reach too, on 127.0.0.1:8091 against the same Neo4j
#      (reach-before): built from its own source tree, taken with git archive into a temporary
#      directory that is removed once built, into bin/reach-before.
#   4. reachbench: an open-loop load on reach over HTTP, on the driver-only Cypher baseline, on the
#      peer through pgx and on the peer over HTTP, taking turns in rounds so that other work on
#      the machine falls on all alike; it prints the table and writes bench/results.json and
#      bench/latency.png.
#
#   scripts/bench.sh          the run above
#   scripts/bench.sh sweep    the throughput ceiling instead: every system at rising rates, for
#                             the mix and for reachability alone (bench/sweep.json, sweep-*.png)
#   BENCH_COMPARE_REV=586666e scripts/bench.sh
#                             the run above, with reach as built at 586666e measured beside this
#                             tree's: the same mix, taking turns in the same rounds
#
# Knobs: BENCH_MEMBERS (100000), BENCH_AVG_DEGREE (100), BENCH_SEED (1), BENCH_RATE (500),
# BENCH_DURATION (60s), BENCH_WARMUP (15s), BENCH_OUT (bench), BENCH_POSTGRES (1; 0 leaves the
# peer out), BENCH_NEO4J_PORT (7689), BENCH_POSTGRES_PORT (5439), BENCH_SWEEP_STEP (10s),
# BENCH_SWEEP_WARMUP (3s), BENCH_SWEEP_RATES (reachbench's list), BENCH_SWEEP_LIMIT (10: the p99 in
# ms a step must keep to hold), BENCH_SWEEP_WORKLOADS (reachability,mix,sends: those to climb),
# BENCH_SWEEP_COMPILERS_WAIT (5m: after the warm-up, how long at most the mix runs until the JIT
# compilers of the Neo4j this script started take at most a twentieth of a core; 0 starts the
# climb beside them; a Neo4j of NEO4J_URI is not watched),
# BENCH_SYSTEMS (all; a
# comma-separated subset of reach, reach-before, reach-reachability-alone, reach-fully-consistent,
# reach-at-least-as-fresh, http-floor, baseline,
# postgres, postgres-http), BENCH_COLD (110s: the cold run right after reach starts; 0 for none),
# BENCH_COLD_RATE (250: the mix's rate in the cold run), BENCH_CONCURRENCY (0: no cap on requests
# in flight; a number caps them, waiting for a slot counting as latency),
# BENCH_COMPARE_REV (none: a git revision whose reach is measured beside this tree's as reach-before),
# BENCH_COMPARE_MAILBOX (that revision's mailbox page: /v1/conversations where its API has it,
# else /v1/inbox),
# REACH_CACHED_CONNECTIONS (room for the whole graph), the launcher's
# REACH_NEO4J_HEAP / REACH_NEO4J_PAGECACHE and the peer's REACH_POSTGRES_SHARED_BUFFERS (sized
# from the member count when unset).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "bench.sh: $*" >&2; }

mode="${1:-run}"
[[ "$mode" == run || "$mode" == sweep ]] || { echo "usage: scripts/bench.sh [sweep]" >&2; exit 2; }
members="${BENCH_MEMBERS:-100000}"
degree="${BENCH_AVG_DEGREE:-100}"
seed="${BENCH_SEED:-1}"
rate="${BENCH_RATE:-500}"
duration="${BENCH_DURATION:-60s}"
warmup="${BENCH_WARMUP:-15s}"
out="${BENCH_OUT:-bench}"
with_postgres="${BENCH_POSTGRES:-1}"
export REACH_JWT_SECRET="${REACH_JWT_SECRET:-reach-bench-secret-not-for-production}"
# Room for every connection list of the graph in reach's cache, with some to spare: the lists
# hold members × degree entries, which with the member-id table and each list's bookkeeping take
# about 7 bytes each, and the cache counts its room in connections of 4 bytes.
export REACH_CACHED_CONNECTIONS="${REACH_CACHED_CONNECTIONS:-$((members * degree * 3))}"
# The benchmark measures speed, not the per-member limit: its few hundred members each send far
# more than a person would.
export REACH_RATE_LIMIT="${REACH_RATE_LIMIT:-1000000}" REACH_RATE_BURST="${REACH_RATE_BURST:-1000000}"
# Go's profiler, to see where a request's time goes while the load runs (docs/performance.md).
export REACH_DEBUG_ADDR="${REACH_DEBUG_ADDR:-127.0.0.1:6089}"

go build -o bin/reach ./cmd/reach
go build -o bin/reachbench ./cmd/reachbench
go build -o bin/reachpeer ./cmd/reachpeer

reach_pid="" peer_pid="" before_pid="" before_src=""
cleanup() {
  [[ -n "$reach_pid" ]] && kill "$reach_pid" 2>/dev/null && wait "$reach_pid" 2>/dev/null
  [[ -n "$before_pid" ]] && kill "$before_pid" 2>/dev/null && wait "$before_pid" 2>/dev/null
  [[ -n "$before_src" ]] && rm -rf "$before_src"
  [[ -n "${pairs_file:-}" ]] && rm -f "$pairs_file"
  [[ -n "$peer_pid" ]] && kill "$peer_pid" 2>/dev/null && wait "$peer_pid" 2>/dev/null
  if [[ -n "${own_neo4j:-}" ]]; then launcher/down.sh; fi
  if [[ -n "${own_postgres:-}" ]]; then scripts/postgres.sh down; fi
}
trap cleanup EXIT

# The revision to compare with is built from its own source tree: its code is not this tree's.
compare_rev="${BENCH_COMPARE_REV:-}"
if [[ -n "$compare_rev" ]]; then
  commit="$(git rev-parse --verify "$compare_rev^{commit}")"
  compare_label="$compare_rev"
  [[ "$commit" == "$compare_rev"* ]] || compare_label+=" (${commit:0:7})"
  say "building reach at $compare_label into bin/reach-before"
  before_src="$(mktemp -d)"
  git archive "$commit" | tar -x -C "$before_src"
  go -C "$before_src" build -o "$PWD/bin/reach-before" ./cmd/reach
  rm -rf "$before_src"
  before_src=""
fi

# The CSV files of the network, generated once for whichever store still needs them.
csv="$PWD/.bench-csv-$members-$degree-$seed"
csv_ready=""
need_csv() {
  [[ -n "$csv_ready" ]] && return 0
  rm -rf "$csv"
  say "generating $members members with about $degree connections each (seed $seed)"
  bin/reach seed --members "$members" --avg-degree "$degree" --seed "$seed" --out "$csv"
  csv_ready=1
}

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
    need_csv
    launcher/import.sh "$csv"
    NEO4J_URI="$(launcher/up.sh)" bin/reach migrate
    touch "$REACH_NEO4J_DIR/loaded"
  fi
  # The cold run measures reach beside a Neo4j just started: one left running would be warm.
  if [[ "$mode" == run && "${BENCH_COLD:-110s}" != 0 ]]; then launcher/down.sh; fi
  NEO4J_URI="$(launcher/up.sh)"
  export NEO4J_URI
fi

peer_args=()
if [[ "$with_postgres" == 1 ]]; then
  own_postgres=1
  export REACH_POSTGRES_PORT="${BENCH_POSTGRES_PORT:-5439}"
  export REACH_POSTGRES_DIR="$PWD/.postgres/bench-$members-$degree-$seed"
  # As much memory for PostgreSQL's buffers as Neo4j's page cache has, up to 4 GB (the knows
  # table and its index take about 1 GB per million members; the OS caches the rest).
  if (( members >= 500000 )); then
    export REACH_POSTGRES_SHARED_BUFFERS="${REACH_POSTGRES_SHARED_BUFFERS:-4GB}"
  else
    export REACH_POSTGRES_SHARED_BUFFERS="${REACH_POSTGRES_SHARED_BUFFERS:-2GB}"
  fi
  REACH_POSTGRES_URL="$(scripts/postgres.sh up)"
  export REACH_POSTGRES_URL
  # The loaded network is kept as long as the peer's tables are laid out the same: the marker
  # holds a hash of the statements that make them, so a changed layout loads the network again.
  layout="$(cat bench/pgpeer/sql/Stage.sql bench/pgpeer/sql/Load.sql | sha256sum | cut -c1-16)"
  if [[ "$(cat "$REACH_POSTGRES_DIR/loaded" 2>/dev/null)" != "$layout" ]]; then
    need_csv
    say "loading the network into PostgreSQL"
    bin/reachpeer load "$csv"
    echo "$layout" >"$REACH_POSTGRES_DIR/loaded"
  fi
  REACH_PEER_ADDR=127.0.0.1:8090 bin/reachpeer serve 2>"${TMPDIR:-/tmp}/reach-bench-peer.log" &
  peer_pid=$!
  peer_args=(--postgres "$REACH_POSTGRES_URL" --peer-url http://127.0.0.1:8090)
fi
rm -rf "$csv"

# reach keeps its projection in a snapshot beside the database's state, restored on a restart.
export REACH_PROJECTION_SNAPSHOT="${REACH_PROJECTION_SNAPSHOT:-$PWD/.neo4j/bench-$members-$degree-$seed.projection}"
serve_log="${TMPDIR:-/tmp}/reach-bench-serve.log"
ready() {
  for _ in $(seq 1 60); do
    curl -fs "$1" >/dev/null 2>&1 && return 0
    sleep 1
  done
  say "$2 did not become ready"
  exit 1
}
start_reach() {
  # Ready before the projection is loaded, which projection_loaded then times.
  REACH_ADDR=127.0.0.1:8089 REACH_SERVE_WHILE_LOADING=1 bin/reach serve 2>"$serve_log" &
  reach_pid=$!
  ready http://127.0.0.1:8089/readyz reach
}
# start_cold starts reach as a deployment would after an import: no snapshot, /readyz waiting for
# the projection; it waits only until reach is alive, since the cold run's load starts at once.
start_cold() {
  REACH_ADDR=127.0.0.1:8089 bin/reach serve 2>"$serve_log" &
  reach_pid=$!
  ready http://127.0.0.1:8089/healthz reach
}
# projection_loaded waits until reach's projection is loaded (its log: $2, or reach's own) and
# says where from and how long it took.
projection_loaded() {
  local log="${2:-$serve_log}"
  for _ in $(seq 1 600); do
    grep -q "projection loaded" "$log" && break
    sleep 1
  done
  say "$1: $(grep -o '"msg":"projection loaded[^}]*' "$log" | head -1)"
}
# start_before serves the compared revision's reach beside this tree's, with no snapshot of its own
# (its projection loads from Neo4j), and waits until its projection is loaded.
start_before() {
  local log="${TMPDIR:-/tmp}/reach-bench-before.log"
  REACH_ADDR=127.0.0.1:8091 REACH_DEBUG_ADDR=127.0.0.1:6091 REACH_PROJECTION_SNAPSHOT= bin/reach-before serve 2>"$log" &
  before_pid=$!
  ready http://127.0.0.1:8091/readyz "reach at $compare_label"
  projection_loaded "reach at $compare_label" "$log"
}

# The pairs every run asks about, drawn once before reach starts, so that the cold run's load
# begins as soon as reach is alive.
pairs_file="$(mktemp -u "${TMPDIR:-/tmp}/reach-bench-pairs.XXXXXX.json")"
bin/reachbench --pairs-file "$pairs_file" --draw-only >/dev/null
# The cold start: reach with no snapshot beside a Neo4j just started, offered the mix at
# BENCH_COLD_RATE from the moment it is alive, with no cap on requests in flight. The report says
# what was shed (503 with Retry-After), what failed, and every op's latency from 50 s on. Then the
# warm start: reach stops (saving the snapshot) and starts again, restoring it and applying the
# change log since.
if [[ "$mode" == run && "${BENCH_COLD:-110s}" != 0 ]]; then
  rm -f "$REACH_PROJECTION_SNAPSHOT"
  start_cold
  say "cold run: reach just started beside a cold Neo4j, its projection loading"
  cold_processes="reach=$reach_pid"
  [[ -n "${own_neo4j:-}" ]] && cold_processes+=",neo4j=$(tr -d '[:space:]' <"$REACH_NEO4J_DIR/neo4j.pid")"
  bin/reachbench --url http://127.0.0.1:8089 --systems reach --rate "${BENCH_COLD_RATE:-250}" --duration "${BENCH_COLD:-110s}" \
    --settle 50s --warmup 0s --pairs-file "$pairs_file" --out "$out/cold" --processes "$cold_processes" \
    --neo4j-heap "${REACH_NEO4J_HEAP:-}" --neo4j-pagecache "${REACH_NEO4J_PAGECACHE:-}"
  projection_loaded "cold start"
  kill "$reach_pid" && wait "$reach_pid" || true
fi
start_reach
[[ -n "$peer_pid" ]] && ready http://127.0.0.1:8090/readyz "the PostgreSQL peer"
projection_loaded "start"
if [[ -n "$compare_rev" ]]; then
  start_before
fi

# The servers' processes, so the report can say how much processor time each answer took.
processes="reach=$reach_pid"
[[ -n "$peer_pid" ]] && processes+=",peer=$peer_pid,postgres=$(head -n 1 "$REACH_POSTGRES_DIR/data/postmaster.pid")"
[[ -n "${own_neo4j:-}" ]] && processes+=",neo4j=$(tr -d '[:space:]' <"$REACH_NEO4J_DIR/neo4j.pid")"
[[ -n "$before_pid" ]] && processes+=",reach-before=$before_pid"

args=(--url http://127.0.0.1:8089 --pairs-file "$pairs_file" --processes "$processes" --rate "$rate" --duration "$duration" --warmup "$warmup"
  --out "$out" --neo4j-heap "${REACH_NEO4J_HEAP:-}" --neo4j-pagecache "${REACH_NEO4J_PAGECACHE:-}" "${peer_args[@]}")
[[ -n "${BENCH_SYSTEMS:-}" ]] && args+=(--systems "$BENCH_SYSTEMS")
[[ -n "${BENCH_CONCURRENCY:-}" ]] && args+=(--concurrency "$BENCH_CONCURRENCY")
if [[ -n "$compare_rev" ]]; then
  # A revision from before conversations pages its mailbox as a list of messages. (grep -c reads
  # the whole spec: grep -q would stop early and, under pipefail, fail the pipe with git's SIGPIPE.)
  compare_mailbox=/v1/conversations
  git show "$commit:api/openapi.yaml" | grep -c '^  /v1/conversations:' >/dev/null || compare_mailbox=/v1/inbox
  args+=(--compare-url http://127.0.0.1:8091 --compare-rev "$compare_label" --compare-mailbox "${BENCH_COMPARE_MAILBOX:-$compare_mailbox}")
fi
if [[ "$mode" == sweep ]]; then
  args+=(--sweep --sweep-step "${BENCH_SWEEP_STEP:-10s}" --sweep-warmup "${BENCH_SWEEP_WARMUP:-3s}" --sweep-limit "${BENCH_SWEEP_LIMIT:-10}" \
    --sweep-workloads "${BENCH_SWEEP_WORKLOADS:-reachability,mix,sends}" --sweep-compilers-wait "${BENCH_SWEEP_COMPILERS_WAIT:-5m}")
  [[ -n "${BENCH_SWEEP_RATES:-}" ]] && args+=(--sweep-rates "$BENCH_SWEEP_RATES")
fi
bin/reachbench "${args[@]}"
