#!/usr/bin/env bash
# Runs every test: unit tests, then the integration tests against a real Neo4j.
#   - NEO4J_URI set: the integration tests use that server.
#   - A Docker engine answers: they start neo4j:5.26-community themselves with testcontainers.
#   - Otherwise: a throwaway Neo4j from launcher/ on its own port and data directory (so a
#     Neo4j started by `make run` is left alone), stopped again when the tests end.
# Extra arguments go to `go test` (e.g. -run TestInvitations -v).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "test.sh: $*" >&2; }

if [[ -z "${NEO4J_URI:-}" ]] && ! { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }; then
  export REACH_NEO4J_PORT="${REACH_TEST_NEO4J_PORT:-7688}"
  export REACH_NEO4J_DIR="$PWD/.neo4j/test"
  export REACH_NEO4J_HEAP="${REACH_NEO4J_HEAP:-1g}" REACH_NEO4J_PAGECACHE="${REACH_NEO4J_PAGECACHE:-512m}"
  export REACH_NEO4J_FRESH=1
  trap 'launcher/down.sh' EXIT
  NEO4J_URI="$(launcher/up.sh)"
  export NEO4J_URI
  # The outage test stops this Neo4j and starts it again, keeping its data.
  export REACH_TEST_NEO4J_STOP="$PWD/launcher/down.sh" REACH_TEST_NEO4J_START="$PWD/launcher/up.sh"
  say "integration tests use the local Neo4j at $NEO4J_URI"
fi

go test -count=1 -timeout 20m "$@" ./...
