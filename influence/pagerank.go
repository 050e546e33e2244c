package influence

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/hugemem"
)

// PageRankOptions configures PageRank. The zero value gives the standard
// PageRank of Brin and Page with damping 0.85.
type PageRankOptions struct {
	// Damping is the probability d of following an edge rather than
	// teleporting; it must be in (0, 1). Zero means 0.85.
	Damping float64
	// Tol stops the iteration once the L1 change of an iteration is below it.
	// Zero means 1e-10.
	Tol float64
	// MaxIter caps the number of iterations. Zero means 1000.
	MaxIter int
	// Teleport is the personalization vector v over the nodes: nil means
	// uniform 1/n; otherwise it has one non-negative finite entry per node,
	// not all zero, and is normalized to sum 1. It is not modified.
	Teleport []float64
	// Workers is the number of goroutines; zero means runtime.GOMAXPROCS(0).
	// The result does not depend on it, bit for bit.
	Workers int
}

// PageRankResult is the outcome of PageRank.
type PageRankResult struct {
	// Scores holds one score per node; they sum to 1.
	Scores []float64
	// Iterations is the number of iterations run.
	Iterations int
	// Residual is the L1 change ‖x_k − x_{k−1}‖₁ of the last iteration.
	Residual float64
	// Converged reports whether Residual fell below Tol within MaxIter.
	Converged bool
	// IterTime is the wall time of the iterations themselves, without
	// setting up and normalising (for cost per edge per iteration).
	IterTime time.Duration
}

// PageRank computes PageRank (S. Brin and L. Page, "The anatomy of a
// large-scale hypertextual Web search engine", Computer Networks and ISDN
// Systems 30, 1998) by power iteration:
//
//	x_{k+1}(w) = d · Σ_{u→w} x_k(u) · weight(u,w) / outweight(u)
//	           + d · (Σ_{dangling u} x_k(u)) · v(w)
//	           + (1 − d) · v(w)
//
// from x_0 = v, where d is the damping, v the teleport vector (uniform 1/n
// unless personalized; T. Haveliwala, "Topic-sensitive PageRank", WWW 2002),
// outweight(u) the sum of u's out-edge weights (its out-degree when the graph
// is unweighted), and a dangling node one with outweight 0: its mass is
// redistributed along v, so the scores stay a probability distribution. The
// iteration stops after the first k with ‖x_{k+1} − x_k‖₁ < Tol (Converged),
// or after MaxIter iterations (not Converged); the scores returned are the
// last iterate divided by its sum, which differs from 1 only by rounding.
//
// With uniform v and unit weights this is networkx's pagerank(G, alpha=d) on
// a DiGraph and gonum's network.PageRankSparse; they stop on different
// norms of the change (networkx: L1 < n·tol, gonum: L2 < tol) but converge to
// the same fixed point.
//
// The kernel pulls along in-edges: each iteration first holds
// contrib(u) = x_k(u)/outweight(u), so the inner loop is one indexed load
// (and one multiply when weighted) per edge. Nodes are cut into fixed chunks
// of similar work that depend only on the graph; workers take chunks in any
// order, but every per-chunk sum is combined in chunk order, so the result is
// identical for any number of workers. ctx is checked every iteration.
func PageRank(ctx context.Context, g *graph.Graph, o PageRankOptions) (PageRankResult, error) {
	o, err := o.withDefaults(g.N())
	if err != nil {
		return PageRankResult{}, err
	}
	n := g.N()
	if n == 0 {
		return PageRankResult{Scores: []float64{}, Converged: true}, nil
	}
	p := newPageRanker(g, o)
	r := PageRankResult{}
	start := time.Now()
	for r.Iterations < o.MaxIter {
		if err := ctx.Err(); err != nil {
			return PageRankResult{}, fmt.Errorf("pagerank: stopped at iteration %d: %w", r.Iterations+1, err)
		}
		r.Residual = p.step()
		r.Iterations++
		if r.Residual < o.Tol {
			r.Converged = true
			break
		}
	}
	r.IterTime = time.Since(start)
	r.Scores = p.normalized()
	return r, nil
}

