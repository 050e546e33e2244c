#!/usr/bin/env python3
"""Reference values for influence/leaderrank.go, hits.go and coreness.go.

Run from the repository root with the networkx Python (3.6.1 was used):

    python3 influence/testdata/measures/make_measures.py

It needs networkx only (no numpy/scipy: the public nx.hits and nx.pagerank
call scipy, so the script calls networkx's own pure-Python power iterations,
nx.algorithms.link_analysis.{hits_alg._hits_python,pagerank_alg._pagerank_python},
which are the same algorithms). It writes, in influence/testdata/measures/:

  graph-NAME.csv      source,target,weight of the small random graphs
                      (node ids 0..n-1; n is the row count of NAME-measures.csv)
  NAME-measures.csv   node,leaderrank,authority,hub,coreness for every graph,
                      polblogs included (node = blog name for polblogs)

Definitions (as clout states them):
  leaderrank  Lu et al. 2011: add a ground node g with edges g->i and i->g of
              weight 1 for every node i; run networkx pagerank(alpha=1) on the
              augmented graph (transition weight(u,v)/outweight(u), the ground
              edge included); with pi its stationary distribution and n the
              number of real nodes, leaderrank(i) = n*pi(i) + pi(g), i.e. the
              walk started from s_i(0) = 1, s_g(0) = 0 with the ground node's
              score shared equally at the end (the scores sum to n). The
              script checks this against that walk run literally.
  authority,  networkx hits (power iteration from uniform, weights used),
  hub         normalized=True: each vector sums to 1.
  coreness    networkx core_number on the DiGraph (degree = in + out, a
              reciprocal pair counts 2), self-loops removed first.
"""
import csv
import os
import random

import networkx as nx
from networkx.algorithms.link_analysis.hits_alg import _hits_python
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

HERE = os.path.dirname(os.path.abspath(__file__))
POLBLOGS = os.path.join(HERE, "..", "polblogs")
GROUND = ("ground",)  # a node key no real node has


def leaderrank_nx(G):
    n = G.number_of_nodes()
    A = nx.DiGraph()
    A.add_nodes_from(G)
    A.add_edges_from(G.edges(data=True))
    for v in G:
        A.add_edge(GROUND, v, weight=1.0)
        A.add_edge(v, GROUND, weight=1.0)
    pi = _pagerank_python(A, alpha=1.0, tol=1e-16, max_iter=1_000_000, weight="weight")
    return {v: n * pi[v] + pi[GROUND] for v in G}


def leaderrank_walk(G):
    """The paper's iteration, literally: s(0) = 1 on real nodes, 0 on ground."""
    out = {v: sum(d.get("weight", 1.0) for _, _, d in G.out_edges(v, data=True)) + 1.0 for v in G}
    n = G.number_of_nodes()
    s = dict.fromkeys(G, 1.0)
    sg = 0.0
    for _ in range(1_000_000):
        t = dict.fromkeys(G, sg / n)
        tg = 0.0
        for u in G:
            c = s[u] / out[u]
            tg += c
            for _, v, d in G.out_edges(u, data=True):
                t[v] += c * d.get("weight", 1.0)
        err = sum(abs(t[v] - s[v]) for v in G) + abs(tg - sg)
        s, sg = t, tg
        if err < 1e-13 * n:
            break
    return {v: s[v] + sg / n for v in G}


def measures(G):
    lr = leaderrank_nx(G)
    walk = leaderrank_walk(G)
    worst = max(abs(lr[v] - walk[v]) for v in G)
    assert worst < 1e-9, worst
    h, a = _hits_python(G, max_iter=1_000_000, tol=1e-13 * G.number_of_nodes())
    H = nx.DiGraph(G)
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    core = nx.core_number(H)
    return lr, a, h, core, worst


def write_measures(name, G, nodes):
    lr, a, h, core, worst = measures(G)
    with open(os.path.join(HERE, name + "-measures.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["node", "leaderrank", "authority", "hub", "coreness"])
        for v in nodes:
            w.writerow([v, repr(lr[v]), repr(a[v]), repr(h[v]), core[v]])
    print(f"{name}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges, "
          f"leaderrank nx vs walk {worst:.2g}")


def random_graph(seed, n, m, weighted=False, reciprocal=0.0):
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    for _ in range(m):
        u, v = rng.randrange(n), rng.randrange(n)
        if u == v:
            continue
        wt = float(rng.randint(1, 5)) if weighted else 1.0
        G.add_edge(u, v, weight=wt)
        if rng.random() < reciprocal:
            G.add_edge(v, u, weight=wt)
    return G


def small_graphs():
    star = nx.DiGraph()
    star.add_nodes_from(range(8))
    star.add_edges_from((i, 0) for i in range(1, 8))
    star.add_edge(0, 1)
    tail = nx.DiGraph()
    tail.add_nodes_from(range(7))
    tail.add_edges_from([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 3), (5, 4)])  # 6 isolated
    return {
        "star": star,
        "cycle-tail": tail,
        "random-50-200": random_graph(1, 50, 200),
        "random-80-60": random_graph(2, 80, 60),
        "random-300-3000": random_graph(3, 300, 3000, reciprocal=0.3),
        "weighted-60-300": random_graph(4, 60, 300, weighted=True),
        "weighted-200-1500": random_graph(5, 200, 1500, weighted=True, reciprocal=0.2),
    }


def main():
    for name, G in small_graphs().items():
        with open(os.path.join(HERE, "graph-" + name + ".csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["source", "target", "weight"])
            for u, v, d in sorted(G.edges(data=True)):
                w.writerow([u, v, int(d.get("weight", 1.0))])
        write_measures(name, G, sorted(G))

    with open(os.path.join(POLBLOGS, "polblogs-reference.csv")) as f:
        names = [r["account"] for r in csv.DictReader(f)]
    G = nx.DiGraph()
    G.add_nodes_from(names)
    with open(os.path.join(POLBLOGS, "polblogs.csv")) as f:
        for r in csv.DictReader(f):
            if r["source"] != r["target"]:
                G.add_edge(r["source"], r["target"])
    assert G.number_of_nodes() == 1490 and G.number_of_edges() == 19022
    write_measures("polblogs", G, names)


if __name__ == "__main__":
    main()
