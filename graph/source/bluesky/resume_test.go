package bluesky

import (
	"context"
	"errors"
	"github.com/clout-cli/clout/graph/store/storetest"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/bluesky/blueskytest"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// cancelAfter is a transport that cancels the crawl once it has sent n
// requests: a Ctrl-C at a random moment.
type cancelAfter struct {
	n      atomic.Int64
	cancel context.CancelFunc
}

func (c *cancelAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.n.Add(-1) < 0 {
		c.cancel()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// A crawl cancelled at random moments, many times, then resumed each time,
// stores exactly what an uninterrupted crawl stores.
func TestCrawlResume(t *testing.T) {
	w := blueskytest.NewWorld(21, 40)
	srv := blueskytest.NewServer(t, w)
	seeds := []string{w.Accounts[2].DID}
	cfg := crawl.Config{Seeds: seeds, Depth: 2, Follows: true, Engagement: true, Posts: 100, Concurrency: 1}

	clean := openStore(t)
	if _, err := crawl.Run(context.Background(), clean, newPlatform(t, srv.URL), cfg); err != nil {
		t.Fatal(err)
	}
	want := storetest.Dump(t, clean)
	checkCrawl(t, clean, w, seeds, 2, blueskytest.Crawl{Follows: true})

	s := openStore(t)
	r := rand.New(rand.NewPCG(1, 2))
	runs := 0
	for ; runs < 1000; runs++ {
		ctx, cancel := context.WithCancel(context.Background())
		tr := &cancelAfter{cancel: cancel}
		tr.n.Store(int64(1 + r.IntN(25)))
		c := crawl.NewClient(crawl.ClientConfig{Timeout: 5 * time.Second, Backoff: time.Millisecond, RateHeaders: RateHeaders,
			HTTPClient: &http.Client{Transport: tr}})
		p, err := New(c, Config{API: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = crawl.Run(ctx, s, p, cfg)
		cancel()
		if err == nil {
			break
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("run %d: %v", runs, err)
		}
	}
	if runs < 5 {
		t.Errorf("only %d interruptions", runs)
	}
	if got := storetest.Dump(t, s); got != want {
		t.Errorf("after %d interruptions the store differs from an uninterrupted crawl", runs)
	}
	t.Logf("%d interruptions", runs)
}
