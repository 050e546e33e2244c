package influence

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/clout-cli/clout/graph"
)

// Edge probability models of the independent cascade.
const (
	ProbFixed = "fixed" // every follow edge has probability ICModel.P
	ProbWC    = "wc"    // weighted cascade: 1 / (accounts the follower follows)
	ProbEdge  = "edge"  // one probability per edge, ICModel.Edge
)

// ICModel is the independent cascade model on a follow graph (Kempe,
// Kleinberg, Tardos 2003, "Maximizing the spread of influence through a
// social network", KDD). A cascade spreads from an account to its followers,
// against the follow arrow: when B becomes active it gets one chance to
// activate each follower A (A → B in the graph) with probability p(B→A),
// independently; the seeds are active at the start and the process stops
// when a step activates nobody. The spread σ(S) of seeds S is the expected
// number of accounts active at the end, seeds included.
type ICModel struct {
	// Prob is ProbFixed, ProbWC or ProbEdge.
	Prob string
	// P is the probability of every edge under ProbFixed, in (0, 1].
	P float64
	// Edge holds p(B→A) under ProbEdge, aligned with the out-rows of the
	// graph: for a follower A whose out-row (the accounts A follows) starts
	// at off[A] (Graph.OutCSR), Edge[off[A]+j] is the probability that the
	// j-th account A follows activates A. Values in [0, 1].
	Edge []float32
}

// validate checks m against g.
func (m *ICModel) validate(g *graph.Graph) error {
	switch m.Prob {
	case ProbFixed:
		if !(m.P > 0 && m.P <= 1) {
			return fmt.Errorf("ic: probability %v must be in (0, 1]", m.P)
		}
	case ProbWC:
	case ProbEdge:
		if len(m.Edge) != g.M() {
			return fmt.Errorf("ic: %d edge probabilities for %d edges", len(m.Edge), g.M())
		}
		for i, p := range m.Edge {
			if !(p >= 0 && p <= 1) {
				return fmt.Errorf("ic: edge probability %d is %v, not in [0, 1]", i, p)
			}
		}
	default:
		return fmt.Errorf("ic: unknown probability model %q: want fixed, wc or edge", m.Prob)
	}
	return nil
}

// geomNext returns the index of the next success after j in a run of
// Bernoulli(p) trials (geometric skipping: one random number per success).
func geomNext(rng *rand.Rand, j int, p float64) int {
	if p >= 1 {
		return j + 1
	}
	skip := math.Log(1-rng.Float64()) / math.Log1p(-p)
	if skip >= 1<<31 {
		return math.MaxInt32
	}
	return j + 1 + int(skip)
}

// SpreadEstimate is a Monte-Carlo estimate of a spread.
type SpreadEstimate struct {
	Mean float64
	// Gain is the mean marginal gain over the previous prefix (Mean for
	// the first), from the same simulations.
	Gain float64
	// Low and High bound the 95 % confidence interval of the mean,
	// Mean ± 1.96·s/√R (normal approximation; s the sample standard
	// deviation of R simulations).
	Low, High float64
}

