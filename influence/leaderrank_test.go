package influence_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/clout-cli/clout/graph/synth"
	"github.com/clout-cli/clout/influence"
)

// TestLeaderRankNetworkx compares against networkx: pagerank(alpha=1) on the
// graph augmented with the ground node, cross-checked in the script against
// the paper's walk run literally (see testdata/measures/make_measures.py).
func TestLeaderRankNetworkx(t *testing.T) {
	for _, f := range loadMeasureFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			r, err := influence.LeaderRank(context.Background(), f.g, influence.LeaderRankOptions{Tol: 1e-15})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Converged {
				t.Fatalf("not converged: %d iterations, residual %g", r.Iterations, r.Residual)
			}
			var worst, sum float64
			for i, want := range f.leaderrank {
				sum += r.Scores[i]
				d := math.Abs(r.Scores[i] - want)
				worst = max(worst, d/want)
				if d > 1e-9*want {
					t.Errorf("node %s: %.15g, networkx gives %.15g", f.nodes[i], r.Scores[i], want)
				}
			}
			if n := float64(f.g.N()); math.Abs(sum-n) > 1e-9*n {
				t.Errorf("scores sum to %v, want %v", sum, n)
			}
			t.Logf("%d iterations, largest relative difference %.2g", r.Iterations, worst)
		})
	}
}

// denseLeaderRank is an independent O(n²) reference: the augmented
// transition matrix written out (node n is the ground) and the paper's walk
// s(k+1) = s(k)·P from s_i(0) = 1, s_g(0) = 0, then LR(i) = s_i + s_g/n.
func denseLeaderRank(e edges) []float64 {
	n := e.n
	W := make([][]float64, n+1)
	for i := range W {
		W[i] = make([]float64, n+1)
	}
	for i := range e.src {
		u, v := e.src[i], e.dst[i]
		if u == v {
			continue
		}
		if e.w == nil {
			W[u][v] = 1
		} else {
			W[u][v] += float64(e.w[i])
		}
	}
	for i := range n {
		for j := range n {
			W[i][j] = float64(float32(W[i][j]))
		}
		W[i][n], W[n][i] = 1, 1
	}
	for i := range W {
		var out float64
		for _, x := range W[i] {
			out += x
		}
		for j := range W[i] {
			W[i][j] /= out
		}
	}
	s := make([]float64, n+1)
	for i := range n {
		s[i] = 1
	}
	for range 100000 {
		t := make([]float64, n+1)
		for u := range s {
			for v, p := range W[u] {
				t[v] += s[u] * p
			}
		}
		var diff float64
		for i := range t {
			diff += math.Abs(t[i] - s[i])
		}
		s = t
		if diff < 1e-14*float64(n) {
			break
		}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = s[i] + s[n]/float64(n)
	}
	return out
}

func TestLeaderRankDense(t *testing.T) {
	for name, e := range testGraphs() {
		t.Run(name, func(t *testing.T) {
			r, err := influence.LeaderRank(context.Background(), e.graph(t), influence.LeaderRankOptions{Tol: 1e-15})
			if err != nil {
				t.Fatal(err)
			}
			want := denseLeaderRank(e)
			for u := range e.n {
				if d := math.Abs(r.Scores[u] - want[u]); d > 1e-11 {
					t.Errorf("node %d: %.15g, dense reference %.15g", u, r.Scores[u], want[u])
				}
			}
		})
	}
}

// TestLeaderRankClosedForm checks cases solved by hand.
func TestLeaderRankClosedForm(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    edges
		want []float64
	}{
		// No edge: the walk only bounces through the ground; by symmetry
		// every account scores 1.
		{"no edges", edges{n: 3}, []float64{1, 1, 1}},
		{"zero weights", edges{n: 2, src: []uint32{0}, dst: []uint32{1}, w: []float32{0}}, []float64{1, 1}},
		// A directed cycle is symmetric under rotation: every score is 1.
		{"cycle", ring(6), []float64{1, 1, 1, 1, 1, 1}},
		// 0 → 1 on two nodes: stationary π with π0 = πg/2, π1 = π0/2 + πg/2,
		// πg = π0/2 + π1, so (π0, π1, πg) = (2, 3, 4)/9 and LR = 2π + πg:
		// (8/9, 10/9).
		{"one edge", edges{n: 2, src: []uint32{0}, dst: []uint32{1}}, []float64{8.0 / 9, 10.0 / 9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := influence.LeaderRank(context.Background(), tc.e.graph(t), influence.LeaderRankOptions{Tol: 1e-15})
			if err != nil || !r.Converged {
				t.Fatalf("%+v, %v", r, err)
			}
			for u, x := range tc.want {
				if math.Abs(r.Scores[u]-x) > 1e-12 {
					t.Errorf("node %d = %.16g, want %.16g", u, r.Scores[u], x)
				}
			}
		})
	}
}

func TestLeaderRankDeterministic(t *testing.T) {
	src, dst, err := synth.Edges(synth.Options{Nodes: 20000, Edges: 200000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	w := make([]float32, len(src))
	for i := range w {
		w[i] = float32(1 + i%5)
	}
	for _, e := range []edges{{n: 20000, src: src, dst: dst}, {n: 20000, src: src, dst: dst, w: w}} {
		g := e.graph(t)
		first, err := influence.LeaderRank(context.Background(), g, influence.LeaderRankOptions{Workers: 1})
		if err != nil || !first.Converged {
			t.Fatalf("%+v, %v", first.Iterations, err)
		}
		for _, workers := range []int{2, 7} {
			r, err := influence.LeaderRank(context.Background(), g, influence.LeaderRankOptions{Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			if r.Iterations != first.Iterations || math.Float64bits(r.Residual) != math.Float64bits(first.Residual) {
				t.Fatalf("workers=%d: %d iterations, residual %v; workers=1: %d, %v", workers, r.Iterations, r.Residual, first.Iterations, first.Residual)
			}
			for u := range r.Scores {
				if math.Float64bits(r.Scores[u]) != math.Float64bits(first.Scores[u]) {
					t.Fatalf("workers=%d: node %d = %v, workers=1 gives %v", workers, u, r.Scores[u], first.Scores[u])
				}
			}
		}
	}
}

func TestLeaderRankStops(t *testing.T) {
	g := randomEdges(1, 50, 200, false).graph(t)
	r, err := influence.LeaderRank(context.Background(), g, influence.LeaderRankOptions{MaxIter: 3})
	if err != nil || r.Converged || r.Iterations != 3 || !(r.Residual > 0) {
		t.Errorf("MaxIter 3: %+v, %v", r, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := influence.LeaderRank(ctx, g, influence.LeaderRankOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	if r, err := influence.LeaderRank(context.Background(), edges{}.graph(t), influence.LeaderRankOptions{}); err != nil || len(r.Scores) != 0 {
		t.Errorf("empty graph: %+v, %v", r, err)
	}
	for _, o := range []influence.LeaderRankOptions{{Tol: -1}, {Tol: math.NaN()}, {MaxIter: -1}, {Workers: -1}} {
		if _, err := influence.LeaderRank(context.Background(), g, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}
