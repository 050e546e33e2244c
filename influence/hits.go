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

// HITSOptions configures HITS. The zero value is the usual setting.
type HITSOptions struct {
	// Tol stops the iteration once the L1 change of the hub vector (each
	// vector sums to 1) is below it. Zero means 1e-10.
	Tol float64
	// MaxIter caps the number of iterations. Zero means 1000.
	MaxIter int
	// Workers is the number of goroutines; zero means runtime.GOMAXPROCS(0).
	// The result does not depend on it, bit for bit.
	Workers int
}

// HITSResult is the outcome of HITS.
type HITSResult struct {
	// Authority and Hub hold one score per node; each sums to 1, unless the
	// graph has no edge of positive weight, when both are all zero.
	Authority, Hub []float64
	// Iterations is the number of hub updates run.
	Iterations int
	// Residual is the L1 change of the hub vector in the last iteration.
	Residual float64
	// Converged reports whether Residual fell below Tol within MaxIter.
	Converged bool
	// IterTime is the wall time of the iterations themselves.
	IterTime time.Duration
}

// HITS computes Kleinberg's hub and authority scores (J. M. Kleinberg,
// "Authoritative sources in a hyperlinked environment", Journal of the ACM
// 46(5), 1999). An edge u → v (u follows v) is u pointing at v: a good
// authority is pointed at by good hubs, a good hub points at good
// authorities:
//
//	a(v) = Σ_{u→v} w(u,v) · h(u)        h(u) = Σ_{u→v} w(u,v) · a(v)
//
// with w ≡ 1 when the graph is unweighted. Power iteration from the uniform
// hub vector h_0 = 1/n, each vector normalized to sum 1 after every step,
// until ‖h_k − h_{k−1}‖₁ < Tol (Converged) or MaxIter hub updates; the
// authority vector returned is Aᵀh of the last hub vector, normalized. h
// converges to the principal eigenvector of AAᵀ and a to that of AᵀA (the
// top singular vectors of the weighted adjacency matrix A); when the top
// singular value is repeated (e.g. disconnected parts of equal strength),
// the limit is the projection of the uniform start on that eigenspace, so it
// is still deterministic. This is networkx's hits(G, normalized=True), which
// also sums each vector to 1, and gonum's network.HITS up to its L2
// normalization (gonum reads no weights).
//
// Each iteration is two pulls: authorities along in-edges, hubs along
// out-edges, each over fixed chunks of nodes with per-chunk sums combined in
// chunk order, so the result is identical for any number of workers; ctx is
// checked every iteration.
func HITS(ctx context.Context, g *graph.Graph, o HITSOptions) (HITSResult, error) {
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
	case !(o.Tol > 0):
		return HITSResult{}, fmt.Errorf("hits: tolerance %v must be positive", o.Tol)
	case o.MaxIter < 0:
		return HITSResult{}, fmt.Errorf("hits: negative iteration limit %d", o.MaxIter)
	case o.Workers < 0:
		return HITSResult{}, fmt.Errorf("hits: negative worker count %d", o.Workers)
	}
	n := g.N()
	h := newHITSer(g, o.Workers)
	r := HITSResult{}
	start := time.Now()
	var asum float64 // the last authority pass's sum, which normalizes it
	for {
		if err := ctx.Err(); err != nil {
			return HITSResult{}, fmt.Errorf("hits: stopped at iteration %d: %w", r.Iterations+1, err)
		}
		// hub ← h_k, residual ‖h_k − h_{k−1}‖₁, auth ← Aᵀh_k.
		var res float64
		res, asum = h.authorities()
		if r.Iterations > 0 {
			r.Residual = res
		}
		if !(asum > 0) {
			// No edge of positive weight: nothing is pointed at.
			return HITSResult{Authority: make([]float64, n), Hub: make([]float64, n), Converged: true}, nil
		}
		if r.Iterations > 0 && res < o.Tol {
			r.Converged = true
			break
		}
		if r.Iterations == o.MaxIter {
			break
		}
		h.hubs()
		r.Iterations++
	}
	r.IterTime = time.Since(start)
	r.Authority = make([]float64, n)
	for i, x := range h.auth {
		r.Authority[i] = x / asum
	}
	r.Hub = h.hub
	return r, nil
}

type hitser struct {
	inOff, inIdx, outOff, outIdx []uint32
	inW, outW                    []float32
	auth                         []float64 // Aᵀh, not normalized
	hraw                         []float64 // A·auth, not normalized
	scale                        float64   // 1/Σ hraw
	hub                          []float64 // hraw·scale, written by authorities
	inBounds, outBounds          []int
	asums, hsums                 []chunkSums // residual and total per chunk
	workers                      int

	authMem, hrawMem *hugemem.Memory
}

func newHITSer(g *graph.Graph, workers int) *hitser {
	n := g.N()
	h := &hitser{hub: make([]float64, n), workers: workers}
	h.inOff, h.inIdx, h.inW = g.InCSR()
	h.outOff, h.outIdx, h.outW = g.OutCSR()
	// Both vectors are gathered at random: put them on huge pages.
	h.auth, h.authMem = hugemem.Slice[float64](n)
	h.hraw, h.hrawMem = hugemem.Slice[float64](n)
	for i := range h.hraw {
		h.hraw[i] = 1
	}
	h.scale = 1 / float64(max(n, 1))
	h.inBounds = chunks(h.inOff, n)
	h.outBounds = chunks(h.outOff, n)
	h.asums = make([]chunkSums, len(h.inBounds)-1)
	h.hsums = make([]chunkSums, len(h.outBounds)-1)
	return h
}

// authorities normalizes the hub vector into hub (returning its L1 change)
// and computes auth = Aᵀ·hub (returning its sum).
func (h *hitser) authorities() (residual, sum float64) {
	runChunks(h.workers, len(h.asums), func(c int) {
		lo, hi := h.inBounds[c], h.inBounds[c+1]
		off, idx, hraw, scale := h.inOff[lo:hi+1], h.inIdx, h.hraw, h.scale
		auth, hub := h.auth[lo:hi], h.hub[lo:hi]
		var res, total float64
		for i := range auth {
			row := idx[off[i]:off[i+1]]
			var s float64
			if h.inW == nil {
				s = sumUnweighted(hraw, row)
			} else {
				s = sumWeighted(hraw, row, h.inW[off[i]:off[i+1]])
			}
			s *= scale
			auth[i] = s
			total += s
			x := hraw[lo+i] * scale
			res += math.Abs(x - hub[i])
			hub[i] = x
		}
		h.asums[c] = chunkSums{residual: res, total: total}
	})
	for i := range h.asums {
		residual += h.asums[i].residual
		sum += h.asums[i].total
	}
	return residual, sum
}

// hubs computes hraw = A·auth and its scale.
func (h *hitser) hubs() {
	runChunks(h.workers, len(h.hsums), func(c int) {
		lo, hi := h.outBounds[c], h.outBounds[c+1]
		off, idx, auth := h.outOff[lo:hi+1], h.outIdx, h.auth
		hraw := h.hraw[lo:hi]
		var total float64
		for i := range hraw {
			row := idx[off[i]:off[i+1]]
			var s float64
			if h.outW == nil {
				s = sumUnweighted(auth, row)
			} else {
				s = sumWeighted(auth, row, h.outW[off[i]:off[i+1]])
			}
			hraw[i] = s
			total += s
		}
		h.hsums[c] = chunkSums{total: total}
	})
	var sum float64
	for i := range h.hsums {
		sum += h.hsums[i].total
	}
	h.scale = 1 / sum
}
