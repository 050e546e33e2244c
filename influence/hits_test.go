package influence_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/graph/network"

	"github.com/clout-cli/clout/graph/synth"
	"github.com/clout-cli/clout/influence"
)

// TestHITSNetworkx compares against networkx hits(normalized=True), weights
// included (see testdata/measures/make_measures.py).
func TestHITSNetworkx(t *testing.T) {
	for _, f := range loadMeasureFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			r, err := influence.HITS(context.Background(), f.g, influence.HITSOptions{Tol: 1e-14})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Converged {
				t.Fatalf("not converged: %d iterations, residual %g", r.Iterations, r.Residual)
			}
			var worst float64
			for i := range f.nodes {
				for _, c := range []struct {
					what      string
					got, want float64
				}{{"authority", r.Authority[i], f.authority[i]}, {"hub", r.Hub[i], f.hub[i]}} {
					d := math.Abs(c.got - c.want)
					worst = max(worst, d)
					if d > 1e-10 {
						t.Errorf("%s of %s: %.15g, networkx gives %.15g", c.what, f.nodes[i], c.got, c.want)
					}
				}
			}
			checkSums(t, r)
			t.Logf("%d iterations, largest difference %.2g", r.Iterations, worst)
		})
	}
}

func checkSums(t *testing.T, r influence.HITSResult) {
	t.Helper()
	var a, h float64
	for i := range r.Hub {
		a += r.Authority[i]
		h += r.Hub[i]
	}
	if math.Abs(a-1) > 1e-12 || math.Abs(h-1) > 1e-12 {
		t.Errorf("authority sums to %v, hub to %v", a, h)
	}
}

// TestHITSGonum compares against gonum's network.HITS run on the same
// graph.Graph through its gonum interface. gonum reads no weights and
// normalizes to unit L2 norm, so the unweighted graphs are compared after
// rescaling gonum's vectors to sum 1.
func TestHITSGonum(t *testing.T) {
	for name, e := range testGraphs() {
		if e.w != nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			g := e.graph(t)
			r, err := influence.HITS(context.Background(), g, influence.HITSOptions{Tol: 1e-15})
			if err != nil {
				t.Fatal(err)
			}
			want := network.HITS(g, 1e-14)
			var as, hs float64
			for _, x := range want {
				as += x.Authority
				hs += x.Hub
			}
			for u := range g.N() {
				w := want[int64(u)]
				if d := math.Abs(r.Authority[u] - w.Authority/as); d > 1e-10 {
					t.Errorf("authority of %d: %.15g, gonum gives %.15g", u, r.Authority[u], w.Authority/as)
				}
				if d := math.Abs(r.Hub[u] - w.Hub/hs); d > 1e-10 {
					t.Errorf("hub of %d: %.15g, gonum gives %.15g", u, r.Hub[u], w.Hub/hs)
				}
			}
			checkSums(t, r)
		})
	}
}

// TestHITSClosedForm checks cases solved by hand.
func TestHITSClosedForm(t *testing.T) {
	for _, tc := range []struct {
		name      string
		e         edges
		auth, hub []float64
	}{
		// Everyone points at 0: 0 is the only authority, the others share
		// the hub score.
		{"in-star", edges{n: 4, src: []uint32{1, 2, 3}, dst: []uint32{0, 0, 0}},
			[]float64{1, 0, 0, 0}, []float64{0, 1.0 / 3, 1.0 / 3, 1.0 / 3}},
		// 0 → 1, 0 → 2, 3 → 2: AAᵀ = [[2,1],[1,1]] on hubs (0, 3); its top
		// eigenvector is (φ, 1) with φ the golden ratio, and a = Aᵀh.
		{"path", edges{n: 4, src: []uint32{0, 0, 3}, dst: []uint32{1, 2, 2}},
			[]float64{0, math.Phi / (2*math.Phi + 1), (math.Phi + 1) / (2*math.Phi + 1), 0},
			[]float64{math.Phi / (math.Phi + 1), 0, 0, 1 / (math.Phi + 1)}},
		// Weighted: 0 → 1 weighs 3, 2 → 1 weighs 1: a = (0, 1, 0), h ∝ (3, 0, 1).
		{"weighted", edges{n: 3, src: []uint32{0, 2}, dst: []uint32{1, 1}, w: []float32{3, 1}},
			[]float64{0, 1, 0}, []float64{0.75, 0, 0.25}},
		{"no edges", edges{n: 3}, []float64{0, 0, 0}, []float64{0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := influence.HITS(context.Background(), tc.e.graph(t), influence.HITSOptions{Tol: 1e-15})
			if err != nil || !r.Converged {
				t.Fatalf("%+v, %v", r, err)
			}
			for u := range tc.auth {
				if math.Abs(r.Authority[u]-tc.auth[u]) > 1e-12 || math.Abs(r.Hub[u]-tc.hub[u]) > 1e-12 {
					t.Errorf("node %d: authority %.16g hub %.16g, want %.16g and %.16g", u, r.Authority[u], r.Hub[u], tc.auth[u], tc.hub[u])
				}
			}
		})
	}
}

func TestHITSDeterministic(t *testing.T) {
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
		first, err := influence.HITS(context.Background(), g, influence.HITSOptions{Workers: 1})
		if err != nil || !first.Converged {
			t.Fatalf("%d iterations, %v", first.Iterations, err)
		}
		for _, workers := range []int{2, 7} {
			r, err := influence.HITS(context.Background(), g, influence.HITSOptions{Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			if r.Iterations != first.Iterations || math.Float64bits(r.Residual) != math.Float64bits(first.Residual) {
				t.Fatalf("workers=%d: %d iterations, residual %v; workers=1: %d, %v", workers, r.Iterations, r.Residual, first.Iterations, first.Residual)
			}
			for u := range r.Hub {
				if math.Float64bits(r.Hub[u]) != math.Float64bits(first.Hub[u]) || math.Float64bits(r.Authority[u]) != math.Float64bits(first.Authority[u]) {
					t.Fatalf("workers=%d: node %d differs", workers, u)
				}
			}
		}
	}
}

func TestHITSStops(t *testing.T) {
	g := randomEdges(1, 50, 200, false).graph(t)
	r, err := influence.HITS(context.Background(), g, influence.HITSOptions{MaxIter: 3})
	if err != nil || r.Converged || r.Iterations != 3 || !(r.Residual > 0) {
		t.Errorf("MaxIter 3: %+v, %v", r, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := influence.HITS(ctx, g, influence.HITSOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	if r, err := influence.HITS(context.Background(), edges{}.graph(t), influence.HITSOptions{}); err != nil || len(r.Hub) != 0 {
		t.Errorf("empty graph: %+v, %v", r, err)
	}
	for _, o := range []influence.HITSOptions{{Tol: -1}, {Tol: math.NaN()}, {MaxIter: -1}, {Workers: -1}} {
		if _, err := influence.HITS(context.Background(), g, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}
