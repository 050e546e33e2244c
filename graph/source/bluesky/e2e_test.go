package bluesky

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/bluesky/blueskytest"
	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/store"
)

// The store satisfies the engine's persistence interface structurally.
var _ crawl.State = (*store.Store)(nil)

// crawled is what a store holds, in the forms World.Expected returns.
type crawled struct {
	accounts []graph.Account
	follows  []graph.Edge
	events   []graph.Edge
}

func readStore(t *testing.T, s *store.Store) crawled {
	t.Helper()
	var c crawled
	rows, err := s.DB().Query(`SELECT key, coalesce(handle, ''), coalesce(name, ''), coalesce(followers_count, -1),
		coalesce(following_count, -1), coalesce(posts_count, -1) FROM accounts WHERE platform = 'bluesky' ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		a := graph.NewAccount(Name, "")
		if err := rows.Scan(&a.Key, &a.Handle, &a.Name, &a.Followers, &a.Following, &a.Posts); err != nil {
			t.Fatal(err)
		}
		c.accounts = append(c.accounts, a)
	}
	rows.Close()
	rows, err = s.DB().Query(`SELECT source, target FROM follow_edges WHERE platform = 'bluesky'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		e := graph.Edge{Platform: Name, Kind: graph.Follow}
		if err := rows.Scan(&e.Src, &e.Dst); err != nil {
			t.Fatal(err)
		}
		c.follows = append(c.follows, e)
	}
	rows.Close()
	rows, err = s.DB().Query(`SELECT kind, source, target, post_id, coalesce(at, -1) FROM event_edges WHERE platform = 'bluesky'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind string
		var at int64
		e := graph.Edge{Platform: Name}
		if err := rows.Scan(&kind, &e.Src, &e.Dst, &e.PostID, &at); err != nil {
			t.Fatal(err)
		}
		if e.Kind, err = graph.ParseKind(kind); err != nil {
			t.Fatal(err)
		}
		if at >= 0 {
			e.At = time.Unix(at, 0).UTC()
		}
		c.events = append(c.events, e)
	}
	rows.Close()
	blueskytest.SortEdges(c.follows)
	blueskytest.SortEdges(c.events)
	return c
}

// edgeLines renders edges for comparison: the store keeps whole seconds
// and no hashtags in the identity.
func edgeLines(es []graph.Edge) []string {
	out := make([]string, len(es))
	for i, e := range es {
		at := "-"
		if !e.At.IsZero() {
			at = fmt.Sprint(e.At.Unix())
		}
		out[i] = fmt.Sprintf("%s %s→%s %s %s", e.Kind, e.Src, e.Dst, e.PostID, at)
	}
	return out
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, w := map[string]bool{}, map[string]bool{}
	for _, s := range got {
		g[s] = true
	}
	for _, s := range want {
		w[s] = true
	}
	var extra, missing []string
	for _, s := range got {
		if !w[s] {
			extra = append(extra, s)
		}
	}
	for _, s := range want {
		if !g[s] {
			missing = append(missing, s)
		}
	}
	t.Errorf("%s: %d stored, %d expected; %d missing %q, %d unexpected %q", what, len(got), len(want),
		len(missing), missing[:min(5, len(missing))], len(extra), extra[:min(5, len(extra))])
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "crawl.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// e2ePlatform is the platform over the real client, against srv, with
// retries and rate-limit waits shortened for tests.
func e2ePlatform(t *testing.T, srv *blueskytest.Server, timeout time.Duration, stats *crawl.Stats) *Platform {
	t.Helper()
	c := crawl.NewClient(crawl.ClientConfig{
		UserAgent:   "clout/test (+https://example.com)",
		Timeout:     timeout,
		MaxAttempts: 10, // faults hit about a quarter of requests: 10 in a row is ~1e-6
		Backoff:     time.Millisecond,
		MaxBackoff:  10 * time.Millisecond,
		Jitter:      time.Millisecond,
		RateHeaders: RateHeaders,
		Stats:       stats,
	})
	p, err := New(c, Config{API: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func checkCrawl(t *testing.T, s *store.Store, w *blueskytest.World, seeds []string, depth int, c blueskytest.Crawl) {
	t.Helper()
	got := readStore(t, s)
	accounts, follows, events := w.Expected(seeds, depth, c)
	if len(follows) == 0 || len(events) == 0 {
		t.Fatalf("degenerate world: %d follows, %d events expected", len(follows), len(events))
	}
	var ga, wa []string
	for _, a := range got.accounts {
		ga = append(ga, fmt.Sprintf("%+v", a))
	}
	for _, a := range accounts {
		wa = append(wa, fmt.Sprintf("%+v", a))
	}
	sameLines(t, "accounts", ga, wa)
	sameLines(t, "follows", edgeLines(got.follows), edgeLines(follows))
	sameLines(t, "events", edgeLines(got.events), edgeLines(events))
}

func TestCrawlExpected(t *testing.T) {
	tests := []struct {
		name   string
		depth  int
		crawl  blueskytest.Crawl
		faults blueskytest.Faults
		seeds  func(w *blueskytest.World) []string
	}{
		{name: "depth 2", depth: 2},
		{name: "depth 1 with follows, no engagement", depth: 1, crawl: blueskytest.Crawl{Follows: true, NoEngagement: true}},
		{
			name: "short, empty and trailing pages", depth: 2, crawl: blueskytest.Crawl{Follows: true},
			faults: blueskytest.Faults{ShortPage: 3, EmptyPages: 2, TrailingCursor: true},
		},
		{
			name: "5xx bursts, HTML errors, truncated bodies", depth: 2,
			faults: blueskytest.Faults{Fail5xx: 17, Burst5xx: 3, HTMLError: 23, Truncate: 29},
		},
		{
			name: "two seeds by handle", depth: 1,
			seeds: func(w *blueskytest.World) []string {
				return []string{"@" + w.Accounts[3].Handle, w.Accounts[40].Handle}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := blueskytest.NewWorld(11, 60)
			srv := blueskytest.NewServer(t, w)
			srv.SetFaults(tc.faults)
			seeds := []string{w.Accounts[0].DID}
			if tc.seeds != nil {
				seeds = tc.seeds(w)
			}
			s := openStore(t)
			p := e2ePlatform(t, srv, 5*time.Second, nil)
			sum, err := crawl.Run(context.Background(), s, p, crawl.Config{
				Seeds: seeds, Depth: tc.depth, Follows: tc.crawl.Follows, Engagement: !tc.crawl.NoEngagement,
				Posts: max(crawl.DefaultPosts, w.MaxPosts()), Concurrency: 3,
			})
			if err != nil {
				t.Fatal(err)
			}
			if sum.TasksFailed != 0 {
				t.Errorf("%d tasks failed", sum.TasksFailed)
			}
			checkCrawl(t, s, w, seeds, tc.depth, tc.crawl)
			t.Logf("%d requests", srv.Requests())
		})
	}
}

// A 429 with Bluesky's headers is waited out (Retry-After), not counted as a
// failure, and the crawl ends with the same data.
func TestCrawl429(t *testing.T) {
	w := blueskytest.NewWorld(5, 30)
	srv := blueskytest.NewServer(t, w)
	srv.SetFaults(blueskytest.Faults{Fail429: 15, RetryAfter: 1})
	var stats crawl.Stats
	p := e2ePlatform(t, srv, 5*time.Second, &stats)
	s := openStore(t)
	seeds := []string{w.Accounts[1].DID}
	start := time.Now()
	sum, err := crawl.Run(context.Background(), s, p, crawl.Config{
		Seeds: seeds, Depth: 1, Engagement: true, Posts: crawl.DefaultPosts, Concurrency: 2, Stats: &stats,
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.TasksFailed != 0 {
		t.Errorf("%d tasks failed", sum.TasksFailed)
	}
	if n := stats.RateLimited.Load(); n == 0 {
		t.Errorf("no 429 seen in %d requests", srv.Requests())
	}
	if stats.WaitNanos.Load() < int64(time.Second) || time.Since(start) < time.Second {
		t.Errorf("waited %v in all: a 429 asks for 1 s", time.Duration(stats.WaitNanos.Load()))
	}
	checkCrawl(t, s, w, seeds, 1, blueskytest.Crawl{})
}

// A response slower than the client's timeout is retried.
func TestCrawlSlow(t *testing.T) {
	w := blueskytest.NewWorld(3, 20)
	srv := blueskytest.NewServer(t, w)
	srv.SetFaults(blueskytest.Faults{Slow: 6, SlowDelay: 2 * time.Second})
	p := e2ePlatform(t, srv, 300*time.Millisecond, nil)
	s := openStore(t)
	seeds := []string{w.Accounts[0].DID}
	sum, err := crawl.Run(context.Background(), s, p, crawl.Config{Seeds: seeds, Depth: 1, Engagement: true, Posts: 100})
	if err != nil {
		t.Fatal(err)
	}
	if sum.TasksFailed != 0 {
		t.Errorf("%d tasks failed", sum.TasksFailed)
	}
	checkCrawl(t, s, w, seeds, 1, blueskytest.Crawl{})
}

// A cursor that never advances ends the list instead of looping.
func TestCrawlRepeatedCursor(t *testing.T) {
	w := blueskytest.NewWorld(11, 300) // account 0 has several pages of followers
	srv := blueskytest.NewServer(t, w)
	srv.SetFaults(blueskytest.Faults{RepeatCursor: true, ShortPage: 10})
	seed := w.Accounts[0].DID
	_, follows, _ := w.Expected([]string{seed}, 1, blueskytest.Crawl{NoEngagement: true})
	p := e2ePlatform(t, srv, 5*time.Second, nil)
	s := openStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := crawl.Run(ctx, s, p, crawl.Config{Seeds: []string{seed}, Depth: 1}); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("app.bsky.graph.getFollowers"); n > 3 {
		t.Errorf("%d getFollowers calls: the repeated cursor was followed", n)
	}
	// Page 1 and the page that repeated its cursor are kept.
	if n := len(readStore(t, s).follows); n != 20 || len(follows) <= 20 {
		t.Errorf("%d follows stored of %d, want the first 20", n, len(follows))
	}
}

// An account that vanished after it was listed fails its lists (400
// InvalidRequest "Actor not found") without stopping the crawl.
func TestCrawlVanishedAccount(t *testing.T) {
	w := blueskytest.NewWorld(11, 60)
	srv := blueskytest.NewServer(t, w)
	seed := w.Accounts[0].DID
	_, follows, _ := w.Expected([]string{seed}, 1, blueskytest.Crawl{NoEngagement: true})
	gone := follows[0].Src
	srv.Vanish(gone)
	p := e2ePlatform(t, srv, 5*time.Second, nil)
	s := openStore(t)
	sum, err := crawl.Run(context.Background(), s, p, crawl.Config{Seeds: []string{seed}, Depth: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sum.TasksFailed != 1 {
		t.Errorf("%d tasks failed, want 1: the vanished account's followers", sum.TasksFailed)
	}
	got := readStore(t, s)
	_, want, _ := w.Expected([]string{seed}, 2, blueskytest.Crawl{NoEngagement: true})
	var wantKept []graph.Edge
	for _, e := range want {
		if e.Dst != gone {
			wantKept = append(wantKept, e)
		}
	}
	sameLines(t, "follows", edgeLines(got.follows), edgeLines(wantKept))
}
