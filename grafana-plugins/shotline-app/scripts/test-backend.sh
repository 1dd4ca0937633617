#!/usr/bin/env bash
# Tests the datasource's Go backend: formatting and vet, the unit tests (fake
# relays over real HTTP and WebSocket), then the handlers against a real
# relay-service (scripts/backend-integration.mjs starts one: embedded store,
# simulated laser, on free ports, and runs the Go integration test against it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v go >/dev/null 2>&1; then
  echo "test-backend: Go is needed to test the datasource backend" >&2
  exit 1
fi

unformatted="$(gofmt -l pkg)"
if [[ -n "$unformatted" ]]; then
  echo "test-backend: not gofmt-formatted:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
go test -count=1 ./...
node scripts/backend-integration.mjs
