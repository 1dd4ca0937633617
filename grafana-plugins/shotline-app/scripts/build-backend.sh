#!/usr/bin/env bash
# Builds the Shotline datasource's Go backend beside the nested datasource in
# dist: dist/datasource/gpx_shotline_linux_amd64 and _linux_arm64 (Grafana
# runs gpx_shotline_<os>_<arch>, the "executable" of src/datasource/plugin.json
# plus its platform). Static (CGO_ENABLED=0), so one binary runs on any Linux.
# The frontend build (webpack) keeps these files when it cleans dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v go >/dev/null 2>&1; then
  echo "build-backend: Go is needed to build the datasource backend (go.mod names the version); install Go and run again" >&2
  exit 1
fi

out=dist/datasource
mkdir -p "$out"
for arch in amd64 arm64; do
  echo "build-backend: $out/gpx_shotline_linux_$arch"
  CGO_ENABLED=0 GOOS=linux GOARCH="$arch" go build -buildvcs=false -trimpath -ldflags "-s -w" -o "$out/gpx_shotline_linux_$arch" ./pkg
done
