package influence

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/clout-cli/clout/graph"
)

// Defaults of IMMOptions.
const (
	// DefaultEpsilon: a (1 − 1/e − 0.1) ≈ 0.53 guarantee, the accuracy used
	// throughout Tang et al.'s experiments, and under 60 s for k = 50 on
	// the 1M-account benchmark graph.
	DefaultEpsilon = 0.1
	// DefaultEll: the guarantee holds with probability at least 1 − 1/n.
	DefaultEll = 1.0
	// DefaultMaxRRSets bounds the sample (memory): about 1 GB of RR sets of
	// a few accounts each.
	DefaultMaxRRSets = 1 << 26
	// MinRRSets is the least final sample: IMM's θ suffices for its
	// guarantee, but on small graphs with small spreads it leaves the
	// ranking of near-equal accounts to sampling noise, and 2^20 RR sets
	// cost well under a second.
	MinRRSets = 1 << 20
)

// IMMOptions configures IMM.
type IMMOptions struct {
	SelectOptions
	Model ICModel
	// Epsilon and Ell: the result is within 1 − 1/e − Epsilon of the
	// optimum with probability at least 1 − 1/n^Ell. 0 means the defaults.
	Epsilon, Ell float64
	// Seed seeds the RR sets: RR set j draws from a PCG seeded (Seed, j).
	Seed uint64
	// Workers generate RR sets (0 = GOMAXPROCS); the result does not
	// depend on it.
	Workers int
	// MaxRRSets caps the sample; IMM fails rather than exceed it. 0 means
	// DefaultMaxRRSets.
	MaxRRSets int
}

// IMMResult is the outcome of IMM.
type IMMResult struct {
	// Picks in the order chosen; Gain and Total are RR-set estimates,
	// n·(RR sets newly covered)/θ.
	Picks []Pick
	// Theta is the number of RR sets the final selection used; LB the lower
	// bound of the optimum found by the sampling phase.
	Theta int
	LB    float64
}

