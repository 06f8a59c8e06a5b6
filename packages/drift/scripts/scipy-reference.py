"""Writes src/testing/scipy-reference.json: fixed samples and what scipy (and numpy, the way Evidently
computes PSI) says about them. The drift tests compare @loom/drift's metrics with these values.

    python3 packages/drift/scripts/scipy-reference.py   # scipy >= 1.17, numpy >= 2
    npx biome check --write packages/drift/src/testing   # the layout the linter keeps

Samples are rounded to a few decimals before anything is computed, so the JSON holds exactly the
numbers scipy saw (and ties appear, as they do in logged traffic).
"""

import json
import math
import os

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial import distance

rng = np.random.default_rng(20240614)


def sample(size, loc=0.0, scale=1.0, decimals=4):
    return np.round(rng.normal(loc, scale, size), decimals)


def ints(size, low, high):
    return rng.integers(low, high, size).astype(float)


def floats(a):
    return [float(x) for x in a]


def evidently_psi(expected, actual):
    # evidently.legacy.calculations.stattests.utils.get_binned_data(feel_zeroes=True), then psi.py
    expected = np.array(expected, dtype=float)
    actual = np.array(actual, dtype=float)
    for percents in (expected, actual):
        smallest = min(percents[percents != 0])
        np.place(percents, percents == 0, smallest / 10**6 if smallest <= 0.0001 else 0.0001)
    return float(np.sum((expected - actual) * np.log(expected / actual)))


def profile_bins(values):
    # Mirrors profile.ts: distinct inverted-CDF deciles; bin i holds (edges[i-1], edges[i]].
    ordered = np.sort(values)
    edges = []
    for d in range(1, 10):
        edge = float(np.quantile(ordered, d / 10, method="inverted_cdf"))
        if not edges or edge > edges[-1]:
            edges.append(edge)
    index = np.searchsorted(np.array(edges), values, side="left")
    counts = np.bincount(index, minlength=len(edges) + 1)
    return edges, floats(counts / len(values))


wasserstein = []
for name, u, v in [
    ("small with ties", np.array([0.0, 1.0, 1.0, 3.0, 7.5]), np.array([1.0, 1.0, 2.0, 2.0, 4.0, 9.0, 9.0])),
    ("equal sizes", sample(1000), sample(1000, 0.1)),
    ("unequal sizes", sample(1000), sample(4000, 0.3, 1.2)),
    ("integers", ints(300, 0, 10), ints(500, 2, 12)),
    ("negative and far", sample(50, -100.0, 5.0), sample(80, 100.0, 1.0)),
]:
    wasserstein.append({"name": name, "u": floats(u), "v": floats(v), "distance": float(stats.wasserstein_distance(u, v))})

normalized = []
for name, reference, current in [
    ("shifted", sample(1000), sample(5000, 0.2)),
    ("constant reference", np.full(20, 3.0), sample(40, 3.0, 0.01)),
]:
    std = float(np.std(reference))
    # evidently.legacy.calculations.stattests.wasserstein_distance_norm
    value = float(stats.wasserstein_distance(reference, current) / max(np.std(reference), 0.001))
    normalized.append({"name": name, "reference": floats(reference), "current": floats(current), "std": std, "value": value})

ks = []
for name, a, b in [
    ("tiny unequal", np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0, 7.0])),
    ("tiny equal", np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])),
    ("equal 50", sample(50), sample(50, 0.5)),
    ("equal 1000 no drift", sample(1000), sample(1000)),
    ("equal 1000 shifted", sample(1000), sample(1000, 0.15)),
    ("equal 1000 far apart", sample(1000), sample(1000, 2.0)),
    ("ties", np.round(sample(400), 1), np.round(sample(400, 0.1), 1)),
    ("unequal 30 45", sample(30), sample(45, 0.4)),
    ("unequal 1000 700", sample(1000), sample(700, 0.1)),
    ("coprime 1000 999", sample(1000), sample(999, 0.05)),
    ("unequal ties", ints(1000, 0, 20), ints(350, 1, 21)),
    ("reference 1000 window 20", sample(1000), sample(20, 1.0)),
    ("identical", np.arange(100.0), np.arange(100.0)),
    ("asymptotic large", sample(10200, 0, 1, 2), sample(10001, 0.02, 1, 2)),
    ("asymptotic one small", sample(10001, 0, 1, 2), sample(30, 0.5, 1, 2)),
    ("asymptotic shifted", sample(10001, 0, 1, 2), sample(10001, 0.1, 1, 2)),
]:
    result = stats.ks_2samp(a, b)
    g = math.gcd(len(a), len(b))
    method = "exact" if max(len(a), len(b)) <= 10000 else "asymptotic"
    ks.append({
        "name": name,
        "a": floats(a),
        "b": floats(b),
        "statistic": float(result.statistic),
        "pValue": float(result.pvalue),
        "method": method,
    })

