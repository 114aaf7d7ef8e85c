# Shared by up.sh, down.sh and import.sh, and by scripts/import.sh for import_plan (sourced, not
# run). The caller sets:
#   here       the launcher directory
#   main_class the launcher's Java class (dev.reach.launcher.Neo4jLauncher)
#   data_dir   the instance's Neo4j data directory (absolute)
#   pid_file   the instance's pid file
# and defines say() and die().
# shellcheck shell=bash disable=SC2154

# neo4j_jvm_flags HEAP: sets the array jvm_flags to the JVM flags Neo4j runs with. These are the
# server.jvm.additional lines of the neo4j.conf that ships with Neo4j 5.26 (tarball, Debian
# package and Docker image), plus what Neo4j's own bootloader
# (org.neo4j.server.startup.BootloaderOsAbstraction in org.neo4j:neo4j) adds by itself:
# -Xms/-Xmx from the heap settings and -Dfile.encoding=UTF-8. The bootloader gives the same
# flags to the JVMs that run neo4j-admin commands. REACH_NEO4J_JAVA_OPTS is appended
# (word-split).
neo4j_jvm_flags() {
  local heap="$1"
  jvm_flags=(
    -Xms"$heap" -Xmx"$heap"
    -XX:+UseG1GC
    -XX:-OmitStackTraceInFastThrow
    -XX:+AlwaysPreTouch
    -XX:+UnlockExperimentalVMOptions
    -XX:+TrustFinalNonStaticFields
    -XX:+DisableExplicitGC
    -Djdk.nio.maxCachedBufferSize=1024
    -Dio.netty.tryReflectionSetAccessible=true
    -Djdk.tls.ephemeralDHKeySize=2048
    -Djdk.tls.rejectClientInitiatedRenegotiation=true
    -XX:FlightRecorderOptions=stackdepth=256
    -XX:+UnlockDiagnosticVMOptions
    -XX:+DebugNonSafepoints
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --enable-native-access=ALL-UNNAMED
    -Dlog4j2.disable.jmx=true
    -Dlog4j.layout.jsonTemplate.maxStringLength=32768
    -Dfile.encoding=UTF-8
  )
  if [[ -n "${REACH_NEO4J_JAVA_OPTS:-}" ]]; then
    local extra_flags
    read -r -a extra_flags <<<"$REACH_NEO4J_JAVA_OPTS"
    jvm_flags+=("${extra_flags[@]}")
  fi
}

# import_plan CSV_DIR PREFIX: checks the CSV layout `reach seed --out` writes and sets what an
# offline import of it needs, for launcher/import.sh and scripts/import.sh (Docker) alike:
#   import_files  the importer's --nodes and --relationships options, in import order, each file
#                 named PREFIX/<name>.csv (PREFIX is where the importer sees CSV_DIR);
#   heap, memory, threads  from REACH_NEO4J_IMPORT_HEAP (2g), REACH_NEO4J_IMPORT_MEMORY (8g) and
#                 REACH_NEO4J_IMPORT_THREADS (twice the processors, at least 4: the importer's
#                 stages wait on I/O, and on a 2-core machine 4 threads import 50 million
#                 relationships about 25% faster than 2, README.md).
# Members and connections are required; organisations, groups, conversations, blocks,
# invitations, messages, conversation sides, declines, reports, positions and group memberships
# are imported when present. An organisation
# whose kind is not company or school is refused (check_kinds).
import_plan() {
  local csv_dir="$1" prefix="$2" name cpus
  heap="${REACH_NEO4J_IMPORT_HEAP:-2g}"
  memory="${REACH_NEO4J_IMPORT_MEMORY:-8g}"
  cpus="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"
  threads="${REACH_NEO4J_IMPORT_THREADS:-$((cpus * 2 > 4 ? cpus * 2 : 4))}"
  [[ "$heap" =~ ^[0-9]+[kKmMgG]?$ ]] || die "REACH_NEO4J_IMPORT_HEAP is not a size: $heap"
  [[ "$memory" =~ ^[0-9]+([kKmMgGtT]|%)?$ ]] || die "REACH_NEO4J_IMPORT_MEMORY is not a size or percentage: $memory"
  [[ "$threads" =~ ^[1-9][0-9]*$ ]] || die "REACH_NEO4J_IMPORT_THREADS is not a positive number: $threads"
  [[ -f "$csv_dir/members.csv" ]] || die "$csv_dir/members.csv is missing"
  [[ -f "$csv_dir/connections.csv" ]] || die "$csv_dir/connections.csv is missing"
  import_files=(--nodes="$prefix/members.csv" --relationships="$prefix/connections.csv")
  if [[ -f "$csv_dir/organisations.csv" ]]; then
    check_kinds "$csv_dir/organisations.csv"
  fi
  for name in organisations groups conversations; do
    if [[ -f "$csv_dir/$name.csv" ]]; then
      import_files+=(--nodes="$prefix/$name.csv")
    else
      say "no $name.csv in $csv_dir; skipping it"
    fi
  done
  for name in blocks invitations messages sides declines reports positions memberships; do
    if [[ -f "$csv_dir/$name.csv" ]]; then
      import_files+=(--relationships="$prefix/$name.csv")
    else
      say "no $name.csv in $csv_dir; skipping it"
    fi
  done
}

