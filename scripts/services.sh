#!/usr/bin/env bash
# Real services for Shotline's tests and CI, without Docker:
#   kafka  Apache Kafka (KRaft, one combined broker + controller) from Maven Central jars
#   mongo  a MongoDB-wire server: tools/mongo-wire (FerretDB v1 embedded, SQLite storage)
#
# Usage: scripts/services.sh start|stop|restart|status|clean|provision|env|version [kafka|mongo ...]
#   (no names = both)
#
#   provision  download / build what is missing into $SHOTLINE_CACHE (start does it too)
#   start      provision, start, wait until ready; a no-op for a service already running
#   stop       SIGTERM, wait, then SIGKILL; data is kept, so a later start has the same
#              topics, offsets and collections
#   status     prints "NAME running pid=... ..." or "NAME stopped"; exit 1 if any is stopped
#   clean      stops, then deletes the data directories
#   env        prints the env file (KAFKA_BROKERS, MONGO_URL)
#   version    prints the Kafka version and mongo-wire's version line
#
# Settings (environment):
#   SHOTLINE_SERVICES_DIR   state: pid files, logs, data   ($SHOTLINE_CACHE/run/services)
#   SHOTLINE_KAFKA_PORT / SHOTLINE_KAFKA_CONTROLLER_PORT   (19092 / 19093)
#   SHOTLINE_MONGO_PORT     (27117)
#   SHOTLINE_MONGO_DB       database name in MONGO_URL     (shotline_test)
#   SHOTLINE_KAFKA_HEAP     JVM heap options               (-Xms128m -Xmx512m)
#   SHOTLINE_START_TIMEOUT  seconds to wait for readiness  (90)
#
# Every service listens on 127.0.0.1 only. $SHOTLINE_SERVICES_DIR/env gets
#   export KAFKA_BROKERS=127.0.0.1:19092
#   export MONGO_URL=mongodb://127.0.0.1:27117/shotline_test
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

SERVICES_DIR="${SHOTLINE_SERVICES_DIR:-$SHOTLINE_CACHE/run/services}"
# Absolute, because pid checks look for it in the services' command lines.
mkdir -p "$SERVICES_DIR"
SERVICES_DIR="$(cd "$SERVICES_DIR" && pwd)"
HOST=127.0.0.1
KAFKA_PORT="${SHOTLINE_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${SHOTLINE_KAFKA_CONTROLLER_PORT:-19093}"
MONGO_PORT="${SHOTLINE_MONGO_PORT:-27117}"
MONGO_DB="${SHOTLINE_MONGO_DB:-shotline_test}"
KAFKA_HEAP="${SHOTLINE_KAFKA_HEAP:--Xms128m -Xmx512m}"
START_TIMEOUT="${SHOTLINE_START_TIMEOUT:-90}"

KAFKA_TOOLS_DIR="$SHOTLINE_ROOT/tools/kafka"
MONGO_WIRE_SRC="$SHOTLINE_ROOT/tools/mongo-wire"

kafka_version() {
  sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_TOOLS_DIR/pom.xml" | head -n1
}

# --- process helpers ----------------------------------------------------------------

# pid_alive PID: running and not a zombie.
pid_alive() {
  local state
  [[ -n "$1" && -r "/proc/$1/stat" ]] || return 1
  state="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# service_pid NAME: prints the pid of our running NAME service, or fails. The pid file
# is trusted only if that process's command line still names this service and its
# state dir (a stale pid file after a reboot may name someone else's process).
service_pid() {
  local name=$1 pidfile="$SERVICES_DIR/$1/$1.pid" pid marker
  [[ -s "$pidfile" ]] || return 1
  pid="$(<"$pidfile")"
  pid_alive "$pid" || return 1
  case "$name" in
    kafka) marker="kafka.Kafka" ;;
    mongo) marker="mongo-wire" ;;
  esac
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$SERVICES_DIR/$name/" || return 1
  printf '%s\n' "$pid"
}

# launch NAME LOGFILE CMD...: starts CMD in its own session (so a Ctrl-C in the caller's
# terminal does not reach it), detached from stdin, output appended to LOGFILE, no other
# inherited descriptors (a caller waiting for a pipe to close must not wait for the
# service), and writes its pid to the pid file. The pid is written by the process
# itself before it execs CMD, so it is right whatever setsid does.
launch() {
  local name=$1 logfile=$2
  shift 2
  local pidfile="$SERVICES_DIR/$name/$name.pid"
  rm -f "$pidfile"
  printf '\n===== %s: starting %s =====\n' "$(date -u +%FT%TZ)" "$name" >>"$logfile"
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c '
    fds=(/proc/$$/fd/*)
    for fd in "${fds[@]}"; do
      fd=${fd##*/}
      if [[ $fd =~ ^[0-9]+$ ]] && ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    echo $$ >"$0"
    exec "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 &
  local waited=0
  until [[ -s "$pidfile" ]]; do
    sleep 0.05
    ((++waited < 100)) || { log "ERROR: $name did not start (no pid file)"; return 1; }
  done
}

