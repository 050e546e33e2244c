#!/usr/bin/python3
"""Agreement of the polblogs reference measures, for cmd/clout's compare test.

Reads testdata/polblogs/polblogs-reference.csv (networkx PageRank, followers,
reach2 of the political-blogs network) and computes, with scipy.stats
(Debian python3-scipy 1.10.1), Spearman's rho and Kendall's tau-b of every
pair of its measures.

Run from the repository root:
  /usr/bin/python3 influence/testdata/agreement/make_polblogs.py \
      > influence/testdata/agreement/polblogs.json
"""
import csv
import json

import scipy
import scipy.stats

rows = list(csv.DictReader(open("testdata/polblogs/polblogs-reference.csv")))
cols = {m: [float(r[m]) for r in rows] for m in ("pagerank", "followers", "reach2")}
names = list(cols)
out = []
for i, a in enumerate(names):
    for b in names[i + 1:]:
        out.append({
            "a": a, "b": b, "n": len(rows),
            "spearman": float(scipy.stats.spearmanr(cols[a], cols[b]).statistic),
            "kendall": float(scipy.stats.kendalltau(cols[a], cols[b], variant="b").statistic),
        })
print(json.dumps({"scipy": scipy.__version__, "pairs": out}, indent=1))
