package influence

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/hugemem"
)

// LeaderRankOptions configures LeaderRank. The zero value is the method as
// published.
type LeaderRankOptions struct {
	// Tol stops the iteration once ‖s_{k+1} − s_k‖₁ / n (the ground node
	// included) is below it. Zero means 1e-10, PageRank's default on the same
	// scale (scores that sum to 1).
	Tol float64
	// MaxIter caps the number of iterations. Zero means 10000.
	MaxIter int
	// Workers is the number of goroutines; zero means runtime.GOMAXPROCS(0).
	// The result does not depend on it, bit for bit.
	Workers int
}

// LeaderRankResult is the outcome of LeaderRank.
type LeaderRankResult struct {
	// Scores holds one score per node; they sum to N (their mean is 1).
	Scores []float64
	// Iterations is the number of iterations run.
	Iterations int
	// Residual is ‖s_k − s_{k−1}‖₁ / n of the last iteration.
	Residual float64
	// Converged reports whether Residual fell below Tol within MaxIter.
	Converged bool
	// IterTime is the wall time of the iterations themselves.
	IterTime time.Duration
}

// LeaderRank computes LeaderRank (L. Lü, Y.-C. Zhang, C. H. Yeung and T. Zhou,
// "Leaders in social networks, the Delicious case", PLoS ONE 6(6): e21202,
// 2011), a parameter-free relative of PageRank. A ground node g is added with
// an edge g → i and an edge i → g for every node i, which makes the network
// strongly connected; then a random walk without damping or teleport runs from
// s_i(0) = 1 for every node and s_g(0) = 0:
//
//	s_v(k+1) = Σ_{u→v} s_u(k) · w(u,v) / (outweight(u) + 1)  +  s_g(k) / n
//	s_g(k+1) = Σ_u s_u(k) / (outweight(u) + 1)
//
// until it stops changing (‖s(k+1) − s(k)‖₁ / n < Tol, the ground node
// included; Converged). The ground node's score is then shared equally:
// LR(i) = s_i + s_g / n. The walk conserves its total mass n, so the scores
// sum to n and an average account scores 1.
//
// An edge u → v means u gives attention to v (u follows v), so score flows
// along the arrow, as in PageRank. Weights: the ground edges weigh 1 and an
// edge u → v weighs w(u,v), so u passes its score on in proportion to its
// edge weights plus one share for the ground; outweight(u) is the sum of its
// out-edge weights (its out-degree when the graph is unweighted, which is the
// paper's k_u^out + 1 denominator). Zero-weight edges carry nothing.
//
// The walk is the stationary distribution π of the augmented graph scaled by
// n (LR(i) = n·π_i + π_g): networkx's pagerank(alpha=1) on the augmented graph
// gives the same values. It converges because the augmented graph is strongly
// connected and, once one edge has positive weight, aperiodic (g → u → g and
// g → u → v → g have lengths 2 and 3). A graph without such an edge has a
// periodic walk; there every score is 1 by symmetry, which is returned
// directly (Iterations 0, Converged).
//
// The kernel is PageRank's: a pull along in-edges over fixed chunks of nodes,
// per-chunk sums combined in chunk order, so the result is identical for any
// number of workers; ctx is checked every iteration. The walk converges at
// the rate the ground edges set (a node with outweight k moves 1/(k+1) of its
// score to the ground per step): 25 iterations on the 1M-node benchmark
// graph, where PageRank with damping 0.85 takes 27.
func LeaderRank(ctx context.Context, g *graph.Graph, o LeaderRankOptions) (LeaderRankResult, error) {
	if o.Tol == 0 {
		o.Tol = 1e-10
	}
	if o.MaxIter == 0 {
		o.MaxIter = 10000
	}
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case !(o.Tol > 0):
		return LeaderRankResult{}, fmt.Errorf("leaderrank: tolerance %v must be positive", o.Tol)
	case o.MaxIter < 0:
		return LeaderRankResult{}, fmt.Errorf("leaderrank: negative iteration limit %d", o.MaxIter)
	case o.Workers < 0:
		return LeaderRankResult{}, fmt.Errorf("leaderrank: negative worker count %d", o.Workers)
	}
	n := g.N()
	if n == 0 {
		return LeaderRankResult{Scores: []float64{}, Converged: true}, nil
	}
	l := newLeaderRanker(g, o.Workers)
	if !l.flows {
		ones := make([]float64, n)
		for i := range ones {
			ones[i] = 1
		}
		return LeaderRankResult{Scores: ones, Converged: true}, nil
	}
	r := LeaderRankResult{}
	start := time.Now()
	for r.Iterations < o.MaxIter {
		if err := ctx.Err(); err != nil {
			return LeaderRankResult{}, fmt.Errorf("leaderrank: stopped at iteration %d: %w", r.Iterations+1, err)
		}
		r.Residual = l.step() / float64(n)
		r.Iterations++
		if r.Residual < o.Tol {
			r.Converged = true
			break
		}
	}
	r.IterTime = time.Since(start)
	r.Scores = l.scores()
	return r, nil
}

