#!/usr/bin/env bash
# `npm test` at the repository root: every workspace's tests, against a real
# Kafka broker and MongoDB-wire server (started here when KAFKA_BROKERS /
# MONGO_URL are unset), after building the console when its sources changed.
# Extra arguments go to each workspace's test script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The console's browser tests (relay-service/test/console) load the built bundle.
bash "$here/build-console.sh" --if-stale
if (($#)); then
  exec bash "$here/with-services.sh" npm test --workspaces --if-present -- "$@"
fi
exec bash "$here/with-services.sh" npm test --workspaces --if-present
