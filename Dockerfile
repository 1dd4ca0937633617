# The relay-service image. One image for every Shotline process of
# docker-compose.yml: the relay, watcher and api roles (SHOTLINE_ROLE), the
# laser simulator (src/simulator/main.ts) and the one-shot lab setup
# (src/setup/main.ts). TypeScript runs as it is (Node's type stripping): there
# is no build step, only the production dependencies of the relay-service
# workspace.
#
#   docker build -t shotline/relay-service .
#
# Node is pinned to the release the project is tested with (Node 24 LTS,
# Debian trixie slim: glibc, so zeromq's prebuilt addon for amd64 and arm64
# loads and nothing is compiled).
ARG NODE_IMAGE=node:24.19.0-trixie-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# The manifests first, so the dependency layer is rebuilt only when they
# change: every workspace's package.json, so npm ci sees the workspace tree
# the lockfile records, but only relay-service's production dependencies are
# installed (no @grafana packages, no dev tools).
COPY package.json package-lock.json ./
COPY relay-service/package.json relay-service/
COPY scicat-tools/package.json scicat-tools/
COPY grafana-plugins/shotline-app/package.json grafana-plugins/shotline-app/
RUN npm ci --omit=dev --workspace relay-service --no-audit --no-fund \
    && npm cache clean --force
# Fail the build here, not at the first start, if zeromq's native addon does
# not load on this platform.
RUN cd relay-service && node -e "require('zeromq')"

# The console: the plugin workspace's dev dependencies (esbuild, @grafana/ui)
# and its sources, bundled by the same script `npm start` uses.
FROM ${NODE_IMAGE} AS console
WORKDIR /app
COPY package.json package-lock.json ./
COPY relay-service/package.json relay-service/
COPY scicat-tools/package.json scicat-tools/
COPY grafana-plugins/shotline-app/package.json grafana-plugins/shotline-app/
RUN npm ci --workspace grafana-plugins/shotline-app --ignore-scripts --no-audit --no-fund
COPY grafana-plugins/shotline-app/src grafana-plugins/shotline-app/src
COPY grafana-plugins/shotline-app/scripts/build-console.mjs grafana-plugins/shotline-app/scripts/
RUN node grafana-plugins/shotline-app/scripts/build-console.mjs

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    SHOTLINE_HOST=0.0.0.0 \
    SHOTLINE_DATA_DIR=/var/lib/shotline \
    SHOTLINE_CONSOLE_DIR=/app/console
COPY --from=deps /app /app
COPY --from=console /app/grafana-plugins/shotline-app/dist-console /app/console
WORKDIR /app/relay-service
COPY relay-service/src ./src
# The data dir (journal, relay state) and the directory the lab setup writes
# Grafana's token into belong to the unprivileged user the processes run as;
# named volumes mounted there start with this ownership.
RUN mkdir -p /var/lib/shotline /run/shotline \
    && chown node:node /var/lib/shotline /run/shotline
USER node
EXPOSE 8080
# SIGTERM (docker stop) stops a role cleanly: ingest first, triggered shots
# journaled and flushed, then the rest.
STOPSIGNAL SIGTERM
CMD ["node", "src/main.ts"]
