"""The scipy/numpy side of `pnpm bench monitor`: the same drift values as Loom's datasetDrift, on the
same numbers, timed the same way (best of `repeats`, loading excluded).

    python3 bench/monitor-reference.py DIR

DIR holds inputs.json (the profile, the feature names, vocabularies of the category columns) and one
file per column: NAME.f64 (float64, NULL as NaN) or NAME.i32 (codes into the vocabulary, -1 for NULL).
Prints one JSON line: {"seconds", "windowSeconds", "values": {"<feature>": [...], "window.<feature>": [...]}}.
Per number feature: [score, statistic, psi, nullRate, outOfRangeShare, *edges, *baseline, *current];
per category: [score, statistic, nullRate, otherShare, *current shares].
"""

import json
import math
import os
import sys
import time

import numpy as np
from scipy import stats
from scipy.spatial import distance

BINS = 20
SMALL_WINDOW = 1000


def evidently_psi(expected, actual):
    # evidently.legacy.calculations.stattests: get_binned_data(feel_zeroes=True), then psi
    expected = np.array(expected, dtype=float)
    actual = np.array(actual, dtype=float)
    for percents in (expected, actual):
        smallest = percents[percents != 0].min()
        np.place(percents, percents == 0, smallest / 10**6 if smallest <= 0.0001 else 0.0001)
    return float(np.sum((expected - actual) * np.log(expected / actual)))


def histogram(profile, reference, present):
    lo, hi = math.inf, -math.inf
    if profile["count"] > 0:
        lo, hi = profile["min"], profile["max"]
    if present.size > 0:
        lo, hi = min(lo, float(present.min())), max(hi, float(present.max()))
    if lo == hi:
        edges = np.array([lo - 0.5, hi + 0.5])
    else:
        edges = np.array([lo + (hi - lo) * i / BINS for i in range(BINS)] + [hi])
    base = np.histogram(reference, edges)[0] / reference.size
    current = np.histogram(present, edges)[0] / present.size
    return [*edges.tolist(), *base.tolist(), *current.tolist()]


def number_drift(profile, reference, column):
    present = column[~np.isnan(column)]
    rows = column.size
    if present.size > SMALL_WINDOW:
        score = stats.wasserstein_distance(reference, present) / max(profile["std"], 0.001)
        statistic = None
    else:
        result = stats.ks_2samp(reference, present)
        score, statistic = float(result.pvalue), float(result.statistic)
    edges = np.array(profile["bins"]["edges"])
    counts = np.bincount(np.searchsorted(edges, present, side="left"), minlength=edges.size + 1)
    psi = evidently_psi(profile["bins"]["fractions"], counts / present.size)
    out_of_range = np.count_nonzero((present < profile["min"]) | (present > profile["max"])) / present.size
    return [float(score), statistic, psi, (rows - present.size) / rows, float(out_of_range), *histogram(profile, reference, present)]


def category_drift(profile, vocabulary, codes):
    top = {t["value"]: i for i, t in enumerate(profile["top"])}
    # Where each vocabulary entry lands: its top bucket, or "other" (the last).
    bucket = np.array([top.get(v, len(top)) for v in vocabulary], dtype=np.int64)
    present = codes[codes >= 0]
    counts = np.bincount(present, minlength=len(vocabulary))
    observed = np.bincount(bucket, weights=counts, minlength=len(top) + 1) if len(vocabulary) else np.zeros(len(top) + 1)
    baseline = np.array([t["count"] for t in profile["top"]] + [profile["otherCount"]], dtype=float)
    n = present.size
    if n > SMALL_WINDOW:
        score, statistic = float(distance.jensenshannon(baseline, observed)), None
    else:
        keep = (baseline > 0) | (observed > 0)
        expected = baseline[keep] / profile["count"] * n
        if keep.sum() < 2:
            score, statistic = 1.0, 0.0
        else:
            with np.errstate(divide="ignore"):
                result = stats.chisquare(observed[keep], expected)
            score = float(result.pvalue)
            statistic = float(result.statistic) if math.isfinite(result.statistic) else None
    return [score, statistic, (codes.size - n) / codes.size, float(observed[-1] / n), *(observed / n).tolist()]


def drift_all(inputs, references, columns, rows):
    values = {}
    for name in inputs["numbers"]:
        values[name] = number_drift(inputs["profile"]["features"][name], references[name], columns[name][:rows])
    for name in inputs["categories"]:
        profile = inputs["profile"]["predictions"] if name == "prediction" else inputs["profile"]["features"][name]
        values[name] = category_drift(profile, inputs["vocabularies"][name], columns[name][:rows])
    return values


def best_of(repeats, run):
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "inputs.json")) as f:
        inputs = json.load(f)
    columns = {}
    for name in inputs["numbers"]:
        columns[name] = np.fromfile(os.path.join(folder, f"{name}.f64"), dtype=np.float64)
    for name in inputs["categories"]:
        columns[name] = np.fromfile(os.path.join(folder, f"{name}.i32"), dtype=np.int32)
    references = {name: np.array(inputs["profile"]["features"][name]["reference"]) for name in inputs["numbers"]}
    repeats = inputs["repeats"]
    rows = next(iter(columns.values())).size
    seconds, large = best_of(repeats, lambda: drift_all(inputs, references, columns, rows))
    window_seconds, small = best_of(repeats, lambda: drift_all(inputs, references, columns, inputs["window"]))
    values = {**large, **{f"window.{k}": v for k, v in small.items()}}
    print(json.dumps({"seconds": seconds, "windowSeconds": window_seconds, "values": values}))


main()
