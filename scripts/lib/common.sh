# shellcheck shell=bash
# Shared helpers for Shotline's scripts. Source it; it changes no shell options.
#
#   SHOTLINE_ROOT   the repository root (this file's ../..)
#   SHOTLINE_CACHE  where downloaded and built tools live, outside the clone so that
#                   a second CI run (a new clone on the same machine) reuses them:
#                   ${XDG_CACHE_HOME:-$HOME/.cache}/shotline unless set.

if [[ -z "${SHOTLINE_COMMON_SH:-}" ]]; then
SHOTLINE_COMMON_SH=1

SHOTLINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHOTLINE_CACHE="${SHOTLINE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/shotline}"
export SHOTLINE_ROOT SHOTLINE_CACHE

# log MESSAGE...: a timestamped line on stderr (stdout stays free for data).
log() {
  printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

# die MESSAGE...: log and exit 1 (from a sourced file: exits the caller).
die() {
  log "ERROR: $*"
  exit 1
}

# port_open HOST PORT: true if something accepts TCP connections there.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# wait_for_port HOST PORT TIMEOUT_SECONDS: wait until HOST:PORT accepts connections.
# Returns 1 after the timeout. Polls every 0.2 s.
wait_for_port() {
  local host=$1 port=$2 timeout=${3:-30}
  local deadline=$((SECONDS + timeout))
  until port_open "$host" "$port"; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.2
  done
}

# sha256_of FILE...: one hash over the files' names and contents.
sha256_of() {
  local f
  for f in "$@"; do
    printf '%s\n' "$(basename "$f")"
    cat "$f"
  done | sha256sum | cut -c1-16
}

fi
