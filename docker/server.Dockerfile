# The Loom server (`loom start`): the designer (built here, served at /), the API, run scheduling and
# /metrics on port 8080. Listening on 0.0.0.0, as a container must, it refuses to start without
# LOOM_API_TOKEN. /healthz answers 503 while Redis (REDIS_URL) is down.
#
# Build from the repository root (compose.yaml does): docker build -f docker/server.Dockerfile -t loom/server .
# NODE_IMAGE is the base of both stages: an official Node.js 20 image by default. Another base works
# when it has Node.js 20 on PATH, npm, and a user `node` with uid 1000 (the Kubernetes manifests run as 1000).
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: the same text in all four Dockerfiles (scripts/docker-files.test.ts checks that it is) ----
# Docker has no include, and one file per role is what compose and the Kubernetes manifests name; the
# engine's build cache shares this stage between the four images, as it is byte for byte the same.
FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=12.4.2
# better-sqlite3 compiles its addon against Node's headers when it cannot download a prebuilt binary.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# pnpm through npm, never corepack (its signature check fails behind some proxies).
RUN npm install -g "pnpm@${PNPM_VERSION}"
WORKDIR /opt/loom
COPY . .
# The full install builds the SQLite addon and, in the root postinstall, the designer (apps/designer/dist).
# Then the development dependencies go (Vite, TypeScript, Vitest, Biome…): the CLI runs its TypeScript
# through tsx, a run-time dependency, so the runtime needs the sources and the production packages only.
# The package store is a build cache, kept between builds and out of the image.
RUN --mount=type=cache,id=loom-pnpm-store,target=/pnpm-store \
    pnpm install --frozen-lockfile --store-dir /pnpm-store \
 && pnpm install --frozen-lockfile --offline --prod --ignore-scripts --store-dir /pnpm-store

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG LOOM_VERSION=0.1.0
LABEL org.opencontainers.image.title="loom-server" \
      org.opencontainers.image.description="Loom server: the designer, the HTTP API, the run scheduler and /metrics (loom start)" \
      org.opencontainers.image.version="${LOOM_VERSION}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}" \
      org.opencontainers.image.documentation="README.md#run-with-docker"
# Everything Loom keeps (loom.db, the artifact store) lives under LOOM_HOME, one volume shared by the
# server, the workers and the model server. Documents read data files from its data/ folder and the
# bundled examples (the server and the workers must see the same data roots); an empty volume, such as
# a fresh Kubernetes PVC without data/, works too.
ENV NODE_ENV=production \
    LOOM_HOME=/var/lib/loom \
    LOOM_DATA_ROOTS=/var/lib/loom/data:/opt/loom/examples
# The code stays root's and read-only to the process; only LOOM_HOME is the node user's.
COPY --from=build /opt/loom /opt/loom
RUN ln -s /opt/loom/packages/cli/bin/loom.js /usr/local/bin/loom \
 && mkdir -p /var/lib/loom/data \
 && chown -R node:node /var/lib/loom
WORKDIR /opt/loom
USER node
VOLUME /var/lib/loom
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/opt/loom/docker/healthcheck.mjs", "http", "8080", "/healthz"]
ENTRYPOINT ["loom"]
CMD ["start", "--host", "0.0.0.0", "--port", "8080"]
