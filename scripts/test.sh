#!/usr/bin/env bash
# Runs every test: unit tests, then the integration tests against a real Neo4j.
#   - NEO4J_URI set: the integration tests use that server.
#   - A Docker engine answers: they start neo4j:5.26-community themselves with testcontainers.
#   - Otherwise: a throwaway Neo4j from launcher/ on its own port and data directory (so a
#     Neo4j started by `make run` is left alone), stopped again when the tests end.
# The PostgreSQL peer's tests need a PostgreSQL: REACH_TEST_POSTGRES_URL when set, otherwise a
# throwaway one of scripts/postgres.sh on its own port and directory (installed with apt-get
# when missing), stopped when the tests end.
# Then every fuzz target runs for a few seconds each (scripts/fuzz.sh), unless extra arguments
# were given.
# Extra arguments go to `go test` (e.g. -run TestInvitations -v).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "test.sh: $*" >&2; }

stops=()
trap 'for stop in "${stops[@]}"; do $stop; done' EXIT

if [[ -z "${NEO4J_URI:-}" ]] && ! { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }; then
  export REACH_NEO4J_PORT="${REACH_TEST_NEO4J_PORT:-7688}"
  export REACH_NEO4J_DIR="$PWD/.neo4j/test"
  export REACH_NEO4J_HEAP="${REACH_NEO4J_HEAP:-1g}" REACH_NEO4J_PAGECACHE="${REACH_NEO4J_PAGECACHE:-512m}"
  export REACH_NEO4J_FRESH=1
  stops+=(launcher/down.sh)
  NEO4J_URI="$(launcher/up.sh)"
  export NEO4J_URI
  # The outage test stops this Neo4j and starts it again, keeping its data; the restore test
  # takes a backup of it and restores it (launcher/backup.sh).
  export REACH_TEST_NEO4J_STOP="$PWD/launcher/down.sh" REACH_TEST_NEO4J_START="$PWD/launcher/up.sh"
  export REACH_TEST_NEO4J_BACKUP="$PWD/launcher/backup.sh"
  say "integration tests use the local Neo4j at $NEO4J_URI"
fi

if [[ -z "${REACH_TEST_POSTGRES_URL:-}" ]]; then
  export REACH_POSTGRES_PORT="${REACH_TEST_POSTGRES_PORT:-5438}" REACH_POSTGRES_DIR="$PWD/.postgres/test"
  scripts/postgres.sh down
  stops+=("scripts/postgres.sh down")
  REACH_TEST_POSTGRES_URL="$(REACH_POSTGRES_FRESH=1 scripts/postgres.sh up)"
  export REACH_TEST_POSTGRES_URL
  say "the PostgreSQL peer's tests use $REACH_TEST_POSTGRES_URL"
fi

go test -count=1 -timeout 20m "$@" ./...

if [[ $# -eq 0 ]]; then
  scripts/fuzz.sh
fi
