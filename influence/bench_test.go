package influence_test

import (
	"context"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/synth"
	"github.com/clout-cli/clout/influence"
)

func synthGraph(b testing.TB, nodes, edges int, weighted bool) *graph.Graph {
	b.Helper()
	src, dst, err := synth.Edges(synth.Options{Nodes: nodes, Edges: edges, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var w []float32
	if weighted {
		w = make([]float32, len(src))
		for i := range w {
			w[i] = float32(1 + i%3)
		}
	}
	g, err := graph.NewGraph(nodes, src, dst, w)
	if err != nil {
		b.Fatal(err)
	}
	return g
}

// BenchmarkPageRank runs PageRank to convergence (default options) on the
// synthetic power-law graph with 1M nodes and 10M edges and reports the cost
// per edge per iteration.
func BenchmarkPageRank(b *testing.B) {
	for _, bm := range []struct {
		name     string
		weighted bool
		workers  int
	}{
		{"1M-10M", false, 0},
		{"1M-10M-1worker", false, 1},
		{"1M-10M-weighted", true, 0},
	} {
		b.Run(bm.name, func(b *testing.B) {
			g := synthGraph(b, 1_000_000, 10_000_000, bm.weighted)
			var r influence.PageRankResult
			var iters int
			var iterTime time.Duration
			for b.Loop() {
				var err error
				r, err = influence.PageRank(context.Background(), g, influence.PageRankOptions{Workers: bm.workers})
				if err != nil {
					b.Fatal(err)
				}
				iters += r.Iterations
				iterTime += r.IterTime
			}
			// ns/edge/iter counts the iterations themselves; ns/op includes setup.
			b.ReportMetric(float64(iterTime.Nanoseconds())/float64(iters)/float64(g.M()), "ns/edge/iter")
			b.ReportMetric(float64(r.Iterations), "iterations")
		})
	}
}

// BenchmarkLeiden runs Leiden (γ = 1, seed 1, iterated until stable) on the
// synthetic power-law follow graph with 1M nodes and 10M edges, treated as
// undirected, and reports the modularity reached.
func BenchmarkLeiden(b *testing.B) {
	for _, bm := range []struct {
		name         string
		nodes, edges int
	}{
		{"100k-1M", 100_000, 1_000_000},
		{"1M-10M", 1_000_000, 10_000_000},
	} {
		b.Run(bm.name, func(b *testing.B) {
			g := synthGraph(b, bm.nodes, bm.edges, false)
			var r influence.LeidenResult
			for b.Loop() {
				var err error
				r, err = influence.Leiden(context.Background(), g, influence.LeidenOptions{Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(r.Modularity, "modularity")
			b.ReportMetric(float64(len(r.Sizes)), "communities")
			b.ReportMetric(float64(r.Iterations), "iterations")
		})
	}
}
