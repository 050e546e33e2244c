package graph

import (
	"math"

	gonumgraph "gonum.org/v1/gonum/graph"
)

// Graph satisfies gonum's weighted directed graph interface without copying
// its edges: node IDs are the indices 0..N()-1, and the iterators below walk
// the CSR rows in place.
var _ gonumgraph.WeightedDirected = (*Graph)(nil)

// node is a gonum graph node; its ID is the node index.
type node int64

func (n node) ID() int64 { return int64(n) }

// weightedEdge is a gonum weighted edge u → v. In an unweighted Graph every
// edge has weight 1.
type weightedEdge struct {
	f, t int64
	w    float64
}

func (e weightedEdge) From() gonumgraph.Node         { return node(e.f) }
func (e weightedEdge) To() gonumgraph.Node           { return node(e.t) }
func (e weightedEdge) Weight() float64               { return e.w }
func (e weightedEdge) ReversedEdge() gonumgraph.Edge { return weightedEdge{f: e.t, t: e.f, w: e.w} }

func (g *Graph) has(id int64) bool { return id >= 0 && id < int64(g.n) }

// edgeIndex returns the position of u → v in the out-CSR, found by binary
// search in u's sorted row.
func (g *Graph) edgeIndex(uid, vid int64) (int, bool) {
	if !g.has(uid) || !g.has(vid) {
		return 0, false
	}
	lo, hi := int(g.out.off[uid]), int(g.out.off[uid+1])
	row := g.out.idx[lo:hi]
	v := uint32(vid)
	i, j := 0, len(row)
	for i < j {
		h := int(uint(i+j) >> 1)
		if row[h] < v {
			i = h + 1
		} else {
			j = h
		}
	}
	if i < len(row) && row[i] == v {
		return lo + i, true
	}
	return 0, false
}

func (g *Graph) weightAt(p int) float64 {
	if g.out.w == nil {
		return 1
	}
	return float64(g.out.w[p])
}

// Node returns the node with the given ID, or nil if id is not in 0..N()-1.
func (g *Graph) Node(id int64) gonumgraph.Node {
	if !g.has(id) {
		return nil
	}
	return node(id)
}

// Nodes returns all nodes in ID order.
func (g *Graph) Nodes() gonumgraph.Nodes {
	if g.n == 0 {
		return gonumgraph.Empty
	}
	return &rangeNodes{n: int64(g.n), i: -1}
}

// From returns the targets of id's out-edges in ID order.
func (g *Graph) From(id int64) gonumgraph.Nodes {
	if !g.has(id) {
		return gonumgraph.Empty
	}
	row, _ := g.out.row(uint32(id))
	if len(row) == 0 {
		return gonumgraph.Empty
	}
	return &rowNodes{row: row, i: -1}
}

// To returns the sources of id's in-edges in ID order.
func (g *Graph) To(id int64) gonumgraph.Nodes {
	if !g.has(id) {
		return gonumgraph.Empty
	}
	row, _ := g.in.row(uint32(id))
	if len(row) == 0 {
		return gonumgraph.Empty
	}
	return &rowNodes{row: row, i: -1}
}

// HasEdgeBetween reports whether there is an edge between the two nodes in
// either direction.
func (g *Graph) HasEdgeBetween(xid, yid int64) bool {
	return g.HasEdgeFromTo(xid, yid) || g.HasEdgeFromTo(yid, xid)
}

// HasEdgeFromTo reports whether the edge uid → vid exists.
func (g *Graph) HasEdgeFromTo(uid, vid int64) bool {
	_, ok := g.edgeIndex(uid, vid)
	return ok
}

// Edge returns the edge uid → vid, or nil if there is none.
func (g *Graph) Edge(uid, vid int64) gonumgraph.Edge {
	e := g.WeightedEdge(uid, vid)
	if e == nil {
		return nil
	}
	return e
}

// WeightedEdge returns the edge uid → vid with its weight (1 in an unweighted
// graph), or nil if there is none.
func (g *Graph) WeightedEdge(uid, vid int64) gonumgraph.WeightedEdge {
	p, ok := g.edgeIndex(uid, vid)
	if !ok {
		return nil
	}
	return weightedEdge{f: uid, t: vid, w: g.weightAt(p)}
}

// Weight returns the weight of the edge xid → yid and true if it exists. It
// follows the convention of gonum's simple.WeightedDirectedGraph built as
// simple.NewWeightedDirectedGraph(0, math.Inf(1)), the one gonum's path
// algorithms expect: a node to itself is (0, true) (a Graph has no
// self-loops) and an absent edge is (+Inf, false).
func (g *Graph) Weight(xid, yid int64) (w float64, ok bool) {
	if xid == yid {
		return 0, true
	}
	if p, ok := g.edgeIndex(xid, yid); ok {
		return g.weightAt(p), true
	}
	return math.Inf(1), false
}

// rangeNodes iterates the IDs 0..n-1 following gonum's iterator contract.
type rangeNodes struct {
	n, i int64
}

func (it *rangeNodes) Next() bool {
	if it.i+1 < it.n {
		it.i++
		return true
	}
	it.i = it.n
	return false
}

func (it *rangeNodes) Len() int {
	if it.i >= it.n {
		return 0
	}
	return int(it.n - it.i - 1)
}

func (it *rangeNodes) Reset() { it.i = -1 }

func (it *rangeNodes) Node() gonumgraph.Node {
	if it.i < 0 || it.i >= it.n {
		return nil
	}
	return node(it.i)
}

// rowNodes iterates one CSR row in place.
type rowNodes struct {
	row []uint32
	i   int
}

func (it *rowNodes) Next() bool {
	if it.i+1 < len(it.row) {
		it.i++
		return true
	}
	it.i = len(it.row)
	return false
}

func (it *rowNodes) Len() int {
	if it.i >= len(it.row) {
		return 0
	}
	return len(it.row) - it.i - 1
}

func (it *rowNodes) Reset() { it.i = -1 }

func (it *rowNodes) Node() gonumgraph.Node {
	if it.i < 0 || it.i >= len(it.row) {
		return nil
	}
	return node(it.row[it.i])
}
