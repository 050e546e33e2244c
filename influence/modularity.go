package influence

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/clout-cli/clout/graph"
)

// undirected is a weighted undirected graph in CSR form, the view of a layer
// that community detection works on. The neighbours of u are
// idx[off[u]:off[u+1]] with weights w[off[u]:off[u+1]]; every edge {u,v}
// appears in both rows with the same weight, rows hold no self-loops, and no
// weight is zero. self[u] is the weight inside u counted over ordered pairs
// (A_uu; 0 on the input graph, the internal weight of a community after
// aggregation), k[u] = Σ_v w(u,v) + self[u] its strength, and total =
// Σ_u k[u] = 2m.
type undirected struct {
	n     int
	off   []int
	idx   []uint32
	w     []float64
	self  []float64
	k     []float64
	total float64
}

// newUndirected folds the directed graph g into its undirected weighted view:
// w{u,v} = w(u→v) + w(v→u), each direction weighing 1 when g is unweighted,
// so a mutual follow weighs 2 and a one-way follow 1. Self-loops are not in g
// (graph.NewGraph drops them); pairs of total weight 0 are left out, since
// they change neither modularity nor any strength. Rows come out sorted
// ascending. ctx is checked every 64Ki nodes.
func newUndirected(ctx context.Context, g *graph.Graph) (*undirected, error) {
	n := g.N()
	h := &undirected{n: n, off: make([]int, n+1), self: make([]float64, n), k: make([]float64, n)}
	oOff, oIdx, oW := g.OutCSR()
	iOff, iIdx, iW := g.InCSR()
	wt := func(w []float32, i uint32) float64 {
		if w == nil {
			return 1
		}
		return float64(w[i])
	}
	// merge walks u's out-row and in-row together (both ascending) and calls
	// emit once per distinct neighbour with the summed weight.
	merge := func(u int, emit func(v uint32, x float64)) {
		a, ae := oOff[u], oOff[u+1]
		b, be := iOff[u], iOff[u+1]
		for a < ae || b < be {
			switch {
			case b == be || (a < ae && oIdx[a] < iIdx[b]):
				emit(oIdx[a], wt(oW, a))
				a++
			case a == ae || iIdx[b] < oIdx[a]:
				emit(iIdx[b], wt(iW, b))
				b++
			default:
				emit(oIdx[a], wt(oW, a)+wt(iW, b))
				a++
				b++
			}
		}
	}
	for u := range n {
		if u&(1<<16-1) == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("communities: building the undirected graph: %w", err)
			}
		}
		c := 0
		merge(u, func(_ uint32, x float64) {
			if x > 0 {
				c++
			}
		})
		h.off[u+1] = h.off[u] + c
	}
	m := h.off[n]
	h.idx = make([]uint32, m)
	h.w = make([]float64, m)
	for u := range n {
		p := h.off[u]
		var s float64
		merge(u, func(v uint32, x float64) {
			if x > 0 {
				h.idx[p], h.w[p] = v, x
				p++
				s += x
			}
		})
		h.k[u] = s
		h.total += s
	}
	return h, nil
}

