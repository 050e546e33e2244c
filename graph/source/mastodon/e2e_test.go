package mastodon

import (
	"context"
	"errors"
	"fmt"
	"github.com/clout-cli/clout/graph/store/storetest"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/source/mastodon/mastodontest"
	"github.com/clout-cli/clout/graph/store"
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "m.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// e2eClient is the real client with test-sized waits.
func e2eClient(srv *mastodontest.Server, rt http.RoundTripper, st *crawl.Stats) *crawl.Client {
	return crawl.NewClient(crawl.ClientConfig{
		UserAgent: "clout/test (+e2e)", RateHeaders: RateHeaders, Stats: st,
		Timeout: 2 * time.Second, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		Jitter: time.Millisecond, MaxWait: 2 * time.Second,
		HTTPClient: &http.Client{Transport: rt},
	})
}

// wantRows renders an Expectation the way query renders the database.
func wantRows(e *mastodontest.Expectation) (accounts, follows, events []string) {
	for _, a := range e.Accounts {
		accounts = append(accounts, fmt.Sprintln(a.Key, a.Handle, a.Name, a.Followers, a.Following, a.Posts))
	}
	for _, f := range e.Follows {
		follows = append(follows, fmt.Sprintln(f.Src, f.Dst))
	}
	for _, ev := range e.Events {
		at := int64(-1)
		if !ev.At.IsZero() {
			at = ev.At.Unix()
		}
		events = append(events, fmt.Sprintln(ev.Kind, ev.Src, ev.Dst, ev.PostID, at, strings.Join(ev.Hashtags, " ")))
	}
	for _, l := range [][]string{accounts, follows, events} {
		for i := range l {
			l[i] = strings.TrimSuffix(l[i], "\n")
		}
		slices.Sort(l)
	}
	return
}

func haveRows(t testing.TB, s *store.Store) (accounts, follows, events []string) {
	accounts = storetest.Query(t, s, `SELECT key, coalesce(handle,''), coalesce(name,''), coalesce(followers_count,-1), coalesce(following_count,-1), coalesce(posts_count,-1) FROM accounts WHERE platform = 'mastodon'`)
	follows = storetest.Query(t, s, `SELECT source, target FROM follow_edges WHERE platform = 'mastodon'`)
	events = storetest.Query(t, s, `SELECT kind, source, target, post_id, coalesce(at,-1), coalesce(hashtags,'') FROM event_edges WHERE platform = 'mastodon'`)
	for _, l := range [][]string{accounts, follows, events} {
		slices.Sort(l)
	}
	return
}

func diffRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	g, w := map[string]bool{}, map[string]bool{}
	for _, r := range got {
		g[r] = true
	}
	for _, r := range want {
		w[r] = true
	}
	n := 0
	for _, r := range want {
		if !g[r] && n < 8 {
			t.Errorf("%s: missing %q", what, r)
			n++
		}
	}
	for _, r := range got {
		if !w[r] && n < 16 {
			t.Errorf("%s: unexpected %q", what, r)
			n++
		}
	}
	t.Errorf("%s: got %d rows, want %d", what, len(got), len(want))
}

func checkStore(t *testing.T, s *store.Store, e *mastodontest.Expectation) {
	t.Helper()
	ga, gf, ge := haveRows(t, s)
	wa, wf, we := wantRows(e)
	diffRows(t, "accounts", ga, wa)
	diffRows(t, "follows", gf, wf)
	diffRows(t, "events", ge, we)
	hidden := storetest.Query(t, s, `SELECT endpoint, subject FROM crawl_tasks WHERE platform = 'mastodon' AND status = 'hidden' ORDER BY 1, 2`)
	var want []string
	for _, k := range e.HiddenFollowers {
		want = append(want, "followers "+k)
	}
	for _, k := range e.HiddenFollows {
		want = append(want, "follows "+k)
	}
	slices.Sort(want)
	if !slices.Equal(hidden, want) {
		t.Errorf("hidden lists %q, want %q", hidden, want)
	}
}

var e2eOpts = mastodontest.ExpectOptions{Follows: true, Posts: 45, Engagement: true}

func e2eConfig(seeds []string, st *crawl.Stats, conc int) crawl.Config {
	return crawl.Config{Seeds: seeds, Depth: 2, Follows: e2eOpts.Follows, Posts: e2eOpts.Posts,
		Engagement: e2eOpts.Engagement, Concurrency: conc, Stats: st}
}

// TestRunDepth2 crawls the fake fediverse with the real engine, client and
// store to depth 2 and compares the database with World.Expected, with the
// instances reached through --api and through their own https hosts.
func TestRunDepth2(t *testing.T) {
	w := mastodontest.NewWorld(11, 120)
	seeds := []string{"@" + w.Accounts[0].Key(), w.Accounts[5].Key()}
	keys := []string{w.Accounts[0].Key(), w.Accounts[5].Key()}
	e := w.Expected(keys, 2, e2eOpts)
	if len(e.HiddenFollowers) == 0 || len(e.Events) == 0 {
		t.Fatal("degenerate world")
	}
	for _, viaAPI := range []bool{true, false} {
		t.Run(fmt.Sprintf("api=%v", viaAPI), func(t *testing.T) {
			srv := mastodontest.NewServer(t, w)
			srv.SetThrottles(mastodontest.Throttle{}, mastodontest.Throttle{})
			rt := http.DefaultTransport
			cfg := Config{API: srv.URL}
			if !viaAPI {
				rt, cfg = srv.Transport(), Config{}
			}
			st := &crawl.Stats{}
			p, err := New(e2eClient(srv, rt, st), cfg)
			if err != nil {
				t.Fatal(err)
			}
			s := openStore(t)
			sum, err := crawl.Run(context.Background(), s, p, e2eConfig(seeds, st, 3))
			if err != nil {
				t.Fatal(err)
			}
			if sum.TasksFailed != 0 {
				t.Errorf("%d tasks failed", sum.TasksFailed)
			}
			checkStore(t, s, e)
			t.Logf("%d requests, %d tasks, %d accounts, %d follows, %d events", srv.Requests(), sum.TasksDone, len(e.Accounts), len(e.Follows), len(e.Events))
		})
	}
}

