#!/usr/bin/python3
"""Reference values for influence/agreement.go.

Spearman's rho and Kendall's tau-b come from scipy.stats (Debian's
python3-scipy 1.10.1: spearmanr, kendalltau with variant "b") and are checked
here against a second, independent O(n^2) pure-Python computation straight
from the definitions. Top-k overlap is computed from its definition: the k
largest values, ties broken by the lower index. Pairs where either value is
NaN are dropped first, as agreement.go does.

Run: /usr/bin/python3 influence/testdata/agreement/make_fixtures.py \
       > influence/testdata/agreement/fixtures.json
"""
import json
import math
import random

import scipy
import scipy.stats


def drop_nan(a, b):
    keep = [i for i in range(len(a)) if not (math.isnan(a[i]) or math.isnan(b[i]))]
    return [a[i] for i in keep], [b[i] for i in keep], keep


def avg_ranks(x):
    order = sorted(range(len(x)), key=lambda i: x[i])
    r = [0.0] * len(x)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and x[order[j + 1]] == x[order[i]]:
            j += 1
        for t in range(i, j + 1):
            r[order[t]] = (i + j) / 2 + 1
        i = j + 1
    return r


def naive_spearman(x, y):
    rx, ry = avg_ranks(x), avg_ranks(y)
    n = len(x)
    mx, my = sum(rx) / n, sum(ry) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        return float("nan")
    return sxy / math.sqrt(sxx * syy)


def naive_tau_b(x, y):
    n = len(x)
    c = d = tx = ty = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                tx += 1
                ty += 1
            elif dx == 0:
                tx += 1
            elif dy == 0:
                ty += 1
            elif (dx > 0) == (dy > 0):
                c += 1
            else:
                d += 1
    n0 = n * (n - 1) // 2
    if n0 == tx or n0 == ty:
        return float("nan")
    return (c - d) / math.sqrt((n0 - tx) * (n0 - ty))


def topk(x, y, idx, k):
    k = min(k, len(x))
    if k < 1:
        return float("nan"), k
    tx = set(sorted(range(len(x)), key=lambda i: (-x[i], idx[i]))[:k])
    ty = set(sorted(range(len(y)), key=lambda i: (-y[i], idx[i]))[:k])
    return len(tx & ty) / k, k


def close(p, q):
    if math.isnan(p) or math.isnan(q):
        return math.isnan(p) and math.isnan(q)
    return abs(p - q) < 1e-12


def num(v):
    return None if math.isnan(v) else v


rng = random.Random(20261201)
nan = float("nan")
cases = [
    ("textbook, no ties", [1, 2, 3, 4, 5], [5, 6, 7, 8, 7.5], 2),
    ("ties on both sides", [1, 2, 2, 3, 3, 3, 4], [1, 3, 2, 2, 3, 3, 5], 3),
    ("reversed", [1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1], 3),
    ("with NaN", [1, nan, 3, 4, 5, 2, nan], [2, 1, nan, 4, 3, 1, 9], 2),
    ("constant side", [1, 1, 1, 1], [1, 2, 3, 4], 2),
    ("one pair", [1, nan], [2, 3], 1),
    ("all NaN", [nan, nan], [1, 2], 1),
    ("k larger than n", [3, 1, 2], [1, 2, 3], 10),
    ("integers 0..9, n=300", [rng.randrange(10) for _ in range(300)], [rng.randrange(10) for _ in range(300)], 20),
    ("continuous, n=1000",
     [rng.random() for _ in range(1000)], None, 100),
    ("heavy-tailed counts with zeros, n=800",
     [int(rng.paretovariate(1.2)) - 1 for _ in range(800)], None, 50),
]
out = []
for name, a, b, k in cases:
    if b is None:
        # Correlated with a: a noisy monotone transform.
        b = [math.log1p(abs(v)) + rng.gauss(0, 0.5) for v in a]
        b = [round(v, 1) for v in b]
    a = [float(v) for v in a]
    b = [float(v) for v in b]
    x, y, idx = drop_nan(a, b)
    if len(x) >= 2:
        sp = scipy.stats.spearmanr(x, y).statistic if not (len(set(x)) == 1 or len(set(y)) == 1) else nan
        kt = scipy.stats.kendalltau(x, y, variant="b").statistic if not (len(set(x)) == 1 or len(set(y)) == 1) else nan
        assert close(sp, naive_spearman(x, y)), (name, sp, naive_spearman(x, y))
        assert close(kt, naive_tau_b(x, y)), (name, kt, naive_tau_b(x, y))
        tk, kk = topk(x, y, idx, k)
    else:
        sp = kt = tk = nan
        kk = 0
    out.append({
        "name": name, "a": [num(v) for v in a], "b": [num(v) for v in b], "k": k,
        "n": len(x), "spearman": num(float(sp)), "kendall": num(float(kt)),
        "topk": num(tk), "topk_k": kk,
    })
# One case per line, so a diff shows which case changed.
print('{"scipy": %s, "cases": [\n%s\n]}' % (json.dumps(scipy.__version__), ",\n".join(json.dumps(c) for c in out)))