func (o PageRankOptions) withDefaults(n int) (PageRankOptions, error) {
	if o.Damping == 0 {
		o.Damping = 0.85
	}
	if o.Tol == 0 {
		o.Tol = 1e-10
	}
	if o.MaxIter == 0 {
		o.MaxIter = 1000
	}
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case !(o.Damping > 0 && o.Damping < 1):
		return o, fmt.Errorf("pagerank: damping %v must be in (0, 1)", o.Damping)
	case !(o.Tol > 0):
		return o, fmt.Errorf("pagerank: tolerance %v must be positive", o.Tol)
	case o.MaxIter < 0:
		return o, fmt.Errorf("pagerank: negative iteration limit %d", o.MaxIter)
	case o.Workers < 0:
		return o, fmt.Errorf("pagerank: negative worker count %d", o.Workers)
	}
	if o.Teleport == nil {
		return o, nil
	}
	if len(o.Teleport) != n {
		return o, fmt.Errorf("pagerank: teleport vector has %d entries for %d nodes", len(o.Teleport), n)
	}
	var sum float64
	for i, x := range o.Teleport {
		if !(x >= 0) || math.IsInf(x, 1) {
			return o, fmt.Errorf("pagerank: teleport weight %v of node %d is not a finite non-negative number", x, i)
		}
		sum += x
	}
	if !(sum > 0) || math.IsInf(sum, 1) {
		return o, fmt.Errorf("pagerank: teleport vector sums to %v; it needs a positive finite sum", sum)
	}
	v := make([]float64, n)
	for i, x := range o.Teleport {
		v[i] = x / sum
	}
	o.Teleport = v
	return o, nil
}

// chunkCost is the least work (nodes + in-edges) in one chunk: enough to
// amortize taking a chunk, small enough to balance skewed in-degrees.
const (
	chunkCost = 1 << 14
	maxChunks = 1 << 10
)

// chunkSums is one chunk's contribution to an iteration's totals, padded to a
// cache line so workers finishing neighbouring chunks do not share lines.
type chunkSums struct {
	residual, dangling, total float64
	_                         [5]float64
}

type pageRanker struct {
	d        float64
	uniform  float64   // 1/n, used when tele is nil
	tele     []float64 // normalized teleport vector, or nil for uniform
	off, idx []uint32
	wts      []float32
	inv      []float64 // 1/outweight(u), or 0 for dangling u
	x        []float64 // current iterate, updated in place chunk by chunk
	cur, nxt []float64 // contrib of the current and the next iterate
	dangling float64   // Σ x(u) over dangling u, for the current iterate
	bounds   []int     // chunk c is nodes bounds[c]..bounds[c+1]-1
	sums     []chunkSums
	workers  int

	curMem, nxtMem *hugemem.Memory // keep cur and nxt mapped
}

func newPageRanker(g *graph.Graph, o PageRankOptions) *pageRanker {
	n := g.N()
	off, idx, wts := g.InCSR()
	p := &pageRanker{
		d:       o.Damping,
		uniform: 1 / float64(n),
		tele:    o.Teleport,
		off:     off,
		idx:     idx,
		wts:     wts,
		inv:     make([]float64, n),
		x:       make([]float64, n),
	}
	// cur is read at random (in-neighbours' contributions), so it and its
	// twin go on huge pages: see graph/hugemem.
	p.cur, p.curMem = hugemem.Slice[float64](n)
	p.nxt, p.nxtMem = hugemem.Slice[float64](n)
	p.bounds = chunks(off, n)
	p.sums = make([]chunkSums, len(p.bounds)-1)
	p.workers = max(1, min(o.Workers, len(p.sums)))
	for u := range p.inv {
		if ow := g.OutWeight(uint32(u)); ow > 0 {
			p.inv[u] = 1 / ow
		}
	}
	for u := range p.x {
		xu := p.uniform
		if p.tele != nil {
			xu = p.tele[u]
		}
		p.x[u] = xu
		p.cur[u] = xu * p.inv[u]
		if p.inv[u] == 0 {
			p.dangling += xu
		}
	}
	return p
}