// Simulate estimates σ of every prefix of seeds (seeds[:1], seeds[:2], ...)
// by sims forward simulations of m on g. Simulation r draws its coins from a
// PCG seeded (seed, r) and adds the seeds one at a time, continuing the same
// cascade, which is a valid sample of every prefix at once (each edge is
// tried once, when its account is first activated). The result does not
// depend on workers (0 = GOMAXPROCS): sums are kept in integers.
func Simulate(ctx context.Context, g *graph.Graph, m ICModel, seeds []uint32, sims int, seed uint64, workers int) ([]SpreadEstimate, error) {
	if err := m.validate(g); err != nil {
		return nil, err
	}
	if sims < 2 {
		return nil, fmt.Errorf("ic: need at least 2 simulations, got %d", sims)
	}
	for _, s := range seeds {
		if int(s) >= g.N() {
			return nil, fmt.Errorf("ic: seed %d out of range", s)
		}
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var inP []float32
	if m.Prob == ProbEdge {
		inP = inAligned(g, m.Edge)
	}
	k := len(seeds)
	sum := make([]int64, k)
	sq := make([]int64, k)
	var mu sync.Mutex
	var nextSim atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, sims) {
		wg.Go(func() {
			s := &simulator{g: g, m: &m, inP: inP, stamp: make([]uint32, g.N())}
			pcg := &rand.PCG{}
			rng := rand.New(pcg)
			ls, lq := make([]int64, k), make([]int64, k)
			counts := make([]int64, k)
			for {
				r := nextSim.Add(1) - 1
				if r >= int64(sims) || ctx.Err() != nil {
					break
				}
				pcg.Seed(seed, uint64(r))
				s.run(rng, seeds, counts)
				for i, c := range counts {
					ls[i] += c
					lq[i] += c * c
				}
			}
			mu.Lock()
			for i := range ls {
				sum[i] += ls[i]
				sq[i] += lq[i]
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("ic simulation: %w", err)
	}
	out := make([]SpreadEstimate, k)
	R := float64(sims)
	for i := range out {
		mean := float64(sum[i]) / R
		v := (float64(sq[i]) - R*mean*mean) / (R - 1)
		half := 1.96 * math.Sqrt(max(v, 0)/R)
		gain := sum[i]
		if i > 0 {
			gain -= sum[i-1]
		}
		out[i] = SpreadEstimate{Mean: mean, Gain: float64(gain) / R, Low: mean - half, High: mean + half}
	}
	return out, nil
}

// inAligned re-indexes out-row edge probabilities by in-row slot: for the
// in-row of B (its followers A, ascending), slot i holds p(B→A).
func inAligned(g *graph.Graph, edge []float32) []float32 {
	off, idx, _ := g.OutCSR()
	inOff, _, _ := g.InCSR()
	pos := make([]uint32, g.N())
	copy(pos, inOff[:g.N()])
	out := make([]float32, len(edge))
	// Followers A are visited in ascending order, so each in-row fills in
	// its own ascending order.
	for a := range g.N() {
		for j := off[a]; j < off[a+1]; j++ {
			b := idx[j]
			out[pos[b]] = edge[j]
			pos[b]++
		}
	}
	return out
}

// simulator runs forward cascades with reusable scratch.
type simulator struct {
	g     *graph.Graph
	m     *ICModel
	inP   []float32
	stamp []uint32
	gen   uint32
	queue []uint32
}

// run plays one cascade, adding seeds in order; counts[i] is the number of
// active accounts after seeds[:i+1].
func (s *simulator) run(rng *rand.Rand, seeds []uint32, counts []int64) {
	gen := next(s.stamp, &s.gen)
	st := s.stamp
	var active int64
	inOff, _, _ := s.g.InCSR()
	for i, seed := range seeds {
		if st[seed] != gen {
			st[seed] = gen
			active++
			q := append(s.queue[:0], seed)
			for len(q) > 0 {
				b := q[len(q)-1]
				q = q[:len(q)-1]
				fol, _ := s.g.In(b)
				if len(fol) == 0 {
					continue
				}
				switch s.m.Prob {
				case ProbFixed:
					for j := geomNext(rng, -1, s.m.P); j < len(fol); j = geomNext(rng, j, s.m.P) {
						if a := fol[j]; st[a] != gen {
							st[a] = gen
							active++
							q = append(q, a)
						}
					}
				case ProbWC:
					for _, a := range fol {
						if st[a] != gen && rng.Float64()*float64(s.g.OutDegree(a)) < 1 {
							st[a] = gen
							active++
							q = append(q, a)
						}
					}
				default:
					ps := s.inP[inOff[b]:inOff[b+1]]
					for j, a := range fol {
						if p := ps[j]; p > 0 && st[a] != gen && rng.Float32() < p {
							st[a] = gen
							active++
							q = append(q, a)
						}
					}
				}
			}
			s.queue = q
		}
		counts[i] = active
	}
}

// Beta prior of EngagementProbs: mean α/(α+β) = 0.01, the default fixed p,
// and the weight of 100 exposures.
const (
	EngagementAlpha = 1.0
	EngagementBeta  = 99.0
)

// EngagementProbs estimates p(B→A) for every follow edge A → B of g from
// observed engagement, as the posterior mean of a Beta(alpha, beta) prior
// updated by A's record on B's posts:
//
//	p(B→A) = (acted(A,B) + alpha) / (posts(B) + alpha + beta)
//
// where posts(B) = posts[B] is the number of B's posts seen (exposures of
// each follower) and acted(A,B) the number of them A acted on, given as
// pairs src[i] = A, dst[i] = B, acted[i], sorted by (src, dst); pairs that
// are not follow edges are ignored (engagement without following is not an
// exposure along the graph). acted is capped at posts. The result is aligned
// with the out-rows of g, as ICModel.Edge.
func EngagementProbs(g *graph.Graph, src, dst []uint32, acted, posts []int64, alpha, beta float64) ([]float32, error) {
	if len(src) != len(dst) || len(src) != len(acted) || len(posts) != g.N() {
		return nil, fmt.Errorf("ic: engagement counts of mismatched lengths")
	}
	if !(alpha > 0) || !(beta > 0) {
		return nil, fmt.Errorf("ic: Beta prior (%v, %v) must be positive", alpha, beta)
	}
	off, idx, _ := g.OutCSR()
	out := make([]float32, g.M())
	i := 0
	for a := range g.N() {
		for j := off[a]; j < off[a+1]; j++ {
			b := idx[j]
			for i < len(src) && (src[i] < uint32(a) || (src[i] == uint32(a) && dst[i] < b)) {
				i++
			}
			var c int64
			if i < len(src) && src[i] == uint32(a) && dst[i] == b {
				c = min(acted[i], posts[b])
			}
			out[j] = float32((float64(c) + alpha) / (float64(posts[b]) + alpha + beta))
		}
	}
	return out, nil
}