# stop_service NAME GRACE_SECONDS
stop_service() {
  local name=$1 grace=$2 pid i
  if ! pid="$(service_pid "$name")"; then
    rm -f "$SERVICES_DIR/$name/$name.pid"
    log "$name: not running"
    return 0
  fi
  log "$name: stopping (pid $pid, SIGTERM)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    pid_alive "$pid" || break
    sleep 0.1
  done
  if pid_alive "$pid"; then
    log "$name: still running after ${grace}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      pid_alive "$pid" || break
      sleep 0.1
    done
  fi
  rm -f "$SERVICES_DIR/$name/$name.pid"
  log "$name: stopped"
}

# fail_start NAME PID: report a failed start with the log's tail, stop what is left.
fail_start() {
  local name=$1 pid=$2 logfile="$SERVICES_DIR/$1/$1.log"
  log "ERROR: $name did not become ready; last lines of $logfile:"
  tail -n 40 "$logfile" >&2 || true
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    sleep 2
    if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$SERVICES_DIR/$name/$name.pid"
  return 1
}

check_port_free() {
  local name=$1 port=$2
  if port_open "$HOST" "$port"; then
    log "ERROR: $name: $HOST:$port is already in use by another process (not one this script started)."
    log "       Stop it, or choose other ports with SHOTLINE_KAFKA_PORT / SHOTLINE_KAFKA_CONTROLLER_PORT / SHOTLINE_MONGO_PORT."
    return 1
  fi
}

# with_lock NAME CMD...: runs CMD holding an exclusive lock (two CI runs on one machine
# must not fill the same cache directory at the same time).
with_lock() {
  local lockname=$1
  shift
  mkdir -p "$SHOTLINE_CACHE/locks"
  if command -v flock >/dev/null 2>&1; then
    (
      flock -w 900 9 || { log "ERROR: timed out waiting for lock $lockname"; exit 1; }
      "$@"
    ) 9>"$SHOTLINE_CACHE/locks/$lockname.lock"
  else
    "$@"
  fi
}

# --- Kafka --------------------------------------------------------------------------

require_java() {
  if ! command -v java >/dev/null 2>&1; then
    die "kafka: 'java' is not on PATH. Kafka $(kafka_version) needs Java 17 or newer (Debian: apt-get install -y openjdk-17-jre-headless)."
  fi
  local v major
  v="$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  major="${v%%.*}"
  [[ "$major" == 1 ]] && major="$(echo "$v" | cut -d. -f2)"
  if [[ "$major" =~ ^[0-9]+$ ]] && ((major < 17)); then
    die "kafka: Java $v found; Kafka $(kafka_version) needs Java 17 or newer."
  fi
}

require_maven() {
  command -v mvn >/dev/null 2>&1 ||
    die "kafka: 'mvn' is not on PATH; it is needed once to fetch the Kafka jars from Maven Central (Debian: apt-get install -y maven)."
}

kafka_home() { printf '%s\n' "$SHOTLINE_CACHE/kafka-$(kafka_version)"; }

kafka_pom_hash() { sha256_of "$KAFKA_TOOLS_DIR/pom.xml"; }

_provision_kafka_locked() {
  local home libs stamp tmp
  home="$(kafka_home)"
  libs="$home/libs"
  stamp="$(kafka_pom_hash)"
  if [[ -f "$libs/.complete" && "$(<"$libs/.complete")" == "$stamp" ]]; then
    return 0
  fi
  require_maven
  log "kafka: fetching Kafka $(kafka_version) jars from Maven Central into $libs"
  mkdir -p "$home"
  tmp="$home/libs.tmp.$$"
  rm -rf "$tmp"
  if ! mvn -B -q -Dstyle.color=never -f "$KAFKA_TOOLS_DIR/pom.xml" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >"$home/mvn.log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$home/mvn.log" | tail -n 40 >&2
    rm -rf "$tmp"
    die "kafka: 'mvn dependency:copy-dependencies' failed (output above, full log in $home/mvn.log)"
  fi
  [[ -f "$tmp/kafka_2.13-$(kafka_version).jar" ]] || die "kafka: the Kafka jar is missing from $tmp"
  printf '%s\n' "$stamp" >"$tmp/.complete"
  rm -rf "$libs"
  mv "$tmp" "$libs"
  log "kafka: $(find "$libs" -name '*.jar' | wc -l) jars in $libs"
}