// TestRunWaitsOut429 runs the crawl into Mastodon's paging throttle (a tiny
// window here) and injected 429s: they are waited out, not failures.
func TestRunWaitsOut429(t *testing.T) {
	w := mastodontest.NewWorld(11, 60)
	keys := []string{w.Accounts[0].Key()}
	srv := mastodontest.NewServer(t, w)
	srv.SetThrottles(mastodontest.Throttle{Limit: 15, Window: 150 * time.Millisecond}, mastodontest.Throttle{})
	srv.SetFaults(mastodontest.Faults{Every429: 9, Reset429: 20 * time.Millisecond})
	st := &crawl.Stats{}
	p, err := New(e2eClient(srv, http.DefaultTransport, st), Config{API: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t)
	sum, err := crawl.Run(context.Background(), s, p, e2eConfig(keys, st, 2))
	if err != nil {
		t.Fatal(err)
	}
	if sum.TasksFailed != 0 {
		t.Errorf("%d tasks failed", sum.TasksFailed)
	}
	if srv.RateLimited() == 0 || st.RateLimited.Load() == 0 {
		t.Errorf("no 429 seen (server %d, client %d)", srv.RateLimited(), st.RateLimited.Load())
	}
	checkStore(t, s, w.Expected(keys, 2, e2eOpts))
	t.Logf("%d requests, %d answered 429", srv.Requests(), srv.RateLimited())
}

// TestRunSurvivesFaults injects every fault the fake knows, in bursts
// shorter than the client's attempts, and still gets the complete graph.
func TestRunSurvivesFaults(t *testing.T) {
	w := mastodontest.NewWorld(11, 120)
	keys := []string{w.Accounts[0].Key()}
	srv := mastodontest.NewServer(t, w)
	srv.SetThrottles(mastodontest.Throttle{}, mastodontest.Throttle{})
	st := &crawl.Stats{}
	c := crawl.NewClient(crawl.ClientConfig{
		UserAgent: "clout/test", RateHeaders: RateHeaders, Stats: st, Timeout: 300 * time.Millisecond,
		Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Jitter: time.Millisecond, MaxAttempts: 6,
	})
	p, err := New(c, Config{API: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // after every 30 requests, two faults of the kinds in turn
		kinds := []mastodontest.Faults{{HTML: 1}, {Burst5xx: 1}, {Malformed: 1}, {Truncated: 1}, {Slow: 1, SlowDelay: time.Second}}
		last := -1000
		for i := 0; ctx.Err() == nil; {
			if n := srv.Requests(); n-last >= 30 {
				last = n
				a, b := kinds[i%5], kinds[(i+1)%5]
				srv.SetFaults(mastodontest.Faults{HTML: a.HTML + b.HTML, Burst5xx: a.Burst5xx + b.Burst5xx, Malformed: a.Malformed + b.Malformed,
					Truncated: a.Truncated + b.Truncated, Slow: a.Slow + b.Slow, SlowDelay: time.Second})
				i++
			}
			time.Sleep(time.Millisecond)
		}
	}()
	sum, err := crawl.Run(ctx, s, p, e2eConfig(keys, st, 2))
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	if sum.TasksFailed != 0 {
		t.Errorf("%d tasks failed: %q", sum.TasksFailed, storetest.Query(t, s, `SELECT endpoint, subject, last_error FROM crawl_tasks WHERE status = 'failed'`))
	}
	checkStore(t, s, w.Expected(keys, 2, e2eOpts))
	if st.Retries.Load() == 0 {
		t.Error("no retries: faults not injected")
	}
	t.Logf("%d requests, %d retries", srv.Requests(), st.Retries.Load())
}

// TestRunResumes cancels the crawl at a random request many times, each time
// starting again with a fresh process state (new client, new Platform, so
// the id caches are empty), and ends with the database an uninterrupted
// crawl writes.
func TestRunResumes(t *testing.T) {
	w := mastodontest.NewWorld(5, 60)
	keys := []string{w.Accounts[0].Key(), w.Accounts[1].Key()}
	srv := mastodontest.NewServer(t, w)
	srv.SetThrottles(mastodontest.Throttle{}, mastodontest.Throttle{})

	run := func(s *store.Store, stopAfter int64) error {
		var n atomic.Int64
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if stopAfter > 0 && n.Add(1) == stopAfter {
				cancel()
			}
			return http.DefaultTransport.RoundTrip(r)
		})
		st := &crawl.Stats{}
		p, err := New(e2eClient(srv, rt, st), Config{API: srv.URL})
		if err != nil {
			return err
		}
		_, err = crawl.Run(ctx, s, p, e2eConfig(keys, st, 1))
		return err
	}
	ref := openStore(t)
	if err := run(ref, 0); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	s := openStore(t)
	stops := 0
	for {
		err := run(s, 1+rng.Int64N(40))
		if err == nil {
			break
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		if stops++; stops > 500 {
			t.Fatal("never finished")
		}
	}
	ra, rf, re := haveRows(t, ref)
	ga, gf, ge := haveRows(t, s)
	diffRows(t, "accounts", ga, ra)
	diffRows(t, "follows", gf, rf)
	diffRows(t, "events", ge, re)
	checkStore(t, s, w.Expected(keys, 2, e2eOpts))
	t.Logf("resumed %d times", stops)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
