#!/usr/bin/env bash
# Builds the Shotline console (grafana-plugins/shotline-app/src/console) into
# grafana-plugins/shotline-app/dist-console, which the relay-service serves at /.
# Arguments go to scripts/build-console.mjs there: --if-stale skips the build
# when no source is newer than the bundle (a second `npm start` costs ~0.1 s).
set -euo pipefail
# shellcheck source=lib/node-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/node-env.sh"
exec node "$SHOTLINE_ROOT/grafana-plugins/shotline-app/scripts/build-console.mjs" "$@"
