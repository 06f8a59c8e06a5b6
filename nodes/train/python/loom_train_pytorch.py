"""Loom's PyTorch trainer, run by @loom/nodes-train in a subprocess (numpy and torch only).

Usage: python loom_train_pytorch.py CONFIG.json

The config names float32 .npy features (n x d), labels (float32 targets for regression, class
indices for classification) and the output path of the ONNX model. Progress goes to stdout as one
JSON object per line ({"event": "epoch" | "log" | "done", ...}); errors go to stderr with a non-zero
exit, so the Node side can report them.
"""

import importlib.util
import json
import math
import os
import random
import sys
import time


def emit(event, **fields):
    # One line per event, flushed at once: the Node side reports epochs while training runs.
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def log(message, level="info"):
    emit("log", level=level, message=message)


def fail(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
    sys.exit(2)


try:
    import torch
    from torch import nn
    import numpy as np
except ImportError as error:  # the Node side turns this exit code into an install hint
    sys.stderr.write(f"loom: missing Python package: {error.name or error}\n")
    sys.exit(3)


ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh}


def activation(name):
    if name not in ACTIVATIONS:
        fail(f"unknown activation '{name}' (expected one of {', '.join(ACTIVATIONS)})")
    return ACTIVATIONS[name]()


def build_mlp(in_features, out_features, arch):
    layers = []
    width = in_features
    for hidden in arch.get("hidden", [64]):
        layers.append(nn.Linear(width, hidden))
        if arch.get("batchNorm", False):
            layers.append(nn.BatchNorm1d(hidden))
        layers.append(activation(arch.get("activation", "relu")))
        if arch.get("dropout", 0) > 0:
            layers.append(nn.Dropout(arch["dropout"]))
        width = hidden
    layers.append(nn.Linear(width, out_features))
    return nn.Sequential(*layers)


class ResidualBlock(nn.Module):
    def __init__(self, width, arch):
        super().__init__()
        layers = [nn.Linear(width, width)]
        if arch.get("batchNorm", False):
            layers.append(nn.BatchNorm1d(width))
        layers.append(activation(arch.get("activation", "relu")))
        if arch.get("dropout", 0) > 0:
            layers.append(nn.Dropout(arch["dropout"]))
        layers.append(nn.Linear(width, width))
        self.body = nn.Sequential(*layers)
        self.out = activation(arch.get("activation", "relu"))

    def forward(self, x):
        return self.out(x + self.body(x))


def build_residual_mlp(in_features, out_features, arch):
    width = arch.get("width", 64)
    return nn.Sequential(
        nn.Linear(in_features, width),
        activation(arch.get("activation", "relu")),
        *[ResidualBlock(width, arch) for _ in range(arch.get("blocks", 2))],
        nn.Linear(width, out_features),
    )


def load_plugin(path):
    spec = importlib.util.spec_from_file_location("loom_user_module", path)
    if spec is None or spec.loader is None:
        fail(f"cannot load module '{path}'")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "build_model", None)):
        fail(f"module '{path}' defines no build_model(in_features, out_features, params)")
    return module


def build_model(config, in_features, out_features):
    if config.get("module"):
        model = load_plugin(config["module"]).build_model(in_features, out_features, config.get("params", {}))
        if not isinstance(model, nn.Module):
            fail(f"build_model in '{config['module']}' returned {type(model).__name__}, not a torch.nn.Module")
        return model
    arch = config.get("architecture", {"kind": "mlp"})
    kind = arch.get("kind", "mlp")
    if kind == "mlp":
        return build_mlp(in_features, out_features, arch)
    if kind == "residual-mlp":
        return build_residual_mlp(in_features, out_features, arch)
    fail(f"unknown architecture '{kind}' (expected mlp or residual-mlp)")


def build_optimizer(params, opt):
    kind = opt.get("kind", "adam")
    lr = opt.get("lr", 1e-3)
    decay = opt.get("weightDecay", 0.0)
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=decay)
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=decay)
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, weight_decay=decay, momentum=opt.get("momentum", 0.0))
    fail(f"unknown optimizer '{kind}' (expected adam, adamw or sgd)")


def build_schedule(optimizer, schedule, epochs):
    kind = schedule.get("kind", "none")
    if kind == "none":
        return None
    if kind == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(1, epochs))
    if kind == "step":
        return torch.optim.lr_scheduler.StepLR(
            optimizer, step_size=schedule.get("stepSize", 10), gamma=schedule.get("gamma", 0.1)
        )
    fail(f"unknown lr schedule '{kind}' (expected none, cosine or step)")


def pick_device(requested):
    if requested == "cuda" and not torch.cuda.is_available():
        fail("device 'cuda' was requested but torch sees no CUDA device")
    if requested in ("cuda", "cpu"):
        return torch.device(requested)
    if requested not in (None, "auto"):
        fail(f"unknown device '{requested}' (expected auto, cpu or cuda)")
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # Deterministic kernels on CPU; warn_only keeps CUDA ops without a deterministic variant usable.
    torch.use_deterministic_algorithms(True, warn_only=True)


def evaluate(model, loss_fn, x, y, batch_size):
    model.eval()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            xb, yb = x[start : start + batch_size], y[start : start + batch_size]
            total += loss_fn(model(xb), yb).item() * len(xb)
    return total / max(1, len(x))


