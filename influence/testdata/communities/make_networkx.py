"""networkx modularity of given partitions of polblogs (run with python3 and
networkx 3.6.1, after make_igraph.py). Writes polblogs-partitions.csv (one
column per partition: political leaning, random 4- and 50-way splits,
igraph's multilevel and Leiden results, all singletons) and
polblogs-modularity.csv (networkx.community.modularity of each partition at
resolutions 0.5, 1 and 2 on the undirected weighted graph).
"""
import csv
import os
import random

import networkx as nx

from polblogs_graph import HERE, accounts, leaning, undirected_edges

names = accounts()
G = nx.Graph()
G.add_nodes_from(range(len(names)))
G.add_weighted_edges_from(undirected_edges(names))

lean = leaning()
rng = random.Random(7)
ig = {}
with open(os.path.join(HERE, "polblogs-igraph.csv"), newline="") as f:
    for r in csv.DictReader(f):
        ig[r["account"]] = (int(r["multilevel"]), int(r["leiden"]))
parts = {
    "leaning": [0 if lean[a] == "liberal" else 1 for a in names],
    "random4": [rng.randrange(4) for _ in names],
    "random50": [rng.randrange(50) for _ in names],
    "igraph_multilevel": [ig[a][0] for a in names],
    "igraph_leiden": [ig[a][1] for a in names],
    "singletons": list(range(len(names))),
}
with open(os.path.join(HERE, "polblogs-partitions.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["account"] + list(parts))
    for i, a in enumerate(names):
        w.writerow([a] + [parts[p][i] for p in parts])
with open(os.path.join(HERE, "polblogs-modularity.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["partition", "resolution", "modularity"])
    for p, memb in parts.items():
        groups = {}
        for v, c in enumerate(memb):
            groups.setdefault(c, set()).add(v)
        for gamma in (0.5, 1.0, 2.0):
            q = nx.community.modularity(G, groups.values(), weight="weight", resolution=gamma)
            w.writerow([p, gamma, repr(q)])
print("networkx", nx.__version__, "written")
