package export

import "slices"

// Subgraph returns the graph induced by the nodes with keep[v] true: those
// nodes in their order, the edges between them in theirs, every attribute
// carried along.
func (g *Graph) Subgraph(keep []bool) *Graph {
	newID := make([]int32, len(g.IDs))
	var nodes []int
	for v := range g.IDs {
		newID[v] = -1
		if keep[v] {
			newID[v] = int32(len(nodes))
			nodes = append(nodes, v)
		}
	}
	var edges []int
	for e := range g.Src {
		if keep[g.Src[e]] && keep[g.Dst[e]] {
			edges = append(edges, e)
		}
	}
	out := g.pick(nodes, edges)
	for i, e := range edges {
		out.Src[i], out.Dst[i] = newID[g.Src[e]], newID[g.Dst[e]]
	}
	return out
}

// keepEdges returns g with only the edges for which keep is true.
func (g *Graph) keepEdges(keep func(e int) bool) *Graph {
	nodes := make([]int, len(g.IDs))
	for v := range nodes {
		nodes[v] = v
	}
	var edges []int
	for e := range g.Src {
		if keep(e) {
			edges = append(edges, e)
		}
	}
	out := g.pick(nodes, edges)
	for i, e := range edges {
		out.Src[i], out.Dst[i] = g.Src[e], g.Dst[e]
	}
	return out
}

// pick copies the given nodes and edges (endpoints left for the caller).
func (g *Graph) pick(nodes, edges []int) *Graph {
	out := &Graph{Creator: g.Creator, Description: g.Description,
		IDs: make([]string, len(nodes)), Labels: make([]string, len(nodes)),
		Src: make([]int32, len(edges)), Dst: make([]int32, len(edges)), Weight: make([]float64, len(edges))}
	for i, v := range nodes {
		out.IDs[i], out.Labels[i] = g.IDs[v], g.Labels[v]
	}
	for i, e := range edges {
		out.Weight[i] = g.Weight[e]
	}
	out.NodeAttrs = pickAttrs(g.NodeAttrs, nodes)
	out.EdgeAttrs = pickAttrs(g.EdgeAttrs, edges)
	if g.NodeStart != nil {
		out.NodeStart = pickSlice(g.NodeStart, nodes)
	}
	if g.EdgeStart != nil {
		out.EdgeStart = pickSlice(g.EdgeStart, edges)
	}
	return out
}

func pickAttrs(attrs []Attr, idx []int) []Attr {
	out := make([]Attr, len(attrs))
	for i, a := range attrs {
		out[i] = Attr{Name: a.Name, Type: a.Type}
		if a.Type == String {
			out[i].Str = pickSlice(a.Str, idx)
		} else {
			out[i].Num = pickSlice(a.Num, idx)
		}
	}
	return out
}

func pickSlice[T any](s []T, idx []int) []T {
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = s[j]
	}
	return out
}

// MinWeight drops the edges whose weight is below w.
func (g *Graph) MinWeight(w float64) *Graph {
	return g.keepEdges(func(e int) bool { return g.Weight[e] >= w })
}

// MinDegree keeps the nodes with at least d edges (in + out, counted on g)
// and the edges between them. It is one pass, not a k-core: a node can end
// with fewer than d edges once its neighbours are gone.
func (g *Graph) MinDegree(d int) *Graph {
	deg := make([]int, len(g.IDs))
	for e := range g.Src {
		deg[g.Src[e]]++
		deg[g.Dst[e]]++
	}
	keep := make([]bool, len(g.IDs))
	for v := range keep {
		keep[v] = deg[v] >= d
	}
	return g.Subgraph(keep)
}

// LargestComponent keeps the largest weakly connected component (edge
// directions ignored); of components of equal size, the one holding the
// lowest-numbered node.
func (g *Graph) LargestComponent() *Graph {
	n := len(g.IDs)
	parent := make([]int32, n)
	for v := range parent {
		parent[v] = int32(v)
	}
	find := func(v int32) int32 {
		for parent[v] != v {
			parent[v] = parent[parent[v]]
			v = parent[v]
		}
		return v
	}
	for e := range g.Src {
		a, b := find(g.Src[e]), find(g.Dst[e])
		if a != b {
			// The smaller index becomes the root, so roots do not depend
			// on edge order.
			parent[max(a, b)] = min(a, b)
		}
	}
	size := make([]int, n)
	for v := range n {
		size[find(int32(v))]++
	}
	best := int32(-1)
	for v := range n {
		if r := int32(v); parent[v] == r && (best < 0 || size[v] > size[best]) {
			best = r
		}
	}
	keep := make([]bool, n)
	for v := range n {
		keep[v] = find(int32(v)) == best
	}
	return g.Subgraph(keep)
}

// SortEdges puts g's edges in (source, target) node order, so a file
// does not depend on the order the edges were gathered in.
func (g *Graph) SortEdges() {
	order := make([]int, len(g.Src))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if g.Src[a] != g.Src[b] {
			return int(g.Src[a]) - int(g.Src[b])
		}
		return int(g.Dst[a]) - int(g.Dst[b])
	})
	nodes := make([]int, len(g.IDs))
	for v := range nodes {
		nodes[v] = v
	}
	src, dst := pickSlice(g.Src, order), pickSlice(g.Dst, order)
	*g = *g.pick(nodes, order)
	g.Src, g.Dst = src, dst
}