// IMM picks seeds for the independent cascade m by reverse influence
// sampling (Borgs, Brautbar, Chayes, Lucier 2014), with the sample size of
// IMM (Y. Tang, Y. Shi, X. Xiao, "Influence maximization in near-linear
// time: a martingale approach", SIGMOD 2015, Algorithms 1–3).
//
// A random RR (reverse reachable) set is the set of accounts that would
// activate a uniformly random account v in one random outcome of the
// cascade: v, then, backwards along the cascade (forwards along follow
// edges, v → B: B can activate v), each B reached with probability p(B→v)
// per edge. For any S, n·Pr[S meets an RR set] = σ(S), so the fraction
// F_R(S) of a sample R that S meets estimates σ(S)/n, and greedy maximum
// coverage of R (CELF, as in Coverage) picks S.
//
// Sampling (Algorithm 2): with ε' = √2·ε and ℓ' = ℓ·(1 + ln 2 / ln n), for
// i = 1, 2, …, ⌈log2 n⌉ − 1: x = n/2^i, θ_i = λ'/x with
// λ' = (2 + 2ε'/3)·(ln C(n,k) + ℓ'·ln n + ln log2 n)·n/ε'^2; select S_i on
// θ_i RR sets; stop when n·F_R(S_i) ≥ (1 + ε')·x, with LB = n·F_R(S_i)/(1 +
// ε'). LB is at least k (any k seeds reach themselves). Then θ = λ*/LB with
// λ* = 2n·((1 − 1/e)·α + β)^2/ε^2, α = √(ℓ' ln n + ln 2), β = √((1 − 1/e)·
// (ln C(n,k) + ℓ' ln n + ln 2)). The final θ RR sets are drawn afresh,
// independent of the sampling phase, as W. Chen ("An issue in the martingale
// analysis of the influence maximization algorithm IMM", CSoNet 2018)
// showed the original reuse needs; θ is raised to MinRRSets where smaller
// (more samples only tighten the estimate). With a budget, k is the most
// picks that fit it.
func IMM(ctx context.Context, g *graph.Graph, o IMMOptions) (IMMResult, error) {
	n := g.N()
	if err := o.Model.validate(g); err != nil {
		return IMMResult{}, err
	}
	if err := o.SelectOptions.validate(n); err != nil {
		return IMMResult{}, fmt.Errorf("ic: %w", err)
	}
	if o.Epsilon == 0 {
		o.Epsilon = DefaultEpsilon
	}
	if o.Ell == 0 {
		o.Ell = DefaultEll
	}
	if o.MaxRRSets == 0 {
		o.MaxRRSets = DefaultMaxRRSets
	}
	if !(o.Epsilon > 0 && o.Epsilon < 1) {
		return IMMResult{}, fmt.Errorf("ic: epsilon %v must be in (0, 1)", o.Epsilon)
	}
	if !(o.Ell > 0) || math.IsInf(o.Ell, 0) {
		return IMMResult{}, fmt.Errorf("ic: ell %v must be a positive number", o.Ell)
	}
	if n < 2 {
		return IMMResult{}, fmt.Errorf("ic: need at least 2 accounts, have %d", n)
	}
	k := o.K
	if o.Budget > 0 {
		k = maxPicks(&o.SelectOptions, n)
	}
	k = max(1, min(k, n))
	nf := float64(n)
	logn := math.Log(nf)
	ell := o.Ell * (1 + math.Ln2/logn)
	lc := logChoose(n, k)
	e1 := 1 - 1/math.E
	epsP := math.Sqrt2 * o.Epsilon
	lambdaP := (2 + 2*epsP/3) * (lc + ell*logn + math.Log(math.Log2(nf))) * nf / (epsP * epsP)
	alpha := math.Sqrt(ell*logn + math.Ln2)
	beta := math.Sqrt(e1 * (lc + ell*logn + math.Ln2))
	lambdaStar := 2 * nf * math.Pow(e1*alpha+beta, 2) / (o.Epsilon * o.Epsilon)

	gen := &rrGen{g: g, m: &o.Model, workers: o.Workers}
	var rr rrSets
	lb := float64(k)
	for i := 1; i < int(math.Ceil(math.Log2(nf))); i++ {
		x := nf / math.Exp2(float64(i))
		theta := int(math.Ceil(lambdaP / x))
		if theta > o.MaxRRSets {
			return IMMResult{}, fmt.Errorf("ic: IMM needs more than %d RR sets at epsilon %v; raise epsilon", o.MaxRRSets, o.Epsilon)
		}
		if err := gen.extend(ctx, &rr, theta, o.Seed); err != nil {
			return IMMResult{}, err
		}
		picks, err := rr.choose(ctx, n, o.SelectOptions)
		if err != nil {
			return IMMResult{}, err
		}
		if est := nf * total(picks) / float64(rr.len()); est >= (1+epsP)*x {
			lb = max(lb, est/(1+epsP))
			break
		}
	}
	theta := int(math.Ceil(lambdaStar / lb))
	if theta > o.MaxRRSets {
		return IMMResult{}, fmt.Errorf("ic: IMM needs %d RR sets at epsilon %v, more than the limit %d; raise epsilon", theta, o.Epsilon, o.MaxRRSets)
	}
	theta = max(theta, min(MinRRSets, o.MaxRRSets))
	// Fresh sets: a second stream of PCG seeds, disjoint from the first.
	final := rrSets{}
	if err := gen.extend(ctx, &final, theta, o.Seed^0x9e3779b97f4a7c15); err != nil {
		return IMMResult{}, err
	}
	picks, err := final.choose(ctx, n, o.SelectOptions)
	if err != nil {
		return IMMResult{}, err
	}
	scale := nf / float64(theta)
	for i := range picks {
		picks[i].Gain *= scale
		picks[i].Total *= scale
	}
	return IMMResult{Picks: picks, Theta: theta, LB: lb}, nil
}

// maxPicks is the largest number of picks the budget allows.
func maxPicks(o *SelectOptions, n int) int {
	cs := make([]float64, 0, n)
	for _, c := range o.Costs {
		if c > 0 && !math.IsInf(c, 0) {
			cs = append(cs, c)
		}
	}
	// Cheapest first.
	slices.Sort(cs)
	k, spent := 0, 0.0
	for _, c := range cs {
		if spent+c > o.Budget {
			break
		}
		spent += c
		k++
	}
	if o.K > 0 {
		k = min(k, o.K)
	}
	return k
}

