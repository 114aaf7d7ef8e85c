#!/usr/bin/env bash
# Runs the console's browser tests (e2e/): Chromium, installed with apt-get when missing; a
# throwaway Neo4j from launcher/ on its own port and data directory; reach serving the demo
# network on its own port with development tokens on, and a second replica beside it that reads
# the change log only every 3 s (for TestConsoleThroughTwoReplicas); then `go test ./e2e/`, which
# drives the console in headless Chromium and saves screenshots in e2e/screenshots/. Everything it
# started is stopped when it ends. Extra arguments go to `go test` (e.g. -run TestBlock).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "e2e.sh: $*" >&2; }

neo4j_port="${REACH_E2E_NEO4J_PORT:-7693}"
reach_port="${REACH_E2E_PORT:-8093}"
reader_port="${REACH_E2E_READER_PORT:-8094}"
out="e2e/screenshots"
mkdir -p "$out"
rm -f "$out"/*.png

chromium="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$chromium" ]]; then
  say "installing Chromium (Debian's chromium package)"
  sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  $sudo apt-get install -y chromium >&2 || { $sudo apt-get update >&2 && $sudo apt-get install -y chromium >&2; }
  chromium="$(command -v chromium)"
fi
say "browser: $("$chromium" --version 2>/dev/null || echo "$chromium")"

export REACH_NEO4J_PORT="$neo4j_port" REACH_NEO4J_DIR="$PWD/.neo4j/e2e"
export REACH_NEO4J_HEAP="${REACH_NEO4J_HEAP:-1g}" REACH_NEO4J_PAGECACHE="${REACH_NEO4J_PAGECACHE:-512m}"
reach_pid=""
reader_pid=""
stop() {
  for pid in $reach_pid $reader_pid; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  launcher/down.sh >/dev/null 2>&1 || true
}
trap stop EXIT
NEO4J_URI="$(REACH_NEO4J_FRESH=1 launcher/up.sh)"
export NEO4J_URI NEO4J_USER= NEO4J_PASSWORD=

export REACH_JWT_SECRET="e2e-secret-not-for-production" REACH_ADDR="127.0.0.1:$reach_port" REACH_DEV_TOKENS=1
# A busy test machine is not an outage: reads and writes may wait for a cold Neo4j.
export REACH_READ_TIMEOUT=15s REACH_WRITE_TIMEOUT=15s
# Both replicas answer default reads from memory up to 5 s behind Neo4j: the second, reading the
# change log every 3 s, lags that far unless a member's own writes hold it back.
export REACH_STALENESS_BOUND=5s
go build -o bin/reach ./cmd/reach
bin/reach migrate 2>/dev/null
bin/reach seed 2>/dev/null >&2
bin/reach serve 2>"$out/reach.log" &
reach_pid=$!
REACH_ADDR="127.0.0.1:$reader_port" REACH_CHANGELOG_INTERVAL=3s bin/reach serve 2>"$out/reach-reader.log" &
reader_pid=$!
base="http://127.0.0.1:$reach_port"
reader="http://127.0.0.1:$reader_port"
wait_ready() { # url pid log
  for _ in $(seq 1 120); do
    curl -fsS "$1/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { say "reach stopped; its log:"; tail -n 20 "$3" >&2; exit 1; }
    sleep 0.5
  done
  say "reach at $1 did not become ready"
  exit 1
}
wait_ready "$base" "$reach_pid" "$out/reach.log"
wait_ready "$reader" "$reader_pid" "$out/reach-reader.log"
say "reach serves the console at $base/console, and a lagging replica at $reader"

REACH_E2E_URL="$base" REACH_E2E_READER_URL="$reader" REACH_E2E_CHROMIUM="$chromium" REACH_E2E_SCREENSHOTS="$PWD/$out" \
  go test -count=1 -timeout 10m "$@" ./e2e/
