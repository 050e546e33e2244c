package influence_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/clout-cli/clout/graph/synth"
	"github.com/clout-cli/clout/influence"
)

// sketchError compares estimates with exact values over the nodes the sketch
// estimates (exact work above m) and returns how many there were, the RMS
// relative error, the share within 3 RSE and the largest relative error;
// nodes counted exactly must match.
func sketchError(t *testing.T, e edges, p int) (n int, bias, rms, within3, worst float64) {
	t.Helper()
	g := e.graph(t)
	exact, err := influence.Reach2All(context.Background(), g, 0)
	if err != nil {
		t.Fatal(err)
	}
	est, err := influence.Reach2Sketch(context.Background(), g, influence.Reach2SketchOptions{Precision: p})
	if err != nil {
		t.Fatal(err)
	}
	rse := influence.SketchRSE(p)
	m := 1 << p
	var sq float64
	var in3 int
	for v := range g.N() {
		in, _ := g.In(uint32(v))
		work := len(in)
		for _, u := range in {
			work += g.InDegree(u)
		}
		if work <= m {
			if est[v] != exact[v] {
				t.Errorf("node %d (work %d ≤ %d, counted exactly): %d, exact %d", v, work, m, est[v], exact[v])
			}
			continue
		}
		rel := float64(est[v]-exact[v]) / float64(exact[v])
		sq += rel * rel
		bias += rel
		worst = max(worst, math.Abs(rel))
		if math.Abs(rel) <= 3*rse {
			in3++
		}
		n++
	}
	if n == 0 {
		return 0, 0, 0, 1, 0
	}
	return n, bias / float64(n), math.Sqrt(sq / float64(n)), float64(in3) / float64(n), worst
}

// trees is many disjoint two-level in-trees: root r has f followers, each
// with g followers of its own, so reach2(r) = f + f·g; different sizes give
// independent HyperLogLog trials from tens to tens of thousands.
func trees(sizes [][2]int, copies int) edges {
	var e edges
	add := func() uint32 { e.n++; return uint32(e.n - 1) }
	for range copies {
		for _, fg := range sizes {
			r := add()
			for range fg[0] {
				u := add()
				e.src, e.dst = append(e.src, u), append(e.dst, r)
				for range fg[1] {
					x := add()
					e.src, e.dst = append(e.src, x), append(e.dst, u)
				}
			}
		}
	}
	return e
}

