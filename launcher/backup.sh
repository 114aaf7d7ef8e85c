#!/usr/bin/env bash
# Dumps the `neo4j` database of the local Neo4j that up.sh runs for the same state directory to a
# file, or loads such a file in its place, with Neo4j's own `neo4j-admin database dump` and
# `database load`: a backup taken and restored as an operator would on Community, where both
# need the database stopped (down.sh first, up.sh after). Loading replaces what the database
# held. See README.md.
#
#   launcher/backup.sh dump DIR    writes DIR/neo4j.dump (replacing one there)
#   launcher/backup.sh load DIR    loads DIR/neo4j.dump in place of the database
#
# Environment: REACH_NEO4J_PORT and REACH_NEO4J_DIR (which instance, as for up.sh),
# REACH_NEO4J_JAVA_OPTS (extra JVM flags, appended), JAVA_HOME (Java 17+; default java on PATH).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(dirname "$here")"
main_class=dev.reach.launcher.Neo4jLauncher
# The entry point of Neo4j's bin/neo4j-admin, as import.sh uses it.
admin_class=org.neo4j.server.startup.Neo4jAdminCommand

say() { echo "backup.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }
# shellcheck source=common.sh
. "$here/common.sh"

usage() { echo "usage: launcher/backup.sh dump|load DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
command="$1"
mkdir -p "$2"
dir="$(cd "$2" && pwd)"
case "$command" in
  dump) args=(database dump neo4j --to-path="$dir" --overwrite-destination) ;;
  load)
    [[ -f "$dir/neo4j.dump" ]] || die "no neo4j.dump in $dir"
    args=(database load neo4j --from-path="$dir" --overwrite-destination)
    ;;
  *) usage ;;
esac

port="${REACH_NEO4J_PORT:-7687}"
[[ "$port" =~ ^[0-9]+$ ]] || die "REACH_NEO4J_PORT is not a port: $port"
state="${REACH_NEO4J_DIR:-$repo_root/.neo4j/$port}"
[[ -d "$state" ]] || die "no state directory $state: start Neo4j once with up.sh"
state="$(cd "$state" && pwd)"
data_dir="$state/data"
pid_file="$state/neo4j.pid"

# The lock up.sh, down.sh and import.sh take: no start while the command reads or writes the store.
exec 8>"$state/.lock"
flock -w 60 8 || die "another up.sh, down.sh, import.sh or backup.sh is busy with $state"
if pid="$(running_pid)"; then
  die "Neo4j is running for $state (pid $pid); stop it first with launcher/down.sh (same REACH_NEO4J_PORT / REACH_NEO4J_DIR)"
fi

find_java
build

# neo4j-admin reads neo4j.conf from NEO4J_CONF; this one names the launcher's directories.
conf_dir="$(mktemp -d "${TMPDIR:-/tmp}/reach-backup-conf.XXXXXX")"
trap 'rm -rf "$conf_dir"' EXIT
cat >"$conf_dir/neo4j.conf" <<CONF
server.directories.data=$data_dir
server.directories.logs=$state/logs
CONF

neo4j_jvm_flags 256m
start_ns="$(date +%s%N)"
if ! out="$(cd "$state" && env -u HEAP_SIZE NEO4J_HOME="$state" NEO4J_CONF="$conf_dir" JAVA_OPTS="${jvm_flags[*]}" \
  "$java_bin" -Xmx256m -XX:+UseSerialGC -Dfile.encoding=UTF-8 \
  -cp "$here/target/classes:$here/target/lib/*" "$admin_class" "${args[@]}" </dev/null 2>&1)"; then
  echo "$out" >&2
  die "neo4j-admin ${args[*]} failed"
fi
say "$command of $state in $dir done in $((($(date +%s%N) - start_ns) / 1000000)) ms"