// byStrength returns h with its nodes renumbered by strength, strongest
// first (ties by index), and perm: new node i is h's node perm[i].
func (h *undirected) byStrength() (*undirected, []uint32) {
	perm := make([]uint32, h.n)
	for i := range perm {
		perm[i] = uint32(i)
	}
	slices.SortFunc(perm, func(a, b uint32) int {
		if c := cmp.Compare(h.k[b], h.k[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	newID := make([]uint32, h.n)
	for i, v := range perm {
		newID[v] = uint32(i)
	}
	p := &undirected{n: h.n, off: make([]int, h.n+1), idx: make([]uint32, len(h.idx)), w: make([]float64, len(h.w)),
		self: make([]float64, h.n), k: make([]float64, h.n), total: h.total}
	for i, v := range perm {
		lo, hi := h.off[v], h.off[v+1]
		at := p.off[i]
		p.off[i+1] = at + hi - lo
		for q := lo; q < hi; q++ {
			p.idx[at+q-lo] = newID[h.idx[q]]
		}
		copy(p.w[at:], h.w[lo:hi])
		p.self[i], p.k[i] = h.self[v], h.k[v]
	}
	return p, perm
}

// Modularity returns the modularity of the partition membership (one
// community id per node, each in [0, N)) of g treated as undirected and
// weighted as Leiden sees it (w{u,v} = w(u→v) + w(v→u), unit weights when g
// is unweighted, self-loops dropped), with resolution γ in the form of
// J. Reichardt and S. Bornholdt ("Statistical mechanics of community
// detection", Phys. Rev. E 74, 2006):
//
//	Q = Σ_c [ W_c / m − γ (K_c / 2m)² ]
//
// where m is the total undirected weight, W_c the weight of the edges inside
// community c and K_c the sum of the strengths (weighted degrees) of its
// nodes. γ = 1 is the modularity of M. Newman and M. Girvan ("Finding and
// evaluating community structure in networks", Phys. Rev. E 69, 2004), equal
// to networkx.community.modularity(G, communities, weight="weight",
// resolution=γ) on that undirected graph. A graph without edges has Q = 0.
func Modularity(g *graph.Graph, membership []int32, resolution float64) (float64, error) {
	if len(membership) != g.N() {
		return 0, fmt.Errorf("modularity: %d community ids for %d nodes", len(membership), g.N())
	}
	if !(resolution >= 0) || math.IsInf(resolution, 0) {
		return 0, fmt.Errorf("modularity: resolution %v must be a finite number ≥ 0", resolution)
	}
	for v, c := range membership {
		if c < 0 || int(c) >= len(membership) {
			return 0, fmt.Errorf("modularity: node %d has community id %d, want one in [0, %d)", v, c, len(membership))
		}
	}
	h, err := newUndirected(context.Background(), g)
	if err != nil {
		return 0, err
	}
	return h.modularity(membership, resolution), nil
}

// modularity is Q of a partition of h (ids in [0, h.n)), summed per
// community in id order so that the value does not depend on node order.
func (h *undirected) modularity(comm []int32, gamma float64) float64 {
	if h.total == 0 {
		return 0
	}
	in := make([]float64, h.n)
	tot := make([]float64, h.n)
	for u := range h.n {
		c := comm[u]
		tot[c] += h.k[u]
		in[c] += h.self[u]
		for p := h.off[u]; p < h.off[u+1]; p++ {
			if comm[h.idx[p]] == c {
				in[c] += h.w[p]
			}
		}
	}
	var q float64
	for c := range in {
		if tot[c] != 0 {
			// in[c] counts ordered pairs, 2·W_c.
			q += in[c]/h.total - gamma*(tot[c]/h.total)*(tot[c]/h.total)
		}
	}
	return q
}

// CommunityEdges returns, for each community id c in [0, communities), the
// number of edges u → v of g (as stored: directed, deduplicated, self-loops
// dropped) with both ends in c, and their total weight (their number when g
// is unweighted).
func CommunityEdges(g *graph.Graph, membership []int32, communities int) (edges []int64, weight []float64, err error) {
	if len(membership) != g.N() {
		return nil, nil, fmt.Errorf("communities: %d community ids for %d nodes", len(membership), g.N())
	}
	edges = make([]int64, communities)
	weight = make([]float64, communities)
	off, idx, w := g.OutCSR()
	for u := range g.N() {
		c := membership[u]
		if c < 0 || int(c) >= communities {
			return nil, nil, fmt.Errorf("communities: node %d has community id %d, want one in [0, %d)", u, c, communities)
		}
		for p := off[u]; p < off[u+1]; p++ {
			if membership[idx[p]] == c {
				edges[c]++
				if w == nil {
					weight[c]++
				} else {
					weight[c] += float64(w[p])
				}
			}
		}
	}
	return edges, weight, nil
}

// TopPerCommunity keeps the first k nodes of each community from order (the
// nodes best first, as rank sorts them), in the order given: the shortlist of
// `rank --per-community K`, which is not k accounts from one cluster. Nodes
// with a negative community id (none) are kept as their own group of one.
func TopPerCommunity(order []uint32, membership []int32, k int) []uint32 {
	if k <= 0 {
		return nil
	}
	maxID := int32(-1)
	for _, c := range membership {
		maxID = max(maxID, c)
	}
	taken := make([]int, int(maxID)+1)
	var out []uint32
	for _, v := range order {
		c := membership[v]
		if c < 0 {
			out = append(out, v)
			continue
		}
		if taken[c] < k {
			taken[c]++
			out = append(out, v)
		}
	}
	return out
}
