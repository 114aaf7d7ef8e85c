#!/usr/bin/env bash
# Starts everything a new user needs to try reach: Neo4j (see scripts/neo4j.sh), the schema, the
# demo network when the graph is empty, and the API. Prints tokens and example requests first.
# Ctrl-C stops the API; Neo4j keeps running until `make down`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

eval "$(scripts/neo4j.sh up)"
export REACH_JWT_SECRET="${REACH_JWT_SECRET:-reach-demo-secret-not-for-production}"
export REACH_ADDR="${REACH_ADDR:-:8080}"
# The console may mint short-lived tokens for the demo members: for this machine only.
export REACH_DEV_TOKENS="${REACH_DEV_TOKENS:-1}"

go build -o bin/reach ./cmd/reach
bin/reach migrate 2>/dev/null
bin/reach seed 2>/dev/null

jane="$(bin/reach token jane)"
maria="$(bin/reach token maria)"
admin="$(bin/reach token admin --admin)"
base="http://localhost:${REACH_ADDR##*:}"

cat <<TXT

reach is starting on $base (Neo4j at $NEO4J_URI).

The console, to act as any demo member in a browser:
  $base/console

Tokens, valid for 24 hours:
  JANE=$jane
  MARIA=$maria
  ADMIN=$admin

Try, in another shell (after pasting the three lines above):
  curl -s -H "Authorization: Bearer \$JANE" $base/v1/me
  curl -s -H "Authorization: Bearer \$JANE" $base/v1/members/maria/reachability
  curl -s -H "Authorization: Bearer \$JANE" $base/v1/members/lena/reachability
  curl -s -H "Authorization: Bearer \$JANE" $base/v1/members/maria/mutual-connections
  curl -s -H "Authorization: Bearer \$JANE" $base/v1/members/omar/path
  curl -s -H "Authorization: Bearer \$JANE" -H "Content-Type: application/json" \\
       -d '{"to": "sofia", "note": "Hello from Jane"}' $base/v1/invitations
  curl -s -H "Authorization: Bearer \$ADMIN" -X PUT -H "Content-Type: application/json" \\
       -d '{"name": "Ravi Iyer", "headline": "Staff Engineer"}' $base/v1/admin/members/ravi

TXT
exec bin/reach serve
