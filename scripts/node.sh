#!/usr/bin/env bash
# Runs node (>= 22.22, installed into the cache if the machine's is older) with the
# given arguments: `bash scripts/node.sh relay-service/src/main.ts`.
set -euo pipefail
# shellcheck source=lib/node-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/node-env.sh"
exec node "$@"
