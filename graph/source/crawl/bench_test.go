package crawl_test

import (
	"context"
	"testing"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// BenchmarkCrawl10k crawls a synthetic world of 10,000 accounts and about
// 1,000,000 follow edges from one seed, with a platform that answers at
// once (pages of 100, profiles in batches of 25) and no pacing: what clout
// itself costs per crawl. The issue asks for under 60 s.
const benchN = 10_000

func BenchmarkCrawl10k(b *testing.B) {
	w := newWorld(1, benchN, 102, 0)
	accounts, want := expected(w, []string{"a0"}, 100, false, 0, false)
	edges := len(want)
	b.Logf("world: %d accounts reachable, %d follow edges", len(accounts), edges)
	for b.Loop() {
		b.StopTimer()
		s := openStore(b)
		f := newFake(w, 100)
		f.batch = 25
		b.StartTimer()
		sum, err := crawl.Run(context.Background(), s, f, crawl.Config{Seeds: []string{"a0"}, Depth: 100, Concurrency: 2})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var n int64
		if err := s.DB().QueryRow("SELECT count(*) FROM follows").Scan(&n); err != nil {
			b.Fatal(err)
		}
		if n != int64(edges) || sum.Frontier != len(accounts) {
			b.Fatalf("stored %d follows of %d, %d accounts", n, edges, sum.Frontier)
		}
		b.ReportMetric(float64(sum.Pages), "pages/op")
		b.StartTimer()
	}
}
