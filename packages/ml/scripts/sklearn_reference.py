"""Fits scikit-learn's reference models for @loom/ml's parity tests (sklearn-parity.test.ts).

Reads a JSON list of jobs on stdin and prints a JSON list of results, one per job, in order. Each job
names CSV files without a header whose last column is the label (a class index or a real value):

  {"kind": "logistic", "train": path, "C": float, "solver": str, "tol": float, "max_iter": int}
      -> {"coef": [[...]], "intercept": [...], "n_iter": int}
  {"kind": "ridge", "train": path, "alpha": float}
      -> {"coef": [...], "intercept": float}
  {"kind": "mlp", "train": path, "test": path, "hidden": [int], "epochs": int, "alpha": float,
   "learning_rate": float, "seed": int}
      -> {"accuracy": float, "loss": float}

Run with Debian's /usr/bin/python3, which has scikit-learn (the python3 on PATH may not).
"""

import json
import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neural_network import MLPClassifier


def load(path):
    data = np.loadtxt(path, delimiter=",", ndmin=2)
    return data[:, :-1], data[:, -1]


def fit(job):
    x, y = load(job["train"])
    if job["kind"] == "logistic":
        model = LogisticRegression(C=job["C"], solver=job["solver"], tol=job["tol"], max_iter=job["max_iter"])
        model.fit(x, y.astype(int))
        return {
            "coef": model.coef_.tolist(),
            "intercept": model.intercept_.tolist(),
            "n_iter": int(model.n_iter_[0]),
        }
    if job["kind"] == "ridge":
        model = Ridge(alpha=job["alpha"], solver="cholesky").fit(x, y)
        return {"coef": model.coef_.tolist(), "intercept": float(model.intercept_)}
    if job["kind"] == "mlp":
        # n_iter_no_change = epochs: every epoch runs, as in trainMlp with validationFraction 0.
        model = MLPClassifier(
            hidden_layer_sizes=tuple(job["hidden"]),
            max_iter=job["epochs"],
            n_iter_no_change=job["epochs"],
            alpha=job["alpha"],
            learning_rate_init=job["learning_rate"],
            random_state=job["seed"],
        ).fit(x, y.astype(int))
        x_test, y_test = load(job["test"])
        return {"accuracy": float(model.score(x_test, y_test.astype(int))), "loss": float(model.loss_)}
    raise ValueError(f"unknown job kind {job['kind']!r}")


def main():
    warnings.simplefilter("ignore", ConvergenceWarning)
    jobs = json.load(sys.stdin)
    json.dump([fit(job) for job in jobs], sys.stdout)


if __name__ == "__main__":
    main()