// logChoose is ln C(n, k).
func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// rrSets is a sample of RR sets: set j is nodes[off[j]:off[j+1]].
type rrSets struct {
	off   []int64
	nodes []uint32
}

func (r *rrSets) len() int {
	if len(r.off) == 0 {
		return 0
	}
	return len(r.off) - 1
}

// choose runs greedy maximum coverage of the sample.
func (r *rrSets) choose(ctx context.Context, n int, o SelectOptions) ([]Pick, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("ic: %w", err)
	}
	// Invert: node v's list is the RR sets containing it, ascending.
	off := make([]int64, n+1)
	for _, v := range r.nodes {
		off[v+1]++
	}
	for v := range n {
		off[v+1] += off[v]
	}
	idx := make([]uint32, len(r.nodes))
	pos := make([]int64, n)
	copy(pos, off[:n])
	for e := range r.len() {
		for _, v := range r.nodes[r.off[e]:r.off[e+1]] {
			idx[pos[v]] = uint32(e)
			pos[v]++
		}
	}
	lc := &listCover{off: off, idx: idx, covered: make([]bool, r.len())}
	return selectSeeds(ctx, n, lc, o)
}

// rrGen draws RR sets.
type rrGen struct {
	g       *graph.Graph
	m       *ICModel
	workers int
}

// extend grows r to theta sets; set j comes from a PCG seeded (seed, j), so
// the sample does not depend on the number of workers.
func (gen *rrGen) extend(ctx context.Context, r *rrSets, theta int, seed uint64) error {
	from := r.len()
	if from >= theta {
		return nil
	}
	if len(r.off) == 0 {
		r.off = append(r.off, 0)
	}
	const block = 4096
	blocks := (theta - from + block - 1) / block
	type part struct {
		lens  []int64
		nodes []uint32
	}
	parts := make([]part, blocks)
	workers := gen.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var nextBlock atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, blocks) {
		wg.Go(func() {
			n := gen.g.N()
			stamp := make([]uint32, n)
			var sgen uint32
			pcg := &rand.PCG{}
			rng := rand.New(pcg)
			for {
				b := int(nextBlock.Add(1) - 1)
				if b >= blocks || ctx.Err() != nil {
					return
				}
				lo := from + b*block
				hi := min(theta, lo+block)
				p := part{lens: make([]int64, 0, hi-lo)}
				for j := lo; j < hi; j++ {
					pcg.Seed(seed, uint64(j))
					before := len(p.nodes)
					p.nodes = gen.one(rng, stamp, &sgen, p.nodes)
					p.lens = append(p.lens, int64(len(p.nodes)-before))
				}
				parts[b] = p
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ic: sampling RR sets: %w", err)
	}
	for _, p := range parts {
		for _, l := range p.lens {
			r.off = append(r.off, r.off[len(r.off)-1]+l)
		}
		r.nodes = append(r.nodes, p.nodes...)
	}
	return nil
}

// one appends one RR set to buf: a uniformly random root, then a reverse
// cascade along out-edges (the accounts a reached account follows).
func (gen *rrGen) one(rng *rand.Rand, stamp []uint32, sgen *uint32, buf []uint32) []uint32 {
	g := gen.g
	cur := next(stamp, sgen)
	root := uint32(rng.IntN(g.N()))
	stamp[root] = cur
	start := len(buf)
	buf = append(buf, root)
	off, _, _ := g.OutCSR()
	for q := start; q < len(buf); q++ {
		a := buf[q]
		row, _ := g.Out(a)
		if len(row) == 0 {
			continue
		}
		switch gen.m.Prob {
		case ProbFixed, ProbWC:
			p := gen.m.P
			if gen.m.Prob == ProbWC {
				p = 1 / float64(len(row))
			}
			for j := geomNext(rng, -1, p); j < len(row); j = geomNext(rng, j, p) {
				if b := row[j]; stamp[b] != cur {
					stamp[b] = cur
					buf = append(buf, b)
				}
			}
		default:
			ps := gen.m.Edge[off[a]:off[a+1]]
			for j, b := range row {
				if pb := ps[j]; pb > 0 && stamp[b] != cur && rng.Float32() < pb {
					stamp[b] = cur
					buf = append(buf, b)
				}
			}
		}
	}
	return buf
}
