#!/usr/bin/env bash
# Starts or stops the Neo4j that reach uses, the best way this machine allows, and says how to
# reach it:
#   1. NEO4J_URI is set: that server is used as it is; nothing is started or stopped.
#   2. A Docker engine answers: the neo4j service of docker-compose.yml.
#   3. Otherwise: Neo4j Community from Maven Central, run by launcher/up.sh.
#
#   scripts/neo4j.sh up     start (if needed), wait until Bolt answers, then print
#                           export lines for NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD
#   scripts/neo4j.sh down   stop what `up` started
#
# REACH_NEO4J_PORT and the other REACH_NEO4J_* knobs of launcher/up.sh apply to the launcher.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "neo4j.sh: $*" >&2; }

# The password docker-compose.yml gives Neo4j unless NEO4J_PASSWORD says otherwise.
compose_password="${NEO4J_PASSWORD:-reach-dev-password}"

have_docker() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

up() {
  if [[ -n "${NEO4J_URI:-}" ]]; then
    say "using NEO4J_URI=$NEO4J_URI"
    printf 'export NEO4J_URI=%q NEO4J_USER=%q NEO4J_PASSWORD=%q\n' "$NEO4J_URI" "${NEO4J_USER:-}" "${NEO4J_PASSWORD:-}"
  elif have_docker; then
    say "starting Neo4j with docker compose"
    NEO4J_PASSWORD="$compose_password" docker compose up -d --wait neo4j >&2
    printf 'export NEO4J_URI=%q NEO4J_USER=neo4j NEO4J_PASSWORD=%q\n' "bolt://127.0.0.1:7687" "$compose_password"
  else
    say "no Docker engine: starting Neo4j Community from Maven Central (launcher/)"
    local uri
    uri="$(launcher/up.sh)"
    printf 'export NEO4J_URI=%q NEO4J_USER= NEO4J_PASSWORD=\n' "$uri"
  fi
}

down() {
  if [[ -n "${NEO4J_URI:-}" ]]; then
    say "NEO4J_URI is set; leaving that server alone"
  elif have_docker; then
    docker compose stop neo4j >&2
  else
    launcher/down.sh
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: scripts/neo4j.sh up|down" >&2; exit 2 ;;
esac
