#!/usr/bin/python3
"""Time igraph's coreness on the benchmark graph, to compare with clout's
BenchmarkCoreness (influence/bench_test.go) on the same graph.

    go run ./cmd/clout-synth -nodes 1000000 -edges 10000000 -seed 1 > /tmp/synth.csv
    apt-get install -y python3-igraph      # Debian's igraph 0.10 for /usr/bin/python3
    /usr/bin/python3 influence/testdata/measures/igraph_coreness.py /tmp/synth.csv

clout-synth labels node i as u<i>; the graph is made simple (repeated pairs
merged, no self-loops, reciprocal pairs kept as two edges), as graph.NewGraph
does, and coreness(mode="all") uses degree = in + out like clout's Coreness.
It prints the wall and CPU time of the coreness call alone (best of 3; the
CPU time is the fairer figure on a shared machine) and the sum and maximum of
the core numbers, which BenchmarkMeasures/1M-10M-coreness checks against
clout's.
"""
import sys
import time

import igraph

path = sys.argv[1]
edges = []
n = 0
with open(path) as f:
    next(f)
    for line in f:
        s, d = line.rstrip("\n").split(",")
        u, v = int(s[1:]), int(d[1:])
        edges.append((u, v))
        n = max(n, u + 1, v + 1)
g = igraph.Graph(n=n, edges=edges, directed=True)
del edges
g.simplify(multiple=True, loops=True)
print(f"igraph {igraph.__version__}: {g.vcount()} nodes, {g.ecount()} edges")
wall = cpu = None
for _ in range(3):
    t, c = time.perf_counter(), time.process_time()
    core = g.coreness(mode="all")
    dt, dc = time.perf_counter() - t, time.process_time() - c
    wall = dt if wall is None else min(wall, dt)
    cpu = dc if cpu is None else min(cpu, dc)
print(f"coreness: {wall:.3f} s wall, {cpu:.3f} s CPU (best of 3); sum {sum(core)}, max {max(core)}")
