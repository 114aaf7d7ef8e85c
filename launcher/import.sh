#!/usr/bin/env bash
# Loads a directory of CSV files in the bulk layout (the files `reach seed --out DIR` writes)
# into the `neo4j` database of the local Neo4j that up.sh runs for the same state directory,
# with Neo4j's offline bulk importer: `neo4j-admin database import full`. Whatever that
# database held is replaced. The instance must be stopped (down.sh); start it afterwards with
# up.sh. See README.md.
#
#   launcher/import.sh DIR [IMPORT OPTION ...]
#
# DIR must hold members.csv and connections.csv; organisations.csv, groups.csv,
# conversations.csv, blocks.csv, invitations.csv, messages.csv, sides.csv, declines.csv,
# reports.csv, positions.csv and memberships.csv are imported when present; an organisation whose kind is not company or school is refused, with its
# line. IMPORT OPTIONs are passed on to the import command
# (for example --skip-bad-relationships or --high-parallel-io=on).
#
# Environment:
#   REACH_NEO4J_PORT            which instance, as for up.sh (default 7687)
#   REACH_NEO4J_DIR             its state directory (default <repo root>/.neo4j/<port>)
#   REACH_NEO4J_IMPORT_HEAP     heap of the importer's JVM (default 2g)
#   REACH_NEO4J_IMPORT_MEMORY   the importer's --max-off-heap-memory: its caches and page
#                               cache, a size or a percentage of free memory (default 8g)
#   REACH_NEO4J_IMPORT_THREADS  the importer's --threads (default: twice the number of
#                               processors, at least 4; see README.md)
#   REACH_NEO4J_JAVA_OPTS       extra JVM flags for the importer, appended (word-split)
#   JAVA_HOME                   Java 17+ to use (default: java on PATH)
#
# Neo4j's own output (progress and summary) goes to stdout and to <state>/import.log; the
# importer's report of bad entries to <state>/import.report. Exits non-zero if the import fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(dirname "$here")"
main_class=dev.reach.launcher.Neo4jLauncher
# The entry point of Neo4j's bin/neo4j-admin (in org.neo4j:neo4j). Like the real script, it
# checks the command line, then runs the command in a JVM of its own (org.neo4j.cli.AdminTool)
# with the flags in JAVA_OPTS.
admin_class=org.neo4j.server.startup.Neo4jAdminCommand

say() { echo "import.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }
# shellcheck source=common.sh
. "$here/common.sh"

usage() { echo "usage: launcher/import.sh DIR [IMPORT OPTION ...]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
[[ "$1" != -h && "$1" != --help ]] || usage
csv_dir="$1"
shift
[[ -d "$csv_dir" ]] || die "not a directory: $csv_dir"
csv_dir="$(cd "$csv_dir" && pwd)"
# The importer reads "," as a list of files and "=" as a label or type prefix.
[[ "$csv_dir" != *[,=]* ]] || die "the CSV directory's path may not contain ',' or '=': $csv_dir"

port="${REACH_NEO4J_PORT:-7687}"
if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then die "REACH_NEO4J_PORT is not a port: $port"; fi
state="${REACH_NEO4J_DIR:-$repo_root/.neo4j/$port}"
import_plan "$csv_dir" "$csv_dir"

mkdir -p "$state"
state="$(cd "$state" && pwd)"
data_dir="$state/data"
pid_file="$state/neo4j.pid"
log_file="$state/import.log"
report_file="$state/import.report"

# The lock up.sh and down.sh take: no start while the import writes. The neo4j-admin JVM
# inherits it and waits for the JVM that runs the command, so it is held until both are done.
exec 8>"$state/.lock"
flock -w 60 8 || die "another up.sh, down.sh or import.sh is busy with $state"
if pid="$(running_pid)"; then
  die "Neo4j is running for $state (pid $pid); stop it first with launcher/down.sh (same REACH_NEO4J_PORT / REACH_NEO4J_DIR)"
fi

find_java
build

# neo4j-admin reads neo4j.conf from NEO4J_CONF. This one puts the store where the launcher
# looks for it: <data>/databases/neo4j and <data>/transactions/neo4j, logs in <state>/logs.
conf_dir="$(mktemp -d "${TMPDIR:-/tmp}/reach-import-conf.XXXXXX")"
trap 'rm -rf "$conf_dir"' EXIT
cat >"$conf_dir/neo4j.conf" <<EOF
server.directories.data=$data_dir
server.directories.logs=$state/logs
EOF

# The importer's JVM gets the server's flags with its own heap (JAVA_OPTS takes precedence over
# HEAP_SIZE and neo4j.conf in neo4j-admin).
neo4j_jvm_flags "$heap"
args=(
  database import full neo4j
  --overwrite-destination
  --max-off-heap-memory="$memory"
  --threads="$threads"
  --report-file="$report_file"
  "${import_files[@]}"
  "$@"
)
say "importing $csv_dir into $data_dir (heap $heap, off-heap $memory, $threads threads)"
say "neo4j-admin ${args[*]}"

start_ns="$(date +%s%N)"
set +e
(
  cd "$state"
  exec env -u HEAP_SIZE NEO4J_HOME="$state" NEO4J_CONF="$conf_dir" JAVA_OPTS="${jvm_flags[*]}" \
    "$java_bin" -Xmx256m -XX:+UseSerialGC -Dfile.encoding=UTF-8 \
    -cp "$here/target/classes:$here/target/lib/*" "$admin_class" "${args[@]}"
) </dev/null 2>&1 | tee "$log_file"
status="${PIPESTATUS[0]}"
set -e
end_ns="$(date +%s%N)"
elapsed_ms=$(((end_ns - start_ns) / 1000000))
elapsed="$((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000)))"

if ((status != 0)); then
  say "the store in $data_dir/databases/neo4j is unusable now; import again (or start afresh with REACH_NEO4J_FRESH=1 up.sh)"
  say "for the cause of an input error, run again with --verbose after DIR; bad entries, if any, are in $report_file"
  die "import failed (exit status $status) after ${elapsed}s; output in $log_file"
fi

# Summary: the importer's own lines, then wall time (JVM start-up included) and rate.
nodes="$(sed -nE 's/^ +([0-9]+) nodes$/\1/p' "$log_file" | tail -n 1)"
rels="$(sed -nE 's/^ +([0-9]+) relationships$/\1/p' "$log_file" | tail -n 1)"
echo
echo "Summary"
sed -nE '/^IMPORT DONE/,/^Peak memory usage/p' "$log_file"
if [[ -n "$nodes" && -n "$rels" && "$elapsed_ms" -gt 0 ]]; then
  rate=$(((nodes + rels) * 1000 / elapsed_ms))
  echo "Elapsed: ${elapsed} s wall, $((nodes + rels)) rows, ${rate} rows/s"
else
  echo "Elapsed: ${elapsed} s wall"
fi
echo "Store: $(du -sh "$data_dir/databases/neo4j" | cut -f1) in $data_dir/databases/neo4j, $(du -sh "$data_dir/transactions/neo4j" | cut -f1) in $data_dir/transactions/neo4j"
say "done; start Neo4j on it with launcher/up.sh (same REACH_NEO4J_PORT / REACH_NEO4J_DIR), then create the constraints and indexes (reach migrate)"
