package synth_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/clout-cli/clout/graph/synth"
)

func TestGenerateDeterministic(t *testing.T) {
	o := synth.Options{Nodes: 5000, Edges: 50000, Seed: 42}
	s1, d1, err := synth.Edges(o)
	if err != nil {
		t.Fatal(err)
	}
	s2, d2, err := synth.Edges(o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s1, s2) || !slices.Equal(d1, d2) {
		t.Fatal("same options gave different edges")
	}
	o.Seed = 43
	s3, d3, err := synth.Edges(o)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(s1, s3) && slices.Equal(d1, d3) {
		t.Fatal("different seeds gave the same edges")
	}
}

// TestGenerateShape checks the counts, the absence of self-loops and that the
// degree tails are heavy: the largest in-degree is far above the mean, more so
// than the out-degree (GammaIn < GammaOut), and hubs are not the low labels.
func TestGenerateShape(t *testing.T) {
	const n, m = 20000, 200000
	src, dst, err := synth.Edges(synth.Options{Nodes: n, Edges: m, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(src) != m || len(dst) != m {
		t.Fatalf("%d/%d edges, want %d", len(src), len(dst), m)
	}
	in := make([]int, n)
	out := make([]int, n)
	for i := range src {
		if src[i] == dst[i] {
			t.Fatalf("self-loop %d → %d", src[i], dst[i])
		}
		if src[i] >= n || dst[i] >= n {
			t.Fatalf("edge %d → %d out of range", src[i], dst[i])
		}
		out[src[i]]++
		in[dst[i]]++
	}
	mean := float64(m) / n
	maxIn, maxOut := slices.Max(in), slices.Max(out)
	if float64(maxIn) < 100*mean {
		t.Errorf("max in-degree %d is not heavy-tailed (mean %.0f)", maxIn, mean)
	}
	if float64(maxOut) < 10*mean || maxOut >= maxIn {
		t.Errorf("max out-degree %d (max in-degree %d, mean %.0f)", maxOut, maxIn, mean)
	}
	if hub := slices.Index(in, maxIn); hub < 10 {
		t.Errorf("the largest hub is node %d: labels are not shuffled", hub)
	}
	// The in-degree histogram should fall roughly as a power law: many more
	// nodes with degree ≥ 10 than ≥ 100, and more still than ≥ 1000.
	count := func(k int) int {
		c := 0
		for _, d := range in {
			if d >= k {
				c++
			}
		}
		return c
	}
	if c10, c100, c1000 := count(10), count(100), count(1000); !(c10 > 3*c100 && c100 > 3*c1000 && c1000 > 0) {
		t.Errorf("in-degree tail counts ≥10: %d, ≥100: %d, ≥1000: %d", c10, c100, c1000)
	}
}

func TestGenerateErrors(t *testing.T) {
	for _, o := range []synth.Options{
		{Nodes: -1},
		{Nodes: 1, Edges: 1},
		{Nodes: 10, Edges: -1},
		{Nodes: 10, Edges: 10, GammaIn: 1},
		{Nodes: 10, Edges: 10, GammaOut: 0.5},
	} {
		if err := synth.Generate(context.Background(), o, func(u, v uint32) error { return nil }); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	stop := errors.New("stop")
	n := 0
	err := synth.Generate(context.Background(), synth.Options{Nodes: 10, Edges: 100}, func(u, v uint32) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 5 {
		t.Errorf("emit error: err = %v after %d edges", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := synth.Generate(ctx, synth.Options{Nodes: 10, Edges: 100}, func(u, v uint32) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	if src, _, err := synth.Edges(synth.Options{Nodes: 1}); err != nil || len(src) != 0 {
		t.Errorf("no edges: %v, %v", src, err)
	}
}
