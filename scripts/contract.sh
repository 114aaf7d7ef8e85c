#!/usr/bin/env bash
# Contract fuzzing: schemathesis generates requests from api/openapi.yaml, as reach serves it at
# /openapi.yaml, and checks every answer against the spec (all its checks) and against reach's
# own rule that every error is a problem document (scripts/contract/checks.py). Its check that
# schema-valid requests are accepted is replaced by one that knows the refusals of reach's rules,
# which no schema states (checks.py), and its check that schema-violating requests are refused
# also takes 413, a body over the size limit (schemathesis.toml). It fails on any failure.
#
# It installs a pinned schemathesis into .venv-contract/ (kept for later runs), starts a
# throwaway Neo4j from launcher/ on its own port and data directory, and `reach serve` on its own
# port holding the demo network, and stops both when it ends.
#   REACH_CONTRACT_NEO4J_PORT  Neo4j's Bolt port (default 7692)
#   REACH_CONTRACT_PORT        reach's port (default 8092)
#   REACH_CONTRACT_EXAMPLES    most test cases per operation and phase (default 60)
#   REACH_CONTRACT_SEED        schemathesis's random seed (default: a new one each run, printed)
# Extra arguments go to `schemathesis run`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

schemathesis_version=4.32.5
venv=.venv-contract
neo4j_port="${REACH_CONTRACT_NEO4J_PORT:-7692}"
port="${REACH_CONTRACT_PORT:-8092}"
examples="${REACH_CONTRACT_EXAMPLES:-60}"
base="http://127.0.0.1:$port"

say() { echo "contract.sh: $*" >&2; }

stops=()
trap 'set +e; for ((i = ${#stops[@]} - 1; i >= 0; i--)); do ${stops[i]}; done' EXIT

# install_schemathesis makes the venv when it is missing or holds another version.
install_schemathesis() {
  if [[ "$("$venv/bin/schemathesis" --version 2>/dev/null)" == *" $schemathesis_version" ]]; then
    return
  fi
  say "installing schemathesis $schemathesis_version into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
}

# start_neo4j starts an empty Neo4j of its own and exports NEO4J_URI.
start_neo4j() {
  export REACH_NEO4J_PORT="$neo4j_port" REACH_NEO4J_DIR="$PWD/.neo4j/contract"
  export REACH_NEO4J_HEAP="${REACH_NEO4J_HEAP:-1g}" REACH_NEO4J_PAGECACHE="${REACH_NEO4J_PAGECACHE:-512m}"
  launcher/down.sh
  stops+=(launcher/down.sh)
  NEO4J_URI="$(REACH_NEO4J_FRESH=1 launcher/up.sh)"
  export NEO4J_URI
}

# start_reach builds reach, loads the demo network and serves it on $port until the script ends.
start_reach() {
  bin="$(mktemp -d)"
  stops+=("rm -rf $bin")
  go build -o "$bin/reach" ./cmd/reach
  export REACH_JWT_SECRET=contract-test-secret-0123456789 REACH_ADDR="127.0.0.1:$port"
  # A machine busy with the run itself is no outage: answers are not cut short at 2s.
  export REACH_READ_TIMEOUT=30s REACH_WRITE_TIMEOUT=30s
  "$bin/reach" migrate 2>/dev/null
  "$bin/reach" seed 2>/dev/null
  # One token for every route: Jane, with the admin role, which admin routes need and which
  # exempts her from the per-member rate limit.
  token="$("$bin/reach" token jane --admin --ttl 2h)"
  "$bin/reach" serve 2>"$bin/reach.log" &
  local pid=$!
  stops+=("stop_reach $pid")
  for _ in $(seq 1 300); do
    if curl -fsS "$base/readyz" 2>/dev/null | grep -q '"projection":"loaded"'; then
      say "reach serves the demo network on $base"
      return
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$bin/reach.log" >&2; say "reach exited"; exit 1; }
    sleep 0.2
  done
  say "reach was not ready in 60s"
  exit 1
}

stop_reach() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  if grep -q '"level":"ERROR"' "$bin/reach.log"; then
    say "reach logged errors:"
    grep -m 20 '"level":"ERROR"' "$bin/reach.log" >&2
  fi
}

install_schemathesis
start_neo4j
start_reach

seed=()
[[ -n "${REACH_CONTRACT_SEED:-}" ]] && seed=(--seed "$REACH_CONTRACT_SEED")
# The event stream (GET /v1/events) answers by staying open: every request to it would time out.
# Its answers are held to the contract by the integration tests (TestEventsTellWhoIsConcerned).
# Closing an account (closeMe, closeMember) would close Jane, whose token every request carries,
# or the demo members the examples name, and leave the rest of the run answered 401 or 404; their
# answers are held to the contract by the integration tests (TestClosedAccountIsGoneEverywhere).
SCHEMATHESIS_HOOKS=scripts/contract/checks.py "$venv/bin/schemathesis" \
  --config-file scripts/contract/schemathesis.toml run "$base/openapi.yaml" \
  --url "$base" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --exclude-checks positive_data_acceptance \
  --exclude-operation-id events \
  --exclude-operation-id closeMe \
  --exclude-operation-id closeMember \
  --max-examples "$examples" \
  --workers 2 \
  --request-timeout 30 \
  --generation-database none \
  --no-color \
  --output-sanitize false \
  "${seed[@]}" "$@"
