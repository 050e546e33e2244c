package influence

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/clout-cli/clout/graph"
)

// LeidenOptions configures Leiden. The zero value finds communities of
// maximal modularity (γ = 1) with random seed 0.
type LeidenOptions struct {
	// Resolution is γ in Q = Σ_c [W_c/m − γ (K_c/2m)²]; larger values give
	// more, smaller communities. It must be > 0; zero means 1.
	Resolution float64
	// Seed seeds the random number generator that orders node visits and
	// draws the refinement's merges: the same graph, options and seed give
	// the same communities.
	Seed uint64
	// Theta is the randomness θ of the refinement step (in edge-weight
	// units, as igraph's beta); zero means 0.01.
	Theta float64
	// MaxIterations caps the Leiden iterations, each started from the
	// partition the previous one reached; they stop early when one leaves
	// the partition unchanged. Zero means 2 (igraph's default); a negative
	// value means until unchanged (at most 1000).
	MaxIterations int
}

// LeidenResult is the outcome of Leiden.
type LeidenResult struct {
	// Membership is the community id of every node. Ids are canonical:
	// 0 is the largest community, ties ordered by their smallest node index,
	// so ids do not depend on how the algorithm numbered them internally.
	Membership []int32
	// Sizes[c] is the number of nodes in community c (non-increasing).
	Sizes []int
	// Modularity is Q of Membership at Resolution (see Modularity).
	Modularity float64
	// Iterations is the number of Leiden iterations run; Levels the total
	// number of local-moving phases (one per aggregation level) over them.
	Iterations, Levels int
	// Converged reports whether the last iteration changed nothing.
	Converged bool
	// Split counts the extra communities made by the final check that splits
	// every community into its connected components. Leiden guarantees
	// connected communities, so it is 0; the check keeps the guarantee
	// whatever the floating-point rounding.
	Split int
}

// Leiden partitions g into communities with the Leiden algorithm of
// V. A. Traag, L. Waltman and N. J. van Eck ("From Louvain to Leiden:
// guaranteeing well-connected communities", Scientific Reports 9, 5233,
// 2019), maximising the modularity Q with resolution γ (see Modularity for
// the exact definition) of g treated as undirected and weighted:
// w{u,v} = w(u→v) + w(v→u), each direction weighing 1 when g is unweighted,
// self-loops dropped.
//
// Each iteration repeats three phases until the local moving phase leaves
// every community a single (aggregate) node:
//
//  1. Fast local moving: nodes are visited from a queue, first in a random
//     order; a node moves to the neighbouring community (or an empty one)
//     with the largest gain ΔH = w(v,D) − γ k_v K_D / 2m, strictly better
//     than staying, ties kept in neighbour order; after a move its
//     neighbours outside the new community are queued again.
//  2. Refinement: inside each community S, starting from singletons, every
//     node v still alone and well connected to S (w(v, S−v) ≥ γ k_v
//     (K_S − k_v)/2m) merges into a well-connected refined subcommunity C
//     of S (w(C, S−C) ≥ γ K_C (K_S − K_C)/2m) with ΔH ≥ 0, chosen with
//     probability ∝ exp(ΔH/θ) (staying alone, ΔH = 0, included).
//  3. Aggregation: each refined subcommunity becomes a node; the partition
//     of the aggregate graph starts from the communities of phase 1.
//
// Further iterations start from the partition reached, until one changes
// nothing or MaxIterations have run. Communities are connected in the undirected
// graph (the refined subcommunities are built along edges); a final check
// splits any that is not (LeidenResult.Split, 0 in practice), which can only
// raise Q. Everything random comes from one PCG stream seeded by Seed, so the
// result is deterministic. Isolated nodes are communities of their own. The
// graph is held as flat arrays; the work per phase is O(m) and no maps are
// used. ctx is checked every 4096 node visits.
func Leiden(ctx context.Context, g *graph.Graph, o LeidenOptions) (LeidenResult, error) {
	if o.Resolution == 0 {
		o.Resolution = 1
	}
	if o.Theta == 0 {
		o.Theta = 0.01
	}
	switch {
	case o.MaxIterations == 0:
		o.MaxIterations = 2
	case o.MaxIterations < 0:
		o.MaxIterations = 1000
	}
	switch {
	case !(o.Resolution > 0) || math.IsInf(o.Resolution, 0):
		return LeidenResult{}, fmt.Errorf("leiden: resolution %v must be a finite number > 0", o.Resolution)
	case !(o.Theta > 0) || math.IsInf(o.Theta, 0):
		return LeidenResult{}, fmt.Errorf("leiden: theta %v must be a finite number > 0", o.Theta)
	}
	hg, err := newUndirected(ctx, g)
	if err != nil {
		return LeidenResult{}, err
	}
	// Work on the nodes renumbered by strength, strongest first: most edge
	// ends are at hubs, so their community ids stay in cache.
	h0, perm := hg.byStrength()
	hg = nil
	n := h0.n
	l := &leiden{
		ctx: ctx, gamma: o.Resolution, theta: o.Theta,
		rng:    rand.New(rand.NewPCG(o.Seed, 0x6c656964656e)), // "leiden"
		neighW: make([]float64, n),
	}
	res := LeidenResult{}
	memb := make([]int32, n)
	for v := range memb {
		memb[v] = int32(v)
	}
	nodeAgg := make([]int32, n)
	for res.Iterations < o.MaxIterations {
		res.Iterations++
		h, comm := h0, slices.Clone(memb)
		for v := range nodeAgg {
			nodeAgg[v] = int32(v)
		}
		for {
			if err := l.moveNodes(h, comm); err != nil {
				return LeidenResult{}, err
			}
			res.Levels++
			if countDistinct(comm) == h.n {
				break
			}
			ref, err := l.refine(h, comm)
			if err != nil {
				return LeidenResult{}, err
			}
			h2, agg, comm2, err := l.aggregate(h, ref, comm)
			if err != nil {
				return LeidenResult{}, err
			}
			if h2.n == h.n {
				break // the refinement merged nothing: no coarser level to try
			}
			for v := range nodeAgg {
				nodeAgg[v] = agg[nodeAgg[v]]
			}
			h, comm = h2, comm2
		}
		next := make([]int32, n)
		for v := range next {
			next[v] = comm[nodeAgg[v]]
		}
		same := samePartition(memb, next)
		memb = next
		if same {
			res.Converged = true
			break
		}
	}
	before := countDistinct(memb)
	memb, comps := h0.components(memb)
	res.Split = comps - before
	res.Modularity = h0.modularity(memb, o.Resolution)
	orig := make([]int32, n)
	for i, v := range perm {
		orig[v] = memb[i]
	}
	res.Membership, res.Sizes = canonical(orig, comps)
	return res, nil
}

