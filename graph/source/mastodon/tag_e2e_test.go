package mastodon

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/source/mastodon/mastodontest"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/graph/store/storetest"
)

func tagConfig(o mastodontest.TagOptions, st *crawl.Stats, conc int) crawl.Config {
	return crawl.Config{Tags: o.Tags, Instances: o.Instances, Since: o.Since, Until: o.Until, MaxPosts: o.MaxPosts,
		Depth: o.Depth + 1, Follows: o.Follows, Posts: o.Posts, Engagement: o.Engagement, Concurrency: conc, Stats: st}
}

func postRows(t testing.TB, s *store.Store) []string {
	rows := storetest.Query(t, s, `SELECT post_id, coalesce(author,''), coalesce(at,-1), kind, coalesce(parent_id,''), coalesce(hashtags,''), text_len, coalesce(text,'')
		FROM post_rows WHERE platform = 'mastodon'`)
	slices.Sort(rows)
	return rows
}

func wantPostRows(e *mastodontest.Expectation) []string {
	var out []string
	for _, p := range e.Posts {
		at := int64(-1)
		if !p.At.IsZero() {
			at = p.At.Unix()
		}
		out = append(out, strings.TrimSuffix(fmt.Sprintln(p.ID, p.Author, at, p.Kind, p.Parent, strings.Join(p.Hashtags, " "), p.TextLen, ""), "\n"))
	}
	slices.Sort(out)
	return out
}

func checkTagStore(t *testing.T, s *store.Store, e *mastodontest.Expectation) {
	t.Helper()
	checkStore(t, s, e)
	diffRows(t, "posts", postRows(t, s), wantPostRows(e))
}

// tagWorld is a fake fediverse whose third instance refuses anonymous
// hashtag timelines the 4.5 way.
func tagWorld() *mastodontest.World {
	w := mastodontest.NewWorld(11, 120)
	w.TagAuth = map[string]int{w.Domains[2]: mastodontest.TagAuthRequireUser}
	return w
}

