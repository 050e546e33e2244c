package x_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/source/x"
	"github.com/clout-cli/clout/graph/source/x/xtest"
	"github.com/clout-cli/clout/graph/store"
)

// logBuf collects log lines from the client and the engine.
type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.b, format+"\n", args...)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type e2e struct {
	dir   string
	st    *store.Store
	p     *x.Platform
	stats *crawl.Stats
	log   *logBuf
}

func newE2E(t *testing.T, srv *xtest.Server) *e2e {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "clout.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := &e2e{dir: dir, st: st, stats: &crawl.Stats{}, log: &logBuf{}}
	c := crawl.NewClient(crawl.ClientConfig{
		UserAgent:   "clout/test (+https://example.org/contact)",
		RateHeaders: x.RateHeaders,
		Timeout:     5 * time.Second,
		MaxAttempts: 5,
		Backoff:     5 * time.Millisecond,
		MaxBackoff:  50 * time.Millisecond,
		Stats:       e.stats,
		Logf:        e.log.logf,
	})
	e.p, err = x.New(c, x.Config{API: srv.URL, Token: xtest.DefaultToken})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *e2e) run(t *testing.T, seeds []string, depth int) crawl.Summary {
	t.Helper()
	sum, err := crawl.Run(context.Background(), e.st, e.p, crawl.Config{
		Seeds: seeds, Depth: depth, Follows: true, Posts: 10000, Engagement: true,
		Concurrency: 3, Stats: e.stats, Logf: e.log.logf,
	})
	if err != nil {
		t.Fatalf("crawl: %v", err)
	}
	return sum
}

