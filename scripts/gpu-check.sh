#!/usr/bin/env bash
# GPU check for train.pytorch (issue 16): on a machine with an NVIDIA GPU and PyTorch, trains the
# train.pytorch Python part (nodes/train/python/loom_train_pytorch.py) on a generated 1,000,000-row
# classification table on the GPU (mixed precision) and on the CPU, prints seconds per epoch and the
# speed-up, then checks the exported ONNX model against torch's own outputs (max abs diff <= 1e-4).
# Needs nothing from the network. Exits 2 without a CUDA GPU unless --allow-cpu (CPU-only, to test
# the script itself). Usage: scripts/gpu-check.sh [--rows N] [--epochs N] [--allow-cpu]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS=""; EPOCHS=3; ALLOW_CPU=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --allow-cpu) ALLOW_CPU=1; shift ;;
    -h|--help) sed -n 2,7p "$0"; exit 0 ;;
    *) echo "gpu-check: unknown option '$1'" >&2; exit 64 ;;
  esac
done

PY="${LOOM_PYTHON:-python3}"
if ! "$PY" -c 'import torch, numpy' >/dev/null 2>&1; then
  if [ "$PY" != /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1; then
    echo "gpu-check: $PY lacks torch/numpy; using /usr/bin/python3"
    PY=/usr/bin/python3
  else
    echo "gpu-check: FAIL: no Python with torch and numpy (tried $PY and /usr/bin/python3; set LOOM_PYTHON)" >&2
    exit 1
  fi
fi

if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
fi
CUDA="$("$PY" -c 'import torch; print(1 if torch.cuda.is_available() else 0)')"
if [ "$CUDA" != 1 ] && [ "$ALLOW_CPU" != 1 ]; then
  echo "gpu-check: no CUDA GPU (torch.cuda.is_available() is False); pass --allow-cpu to run CPU-only" >&2
  exit 2
fi
if [ -z "$ROWS" ]; then
  if [ "$CUDA" = 1 ]; then ROWS=1000000; else ROWS=20000; fi
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOT="$ROOT" WORK="$WORK" ROWS="$ROWS" EPOCHS="$EPOCHS" CUDA="$CUDA" exec "$PY" - <<'PYEOF'
import json, os, subprocess, sys, time
import numpy as np
import torch

started = time.monotonic()
root, work = os.environ["ROOT"], os.environ["WORK"]
rows, epochs, cuda = int(os.environ["ROWS"]), int(os.environ["EPOCHS"]), os.environ["CUDA"] == "1"
trainer = os.path.join(root, "nodes/train/python/loom_train_pytorch.py")
FEATURES, CLASSES, HIDDEN = 20, 4, [256, 128]

def die(msg):
    print(f"gpu-check: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)

print(f"python {sys.version.split()[0]}, torch {torch.__version__}, cuda build {torch.version.cuda}")
if cuda:
    p = torch.cuda.get_device_properties(0)
    print(f"cuda device: {p.name}, {p.total_memory / 2**30:.1f} GiB, capability {p.major}.{p.minor}")
else:
    print("cuda device: none (--allow-cpu: CPU-only run)")

# A seeded synthetic classification table: class = argmax of a fixed linear map plus noise.
rng = np.random.default_rng(16)
x = rng.standard_normal((rows, FEATURES), dtype=np.float32)
w = rng.standard_normal((FEATURES, CLASSES)).astype(np.float32)
y = np.argmax(x @ w + 0.3 * rng.standard_normal((rows, CLASSES)).astype(np.float32), axis=1).astype(np.int64)
np.save(os.path.join(work, "features.npy"), x)
np.save(os.path.join(work, "labels.npy"), y)
print(f"table: {rows} rows x {FEATURES} features, {CLASSES} classes")

# A plugin model (the trainer's `module` option) that also saves its final weights on exit, so the
# ONNX export can be compared with torch's own outputs from the very same weights.
plugin = os.path.join(work, "gpu_check_model.py")
with open(plugin, "w") as f:
    f.write('''import atexit, torch, torch.nn as nn
def make(i, o, hidden):
    layers, w = [], i
    for h in hidden:
        layers += [nn.Linear(w, h), nn.ReLU()]
        w = h
    return nn.Sequential(*layers, nn.Linear(w, o))
def build_model(i, o, params):
    model = make(i, o, params["hidden"])
    atexit.register(lambda: torch.save(model.to("cpu").float().state_dict(), params["save"]))
    return model
''')

def train(device, n_rows, n_epochs):
    tag = device
    feats, labs = os.path.join(work, "features.npy"), os.path.join(work, "labels.npy")
    if n_rows != rows:
        feats, labs = os.path.join(work, f"features-{tag}.npy"), os.path.join(work, f"labels-{tag}.npy")
        np.save(feats, x[:n_rows]); np.save(labs, y[:n_rows])
    cfg = {
        "features": feats, "labels": labs, "output": os.path.join(work, f"model-{tag}.onnx"),
        "task": {"kind": "classification", "classes": CLASSES},
        "module": plugin, "params": {"hidden": HIDDEN, "save": os.path.join(work, f"state-{tag}.pt")},
        "optimizer": {"kind": "adam", "lr": 1e-3}, "epochs": n_epochs, "batchSize": 4096,
        "validationFraction": 0.1, "seed": 7, "device": device, "mixedPrecision": device == "cuda",
    }
    path = os.path.join(work, f"config-{tag}.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    proc = subprocess.run([sys.executable, trainer, path], capture_output=True, text=True)
    events = []
    for line in proc.stdout.splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            pass
    done = [e for e in events if e.get("event") == "done"]
    if proc.returncode != 0 or not done:
        die(f"trainer on {device} exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    if done[0]["device"] != device:
        die(f"trainer ran on {done[0]['device']}, not {device}")
    ep = [e for e in events if e.get("event") == "epoch"]
    per_epoch = done[0]["trainSeconds"] / max(1, len(ep))
    # The trained weights rebuilt in fp32 on the CPU: accuracy on up to 50,000 rows, and the ONNX reference.
    exec_ns = {}
    exec(open(plugin).read(), exec_ns)
    model = exec_ns["make"](FEATURES, CLASSES, HIDDEN)
    model.load_state_dict(torch.load(cfg["params"]["save"]))
    model.eval()
    n_eval = min(n_rows, 50000)
    with torch.no_grad():
        acc = (model(torch.from_numpy(x[:n_eval])).argmax(1).numpy() == y[:n_eval]).mean()
    print(f"{device}: {n_rows} rows, {len(ep)} epochs, {per_epoch:.3f} s/epoch, "
          f"loss {ep[-1]['loss']:.4f}, val loss {ep[-1]['valLoss']:.4f}, accuracy {acc:.4f}")
    return per_epoch, model, cfg["output"]

results = {}
if cuda:
    results["cuda"] = train("cuda", rows, epochs)
# The CPU is slower: keep it to at most 200,000 rows and 2 epochs so the whole check stays under 5
# minutes; seconds per epoch are scaled to the full row count so the two figures compare.
cpu_rows = min(rows, 200000) if cuda else rows
cpu_epochs = min(epochs, 2) if cuda else epochs
results["cpu"] = train("cpu", cpu_rows, cpu_epochs)
cpu_full = results["cpu"][0] * rows / cpu_rows
print(f"CPU seconds per epoch: {cpu_full:.3f} (for {rows} rows)")
if cuda:
    gpu = results["cuda"][0]
    print(f"GPU seconds per epoch: {gpu:.3f} (for {rows} rows)")
    print(f"speed-up: {cpu_full / gpu:.1f}x")

# ONNX check: the exported model against torch's own fp32 outputs on a sample.
sample = x[:256]
runtime = None
for tag, (_, model, onnx_path) in results.items():
    with torch.no_grad():
        expected = model(torch.from_numpy(sample)).numpy()
    try:
        import onnxruntime as ort
        sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
        got = sess.run(None, {"features": sample})[0]
        runtime = "onnxruntime (python)"
    except ImportError:
        js = (
            "const {createRequire}=require('module');const path=require('path');const fs=require('fs');"
            "const r=createRequire(path.join(process.argv[1],'packages/onnx/package.json'));"
            "const ort=r('onnxruntime-node');const s=JSON.parse(fs.readFileSync(process.argv[3],'utf8'));"
            "(async()=>{const sess=await ort.InferenceSession.create(process.argv[2]);"
            "const out=await sess.run({features:new ort.Tensor('float32',Float32Array.from(s.data),s.dims)});"
            "const t=out[sess.outputNames[0]];process.stdout.write(JSON.stringify({dims:t.dims,data:Array.from(t.data)}));})()"
            ".catch(e=>{console.error(e.message);process.exit(1)});"
        )
        sp = os.path.join(work, "sample.json")
        with open(sp, "w") as f:
            json.dump({"dims": list(sample.shape), "data": sample.reshape(-1).tolist()}, f)
        proc = subprocess.run(["node", "-e", js, root, onnx_path, sp], capture_output=True, text=True)
        if proc.returncode != 0:
            die(f"onnxruntime-node could not run {onnx_path}: {proc.stderr.strip()[-1000:]}")
        out = json.loads(proc.stdout)
        got = np.array(out["data"], dtype=np.float32).reshape(out["dims"])
        runtime = "onnxruntime-node"
    if got.shape != expected.shape:
        die(f"ONNX output shape {got.shape} != torch {expected.shape}")
    diff = float(np.max(np.abs(got - expected)))
    print(f"ONNX max abs diff ({tag} model, {runtime}, {len(sample)} rows): {diff:.3e}")
    if not diff <= 1e-4:
        die(f"ONNX export of the {tag} model differs from torch by {diff:.3e} (> 1e-4)")

print(f"total wall time: {time.monotonic() - started:.1f} s")
print("gpu-check: OK")
PYEOF
