"""Reads a graph file clout exported with networkx (an independent reader)
and prints it as JSON for graph/export's tests:

    python3 readback.py gexf|graphml FILE

{"nodes": {id: {attr: value}}, "edges": [[source, target, {attr: value}]]}
Edges are listed in file order; networkx's own conversion of typed values
(long → int, double → float) is kept, so the test sees what a user of
networkx would.
"""
import json
import sys

import networkx as nx


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    if fmt == "gexf":
        g = nx.read_gexf(path, node_type=str)
    elif fmt == "graphml":
        g = nx.read_graphml(path)
    else:
        raise SystemExit("unknown format " + fmt)
    if not g.is_directed():
        raise SystemExit("graph read back as undirected")
    out = {
        "nodes": {n: dict(d) for n, d in g.nodes(data=True)},
        "edges": [[u, v, dict(d)] for u, v, d in g.edges(data=True)],
    }
    json.dump(out, sys.stdout, sort_keys=True, default=str)


main()
