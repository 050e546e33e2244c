package influence_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/graph/network"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/synth"
	"github.com/clout-cli/clout/influence"
)

type edges struct {
	n        int
	src, dst []uint32
	w        []float32
}

func (e edges) graph(t testing.TB) *graph.Graph {
	t.Helper()
	g, err := graph.NewGraph(e.n, e.src, e.dst, e.w)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func randomEdges(seed uint64, n, m int, weighted bool) edges {
	rng := rand.New(rand.NewPCG(seed, 5))
	e := edges{n: n, src: make([]uint32, m), dst: make([]uint32, m)}
	if weighted {
		e.w = make([]float32, m)
	}
	for i := range m {
		e.src[i] = uint32(rng.IntN(n))
		e.dst[i] = uint32(rng.IntN(n))
		if weighted {
			e.w[i] = float32(rng.IntN(10)) / 3 // some zero weights
		}
	}
	return e
}

func ring(n int) edges {
	e := edges{n: n}
	for i := range n {
		e.src = append(e.src, uint32(i))
		e.dst = append(e.dst, uint32((i+1)%n))
	}
	return e
}

func testGraphs() map[string]edges {
	star := edges{n: 8}
	for i := 1; i < 8; i++ {
		star.src = append(star.src, uint32(i))
		star.dst = append(star.dst, 0)
	}
	twoParts := ring(5)
	twoParts.n = 9
	twoParts.src = append(twoParts.src, 5, 6, 7, 8, 8)
	twoParts.dst = append(twoParts.dst, 6, 7, 5, 5, 6)
	return map[string]edges{
		"star (hub dangling)": star,
		"cycle":               ring(7),
		"two components":      twoParts,
		"isolated nodes":      {n: 4, src: []uint32{0}, dst: []uint32{1}},
		"random":              randomEdges(1, 50, 200, false),
		"random sparse":       randomEdges(2, 80, 60, false), // many dangling nodes
		"random weighted":     randomEdges(3, 50, 300, true),
		"weighted sparse":     randomEdges(4, 60, 70, true),
	}
}

// TestPageRankGonum compares against gonum's network.PageRankSparse run on
// the same graph.Graph through its gonum interface. gonum's definition is the
// same as ours for uniform teleport: transition weight(u,w)/outweight(u) (its
// edge-weighted variant, chosen because graph.Graph is a WeightedDirected,
// reads weights through Weight), and a node with outweight 0 spreads its
// mass uniformly. gonum stops on the L2 norm of the change from a random
// start, so agreement is to its tolerance, not to the bit.
func TestPageRankGonum(t *testing.T) {
	for name, e := range testGraphs() {
		t.Run(name, func(t *testing.T) {
			g := e.graph(t)
			r, err := influence.PageRank(context.Background(), g, influence.PageRankOptions{Tol: 1e-14})
			if err != nil {
				t.Fatal(err)
			}
			want := network.PageRankSparse(g, 0.85, 1e-13)
			for u := range g.N() {
				if d := math.Abs(r.Scores[u] - want[int64(u)]); d > 1e-10 {
					t.Errorf("node %d: %.15g, gonum gives %.15g", u, r.Scores[u], want[int64(u)])
				}
			}
		})
	}
}

// densePageRank is an independent O(n²) reference: power iteration with the
// explicit Google matrix G = d·(P + dangling·vᵀ) + (1−d)·1vᵀ, written as
// x'(w) = Σ_u x(u)·G[u][w], run until x stops changing.
func densePageRank(e edges, d float64, v []float64) []float64 {
	n := e.n
	W := make([][]float64, n)
	for i := range W {
		W[i] = make([]float64, n)
	}
	for i := range e.src {
		u, w := e.src[i], e.dst[i]
		if u == w {
			continue
		}
		x := 1.0
		if e.w != nil {
			W[u][w] += float64(e.w[i])
			continue
		}
		W[u][w] = x
	}
	for u := range W { // graph.Graph stores merged weights as float32
		for w, x := range W[u] {
			W[u][w] = float64(float32(x))
		}
	}
	if v == nil {
		v = make([]float64, n)
		for i := range v {
			v[i] = 1 / float64(n)
		}
	} else {
		var s float64
		for _, x := range v {
			s += x
		}
		v = append([]float64(nil), v...)
		for i := range v {
			v[i] /= s
		}
	}
	G := make([][]float64, n)
	for u := range n {
		G[u] = make([]float64, n)
		var out float64
		for _, x := range W[u] {
			out += x
		}
		for w := range n {
			p := v[w] // dangling: jump along v
			if out > 0 {
				p = W[u][w] / out
			}
			G[u][w] = d*p + (1-d)*v[w]
		}
	}
	x := append([]float64(nil), v...)
	for range 5000 {
		y := make([]float64, n)
		for u := range n {
			for w := range n {
				y[w] += x[u] * G[u][w]
			}
		}
		var diff float64
		for i := range y {
			diff += math.Abs(y[i] - x[i])
		}
		x = y
		if diff < 1e-15 {
			break
		}
	}
	return x
}

func TestPageRankDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for name, e := range testGraphs() {
		for _, personalized := range []bool{false, true} {
			var v []float64
			if personalized {
				v = make([]float64, e.n)
				for i := range v {
					if rng.IntN(3) == 0 {
						v[i] = rng.Float64() * 5
					}
				}
				v[rng.IntN(e.n)] = 1
			}
			for _, d := range []float64{0.85, 0.5} {
				g := e.graph(t)
				r, err := influence.PageRank(context.Background(), g, influence.PageRankOptions{Damping: d, Tol: 1e-14, Teleport: v})
				if err != nil {
					t.Fatal(err)
				}
				want := densePageRank(e, d, v)
				var sum float64
				for u := range e.n {
					sum += r.Scores[u]
					if diff := math.Abs(r.Scores[u] - want[u]); diff > 1e-12 {
						t.Errorf("%s, personalized=%v, d=%v: node %d = %.15g, dense reference %.15g", name, personalized, d, u, r.Scores[u], want[u])
					}
				}
				if math.Abs(sum-1) > 1e-14 {
					t.Errorf("%s: scores sum to %v", name, sum)
				}
			}
		}
	}
}

