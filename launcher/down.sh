#!/usr/bin/env bash
# Stops the local Neo4j started by up.sh for the same state directory (same REACH_NEO4J_PORT /
# REACH_NEO4J_DIR): SIGTERM, which makes the launcher shut Neo4j down cleanly, then SIGKILL
# (with a warning) if it has not exited after REACH_NEO4J_STOP_TIMEOUT seconds (default 60).
# Succeeds quietly when nothing is running.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(dirname "$here")"
main_class=dev.reach.launcher.Neo4jLauncher

say() { echo "down.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }
# shellcheck source=common.sh
. "$here/common.sh"

port="${REACH_NEO4J_PORT:-7687}"
[[ "$port" =~ ^[0-9]+$ ]] || die "REACH_NEO4J_PORT is not a port: $port"
state="${REACH_NEO4J_DIR:-$repo_root/.neo4j/$port}"
stop_timeout="${REACH_NEO4J_STOP_TIMEOUT:-60}"
[[ "$stop_timeout" =~ ^[0-9]+$ ]] || die "REACH_NEO4J_STOP_TIMEOUT is not a number of seconds: $stop_timeout"

[[ -d "$state" ]] || exit 0
state="$(cd "$state" && pwd)"
data_dir="$state/data"
pid_file="$state/neo4j.pid"
[[ -f "$pid_file" ]] || exit 0

# Wait for an up.sh that is still starting this instance (it holds the lock until ready).
exec 8>"$state/.lock"
flock -w 900 8 || die "timed out waiting for another up.sh, down.sh or import.sh on $state"
[[ -f "$pid_file" ]] || exit 0

pid="$(tr -d '[:space:]' <"$pid_file")"
if ! [[ "$pid" =~ ^[0-9]+$ ]] || ! alive "$pid" || ! ours "$pid"; then
  rm -f "$pid_file"
  exit 0
fi

kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + stop_timeout))
while alive "$pid" && ((SECONDS < deadline)); do
  sleep 0.2
done
if alive "$pid"; then
  say "warning: Neo4j (pid $pid) still running ${stop_timeout}s after SIGTERM; sending SIGKILL (the next start will run recovery)"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    alive "$pid" || break
    sleep 0.1
  done
  alive "$pid" && die "Neo4j (pid $pid) survived SIGKILL"
fi
rm -f "$pid_file"
say "stopped Neo4j (pid $pid, state $state) in ${SECONDS}s"
