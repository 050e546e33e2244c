#!/usr/bin/env python3
"""Personalized PageRank reference values for influence's tests.

Run from this directory: python3 make_fixture.py > pagerank_personalized.json
networkx 3.6.1 computes pagerank(G, alpha=d, personalization=v, dangling=v,
weight="weight") (its pure-Python implementation, _pagerank_python, which
nx.pagerank replaces by a scipy one when numpy is installed; numpy is not
installed here): teleport and the mass of dangling nodes (no out-edges) both
go to the seeds in proportion to v (Haveliwala 2002), the definition of
influence.PageRank with PageRankOptions.Teleport = v. Graphs are DiGraphs
(parallel edges summed, no self-loops) with some dangling nodes; each case
lists its edges so that the Go test builds exactly the same graph.
"""
import json
import random

import networkx as nx
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python


def case(name, n, edges, seeds, damping):
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for u, v, w in edges:
        if g.has_edge(u, v):
            g[u][v]["weight"] += w
        else:
            g.add_edge(u, v, weight=w)
    p = {u: w for u, w in seeds.items()}
    pr = _pagerank_python(g, alpha=damping, personalization=p, dangling=p, weight="weight",
                     tol=1e-15, max_iter=100000)
    return {
        "name": name,
        "n": n,
        "damping": damping,
        "edges": [[u, v, w] for u, v, w in edges],
        "seeds": {str(u): w for u, w in seeds.items()},
        "scores": [pr[u] for u in range(n)],
        "networkx": nx.__version__,
    }


def random_case(name, seed, n, m, nseeds, damping, weighted):
    rng = random.Random(seed)
    dangling = set(rng.sample(range(n), n // 10))
    edges = []
    while len(edges) < m:
        u, v = rng.randrange(n), rng.randrange(n)
        if u == v or u in dangling:
            continue
        w = rng.choice([0.25, 0.5, 1.0, 2.0]) if weighted else 1.0
        edges.append((u, v, w))
    seeds = {u: (rng.choice([1.0, 2.0, 3.0]) if weighted else 1.0) for u in rng.sample(range(n), nseeds)}
    return case(name, n, edges, seeds, damping)


cases = [
    # 0 → 1 → 2, 3 → 2, 2 and 4 dangling; seeds 3 (and 4, weight 2).
    case("hand", 5, [(0, 1, 1.0), (1, 2, 1.0), (3, 2, 0.5), (3, 1, 1.5)], {3: 1.0, 4: 2.0}, 0.85),
    # A seed that is dangling and unreachable.
    case("dangling seed", 4, [(0, 1, 1.0), (1, 0, 1.0), (2, 0, 1.0)], {3: 1.0}, 0.85),
    random_case("random unweighted", 1, 300, 1500, 5, 0.85, False),
    random_case("random weighted", 2, 300, 1200, 12, 0.85, True),
    random_case("random weighted d=0.5", 3, 150, 600, 1, 0.5, True),
]
print(json.dumps({"cases": cases}, indent=None))