// TestPageRankTeleportOne checks the closed form on 0 → 1 with all teleport
// mass on node 0: node 1 is dangling and returns its mass to 0, so
// x0 = (1−d) + d·x1 and x1 = d·x0, giving x0 = 1/(1+d), x1 = d/(1+d).
func TestPageRankTeleportOne(t *testing.T) {
	g := edges{n: 3, src: []uint32{0}, dst: []uint32{1}}.graph(t)
	const d = 0.85
	r, err := influence.PageRank(context.Background(), g, influence.PageRankOptions{Tol: 1e-15, Teleport: []float64{2, 0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1 / (1 + d), d / (1 + d), 0}
	for u, x := range want {
		if math.Abs(r.Scores[u]-x) > 1e-14 {
			t.Errorf("node %d = %.16g, want %.16g", u, r.Scores[u], x)
		}
	}
}

func TestPageRankDeterministic(t *testing.T) {
	src, dst, err := synth.Edges(synth.Options{Nodes: 20000, Edges: 200000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	w := make([]float32, len(src))
	v := make([]float64, 20000)
	for i := range w {
		w[i] = float32(1 + i%5)
	}
	for i := range v {
		v[i] = float64(i % 3)
	}
	for _, tc := range []struct {
		name string
		e    edges
		v    []float64
	}{
		{"unweighted", edges{n: 20000, src: src, dst: dst}, nil},
		{"weighted personalized", edges{n: 20000, src: src, dst: dst, w: w}, v},
	} {
		g := tc.e.graph(t)
		var first influence.PageRankResult
		for _, workers := range []int{1, 2, 7} {
			r, err := influence.PageRank(context.Background(), g, influence.PageRankOptions{Workers: workers, Teleport: tc.v})
			if err != nil {
				t.Fatal(err)
			}
			if workers == 1 {
				first = r
				if !r.Converged {
					t.Fatalf("%s: not converged", tc.name)
				}
				continue
			}
			if r.Iterations != first.Iterations || math.Float64bits(r.Residual) != math.Float64bits(first.Residual) {
				t.Fatalf("%s: workers=%d: %d iterations, residual %v; workers=1: %d, %v", tc.name, workers, r.Iterations, r.Residual, first.Iterations, first.Residual)
			}
			for u := range r.Scores {
				if math.Float64bits(r.Scores[u]) != math.Float64bits(first.Scores[u]) {
					t.Fatalf("%s: workers=%d: node %d = %v, workers=1 gives %v", tc.name, workers, u, r.Scores[u], first.Scores[u])
				}
			}
		}
	}
}

func TestPageRankStops(t *testing.T) {
	g := ring(5).graph(t)
	g2 := randomEdges(1, 50, 200, false).graph(t)
	r, err := influence.PageRank(context.Background(), g2, influence.PageRankOptions{MaxIter: 3})
	if err != nil {
		t.Fatal(err)
	}
	if r.Converged || r.Iterations != 3 || !(r.Residual > 0) {
		t.Errorf("MaxIter 3: %+v", r)
	}
	// On a cycle the uniform start is already the fixed point.
	r, err = influence.PageRank(context.Background(), g, influence.PageRankOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Converged || r.Iterations != 1 || r.Residual != 0 {
		t.Errorf("cycle: %+v", r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := influence.PageRank(ctx, g, influence.PageRankOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	empty := edges{}.graph(t)
	r, err = influence.PageRank(context.Background(), empty, influence.PageRankOptions{})
	if err != nil || len(r.Scores) != 0 || !r.Converged {
		t.Errorf("empty graph: %+v, %v", r, err)
	}
}

func TestPageRankOptionErrors(t *testing.T) {
	g := ring(3).graph(t)
	for _, o := range []influence.PageRankOptions{
		{Damping: 1},
		{Damping: -0.5},
		{Damping: math.NaN()},
		{Tol: -1},
		{MaxIter: -1},
		{Workers: -2},
		{Teleport: []float64{1, 1}},
		{Teleport: []float64{0, 0, 0}},
		{Teleport: []float64{1, -1, 1}},
		{Teleport: []float64{1, math.NaN(), 1}},
		{Teleport: []float64{1, math.Inf(1), 1}},
	} {
		if _, err := influence.PageRank(context.Background(), g, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}
