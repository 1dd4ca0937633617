#!/usr/bin/env bash
# `npm start`: the console's bundle when its sources changed, then the relay-service
# (role all, embedded store, simulated laser unless configured otherwise).
# A console that fails to build does not keep the relay from starting: / then
# answers 503 naming the problem's fix, and the API works as always.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! bash "$here/build-console.sh" --if-stale; then
  echo "start: the console did not build (see above); starting the relay without it (/ answers 503)" >&2
fi
exec bash "$here/node.sh" "$here/../relay-service/src/main.ts" "$@"