def main():
    if len(sys.argv) != 2:
        fail("usage: loom_train_pytorch.py CONFIG.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        config = json.load(f)

    seed = int(config.get("seed", 0))
    seed_everything(seed)
    device = pick_device(config.get("device", "auto"))
    task = config.get("task", {})
    classification = task.get("kind") == "classification"

    features = np.load(config["features"]).astype(np.float32, copy=False)
    labels = np.load(config["labels"])
    if features.ndim != 2:
        fail(f"features must be a 2-D array, got shape {features.shape}")
    if len(labels) != len(features):
        fail(f"labels have {len(labels)} rows but features have {len(features)}")
    n, d = features.shape
    if classification:
        classes = int(task.get("classes", 0))
        if classes < 2:
            fail("a classification task needs classes >= 2")
        if labels.dtype.kind == "f" and not np.all(labels == np.round(labels)):
            fail("classification labels must be whole class indices")
        y_all = torch.from_numpy(labels.astype(np.int64).reshape(-1))
        if n and (int(y_all.min()) < 0 or int(y_all.max()) >= classes):
            fail(f"class indices must lie in [0, {classes - 1}]")
        out_features = classes
        loss_fn = nn.CrossEntropyLoss()
    else:
        y_all = torch.from_numpy(labels.astype(np.float32).reshape(n, -1))
        out_features = y_all.shape[1]
        loss_fn = nn.MSELoss()
    x_all = torch.from_numpy(features)

    # Validation split: a seeded permutation, so a rerun with the same seed holds out the same rows.
    val_fraction = float(config.get("validationFraction", 0.0))
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    n_val = int(round(n * val_fraction)) if 0 < val_fraction < 1 else 0
    val_idx, train_idx = order[:n_val], order[n_val:]
    x_train, y_train = x_all[train_idx].to(device), y_all[train_idx].to(device)
    x_val, y_val = x_all[val_idx].to(device), y_all[val_idx].to(device)
    if len(x_train) == 0:
        fail("no rows left to train on")

    model = build_model(config, d, out_features).to(device)
    epochs = int(config.get("epochs", 50))
    batch_size = int(config.get("batchSize", 32))
    optimizer = build_optimizer(model.parameters(), config.get("optimizer", {}))
    schedule = build_schedule(optimizer, config.get("schedule", {}), epochs)

    amp = bool(config.get("mixedPrecision", False))
    if amp and device.type != "cuda":
        log(f"mixed precision ignored on {device.type}: it is only used on CUDA", "warn")
        amp = False
    scaler = torch.cuda.amp.GradScaler(enabled=amp)

    patience = config.get("earlyStopping", {}).get("patience") if n_val else None
    if config.get("earlyStopping") and not n_val:
        log("early stopping ignored: it needs a validation split (validationFraction > 0)", "warn")
    log(f"training on {device.type}: {len(x_train)} rows, {n_val} held out, {d} features")

    best_loss, best_epoch, best_state, stale = math.inf, 0, None, 0
    shuffle = torch.Generator().manual_seed(seed + 1)
    started = time.monotonic()
    epoch = 0
    for epoch in range(1, epochs + 1):
        model.train()
        lr = optimizer.param_groups[0]["lr"]
        total = 0.0
        perm = torch.randperm(len(x_train), generator=shuffle).to(device)
        for start in range(0, len(x_train), batch_size):
            idx = perm[start : start + batch_size]
            # BatchNorm cannot train on a batch of one row; drop such a remainder.
            if len(idx) < 2 and len(x_train) > 1 and any(isinstance(m, nn.BatchNorm1d) for m in model.modules()):
                continue
            xb, yb = x_train[idx], y_train[idx]
            optimizer.zero_grad(set_to_none=True)
            with torch.autocast(device_type=device.type, enabled=amp):
                loss = loss_fn(model(xb), yb)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            total += loss.item() * len(xb)
        if schedule is not None:
            schedule.step()
        train_loss = total / len(x_train)
        val_loss = evaluate(model, loss_fn, x_val, y_val, batch_size) if n_val else None
        emit("epoch", epoch=epoch, epochs=epochs, loss=train_loss, valLoss=val_loss, lr=lr)

        watched = val_loss if val_loss is not None else train_loss
        if watched < best_loss:
            best_loss, best_epoch, stale = watched, epoch, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
            if patience is not None and stale >= int(patience):
                log(f"early stop after epoch {epoch}: no better validation loss for {patience} epochs")
                break
    train_seconds = time.monotonic() - started

    if patience is not None and best_state is not None:
        model.load_state_dict(best_state)
        log(f"restored the weights of epoch {best_epoch}")
    else:
        best_epoch = epoch

    model.eval()
    model = model.to("cpu").float()
    output_name = "logits" if classification else "prediction"
    torch.onnx.export(
        model,
        torch.zeros(1, d, dtype=torch.float32),
        config["output"],
        input_names=["features"],
        output_names=[output_name],
        dynamic_axes={"features": {0: "batch"}, output_name: {0: "batch"}},
        opset_version=13,
    )
    emit("done", device=device.type, epochs=epoch, bestEpoch=best_epoch, trainSeconds=train_seconds, output=output_name)


if __name__ == "__main__":
    main()