// TestTagCrawl runs tag crawls with the real engine, client and store
// against the fake instances (reached by their https hosts) and compares
// the database with World.ExpectedTag: posts, accounts, events, follows.
func TestTagCrawl(t *testing.T) {
	w := tagWorld()
	all := w.Domains
	mid := mastodontest.Epoch.Add(20 * time.Hour)
	for _, tc := range []struct {
		name string
		o    mastodontest.TagOptions
	}{
		{"one instance, conversation", mastodontest.TagOptions{Tags: []string{"rust"}, Instances: all[:1], ExpectOptions: mastodontest.ExpectOptions{Engagement: true}}},
		{"merged instances", mastodontest.TagOptions{Tags: []string{"rust", "go"}, Instances: all[:2], ExpectOptions: mastodontest.ExpectOptions{Engagement: true}}},
		{"window", mastodontest.TagOptions{Tags: []string{"mastoart"}, Instances: all[:2], Since: mid, Until: mid.Add(8 * time.Hour), ExpectOptions: mastodontest.ExpectOptions{Engagement: true}}},
		{"max posts", mastodontest.TagOptions{Tags: []string{"news", "art"}, Instances: all[:2], MaxPosts: 30, ExpectOptions: mastodontest.ExpectOptions{Engagement: true}}},
		{"no engagement", mastodontest.TagOptions{Tags: []string{"fediverse"}, Instances: all[1:2]}},
		{"depth 1", mastodontest.TagOptions{Tags: []string{"art"}, Instances: all[:1], Since: mid, Depth: 1, ExpectOptions: mastodontest.ExpectOptions{Posts: 10, Engagement: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := w.ExpectedTag(tc.o)
			if len(e.Posts) < 5 || len(e.Events) == 0 {
				t.Fatalf("degenerate case: %d posts, %d events", len(e.Posts), len(e.Events))
			}
			srv := mastodontest.NewServer(t, w)
			srv.SetThrottles(mastodontest.Throttle{}, mastodontest.Throttle{})
			st := &crawl.Stats{}
			p, err := New(e2eClient(srv, srv.Transport(), st), Config{})
			if err != nil {
				t.Fatal(err)
			}
			s := openStore(t)
			sum, err := crawl.Run(context.Background(), s, p, tagConfig(tc.o, st, 1))
			if err != nil {
				t.Fatal(err)
			}
			if sum.TasksFailed != 0 {
				t.Errorf("%d tasks failed", sum.TasksFailed)
			}
			checkTagStore(t, s, e)
			t.Logf("%d requests, %d posts, %d accounts, %d events", srv.Requests(), len(e.Posts), len(e.Accounts), len(e.Events))
		})
	}
}

// TestTagCrawlViaAPI: with --api, the tag timeline goes to the one base URL.
func TestTagCrawlViaAPI(t *testing.T) {
	w := tagWorld()
	o := mastodontest.TagOptions{Tags: []string{"go"}, Instances: w.Domains[:1], ExpectOptions: mastodontest.ExpectOptions{Engagement: true}}
	srv := mastodontest.NewServer(t, w)
	srv.SetThrottles(mastodontest.Throttle{}, mastodontest.Throttle{})
	st := &crawl.Stats{}
	p, err := New(e2eClient(srv, http.DefaultTransport, st), Config{API: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t)
	if _, err := crawl.Run(context.Background(), s, p, tagConfig(o, st, 2)); err != nil {
		t.Fatal(err)
	}
	checkTagStore(t, s, w.ExpectedTag(o))
}

// TestTagRefused: instances that refuse anonymous hashtag timelines (401 of
// Mastodon ≤ 4.4, 422 of 4.5) fail their lists with an error naming the
// instance and the setting; the other instances' posts are all there.
func TestTagRefused(t *testing.T) {
	w := tagWorld()
	w.TagAuth[w.Domains[1]] = mastodontest.TagAuthPreviewOff
	o := mastodontest.TagOptions{Tags: []string{"rust"}, Instances: w.Domains, ExpectOptions: mastodontest.ExpectOptions{Engagement: true}}
	srv := mastodontest.NewServer(t, w)
	srv.SetThrottles(mastodontest.Throttle{}, mastodontest.Throttle{})
	st := &crawl.Stats{}
	p, err := New(e2eClient(srv, srv.Transport(), st), Config{})
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t)
	var logs []string
	cfg := tagConfig(o, st, 2)
	cfg.Logf = func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) }
	sum, err := crawl.Run(context.Background(), s, p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.TasksFailed != 2 {
		t.Errorf("%d lists failed, want the 2 refused", sum.TasksFailed)
	}
	checkTagStore(t, s, w.ExpectedTag(o))
	sts, err := crawl.Status(context.Background(), s, Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range w.Domains[1:] {
		found := false
		for _, msg := range append(sts[0].Errors, logs...) {
			if strings.Contains(msg, "instance "+d+" refuses anonymous hashtag timelines") && strings.Contains(msg, "timelines_access.hashtag_feeds") &&
				strings.Contains(msg, "timeline_preview") && strings.Contains(msg, "--instance") {
				found = true
			}
		}
		if !found {
			t.Errorf("no clear error for %s in %q", d, sts[0].Errors)
		}
	}
}

// TestTagCrawlSurvives429AndFaults: the paging throttle, injected 429s,
// 5xx, HTML and malformed bodies are waited out or retried.
func TestTagCrawlSurvives429AndFaults(t *testing.T) {
	w := tagWorld()
	o := mastodontest.TagOptions{Tags: []string{"rust"}, Instances: w.Domains[:2], ExpectOptions: mastodontest.ExpectOptions{Engagement: true}}
	srv := mastodontest.NewServer(t, w)
	srv.SetThrottles(mastodontest.Throttle{Limit: 15, Window: 150 * time.Millisecond}, mastodontest.Throttle{})
	srv.SetFaults(mastodontest.Faults{Every429: 9, Reset429: 20 * time.Millisecond, Burst5xx: 2, HTML: 1, Malformed: 1})
	st := &crawl.Stats{}
	p, err := New(e2eClient(srv, srv.Transport(), st), Config{})
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t)
	sum, err := crawl.Run(context.Background(), s, p, tagConfig(o, st, 2))
	if err != nil {
		t.Fatal(err)
	}
	if sum.TasksFailed != 0 {
		t.Errorf("%d tasks failed: %q", sum.TasksFailed, storetest.Query(t, s, `SELECT endpoint, subject, last_error FROM crawl_tasks WHERE status = 'failed'`))
	}
	if srv.RateLimited() == 0 || st.Retries.Load() == 0 {
		t.Errorf("no 429 or retry seen (%d, %d)", srv.RateLimited(), st.Retries.Load())
	}
	checkTagStore(t, s, w.ExpectedTag(o))
}

// TestTagCrawlResumes cancels a tag crawl at random requests, each time
// with a fresh Platform (empty caches), and ends with what an uninterrupted
// crawl stores.
func TestTagCrawlResumes(t *testing.T) {
	w := tagWorld()
	o := mastodontest.TagOptions{Tags: []string{"rust", "art"}, Instances: w.Domains[:2], MaxPosts: 60,
		Since: mastodontest.Epoch.Add(10 * time.Hour), ExpectOptions: mastodontest.ExpectOptions{Engagement: true}}
	srv := mastodontest.NewServer(t, w)
	srv.SetThrottles(mastodontest.Throttle{}, mastodontest.Throttle{})
	run := func(s *store.Store, stopAfter int64) error {
		var n atomic.Int64
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		base := srv.Transport()
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if stopAfter > 0 && n.Add(1) == stopAfter {
				cancel()
			}
			return base.RoundTrip(r)
		})
		st := &crawl.Stats{}
		p, err := New(e2eClient(srv, rt, st), Config{})
		if err != nil {
			return err
		}
		_, err = crawl.Run(ctx, s, p, tagConfig(o, st, 1))
		return err
	}
	ref := openStore(t)
	if err := run(ref, 0); err != nil {
		t.Fatal(err)
	}
	want := storetest.Dump(t, ref)
	wantPosts := postRows(t, ref)
	rng := rand.New(rand.NewPCG(3, 4))
	s := openStore(t)
	stops := 0
	for {
		err := run(s, 1+rng.Int64N(30))
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
	if got := storetest.Dump(t, s); got != want {
		t.Errorf("resumed tag crawl differs from uninterrupted")
	}
	diffRows(t, "posts", postRows(t, s), wantPosts)
	checkTagStore(t, s, w.ExpectedTag(o))
	t.Logf("resumed %d times", stops)
}
