#!/usr/bin/env bash
# Runs a command against real services: `bash scripts/with-services.sh CMD ARGS…`
# (`npm test` and `npm run bench` at the repository root use it).
#
# - KAFKA_BROKERS / MONGO_URL unset: starts a local Kafka broker / MongoDB-wire server
#   with scripts/services.sh (provisioned into $SHOTLINE_CACHE on first use), points the
#   tests at it, and on exit stops what this script started (a service that was already
#   running is left running). So `npm test` works on a fresh machine.
# - Set (CI, or a developer pointing at a real Kafka / MongoDB): used as they are.
#
# The command runs with node >= 22.22 first on PATH.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/node-env.sh
source "$here/lib/node-env.sh"
cd "$SHOTLINE_ROOT"

wanted=()
[[ -n "${KAFKA_BROKERS:-}" ]] || wanted+=(kafka)
[[ -n "${MONGO_URL:-}" ]] || wanted+=(mongo)

started=()
stop_started() {
  local rc=$?
  if ((${#started[@]})); then
    bash "$here/services.sh" stop "${started[@]}" || true
  fi
  return $rc
}
trap stop_started EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ((${#wanted[@]})); then
  for name in "${wanted[@]}"; do
    bash "$here/services.sh" status "$name" >/dev/null 2>&1 || started+=("$name")
  done
  bash "$here/services.sh" start "${wanted[@]}"
  user_kafka="${KAFKA_BROKERS:-}" user_mongo="${MONGO_URL:-}"
  # shellcheck disable=SC1091
  source "${SHOTLINE_SERVICES_DIR:-$SHOTLINE_CACHE/run/services}/env"
  [[ -z "$user_kafka" ]] || KAFKA_BROKERS="$user_kafka"
  [[ -z "$user_mongo" ]] || MONGO_URL="$user_mongo"
fi
export KAFKA_BROKERS MONGO_URL

log "node $(node --version); KAFKA_BROKERS=$KAFKA_BROKERS MONGO_URL=$MONGO_URL"
set +e
"$@"
rc=$?
set -e
exit $rc
