package bluesky

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/bluesky/blueskytest"
	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/store"
)

// BenchmarkCrawlHTTP10k is the crawl speed target of the crawl issue end to
// end: the real client, platform, engine and SQLite store against the fake
// AppView over HTTP, answering instantly, pacing off (--rate 0): a world of
// 10,000 accounts and ~1,000,000 follow edges crawled breadth-first from one
// seed until every account's followers are read. It reports the accounts
// and follow edges stored, and the requests made.
//
//	go test -run x -bench CrawlHTTP10k -benchtime 1x ./graph/source/bluesky/
func BenchmarkCrawlHTTP10k(b *testing.B) {
	w := blueskytest.NewWorldWith(1, blueskytest.WorldOptions{Accounts: 10_000, FollowsPerAccount: 100, PostsPerAccount: 1})
	srv := blueskytest.NewServer(b, w)
	for b.Loop() {
		b.StopTimer()
		s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "c.db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		stats := &crawl.Stats{}
		c := crawl.NewClient(crawl.ClientConfig{UserAgent: "clout/bench", Timeout: 30 * time.Second, RateHeaders: RateHeaders, Stats: stats})
		p, err := New(c, Config{API: srv.URL})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sum, err := crawl.Run(context.Background(), s, p, crawl.Config{
			Seeds: []string{w.Accounts[0].DID}, Depth: 100, Concurrency: 2, Stats: stats,
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var accounts, follows int64
		s.DB().QueryRow("SELECT count(*) FROM accounts").Scan(&accounts)
		s.DB().QueryRow("SELECT count(*) FROM follows").Scan(&follows)
		b.ReportMetric(float64(accounts), "accounts")
		b.ReportMetric(float64(follows), "follows")
		b.ReportMetric(float64(stats.Requests.Load()), "requests")
		if sum.TasksFailed != 0 {
			b.Fatalf("%d lists failed", sum.TasksFailed)
		}
		s.Close()
		b.StartTimer()
	}
}