kolmogorov = []
for n in [3, 10, 60, 140, 141, 400, 5000, 50000, 150000]:
    for x in [0.4 / n, 0.8 / n, 1.5 / n, 0.05, 0.1, 0.2, 0.3, 0.6, 1 - 0.5 / n, 0.5 / math.sqrt(n), 1.2 / math.sqrt(n), 1.6 / math.sqrt(n)]:
        if 0 < x < 1:
            kolmogorov.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})

smirnov = []
for n in [5, 50, 500, 2000]:
    for x in [0.05, 0.2, 0.5, 0.9]:
        smirnov.append({"n": n, "x": x, "sf": float(special.smirnov(n, x))})

chi_squared = []
for name, observed, expected in [
    ("scipy docs", [16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]),
    ("two categories", [480, 520], [500, 500]),
    ("tiny p", [420, 300, 280], [333.0, 333.0, 334.0]),
    ("fractional expected", [12, 30, 41, 17], [100 * 0.1, 100 * 0.35, 100 * 0.4, 100 * 0.15]),
    ("many categories", [int(c) for c in rng.multinomial(5000, np.full(51, 1 / 51))], [5000 / 51] * 51),
]:
    result = stats.chisquare(observed, expected)
    chi_squared.append({
        "name": name,
        "observed": floats(observed),
        "expected": floats(expected),
        "statistic": float(result.statistic),
        "pValue": float(result.pvalue),
        "df": len(observed) - 1,
    })

gamma = []
for a in [0.5, 1.0, 2.5, 10.0, 25.0, 100.0]:
    for x in [0.01, 0.5, 1.0, a, 2 * a + 5, 10 * a + 40]:
        gamma.append({"a": a, "x": x, "q": float(special.gammaincc(a, x))})
log_gamma = [{"x": x, "value": math.lgamma(x)} for x in [0.5, 1.0, 1.5, 2.0, 3.7, 14.9, 15.0, 25.5, 100.0, 1e4, 1e6]]

jensen_shannon = []
for name, p, q in [
    ("scipy docs", [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]),
    ("counts", [10.0, 20.0, 30.0, 40.0], [12.0, 18.0, 35.0, 35.0]),
    ("with zeros", [5.0, 0.0, 7.0, 1.0], [4.0, 3.0, 0.0, 2.0]),
    ("unequal totals", [120.0, 300.0, 580.0], [1.0, 2.0, 7.0]),
    ("many", floats(rng.multinomial(100000, np.full(51, 1 / 51))), floats(rng.multinomial(3000, np.linspace(1, 2, 51) / np.linspace(1, 2, 51).sum()))),
]:
    jensen_shannon.append({"name": name, "p": p, "q": q, "distance": float(distance.jensenshannon(p, q))})

psi = []
for name, expected, actual in [
    ("deciles", [0.1] * 10, [0.08, 0.09, 0.1, 0.11, 0.12, 0.1, 0.1, 0.1, 0.1, 0.1]),
    ("empty bins", [0.5, 0.3, 0.2, 0.0], [0.0, 0.3, 0.3, 0.4]),
    ("tiny shares", [0.99995, 0.00005, 0.0], [0.9, 0.0, 0.1]),
]:
    psi.append({"name": name, "expected": expected, "actual": actual, "psi": evidently_psi(expected, actual)})

baseline = sample(5000, 10.0, 2.0)
edges, fractions = profile_bins(baseline)
psi_profile = []
for name, current in [("same", sample(3000, 10.0, 2.0)), ("shifted", sample(3000, 11.0, 2.0)), ("far", sample(2000, 30.0, 1.0))]:
    index = np.searchsorted(np.array(edges), current, side="left")
    actual = np.bincount(index, minlength=len(edges) + 1) / len(current)
    psi_profile.append({"name": name, "current": floats(current), "psi": evidently_psi(fractions, actual)})

out = {
    "generatedBy": "packages/drift/scripts/scipy-reference.py",
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "wasserstein": wasserstein,
    "normalizedWasserstein": normalized,
    "ks": ks,
    "kolmogorov": kolmogorov,
    "smirnov": smirnov,
    "chiSquared": chi_squared,
    "gammaincc": gamma,
    "logGamma": log_gamma,
    "jensenShannon": jensen_shannon,
    "psi": psi,
    "psiProfile": {"bins": {"edges": edges, "fractions": fractions}, "cases": psi_profile},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "testing", "scipy-reference.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {os.path.normpath(path)}")
