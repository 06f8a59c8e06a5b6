#!/usr/bin/env bash
# Builds the four images and runs one pipeline through compose. scripts/docker-files.test.ts calls this
# only where a container engine answers (`docker info` or `podman info`); on the machines Loom is
# developed and tested on none runs, so this script has NOT been run there: treat it as the recipe,
# checked only as far as the files it uses are (the Dockerfiles, compose.yaml, docker/smoke-pipeline.mjs).
#
# Without a registry (offline CI that reaches only npm and Debian's mirrors), the official node:20 and
# redis:7 images cannot be pulled. Then it makes local stand-ins: a Debian 12 root file system from
# debootstrap, with this machine's Node.js 20 and npm copied in and a `node` user of uid 1000 (what the
# Dockerfiles expect of NODE_IMAGE), and a Redis image on it with Debian's redis-server. Needs root and
# debootstrap for that (apt-get install -y debootstrap).
#   LOOM_ENGINE=docker|podman (default: whichever answers)  NODE_IMAGE=… to use a base of your own
set -euo pipefail
cd "$(dirname "$0")/.."

engine=${LOOM_ENGINE:-}
if [ -z "$engine" ]; then
  for candidate in docker podman; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" info >/dev/null 2>&1; then engine=$candidate; break; fi
  done
fi
[ -n "$engine" ] || { echo "no container engine answers (docker info / podman info)" >&2; exit 1; }
if "$engine" compose version >/dev/null 2>&1; then compose=("$engine" compose)
elif command -v podman-compose >/dev/null 2>&1; then compose=(podman-compose)
elif command -v docker-compose >/dev/null 2>&1; then compose=(docker-compose)
else echo "no compose for $engine (docker compose plugin, podman-compose or docker-compose)" >&2; exit 1
fi

work=$(mktemp -d)
project="loom-ci-$$"
cleanup() {
  "${compose[@]}" -p "$project" -f docker/compose.yaml -f "$work/override.yaml" down --volumes --remove-orphans >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A Debian 12 root file system with this machine's Node.js, imported as an image.
make_base() {
  local tag=$1 packages=$2
  local rootfs="$work/rootfs-${tag//[:\/]/-}"
  command -v debootstrap >/dev/null 2>&1 || { echo "the official images cannot be pulled and debootstrap is missing" >&2; exit 1; }
  debootstrap --variant=minbase ${packages:+--include="$packages"} bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  local node_bin npm_dir
  node_bin=$(command -v node)
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  cp "$(readlink -f "$node_bin")" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$rootfs/var/lib/apt/lists/"* "$rootfs/var/cache/apt/"*.bin
  tar -C "$rootfs" -c . | "$engine" import - "$tag" >/dev/null
  rm -rf "$rootfs"
}

node_image=${NODE_IMAGE:-node:20-bookworm-slim}
if ! "$engine" image inspect "$node_image" >/dev/null 2>&1 && ! "$engine" pull "$node_image" >/dev/null 2>&1; then
  node_image=loom-ci/node20-bookworm
  echo "cannot pull the official Node.js image: building $node_image with debootstrap and this machine's Node.js $(node --version)"
  make_base "$node_image" ""
fi
redis_image=redis:7
if ! "$engine" image inspect "$redis_image" >/dev/null 2>&1 && ! "$engine" pull "$redis_image" >/dev/null 2>&1; then
  redis_image=loom-ci/redis
  echo "cannot pull redis:7: building $redis_image from Debian's redis-server"
  make_base "$redis_image" "redis-server,redis-tools"
fi

for role in server worker worker-gpu model-server; do
  echo "building loom/$role on $node_image"
  "$engine" build -f "docker/$role.Dockerfile" --build-arg "NODE_IMAGE=$node_image" -t "loom/$role" .
done

token=$(node -e "console.log(require('node:crypto').randomBytes(24).toString('hex'))")
cat > "$work/override.yaml" <<YAML
services:
  redis:
    image: $redis_image
YAML
export LOOM_API_TOKEN=$token
"${compose[@]}" -p "$project" -f docker/compose.yaml -f "$work/override.yaml" up -d --no-build --wait
node docker/smoke-pipeline.mjs http://127.0.0.1:8080 http://127.0.0.1:8081
"${compose[@]}" -p "$project" -f docker/compose.yaml -f "$work/override.yaml" ps
echo "images built and one pipeline ran through compose"