// check compares the database with the world's expectation, then closes
// it and searches every file of the database for the token.
func (e *e2e) check(t *testing.T, w *xtest.World, want xtest.Result, sum crawl.Summary) {
	t.Helper()
	ctx := context.Background()
	db := e.st.DB()
	var accounts []string
	handles := map[string]string{}
	rows, err := db.QueryContext(ctx, `SELECT key, coalesce(handle, '') FROM accounts WHERE platform = 'twitter' ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, h string
		if err := rows.Scan(&k, &h); err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, k)
		handles[k] = h
	}
	rows.Close()
	slices.Sort(accounts)
	if !slices.Equal(accounts, want.Accounts) {
		t.Errorf("accounts: got %d, want %d\n extra %v\n missing %v", len(accounts), len(want.Accounts),
			minus(accounts, want.Accounts), minus(want.Accounts, accounts))
	}
	for _, u := range w.Users {
		if h, ok := handles[u.ID]; ok && h != u.Username {
			t.Errorf("account %s has handle %q, want %q", u.ID, h, u.Username)
		}
	}

	var follows, wantFollows []string
	rows, err = db.QueryContext(ctx, `SELECT source, target FROM follow_edges WHERE platform = 'twitter'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s, d string
		if err := rows.Scan(&s, &d); err != nil {
			t.Fatal(err)
		}
		follows = append(follows, s+">"+d)
	}
	rows.Close()
	for _, f := range want.Follows {
		wantFollows = append(wantFollows, f.Src+">"+f.Dst)
	}
	slices.Sort(follows)
	slices.Sort(wantFollows)
	if !slices.Equal(follows, wantFollows) {
		t.Errorf("follows: got %d, want %d\n extra %v\n missing %v", len(follows), len(wantFollows),
			minus(follows, wantFollows), minus(wantFollows, follows))
	}

	var events, wantEvents []string
	rows, err = db.QueryContext(ctx, `SELECT kind, source, target, coalesce(at, 0), post_id, coalesce(hashtags, ''), count FROM event_edges WHERE platform = 'twitter'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind, s, d, post, tags string
		var at, n int64
		if err := rows.Scan(&kind, &s, &d, &at, &post, &tags, &n); err != nil {
			t.Fatal(err)
		}
		events = append(events, fmt.Sprintf("%s %s>%s %d %s [%s] x%d", kind, s, d, at, post, tags, n))
	}
	rows.Close()
	for _, ev := range want.Events {
		var at int64
		if !ev.At.IsZero() {
			at = ev.At.Unix()
		}
		wantEvents = append(wantEvents, fmt.Sprintf("%s %s>%s %d %s [%s] x1", ev.Kind, ev.Src, ev.Dst, at, ev.PostID, strings.Join(ev.Hashtags, " ")))
	}
	slices.Sort(events)
	slices.Sort(wantEvents)
	if !slices.Equal(events, wantEvents) {
		t.Errorf("events: got %d, want %d\n extra %v\n missing %v", len(events), len(wantEvents),
			minus(events, wantEvents), minus(wantEvents, events))
	}
	if sum.TasksFailed != 0 || sum.NewTasksFailed != 0 {
		t.Errorf("%d tasks failed:\n%s", sum.TasksFailed, e.log)
	}
	if sum.TasksHidden != 3*len(want.Hidden) {
		t.Errorf("%d hidden tasks, want 3 per protected account %v", sum.TasksHidden, want.Hidden)
	}

	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(e.dir)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(e.dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, needle := range []string{xtest.DefaultToken, "XtestSecret"} {
			if bytes.Contains(b, []byte(needle)) {
				t.Errorf("database file %s contains the token", f.Name())
			}
		}
	}
	if s := e.log.String() + fmt.Sprintf("%+v", sum); strings.Contains(s, "XtestSecret") {
		t.Errorf("log output contains the token")
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if _, ok := slices.BinarySearch(b, s); !ok {
			out = append(out, s)
		}
	}
	if len(out) > 8 {
		out = append(out[:8], "…")
	}
	return out
}

// TestE2EDepth2 crawls a synthetic world to depth 2 through the real
// engine, store and client, with short pages, and compares the database with
// World.Expected.
func TestE2EDepth2(t *testing.T) {
	w := xtest.NewWorld(7, 40)
	srv := xtest.NewServer(t, w, func(k *xtest.Knobs) {
		k.PageSize = 4
		k.RepeatCursor = true
		k.Window = time.Hour
		k.Limits = map[string]int{xtest.ClassEngagement: 1 << 20}
	})
	e := newE2E(t, srv)
	// The last account is protected: its lists are hidden.
	seeds := []string{"@" + w.Users[2].Username, w.Users[5].ID, w.Users[len(w.Users)-1].Username}
	sum := e.run(t, seeds, 2)
	want := w.Expected(seeds, 2, xtest.Options{Follows: true, Engagement: true})
	if len(want.Events) < 50 || len(want.Follows) < 30 || len(want.Hidden) == 0 {
		t.Fatalf("world too small to test much: %d events, %d follows, hidden %v", len(want.Events), len(want.Follows), want.Hidden)
	}
	e.check(t, w, want, sum)
	t.Logf("%d requests, %d accounts, %d follows, %d events", srv.Requests(), len(want.Accounts), len(want.Follows), len(want.Events))
}

// TestE2ERateLimited: 429s with X's headers (remaining 0 and a reset epoch,
// problem and legacy bodies; and once a 429 with remaining > 0), 5xx bursts
// and an exhausted window are waited out and retried: the crawl ends with
// the same data and no failed list.
func TestE2ERateLimited(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for rate-limit resets")
	}
	w := xtest.NewWorld(11, 14)
	srv := xtest.NewServer(t, w, func(k *xtest.Knobs) {
		k.PageSize = 5
		k.Fail429 = 41
		k.Fail429Hidden = 97
		k.Fail5xx, k.Burst5xx = 23, 2
		k.Window = 2 * time.Second
		k.Limits = map[string]int{xtest.ClassEngagement: 50}
	})
	e := newE2E(t, srv)
	seeds := []string{w.Users[0].ID}
	sum := e.run(t, seeds, 2)
	want := w.Expected(seeds, 2, xtest.Options{Follows: true, Engagement: true})
	if n := e.stats.RateLimited.Load(); n == 0 {
		t.Errorf("no 429 seen in %d requests", srv.Requests())
	}
	e.check(t, w, want, sum)
	t.Logf("%d requests, %d rate-limited, waited %v", srv.Requests(), e.stats.RateLimited.Load(), time.Duration(e.stats.WaitNanos.Load()))
}

// TestHiddenLimitWait: a 429 while x-rate-limit-remaining is above zero is
// a hidden per-second limit; the client backs off briefly instead of waiting
// for the window to reset (15 minutes away in the fake), and the request
// then succeeds.
func TestHiddenLimitWait(t *testing.T) {
	w := xtest.NewWorld(5, 6)
	srv := xtest.NewServer(t, w, func(k *xtest.Knobs) { k.Fail429Hidden = 2 })
	stats := &crawl.Stats{}
	p, err := x.New(crawl.NewClient(crawl.ClientConfig{RateHeaders: x.RateHeaders, Stats: stats,
		Backoff: time.Millisecond, Jitter: time.Millisecond}), x.Config{API: srv.URL, Token: xtest.DefaultToken})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for _, u := range w.Users[:2] {
		if _, err := p.Resolve(context.Background(), u.ID); err != nil {
			t.Fatal(err)
		}
	}
	took := time.Since(start)
	if stats.RateLimited.Load() != 1 || srv.Requests() != 3 {
		t.Errorf("%d 429s in %d requests, want 1 in 3", stats.RateLimited.Load(), srv.Requests())
	}
	if took > 10*time.Second {
		t.Errorf("took %v: the hidden-limit 429 was waited out until the window's reset", took)
	}
}

// cancelAfter cancels a context after n requests pass through it.
type cancelAfter struct {
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n--
	if c.n == 0 {
		c.cancel()
	}
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// TestE2EResume stops the crawl at a random request many times over and
// resumes it with the same command each time: the database ends equal to
// World.Expected, events counted once.
func TestE2EResume(t *testing.T) {
	w := xtest.NewWorld(9, 24)
	srv := xtest.NewServer(t, w, func(k *xtest.Knobs) {
		k.PageSize = 3
		k.Limits = map[string]int{xtest.ClassEngagement: 1 << 20} // not the real 75 per 15 minutes
	})
	e := newE2E(t, srv)
	seeds := []string{w.Users[1].ID, w.Users[len(w.Users)-1].ID}
	rng := rand.New(rand.NewPCG(1, 2))
	var sum crawl.Summary
	for run := 1; ; run++ {
		ctx, cancel := context.WithCancel(context.Background())
		rt := &cancelAfter{n: 1 + rng.IntN(12), cancel: cancel}
		c := crawl.NewClient(crawl.ClientConfig{RateHeaders: x.RateHeaders, HTTPClient: &http.Client{Transport: rt}, Backoff: time.Millisecond, Stats: e.stats})
		p, err := x.New(c, x.Config{API: srv.URL, Token: xtest.DefaultToken})
		if err != nil {
			t.Fatal(err)
		}
		sum, err = crawl.Run(ctx, e.st, p, crawl.Config{Seeds: seeds, Depth: 2, Follows: true, Posts: 10000, Engagement: true, Concurrency: 2, Logf: e.log.logf})
		cancel()
		if err == nil {
			t.Logf("finished in run %d, %d requests", run, srv.Requests())
			break
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("run %d: %v", run, err)
		}
		if run > 500 {
			t.Fatal("crawl does not finish")
		}
	}
	e.check(t, w, w.Expected(seeds, 2, xtest.Options{Follows: true, Engagement: true}), sum)
}