// chunks cuts the nodes into consecutive ranges of at least chunkCost work
// (nodes + in-edges), at most maxChunks of them; the cuts depend only on the
// graph.
func chunks(off []uint32, n int) []int {
	target := max(chunkCost, (uint64(n)+uint64(off[n]))/maxChunks+1)
	b := []int{0}
	var cost uint64
	for w := range n {
		cost += 1 + uint64(off[w+1]-off[w])
		if cost >= target {
			b = append(b, w+1)
			cost = 0
		}
	}
	if b[len(b)-1] != n {
		b = append(b, n)
	}
	return b
}

// step runs one iteration and returns its L1 change.
func (p *pageRanker) step() float64 {
	base := p.d*p.dangling + (1 - p.d)
	if p.workers == 1 {
		for c := range p.sums {
			p.chunk(c, base)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		work := func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= len(p.sums) {
					return
				}
				p.chunk(c, base)
			}
		}
		for range p.workers - 1 {
			wg.Go(work)
		}
		work()
		wg.Wait()
	}
	var res, dangling float64
	for i := range p.sums {
		res += p.sums[i].residual
		dangling += p.sums[i].dangling
	}
	p.dangling = dangling
	p.cur, p.nxt = p.nxt, p.cur
	return res
}

// chunk updates the nodes of chunk c: x(w) from the current contribs, the
// next contribs, and the chunk's sums. base is d·dangling + (1−d), the
// coefficient of v(w).
func (p *pageRanker) chunk(c int, base float64) {
	lo, hi := p.bounds[c], p.bounds[c+1]
	d, cur, idx, wts, tele := p.d, p.cur, p.idx, p.wts, p.tele
	x, nxt, inv := p.x[lo:hi], p.nxt[lo:hi], p.inv[lo:hi]
	off := p.off[lo : hi+1]
	var res, dangling, total float64
	for i := range x {
		row := idx[off[i]:off[i+1]]
		var s float64
		if wts == nil {
			s = sumUnweighted(cur, row)
		} else {
			s = sumWeighted(cur, row, wts[off[i]:off[i+1]])
		}
		v := p.uniform
		if tele != nil {
			v = tele[lo+i]
		}
		xn := d*s + base*v
		res += math.Abs(xn - x[i])
		x[i] = xn
		total += xn
		if inv[i] == 0 {
			dangling += xn
		}
		nxt[i] = xn * inv[i]
	}
	p.sums[c] = chunkSums{residual: res, dangling: dangling, total: total}
}

// sumUnweighted returns Σ cur[u] over the row. Four accumulators keep four
// independent gathers in flight (the loop is bound by cache misses on cur);
// the order of additions is fixed, so the result is deterministic.
func sumUnweighted(cur []float64, row []uint32) float64 {
	var s0, s1, s2, s3 float64
	for len(row) >= 4 {
		s0 += cur[row[0]]
		s1 += cur[row[1]]
		s2 += cur[row[2]]
		s3 += cur[row[3]]
		row = row[4:]
	}
	for _, u := range row {
		s0 += cur[u]
	}
	return (s0 + s1) + (s2 + s3)
}

// sumWeighted returns Σ cur[u]·w over the row and its weights.
func sumWeighted(cur []float64, row []uint32, w []float32) float64 {
	w = w[:len(row)]
	var s float64
	for j, u := range row {
		s += cur[u] * float64(w[j])
	}
	return s
}

// normalized returns x divided by its sum, summed in chunk order.
func (p *pageRanker) normalized() []float64 {
	var total float64
	for i := range p.sums {
		total += p.sums[i].total
	}
	out := make([]float64, len(p.x))
	for i, xi := range p.x {
		out[i] = xi / total
	}
	return out
}
