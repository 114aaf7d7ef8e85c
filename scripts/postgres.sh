#!/usr/bin/env bash
# Starts or stops a PostgreSQL 15 of the project's own: the benchmark's peer (what a team would
# write instead of reach) and its tests run against it. It keeps its data in a directory of its
# own, listens on 127.0.0.1 only and trusts connections from there, so it never touches a
# PostgreSQL the machine already runs. Debian's postgresql-15 is installed with apt-get when its
# binaries are missing.
#
#   scripts/postgres.sh up     start (initialising the directory if new), wait until it answers,
#                              then print its URL on stdout
#   scripts/postgres.sh down   stop it (its data is kept)
#
# Environment:
#   REACH_POSTGRES_PORT            port (default 5439)
#   REACH_POSTGRES_DIR             data and log directory (default <repo>/.postgres/<port>)
#   REACH_POSTGRES_FRESH           1 = wipe the directory before starting
#   REACH_POSTGRES_SHARED_BUFFERS  shared_buffers (default 256MB)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "postgres.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

bin=/usr/lib/postgresql/15/bin
port="${REACH_POSTGRES_PORT:-5439}"
dir="${REACH_POSTGRES_DIR:-$PWD/.postgres/$port}"
fresh="${REACH_POSTGRES_FRESH:-0}"
shared_buffers="${REACH_POSTGRES_SHARED_BUFFERS:-256MB}"
[[ "$port" =~ ^[0-9]+$ ]] || die "REACH_POSTGRES_PORT is not a port: $port"
[[ "$shared_buffers" =~ ^[0-9]+[kMG]?B?$ ]] || die "REACH_POSTGRES_SHARED_BUFFERS is not a size: $shared_buffers"

# as_owner runs a PostgreSQL program as the user owning the data: postgres when we are root
# (initdb and postgres refuse to run as root), ourselves otherwise.
as_owner() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install() {
  [[ -x "$bin/postgres" ]] && return 0
  ((EUID == 0)) || die "PostgreSQL 15 is not installed ($bin) and only root can install it: apt-get install postgresql-15"
  say "installing postgresql-15 with apt-get"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
  [[ -x "$bin/postgres" ]] || die "postgresql-15 installed, but $bin/postgres is missing"
}

url() { echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"; }

running() { [[ -f "$dir/data/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

up() {
  install
  if [[ "$fresh" == 1 ]]; then
    running && die "REACH_POSTGRES_FRESH=1 but PostgreSQL is running in $dir; run down first"
    rm -rf "${dir:?}"
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if ((EUID == 0)); then chown postgres: "$dir"; fi
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    say "initialising $dir/data"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  if running; then
    say "PostgreSQL already running in $dir"
  else
    if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
      die "port $port on 127.0.0.1 is already in use by another process (not a PostgreSQL for $dir); choose another REACH_POSTGRES_PORT or stop it"
    fi
    # Loopback only, trusted; the socket lives in the data directory, not in /var/run.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 120 start -o \
      "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/data \
       -c shared_buffers=$shared_buffers -c max_connections=200 -c logging_collector=off" >&2 ||
      { tail -n 30 "$dir/postgres.log" >&2; die "PostgreSQL did not start"; }
    say "PostgreSQL ready on 127.0.0.1:$port (data $dir/data, log $dir/postgres.log)"
  fi
  url
}

down() {
  if running; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2
  else
    say "no PostgreSQL running in $dir"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: scripts/postgres.sh up|down" >&2; exit 2 ;;
esac
