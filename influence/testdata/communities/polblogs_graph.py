"""The polblogs graph as clout's Leiden sees it, shared by the fixture scripts.

Edges of ../polblogs/polblogs.csv (source blog links to target blog), repeated
pairs merged and self-links dropped (as graph.NewGraph does), then made
undirected with w{u,v} = w(u->v) + w(v->u): 1 for a one-way link, 2 for a
mutual one. Accounts are in the order of ../polblogs/polblogs-reference.csv.
"""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
POLBLOGS = os.path.join(HERE, "..", "polblogs")


def accounts():
    with open(os.path.join(POLBLOGS, "polblogs-reference.csv"), newline="") as f:
        return [r["account"] for r in csv.DictReader(f)]


def leaning():
    with open(os.path.join(POLBLOGS, "polblogs-leaning.csv"), newline="") as f:
        return {r["account"]: r["leaning"] for r in csv.DictReader(f)}


def undirected_edges(names):
    index = {a: i for i, a in enumerate(names)}
    directed = set()
    with open(os.path.join(POLBLOGS, "polblogs.csv"), newline="") as f:
        r = csv.reader(f)
        next(r)
        for s, t in r:
            u, v = index[s], index[t]
            if u != v:
                directed.add((u, v))
    w = {}
    for u, v in directed:
        key = (min(u, v), max(u, v))
        w[key] = w.get(key, 0) + 1
    return sorted((u, v, x) for (u, v), x in w.items())
