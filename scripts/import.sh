#!/usr/bin/env bash
# Loads a directory of CSV files in the bulk layout (what `reach seed --out DIR` writes) into the
# Neo4j that scripts/neo4j.sh (`make up`) runs, with Neo4j's offline bulk importer,
# `neo4j-admin database import full`. The `neo4j` database is replaced. Neo4j must be stopped
# first (`make down`); afterwards start it (`make up`) and create the constraints and indexes
# (`reach migrate`). Chosen like scripts/neo4j.sh:
#   1. NEO4J_URI is set: refused. An offline import writes the server's files; it cannot go
#      through a connection.
#   2. A Docker engine answers: a one-off container of the neo4j service of docker-compose.yml
#      (same image, same data volume) runs neo4j-admin, with DIR mounted read-only at /import.
#   3. Otherwise: launcher/import.sh, into the store launcher/up.sh runs.
#
#   scripts/import.sh DIR [IMPORT OPTION ...]
#
# DIR must hold members.csv and connections.csv; organisations.csv, groups.csv,
# conversations.csv, blocks.csv, invitations.csv, messages.csv, sides.csv, declines.csv,
# reports.csv, positions.csv and memberships.csv are imported when present; an organisation whose kind is not company or school is refused, with its
# line. IMPORT OPTIONs go to the import command as they are.
# Environment, for both ways: REACH_NEO4J_IMPORT_HEAP (importer heap, default 2g),
# REACH_NEO4J_IMPORT_MEMORY (--max-off-heap-memory, default 8g), REACH_NEO4J_IMPORT_THREADS
# (--threads, default twice the processors, at least 4). The launcher's REACH_NEO4J_PORT and
# REACH_NEO4J_DIR pick its instance.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "import.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

[[ $# -ge 1 && "$1" != -h && "$1" != --help ]] || { echo "usage: scripts/import.sh DIR [IMPORT OPTION ...]" >&2; exit 2; }
[[ -d "$1" ]] || die "not a directory: $1"

have_docker() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

if [[ -n "${NEO4J_URI:-}" ]]; then
  die "NEO4J_URI is set ($NEO4J_URI): an offline import needs the server's own files; run it where that server runs, or unset NEO4J_URI to use the local one"
fi

if ! have_docker; then
  say "no Docker engine: importing into Neo4j Community from Maven Central (launcher/)"
  exec launcher/import.sh "$@"
fi

# Docker: the neo4j service of docker-compose.yml. (This path is written against the neo4j:5.26
# image's entrypoint: commands other than `neo4j` run as they are, as the neo4j user, after the
# NEO4J_* variables have been written to neo4j.conf.)
csv_dir="$(cd "$1" && pwd)"
shift
# ":" would split the --volume argument; "," and "=" mean lists and prefixes to the importer.
[[ "$csv_dir" != *[:,=]* ]] || die "the CSV directory's path may not contain ':', ',' or '=': $csv_dir"
# shellcheck source=SCRIPTDIR/../launcher/common.sh
. launcher/common.sh
import_plan "$csv_dir" /import

# The server must not have the store open (and a one-off container beside it would share the
# volume).
if [[ -n "$(docker compose ps --status running --quiet neo4j 2>/dev/null)" ]]; then
  die "Neo4j (docker compose service neo4j) is running; stop it first with make down (scripts/neo4j.sh down)"
fi

args=(
  neo4j-admin database import full neo4j
  --overwrite-destination
  --max-off-heap-memory="$memory"
  --threads="$threads"
  --report-file=/data/import.report
  "${import_files[@]}"
  "$@"
)
say "importing $csv_dir with docker compose (heap $heap, off-heap $memory, $threads threads)"
say "${args[*]}"

log="$(mktemp "${TMPDIR:-/tmp}/reach-import.XXXXXX")"
trap 'rm -f "$log"' EXIT
start_ns="$(date +%s%N)"
set +e
# HEAP_SIZE sets neo4j-admin's heap (over the server heap that docker-compose.yml configures).
# The files must be readable by the image's neo4j user (uid 7474), e.g. mode 0644.
docker compose run --rm --no-deps -T \
  --volume "$csv_dir:/import:ro" \
  --env HEAP_SIZE="$heap" \
  neo4j "${args[@]}" </dev/null 2>&1 | tee "$log"
status="${PIPESTATUS[0]}"
set -e
elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
elapsed="$((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000)))"
if ((status != 0)); then
  say "the neo4j database in the volume is unusable now; import again"
  say "for the cause of an input error, run again with --verbose after DIR"
  die "import failed (exit status $status) after ${elapsed}s"
fi

nodes="$(sed -nE 's/^ +([0-9]+) nodes\r?$/\1/p' "$log" | tail -n 1)"
rels="$(sed -nE 's/^ +([0-9]+) relationships\r?$/\1/p' "$log" | tail -n 1)"
echo
echo "Summary"
sed -nE '/^IMPORT DONE/,/^Peak memory usage/p' "$log"
if [[ -n "$nodes" && -n "$rels" && "$elapsed_ms" -gt 0 ]]; then
  echo "Elapsed: ${elapsed} s wall, $((nodes + rels)) rows, $(((nodes + rels) * 1000 / elapsed_ms)) rows/s"
else
  echo "Elapsed: ${elapsed} s wall"
fi
say "done; start Neo4j with make up (scripts/neo4j.sh up), then create the constraints and indexes (reach migrate)"