// leiden holds the state shared by the phases: the options, the random
// stream and scratch space indexed by community (all zero between uses).
type leiden struct {
	ctx          context.Context
	gamma, theta float64
	rng          *rand.Rand
	neighW       []float64
	touched      []int32
	steps        int
}

func (l *leiden) tick() error {
	l.steps++
	if l.steps&4095 == 0 {
		if err := l.ctx.Err(); err != nil {
			return fmt.Errorf("communities: stopped: %w", err)
		}
	}
	return nil
}

// perm returns a random permutation of 0..n-1 (Fisher–Yates).
func (l *leiden) perm(n int) []uint32 {
	p := make([]uint32, n)
	for i := range p {
		j := l.rng.IntN(i + 1)
		p[i] = p[j]
		p[j] = uint32(i)
	}
	return p
}

// gather sums v's edge weights per community of label (for the neighbours
// u with keep(u)) into l.neighW, listing the communities met in l.touched in
// the order met. Weights are positive, so neighW[c] == 0 means "not met yet".
func (l *leiden) gather(h *undirected, v uint32, label []int32, keep func(u uint32) bool) {
	l.touched = l.touched[:0]
	for p := h.off[v]; p < h.off[v+1]; p++ {
		u := h.idx[p]
		if keep != nil && !keep(u) {
			continue
		}
		c := label[u]
		if l.neighW[c] == 0 {
			l.touched = append(l.touched, c)
		}
		l.neighW[c] += h.w[p]
	}
}

func (l *leiden) clear() {
	for _, c := range l.touched {
		l.neighW[c] = 0
	}
}

// moveNodes is phase 1, the fast local moving of nodes, on comm (ids in
// [0, h.n)) in place.
func (l *leiden) moveNodes(h *undirected, comm []int32) error {
	n := h.n
	commK := make([]float64, n)
	size := make([]int32, n)
	for v, c := range comm {
		commK[c] += h.k[v]
		size[c]++
	}
	var free []int32 // empty ids, smallest on top
	for c := n - 1; c >= 0; c-- {
		if size[c] == 0 {
			free = append(free, int32(c))
		}
	}
	queue := l.perm(n)
	inQ := make([]bool, n)
	for i := range inQ {
		inQ[i] = true
	}
	head, count := 0, n
	scale := l.gamma / h.total
	neighW := l.neighW
	for count > 0 {
		if err := l.tick(); err != nil {
			return err
		}
		v := queue[head]
		head, count = (head+1)%n, count-1
		inQ[v] = false
		cv, kv := comm[v], h.k[v]
		// Sum v's edge weights per neighbouring community (the hot loop;
		// written out so the slices stay in registers).
		lo, hi := h.off[v], h.off[v+1]
		nbrs, ws := h.idx[lo:hi:hi], h.w[lo:hi:hi]
		touched := l.touched[:0]
		for i, u := range nbrs {
			c := comm[u]
			if neighW[c] == 0 {
				touched = append(touched, c)
			}
			neighW[c] += ws[i]
		}
		l.touched = touched
		commK[cv] -= kv
		size[cv]--
		if size[cv] == 0 {
			commK[cv] = 0
		}
		best, bestGain := cv, neighW[cv]-scale*kv*commK[cv]
		for _, c := range touched {
			if c != cv {
				if gain := neighW[c] - scale*kv*commK[c]; gain > bestGain {
					best, bestGain = c, gain
				}
			}
		}
		if bestGain < 0 && size[cv] > 0 {
			// An empty community (gain 0) beats every other; one exists,
			// since n ids hold at most n-1 other nonempty communities.
			best, free = free[len(free)-1], free[:len(free)-1]
		}
		commK[best] += kv
		size[best]++
		if best != cv {
			comm[v] = best
			if size[cv] == 0 {
				free = append(free, cv)
			}
			for _, u := range nbrs {
				if !inQ[u] && comm[u] != best {
					queue[(head+count)%n] = u
					count++
					inQ[u] = true
				}
			}
		}
		for _, c := range touched {
			neighW[c] = 0
		}
	}
	return nil
}