type leaderRanker struct {
	n        int
	off, idx []uint32
	wts      []float32
	inv      []float64 // 1/(outweight(u) + 1)
	s        []float64 // current scores of the real nodes, updated in place
	cur, nxt []float64 // contributions s(u)·inv(u) of the current and next iterate
	ground   float64   // s_g of the current iterate
	csum     float64   // Σ cur, the ground's next score
	flows    bool      // some edge has positive weight
	bounds   []int
	sums     []chunkSums // residual, dangling = Σ nxt, total = Σ s
	workers  int

	curMem, nxtMem *hugemem.Memory
}

func newLeaderRanker(g *graph.Graph, workers int) *leaderRanker {
	n := g.N()
	off, idx, wts := g.InCSR()
	l := &leaderRanker{n: n, off: off, idx: idx, wts: wts, inv: make([]float64, n), s: make([]float64, n)}
	l.cur, l.curMem = hugemem.Slice[float64](n)
	l.nxt, l.nxtMem = hugemem.Slice[float64](n)
	l.bounds = chunks(off, n)
	l.sums = make([]chunkSums, len(l.bounds)-1)
	l.workers = workers
	for u := range n {
		ow := g.OutWeight(uint32(u))
		l.flows = l.flows || ow > 0
		l.inv[u] = 1 / (ow + 1)
		l.s[u] = 1
		l.cur[u] = l.inv[u]
		l.csum += l.inv[u]
	}
	return l
}

// step runs one iteration and returns ‖s(k+1) − s(k)‖₁, the ground included.
func (l *leaderRanker) step() float64 {
	share := l.ground / float64(l.n)
	runChunks(l.workers, len(l.sums), func(c int) { l.chunk(c, share) })
	var res, csum float64
	for i := range l.sums {
		res += l.sums[i].residual
		csum += l.sums[i].dangling
	}
	next := l.csum
	res += math.Abs(next - l.ground)
	l.ground, l.csum = next, csum
	l.cur, l.nxt = l.nxt, l.cur
	return res
}

func (l *leaderRanker) chunk(c int, share float64) {
	lo, hi := l.bounds[c], l.bounds[c+1]
	cur, idx, wts := l.cur, l.idx, l.wts
	s, nxt, inv := l.s[lo:hi], l.nxt[lo:hi], l.inv[lo:hi]
	off := l.off[lo : hi+1]
	var res, csum, total float64
	for i := range s {
		row := idx[off[i]:off[i+1]]
		var x float64
		if wts == nil {
			x = sumUnweighted(cur, row)
		} else {
			x = sumWeighted(cur, row, wts[off[i]:off[i+1]])
		}
		x += share
		res += math.Abs(x - s[i])
		s[i] = x
		total += x
		ci := x * inv[i]
		nxt[i] = ci
		csum += ci
	}
	l.sums[c] = chunkSums{residual: res, dangling: csum, total: total}
}

// scores shares the ground node's score equally and rescales so the scores
// sum to n exactly up to rounding (the walk conserves mass only up to it).
func (l *leaderRanker) scores() []float64 {
	total := l.ground
	for i := range l.sums {
		total += l.sums[i].total
	}
	scale := float64(l.n) / total
	share := l.ground / float64(l.n)
	out := make([]float64, l.n)
	for i, x := range l.s {
		out[i] = (x + share) * scale
	}
	return out
}