# check_kinds FILE: dies, naming the lines and the kinds, unless every organisation in FILE (CSV
# in the bulk layout, its kind in the column headed kind) is a company or a school, as the API
# requires: the messaging rules read the kind (coworkers share a company), and no rule knows
# what an organisation of another kind, or of none, is.
check_kinds() {
  local file="$1" report
  report="$(awk '
    # fields splits one CSV record (RFC 4180, no line breaks inside fields) into f[1..n]; returns n.
    function fields(line, f,    n, i, c, quoted, v) {
      n = 0; v = ""; quoted = 0
      for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (quoted) {
          if (c != "\"") v = v c
          else if (substr(line, i + 1, 1) == "\"") { v = v c; i++ }
          else quoted = 0
        } else if (c == "\"") quoted = 1
        else if (c == ",") { f[++n] = v; v = "" }
        else v = v c
      }
      f[++n] = v
      return n
    }
    { sub(/\r$/, "") }
    NR == 1 {
      n = fields($0, h)
      for (i = 1; i <= n; i++) { name = h[i]; sub(/:.*/, "", name); if (name == "kind") col = i; if (name == "id") id = i }
      if (!col) { msg = "no kind column in its header"; bad = 1; exit }
      next
    }
    $0 == "" { next }
    {
      kind = fields($0, f) >= col ? f[col] : ""
      if (kind != "company" && kind != "school" && ++bad <= 5) {
        msg = msg (bad > 1 ? "; " : "") sprintf("line %d: organisation %s has kind \"%s\", not company or school", NR, f[id], kind)
      }
    }
    END {
      if (bad > 5) msg = msg sprintf("; and %d more", bad - 5)
      if (bad) { print msg; exit 1 }
    }
  ' "$file")" || die "$file: $report"
}

# find_java: sets java_bin to a Java 17+ (JAVA_HOME, else java on PATH), or dies.
find_java() {
  local major
  java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  command -v "$java_bin" >/dev/null || die "java not found (set JAVA_HOME or put Java 17+ on PATH)"
  major="$("$java_bin" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p')"
  if [[ -z "$major" ]] || ((major < 17)); then
    die "Java 17 or newer needed (found: $("$java_bin" -version 2>&1 | head -n 1))"
  fi
}

# alive PID: the process exists and is not a zombie.
alive() {
  local pid="$1" st
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    st="$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$pid/stat" 2>/dev/null || true)"
    [[ "$st" != Z && "$st" != X ]] || return 1
  fi
}

# ours PID: the process is this launcher, on this state directory (guards against a reused pid).
ours() {
  local args
  args="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || ps -o args= -p "$1" 2>/dev/null || true)"
  [[ "$args" == *"$main_class"* && "$args" == *"--data-dir=$data_dir "* ]]
}

# running_pid: prints the pid of the instance for this state directory, if one is running.
running_pid() {
  local pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(tr -d '[:space:]' <"$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" && ours "$pid" || return 1
  echo "$pid"
}

# build: compiles the launcher and copies its dependencies into target/lib, when target/ is
# missing or older than pom.xml or the sources. Serialised with flock, so that instances
# started in parallel build once.
build() {
  local target="$here/target" stamp="$here/target/.build-stamp"
  stale() {
    [[ ! -f "$stamp" || ! -d "$target/classes" || ! -d "$target/lib" || "$here/pom.xml" -nt "$stamp" ]] ||
      [[ -n "$(find "$here/src" -newer "$stamp" -print -quit)" ]]
  }
  stale || return 0
  mkdir -p "$target"
  exec 9>"$target/.build.lock"
  flock 9
  if stale; then
    command -v mvn >/dev/null || die "mvn (Maven) is needed to build the launcher"
    say "building the launcher (Maven)..."
    # After a pom.xml change start from an empty lib/, so that no stale jar stays on the
    # class path. (Instances running from this tree should be stopped before such a change.)
    if [[ ! -f "$stamp" || "$here/pom.xml" -nt "$stamp" ]]; then
      rm -rf "${target:?}/lib"
    fi
    if ! mvn -q -B -f "$here/pom.xml" package >"$target/build.log" 2>&1; then
      cat "$target/build.log" >&2
      die "Maven build failed"
    fi
    touch "$stamp"
  fi
  exec 9>&-
}