// TestReach2Sketch checks the stated error 1.04/√m against the exact
// Reach2All on random, power-law and tree graphs, at several precisions:
// the RMS relative error of the estimated nodes is at most 1.5 RSE, 99% are
// within 3 RSE, none is beyond 5 RSE, and the mean error is within RSE/2 of 0.
func TestReach2Sketch(t *testing.T) {
	src, dst, err := synth.Edges(synth.Options{Nodes: 20000, Edges: 300000, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	powerLaw := edges{n: 20000, src: src, dst: dst}
	for _, tc := range []struct {
		name string
		e    edges
		p    int
	}{
		{"uniform random p=8", randomEdges(21, 5000, 60000, false), 8},
		{"uniform random p=6", randomEdges(22, 5000, 40000, false), 6},
		{"power law p=8", powerLaw, 8},
		{"power law p=10", powerLaw, 10},
		{"power law p=6", powerLaw, 6},
		{"trees p=8", trees([][2]int{{30, 10}, {100, 3}, {50, 50}, {200, 100}, {10, 1000}}, 20), 8},
		{"trees p=7", trees([][2]int{{20, 10}, {60, 5}, {40, 40}, {300, 50}}, 60), 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, bias, rms, within3, worst := sketchError(t, tc.e, tc.p)
			rse := influence.SketchRSE(tc.p)
			t.Logf("%d estimated nodes: mean relative error %+.4f, RMS %.4f (RSE %.4f), %.1f%% within 3 RSE, worst %.4f", n, bias, rms, rse, 100*within3, worst)
			if math.Abs(bias) > rse/2 {
				t.Errorf("biased: mean relative error %+.4f", bias)
			}
			if n < 50 {
				t.Fatalf("only %d nodes estimated", n)
			}
			if rms > 1.5*rse || within3 < 0.99 || worst > 5*rse {
				t.Errorf("error beyond the stated RSE %.4f", rse)
			}
		})
	}
}

func TestReach2SketchPolblogs(t *testing.T) {
	p := loadPolblogs(t)
	est, err := influence.Reach2Sketch(context.Background(), p.g, influence.Reach2SketchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rse := influence.SketchRSE(influence.DefaultSketchPrecision)
	var sq float64
	for i, want := range p.reach2 {
		if want == 0 {
			if est[i] != 0 {
				t.Errorf("%s: %d, want 0", p.names[i], est[i])
			}
			continue
		}
		rel := float64(est[i]-want) / float64(want)
		sq += rel * rel
		if math.Abs(rel) > 5*rse {
			t.Errorf("%s: %d, exact %d", p.names[i], est[i], want)
		}
	}
	t.Logf("RMS relative error %.4f over all blogs (RSE %.4f; small audiences are exact)", math.Sqrt(sq/float64(len(est))), rse)
}

func TestReach2SketchDeterministic(t *testing.T) {
	src, dst, err := synth.Edges(synth.Options{Nodes: 20000, Edges: 200000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	g := edges{n: 20000, src: src, dst: dst}.graph(t)
	first, err := influence.Reach2Sketch(context.Background(), g, influence.Reach2SketchOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{2, 5} {
		r, err := influence.Reach2Sketch(context.Background(), g, influence.Reach2SketchOptions{Workers: workers})
		if err != nil || !equalInts(r, first) {
			t.Fatalf("workers=%d differs from workers=1 (%v)", workers, err)
		}
	}
}

func TestReach2SketchErrors(t *testing.T) {
	g := ring(5).graph(t)
	for _, o := range []influence.Reach2SketchOptions{{Precision: 3}, {Precision: 17}, {Precision: -1}, {Workers: -1}} {
		if _, err := influence.Reach2Sketch(context.Background(), g, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := influence.Reach2Sketch(ctx, g, influence.Reach2SketchOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	if r, err := influence.Reach2Sketch(context.Background(), edges{}.graph(t), influence.Reach2SketchOptions{}); err != nil || len(r) != 0 {
		t.Errorf("empty graph: %v, %v", r, err)
	}
}

// TestReach2Work checks Reach2Work against the sum Reach2All walks.
func TestReach2Work(t *testing.T) {
	for name, e := range testGraphs() {
		g := e.graph(t)
		var want uint64
		for v := range g.N() {
			in, _ := g.In(uint32(v))
			for _, u := range in {
				want += uint64(g.InDegree(u))
			}
		}
		if got := influence.Reach2Work(g); got != want {
			t.Errorf("%s: %d, want %d", name, got, want)
		}
	}
}

func TestReach2Every(t *testing.T) {
	p := loadPolblogs(t)
	work := influence.Reach2Work(p.g)
	if work > influence.Reach2ExactBudget {
		t.Fatalf("polblogs work %d over the budget", work)
	}
	for _, tc := range []struct {
		method influence.Reach2Method
		ran    influence.Reach2Method
	}{
		{influence.Reach2Auto, influence.Reach2Exact},
		{influence.Reach2Exact, influence.Reach2Exact},
		{influence.Reach2Sketched, influence.Reach2Sketched},
	} {
		r, err := influence.Reach2Every(context.Background(), p.g, tc.method, influence.Reach2SketchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Method != tc.ran || r.Work != work {
			t.Errorf("%s: ran %s with work %d, want %s and %d", tc.method, r.Method, r.Work, tc.ran, work)
		}
		if tc.ran == influence.Reach2Exact && (!equalInts(r.Values, p.reach2) || r.RSE != 0) {
			t.Errorf("%s: exact values differ from the reference (RSE %v)", tc.method, r.RSE)
		}
		if tc.ran == influence.Reach2Sketched && r.RSE != influence.SketchRSE(influence.DefaultSketchPrecision) {
			t.Errorf("sketch RSE %v", r.RSE)
		}
	}
	if _, err := influence.Reach2Every(context.Background(), p.g, "fast", influence.Reach2SketchOptions{}); err == nil {
		t.Error("unknown method accepted")
	}
	for _, s := range []string{"exact", "sketch", "auto"} {
		if m, err := influence.ParseReach2Method(s); err != nil || string(m) != s {
			t.Errorf("ParseReach2Method(%q) = %q, %v", s, m, err)
		}
	}
	if _, err := influence.ParseReach2Method("Exact"); err == nil {
		t.Error(`ParseReach2Method("Exact") accepted`)
	}
}
