#!/usr/bin/env bash
# Starts a local Neo4j Community 5.26 (the real engine, from Maven Central) serving Bolt on
# 127.0.0.1, in the background, and returns once it accepts queries. See README.md.
#
# Environment:
#   REACH_NEO4J_PORT       Bolt port (default 7687)
#   REACH_NEO4J_DIR        state directory: data/, neo4j.pid, neo4j.log
#                          (default <repo root>/.neo4j/<port>)
#   REACH_NEO4J_HEAP       JVM heap, -Xms and -Xmx (default 2g)
#   REACH_NEO4J_PAGECACHE  Neo4j page cache (default 2g)
#   REACH_NEO4J_FRESH      1 = wipe the data directory before starting
#   REACH_NEO4J_TIMEOUT    seconds to wait for readiness (default 180)
#   REACH_NEO4J_JAVA_OPTS  extra JVM flags, appended (word-split)
#   REACH_NEO4J_SETTINGS   extra Neo4j settings, KEY=VALUE separated by spaces, given last so
#                          that they override the launcher's own
#   JAVA_HOME              Java 17+ to use (default: java on PATH)
#
# On success prints the Bolt URI (bolt://127.0.0.1:<port>) on stdout; progress and errors go
# to stderr. If an instance is already running for the state directory, it only waits for it
# to be ready.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(dirname "$here")"
main_class=dev.reach.launcher.Neo4jLauncher

say() { echo "up.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }
# shellcheck source=common.sh
. "$here/common.sh"

port="${REACH_NEO4J_PORT:-7687}"
if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then die "REACH_NEO4J_PORT is not a port: $port"; fi
state="${REACH_NEO4J_DIR:-$repo_root/.neo4j/$port}"
heap="${REACH_NEO4J_HEAP:-2g}"
pagecache="${REACH_NEO4J_PAGECACHE:-2g}"
fresh="${REACH_NEO4J_FRESH:-0}"
timeout="${REACH_NEO4J_TIMEOUT:-180}"
[[ "$heap" =~ ^[0-9]+[kKmMgG]?$ ]] || die "REACH_NEO4J_HEAP is not a size: $heap"
[[ "$pagecache" =~ ^[0-9]+[kKmMgG]?$ ]] || die "REACH_NEO4J_PAGECACHE is not a size: $pagecache"
[[ "$timeout" =~ ^[0-9]+$ ]] || die "REACH_NEO4J_TIMEOUT is not a number of seconds: $timeout"

settings=()
read -r -a extra_settings <<<"${REACH_NEO4J_SETTINGS:-}"
for kv in "${extra_settings[@]}"; do
  [[ "$kv" =~ ^[a-z0-9_.]+=.+$ ]] || die "REACH_NEO4J_SETTINGS holds something other than KEY=VALUE: $kv"
  settings+=("--setting=$kv")
done

mkdir -p "$state"
state="$(cd "$state" && pwd)"
data_dir="$state/data"
pid_file="$state/neo4j.pid"
log_file="$state/neo4j.log"

# JVM flags: those of the Neo4j server (see common.sh).
neo4j_jvm_flags "$heap"

port_in_use() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

show_log_tail() {
  if [[ -s "$log_file" ]]; then
    say "last lines of $log_file:"
    tail -n 40 "$log_file" >&2
  fi
}

# stop_pid PID: SIGTERM, then SIGKILL after 60 s (as down.sh does).
stop_pid() {
  local pid="$1" deadline=$((SECONDS + 60))
  kill -TERM "$pid" 2>/dev/null || true
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$pid_file"
}

# wait_ready PID: waits until the log shows the READY line; fails if the process dies or the
# timeout passes (in which case the process is stopped).
wait_ready() {
  local pid="$1" deadline=$((SECONDS + timeout))
  while :; do
    if grep -q '^READY bolt://' "$log_file" 2>/dev/null; then
      return 0
    fi
    if ! alive "$pid"; then
      show_log_tail
      rm -f "$pid_file"
      die "Neo4j (pid $pid) exited before it was ready"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail
      say "Neo4j (pid $pid) not ready after ${timeout}s; stopping it"
      stop_pid "$pid"
      die "timed out waiting for Neo4j"
    fi
    sleep 0.25
  done
}

report_ready() {
  local pid="$1" uri
  uri="$(sed -n 's/^READY //p' "$log_file" | tail -n 1)"
  say "Neo4j ready on $uri (pid $pid, state $state, ${SECONDS}s)"
  echo "$uri"
}

# One up.sh at a time per state directory (parallel callers would otherwise both start a
# server); the lock is held until the server is ready, and not passed on to the server.
exec 8>"$state/.lock"
flock -w $((timeout + 600)) 8 || die "timed out waiting for another up.sh, down.sh or import.sh on $state"

# Already running for this state directory: just confirm readiness.
if pid="$(running_pid)"; then
  if [[ "$fresh" == 1 ]]; then
    die "REACH_NEO4J_FRESH=1 but Neo4j is already running for $state (pid $pid); run down.sh first"
  fi
  say "Neo4j already running (pid $pid)"
  wait_ready "$pid"
  report_ready "$pid"
  exit 0
fi
rm -f "$pid_file"

if port_in_use "$port"; then
  die "port $port on 127.0.0.1 is already in use by another process (not an instance for $state); choose another REACH_NEO4J_PORT or stop it"
fi

find_java

build

if [[ "$fresh" == 1 ]]; then
  say "REACH_NEO4J_FRESH=1: wiping $data_dir"
  rm -rf "${data_dir:?}"
fi
mkdir -p "$data_dir"
[[ -f "$log_file" ]] && mv -f "$log_file" "$log_file.1"

# New session (setsid) so that the server outlives this script and its terminal; the child
# writes its own pid before it becomes java (exec keeps the pid).
(
  cd "$state"
  exec 8>&-
  # shellcheck disable=SC2016 # expanded by the inner bash
  exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" \
    "$java_bin" "${jvm_flags[@]}" -cp "$here/target/classes:$here/target/lib/*" "$main_class" \
    --data-dir="$data_dir" --bolt-port="$port" --pagecache="$pagecache" "${settings[@]}" \
    </dev/null >"$log_file" 2>&1
) &

for _ in $(seq 1 100); do
  [[ -s "$pid_file" ]] && break
  sleep 0.05
done
pid="$(tr -d '[:space:]' <"$pid_file" 2>/dev/null || true)"
[[ "$pid" =~ ^[0-9]+$ ]] || die "could not start Neo4j (no pid written)"
say "starting Neo4j (pid $pid, bolt port $port, heap $heap, page cache $pagecache, log $log_file)"
wait_ready "$pid"
report_ready "$pid"
