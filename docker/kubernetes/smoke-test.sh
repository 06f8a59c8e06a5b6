#!/usr/bin/env bash
# Smoke test of Loom on a real Kubernetes cluster: applies an overlay, waits for every workload, runs
# the iris example with every step as a Kubernetes Job (the Kubernetes backend), checks its model is
# served by the model server, and shows the step Jobs it left. Run from the repository root:
#
#   docker/kubernetes/smoke-test.sh [overlay]        # default docker/kubernetes/overlays/example
#
# With kind (https://kind.sigs.k8s.io), from nothing:
#   kind create cluster --name loom
#   for role in server worker worker-gpu model-server; do
#     docker build -f docker/$role.Dockerfile -t loom/$role:0.1.0 . && kind load docker-image loom/$role:0.1.0 --name loom
#   done
#   docker/kubernetes/smoke-test.sh
# kind's default storage class is ReadWriteOnce on one node: fine for a one-node kind cluster (the
# PVC's RWX request is served by its local-path provisioner there); a multi-node cluster needs an RWX
# class (NFS, CephFS, Azure Files, EFS).
#
# Needs kubectl (1.27+) and node (20+) on this machine; LOOM_API_TOKEN must be the token of the
# overlay's Secret (the example's placeholder unless you changed it). Leaves everything running;
# `kubectl delete -k <overlay>` removes it.
set -euo pipefail
cd "$(dirname "$0")/../.."

overlay="${1:-docker/kubernetes/overlays/example}"
namespace="${LOOM_NAMESPACE:-loom}"
token="${LOOM_API_TOKEN:-replace-me-with-a-long-random-token}"
timeout="${LOOM_SMOKE_ROLLOUT_TIMEOUT:-300s}"

step() { printf '\n== %s\n' "$*"; }

step "kubectl apply -k $overlay"
kubectl apply -k "$overlay"

step "waiting for Redis, the server, the workers and the model server"
kubectl -n "$namespace" rollout status statefulset/loom-redis --timeout="$timeout"
for deployment in loom-server loom-worker-cpu loom-worker-kubernetes loom-model-server; do
  kubectl -n "$namespace" rollout status "deployment/$deployment" --timeout="$timeout"
done

step "the Kubernetes worker's start-up line (it checks its Role before taking steps)"
kubectl -n "$namespace" logs deployment/loom-worker-kubernetes --tail=5

step "port-forwarding the server and the model server"
kubectl -n "$namespace" port-forward service/loom-server 18080:8080 >/tmp/loom-smoke-pf-server.log 2>&1 &
server_pf=$!
kubectl -n "$namespace" port-forward service/loom-model-server 18081:8081 >/tmp/loom-smoke-pf-model.log 2>&1 &
model_pf=$!
trap 'kill $server_pf $model_pf 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  if curl -fsS http://127.0.0.1:18080/healthz >/dev/null 2>&1; then break; fi
  sleep 1
done

step "running the iris example with every step as a Kubernetes Job"
LOOM_API_TOKEN="$token" LOOM_SMOKE_BACKEND=kubernetes node docker/smoke-pipeline.mjs http://127.0.0.1:18080 http://127.0.0.1:18081

step "the step Jobs (kept for LOOM_KUBERNETES_JOB_TTL seconds after they end)"
kubectl -n "$namespace" get jobs -l app.kubernetes.io/managed-by=loom \
  -o custom-columns=JOB:.metadata.name,STEP:.metadata.labels.loom\\.dev/step,ATTEMPT:.metadata.labels.loom\\.dev/attempt,SUCCEEDED:.status.succeeded

step "smoke test passed"
