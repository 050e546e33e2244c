package graph

import "math"

// MaxEdges is the largest number of input edges NewGraph accepts: row offsets
// are uint32, which halves their memory and cache footprint against uint64.
const MaxEdges = math.MaxUint32

// Graph is a directed graph on the nodes 0..N()-1 in compressed sparse row
// form, held in both directions so that pull-style kernels (PageRank) walk
// in-edges and push-style ones walk out-edges without a transpose. It has no
// self-loops and at most one edge u → v; a weighted graph carries one float32
// weight per edge. A Graph is immutable and safe for concurrent readers.
//
// Graph also implements gonum's graph.WeightedDirected (see gonum.go) so that
// gonum's algorithms run on it directly and cross-check clout's kernels.
type Graph struct {
	n   int
	out csr
	in  csr
}

// csr is one direction of the graph: the neighbours of node u are
// idx[off[u]:off[u+1]], sorted ascending, with weights w[off[u]:off[u+1]]
// (w is nil when the graph is unweighted).
type csr struct {
	off []uint32
	idx []uint32
	w   []float32
}

func (c *csr) row(u uint32) ([]uint32, []float32) {
	lo, hi := c.off[u], c.off[u+1]
	if c.w == nil {
		return c.idx[lo:hi:hi], nil
	}
	return c.idx[lo:hi:hi], c.w[lo:hi:hi]
}

// N returns the number of nodes.
func (g *Graph) N() int { return g.n }

// M returns the number of distinct edges, after merging repeats and dropping
// self-loops.
func (g *Graph) M() int { return len(g.out.idx) }

// Weighted reports whether the graph carries edge weights.
func (g *Graph) Weighted() bool { return g.out.w != nil }

// Out returns the targets of u's out-edges, ascending, and their weights (nil
// when the graph is unweighted). The slices are views into the graph and must
// not be modified.
func (g *Graph) Out(u uint32) (nbrs []uint32, w []float32) { return g.out.row(u) }

// In returns the sources of v's in-edges, ascending, and their weights (nil
// when the graph is unweighted). The slices are views into the graph and must
// not be modified.
func (g *Graph) In(v uint32) (nbrs []uint32, w []float32) { return g.in.row(v) }

// OutDegree returns the number of out-edges of u.
func (g *Graph) OutDegree(u uint32) int { return int(g.out.off[u+1] - g.out.off[u]) }

// InDegree returns the number of in-edges of v.
func (g *Graph) InDegree(v uint32) int { return int(g.in.off[v+1] - g.in.off[v]) }

// OutWeight returns the sum of u's out-edge weights, accumulated in float64;
// in an unweighted graph it is the out-degree.
func (g *Graph) OutWeight(u uint32) float64 {
	_, w := g.out.row(u)
	if w == nil {
		return float64(g.OutDegree(u))
	}
	var s float64
	for _, x := range w {
		s += float64(x)
	}
	return s
}

// OutCSR returns the out-direction arrays: the targets of u are
// idx[off[u]:off[u+1]] (ascending) with weights w[off[u]:off[u+1]] (w is nil
// when unweighted); len(off) == N()+1. They are shared, read-only views for
// kernels that sweep the whole graph.
func (g *Graph) OutCSR() (off, idx []uint32, w []float32) { return g.out.off, g.out.idx, g.out.w }

// InCSR returns the in-direction arrays, laid out as for OutCSR.
func (g *Graph) InCSR() (off, idx []uint32, w []float32) { return g.in.off, g.in.idx, g.in.w }
