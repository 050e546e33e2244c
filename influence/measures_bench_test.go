package influence_test

import (
	"context"
	"testing"
	"time"

	"github.com/clout-cli/clout/influence"
)

// BenchmarkMeasures runs PageRank (the baseline) and the measures of
// leaderrank.go, hits.go, coreness.go and reach_sketch.go on one synthetic
// power-law graph with 1M nodes and 10M edges (the graph of
// BenchmarkPageRank), back to back, so their ratios are measured under the
// same load. cpu-s/op is the process's CPU time (user + system) per
// operation, which a busy shared machine inflates less than wall time;
// iterations and ns/edge/iter are reported for the iterative ones.
func BenchmarkMeasures(b *testing.B) {
	g := synthGraph(b, 1_000_000, 10_000_000, false)
	ctx := context.Background()
	type run func() (iters int, iterTime time.Duration, err error)
	for _, bm := range []struct {
		name string
		run  run
	}{
		{"pagerank", func() (int, time.Duration, error) {
			r, err := influence.PageRank(ctx, g, influence.PageRankOptions{})
			return r.Iterations, r.IterTime, err
		}},
		{"leaderrank", func() (int, time.Duration, error) {
			r, err := influence.LeaderRank(ctx, g, influence.LeaderRankOptions{})
			return r.Iterations, r.IterTime, err
		}},
		{"hits", func() (int, time.Duration, error) {
			r, err := influence.HITS(ctx, g, influence.HITSOptions{})
			return r.Iterations, r.IterTime, err
		}},
		{"coreness", func() (int, time.Duration, error) {
			core, err := influence.Coreness(ctx, g)
			if err == nil {
				checkSynthCoreness(b, core)
			}
			return 0, 0, err
		}},
		{"reach2-sketch", func() (int, time.Duration, error) {
			_, err := influence.Reach2Sketch(ctx, g, influence.Reach2SketchOptions{})
			return 0, 0, err
		}},
		{"reach2-sketch-p6", func() (int, time.Duration, error) {
			_, err := influence.Reach2Sketch(ctx, g, influence.Reach2SketchOptions{Precision: 6})
			return 0, 0, err
		}},
		{"reach2-exact", func() (int, time.Duration, error) {
			_, err := influence.Reach2All(ctx, g, 0)
			return 0, 0, err
		}},
	} {
		b.Run("1M-10M-"+bm.name, func(b *testing.B) {
			var iters, ops int
			var iterTime time.Duration
			cpu0 := cpuTime()
			for b.Loop() {
				it, t, err := bm.run()
				if err != nil {
					b.Fatal(err)
				}
				iters += it
				iterTime += t
				ops++
			}
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(ops), "cpu-s/op")
			if iters > 0 {
				b.ReportMetric(float64(iters)/float64(ops), "iterations")
				b.ReportMetric(float64(iterTime.Nanoseconds())/float64(iters)/float64(g.M()), "ns/edge/iter")
			}
		})
	}
}

// checkSynthCoreness compares Σ and max of the core numbers of the benchmark
// graph with what testdata/measures/igraph_coreness.py prints for igraph's
// coreness(mode="all") on the same graph (igraph 0.10.2).
func checkSynthCoreness(b *testing.B, core []int) {
	const igraphSum, igraphMax = 9741475, 96
	var sum, top int
	for _, k := range core {
		sum += k
		top = max(top, k)
	}
	if sum != igraphSum || top != igraphMax {
		b.Fatalf("Σ core = %d, max %d; igraph gives %d and %d", sum, top, igraphSum, igraphMax)
	}
}
