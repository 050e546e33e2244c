package influence_test

import (
	"context"
	"testing"

	"github.com/clout-cli/clout/influence"
)

// BenchmarkPick runs the selections of `clout pick --k 50` on the synthetic
// graph with 1M accounts and 10M follow edges.
func BenchmarkPick(b *testing.B) {
	g := synthGraph(b, 1_000_000, 10_000_000, false)
	b.Run("coverage-hops2-auto", func(b *testing.B) {
		for b.Loop() {
			r, err := influence.Coverage(context.Background(), g, influence.CoverageOptions{SelectOptions: influence.SelectOptions{K: 50}, Hops: 2})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(r.Picks[len(r.Picks)-1].Total, "reach")
			b.ReportMetric(float64(r.Work), "work")
		}
	})
	b.Run("coverage-hops2-sketch", func(b *testing.B) {
		for b.Loop() {
			r, err := influence.Coverage(context.Background(), g, influence.CoverageOptions{SelectOptions: influence.SelectOptions{K: 50}, Hops: 2, Method: influence.ReachSketch})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(r.Picks[len(r.Picks)-1].Total, "reach")
		}
	})
	b.Run("ic-fixed-0.01", func(b *testing.B) {
		for b.Loop() {
			r, err := influence.IMM(context.Background(), g, influence.IMMOptions{SelectOptions: influence.SelectOptions{K: 50}, Model: influence.ICModel{Prob: influence.ProbFixed, P: 0.01}})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(r.Picks[len(r.Picks)-1].Total, "spread")
			b.ReportMetric(float64(r.Theta), "rrsets")
		}
	})
}