provision_kafka() {
  require_java
  with_lock "kafka-$(kafka_version)" _provision_kafka_locked
}

# kafka_java CLASS ARGS...: runs a Kafka command-line class (quiet logging).
kafka_java() {
  java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_TOOLS_DIR/tools-log4j2.properties" \
    -cp "$(kafka_home)/libs/*" "$@"
}

kafka_ready() {
  local cfg="$SERVICES_DIR/kafka/admin.properties"
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" \
    --command-config "$cfg" --list >/dev/null 2>>"$SERVICES_DIR/kafka/readiness.log"
}

start_kafka() {
  local dir="$SERVICES_DIR/kafka" pid
  if pid="$(service_pid kafka)"; then
    log "kafka: already running (pid $pid) on $HOST:$KAFKA_PORT"
    return 0
  fi
  provision_kafka
  check_port_free kafka "$KAFKA_PORT"
  check_port_free kafka "$KAFKA_CONTROLLER_PORT"

  mkdir -p "$dir/data"
  sed -e "s|@HOST@|$HOST|g" -e "s|@BROKER_PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" -e "s|@LOG_DIRS@|$dir/data|g" \
    "$KAFKA_TOOLS_DIR/server.properties.template" >"$dir/server.properties"
  cat >"$dir/admin.properties" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=8000
EOF

  if [[ ! -f "$dir/data/meta.properties" ]]; then
    # A cluster id is a base64url-encoded random 16-byte UUID.
    local cluster_id
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    log "kafka: formatting storage in $dir/data (cluster id $cluster_id)"
    kafka_java kafka.tools.StorageTool format --ignore-formatted \
      -t "$cluster_id" -c "$dir/server.properties" >>"$dir/kafka.log" 2>&1 ||
      { tail -n 20 "$dir/kafka.log" >&2; die "kafka: storage format failed"; }
  fi

  log "kafka: starting Kafka $(kafka_version) on $HOST:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
  local started=$SECONDS
  # shellcheck disable=SC2086 # KAFKA_HEAP is a list of JVM options
  launch kafka "$dir/kafka.log" java $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$KAFKA_TOOLS_DIR/log4j2.properties" \
    -cp "$(kafka_home)/libs/*" kafka.Kafka "$dir/server.properties"
  pid="$(<"$dir/kafka.pid")"

  local deadline=$((SECONDS + START_TIMEOUT))
  until port_open "$HOST" "$KAFKA_PORT"; do
    pid_alive "$pid" || fail_start kafka "$pid" || return 1
    ((SECONDS < deadline)) || fail_start kafka "$pid" || return 1
    sleep 0.2
  done
  : >"$dir/readiness.log"
  until kafka_ready; do
    pid_alive "$pid" || fail_start kafka "$pid" || return 1
    ((SECONDS < deadline)) || { tail -n 20 "$dir/readiness.log" >&2; fail_start kafka "$pid" || return 1; }
    sleep 0.5
  done
  log "kafka: ready on $HOST:$KAFKA_PORT (pid $pid, $((SECONDS - started))s)"
}

# --- MongoDB-wire server --------------------------------------------------------------

require_go() {
  if ! command -v go >/dev/null 2>&1; then
    [[ -x /usr/local/go/bin/go ]] && PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null 2>&1 ||
    die "mongo: 'go' is not on PATH; Go 1.24 or newer is needed once to build tools/mongo-wire (https://go.dev/doc/install, or Debian: apt-get install -y golang)."
}

MONGO_WIRE_BUILD_FLAGS=(-trimpath -buildvcs=false -tags ferretdb_no_postgresql -ldflags=-s\ -w)

mongo_wire_hash() {
  {
    sha256_of "$MONGO_WIRE_SRC/go.mod" "$MONGO_WIRE_SRC/go.sum" "$MONGO_WIRE_SRC/main.go"
    printf '%s\n' "${MONGO_WIRE_BUILD_FLAGS[*]}"
  } | sha256sum | cut -c1-16
}

mongo_wire_bin() { printf '%s\n' "$SHOTLINE_CACHE/mongo-wire/$(mongo_wire_hash)/mongo-wire"; }

_provision_mongo_locked() {
  local bin tmp
  bin="$(mongo_wire_bin)"
  [[ -x "$bin" ]] && return 0
  require_go
  log "mongo: building tools/mongo-wire ($(go version | cut -d' ' -f3)) into $bin"
  mkdir -p "$(dirname "$bin")"
  tmp="$bin.tmp.$$"
  # The first build downloads FerretDB and its dependencies through the Go module proxy
  # (about a minute); later builds of a changed main.go reuse Go's own caches.
  if ! (cd "$MONGO_WIRE_SRC" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build "${MONGO_WIRE_BUILD_FLAGS[@]}" -o "$tmp" .) \
    >"$SHOTLINE_CACHE/mongo-wire/build.log" 2>&1; then
    tail -n 40 "$SHOTLINE_CACHE/mongo-wire/build.log" >&2
    rm -f "$tmp"
    die "mongo: 'go build' of tools/mongo-wire failed (output above, full log in $SHOTLINE_CACHE/mongo-wire/build.log)"
  fi
  mv "$tmp" "$bin"
}

provision_mongo() {
  with_lock mongo-wire _provision_mongo_locked
}

start_mongo() {
  local dir="$SERVICES_DIR/mongo" pid bin
  if pid="$(service_pid mongo)"; then
    log "mongo: already running (pid $pid) on $HOST:$MONGO_PORT"
    return 0
  fi
  provision_mongo
  bin="$(mongo_wire_bin)"
  check_port_free mongo "$MONGO_PORT"
  mkdir -p "$dir/data"

  log "mongo: starting mongo-wire on $HOST:$MONGO_PORT (data in $dir/data)"
  local started=$SECONDS
  launch mongo "$dir/mongo.log" "$bin" -addr "$HOST:$MONGO_PORT" -dir "$dir/data"
  pid="$(<"$dir/mongo.pid")"

  local deadline=$((SECONDS + START_TIMEOUT))
  until "$bin" -ping "$HOST:$MONGO_PORT" >/dev/null 2>&1; do
    pid_alive "$pid" || fail_start mongo "$pid" || return 1
    ((SECONDS < deadline)) || fail_start mongo "$pid" || return 1
    sleep 0.1
  done
  log "mongo: ready on $HOST:$MONGO_PORT (pid $pid, $((SECONDS - started))s)"
}

# --- env file, status, commands -------------------------------------------------------

write_env() {
  mkdir -p "$SERVICES_DIR"
  cat >"$SERVICES_DIR/env.tmp" <<EOF
# Written by scripts/services.sh: source it to point the tests at the local services.
export KAFKA_BROKERS=$HOST:$KAFKA_PORT
export MONGO_URL=mongodb://$HOST:$MONGO_PORT/$MONGO_DB
EOF
  mv "$SERVICES_DIR/env.tmp" "$SERVICES_DIR/env"
}

status_one() {
  local name=$1 pid
  if pid="$(service_pid "$name")"; then
    case "$name" in
      kafka) echo "kafka running pid=$pid brokers=$HOST:$KAFKA_PORT version=$(kafka_version) log=$SERVICES_DIR/kafka/kafka.log" ;;
      mongo) echo "mongo running pid=$pid url=mongodb://$HOST:$MONGO_PORT/$MONGO_DB log=$SERVICES_DIR/mongo/mongo.log" ;;
    esac
  else
    echo "$name stopped"
    return 1
  fi
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  local cmd=${1:-}
  [[ -n "$cmd" ]] || usage
  shift
  local names=("$@") n
  ((${#names[@]})) || names=(kafka mongo)
  for n in "${names[@]}"; do
    [[ "$n" == kafka || "$n" == mongo ]] || { log "ERROR: unknown service '$n' (kafka or mongo)"; usage; }
  done

  case "$cmd" in
    provision)
      for n in "${names[@]}"; do "provision_$n"; done
      ;;
    start)
      mkdir -p "$SERVICES_DIR"
      write_env
      for n in "${names[@]}"; do "start_$n"; done
      ;;
    stop)
      for n in "${names[@]}"; do
        case "$n" in
          kafka) stop_service kafka 60 ;;
          mongo) stop_service mongo 15 ;;
        esac
      done
      ;;
    restart)
      main stop "${names[@]}"
      main start "${names[@]}"
      ;;
    status)
      local rc=0
      for n in "${names[@]}"; do status_one "$n" || rc=1; done
      return $rc
      ;;
    clean)
      main stop "${names[@]}"
      for n in "${names[@]}"; do
        log "$n: removing $SERVICES_DIR/$n/data"
        rm -rf "${SERVICES_DIR:?}/$n/data"
      done
      ;;
    version)
      for n in "${names[@]}"; do
        case "$n" in
          kafka) echo "kafka $(kafka_version) (jars in $(kafka_home)/libs)" ;;
          mongo) [[ -x "$(mongo_wire_bin)" ]] && "$(mongo_wire_bin)" -version || echo "mongo-wire (not built yet)" ;;
        esac
      done
      ;;
    env)
      write_env
      cat "$SERVICES_DIR/env"
      ;;
    -h | --help | help) usage ;;
    *)
      log "ERROR: unknown command '$cmd'"
      usage
      ;;
  esac
}

main "$@"
