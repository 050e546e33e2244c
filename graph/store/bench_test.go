package store

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/synth"
)

// BenchmarkBulkFollows writes a synthetic power-law follow graph (200k
// accounts, 2M edges; scale with -benchtime) through one Tx, as `clout
// import` does, and reports edges per second.
func BenchmarkBulkFollows(b *testing.B) {
	src, dst, err := synth.Edges(synth.Options{Nodes: 200_000, Edges: 2_000_000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	labels := make([]string, 200_000)
	for i := range labels {
		labels[i] = "u" + strconv.Itoa(i)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		s, err := Open(context.Background(), filepath.Join(b.TempDir(), "b.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tx, err := s.Begin(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		for i := range src {
			if err := tx.Edge(graph.Edge{Platform: "local", Src: labels[src[i]], Dst: labels[dst[i]], Kind: graph.Follow}); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(src))*float64(b.N)/b.Elapsed().Seconds(), "edges/s")
}
