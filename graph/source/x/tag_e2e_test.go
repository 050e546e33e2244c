package x_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/source/x"
	"github.com/clout-cli/clout/graph/source/x/xtest"
)

func (e *e2e) runTag(t *testing.T, o xtest.TagOptions, maxPosts int) crawl.Summary {
	t.Helper()
	sum, err := crawl.Run(context.Background(), e.st, e.p, tagCfg(o, maxPosts, e))
	if err != nil {
		t.Fatalf("crawl: %v", err)
	}
	return sum
}

func tagCfg(o xtest.TagOptions, maxPosts int, e *e2e) crawl.Config {
	return crawl.Config{Tags: o.Tags, Since: o.Since, Until: o.Until, MaxPosts: maxPosts, Depth: o.Depth + 1,
		Follows: o.Follows, Posts: 10000, Engagement: o.Engagement, Concurrency: 2, Stats: e.stats, Logf: e.log.logf}
}

// posts lists the stored posts as "id author at kind parent [tags] len".
func (e *e2e) posts(t *testing.T) []string {
	rows, err := e.st.DB().Query(`SELECT post_id, coalesce(author,''), coalesce(at,0), kind, coalesce(parent_id,''), coalesce(hashtags,''), text_len, coalesce(text,'')
		FROM post_rows WHERE platform = 'twitter'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, author, kind, parent, tags, text string
		var at, n int64
		if err := rows.Scan(&id, &author, &at, &kind, &parent, &tags, &n, &text); err != nil {
			t.Fatal(err)
		}
		if text != "" {
			t.Errorf("post %s keeps its text without --keep-text", id)
		}
		out = append(out, fmt.Sprintf("%s %s %d %s %s [%s] %d", id, author, at, kind, parent, tags, n))
	}
	slices.Sort(out)
	return out
}

func wantPosts(r xtest.TagResult) []string {
	var out []string
	for _, p := range r.Posts {
		out = append(out, fmt.Sprintf("%s %s %d %s %s [%s] %d", p.ID, p.Author, p.At.Unix(), p.Kind, p.Parent, strings.Join(p.Hashtags, " "), p.TextLen))
	}
	slices.Sort(out)
	return out
}

func checkPosts(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("posts: got %d, want %d\n extra %v\n missing %v", len(got), len(want), minus(got, want), minus(want, got))
	}
}

// TestTagE2E runs `crawl x --tag` through the real engine, client and store
// against the fake API, with short pages and a token repeated at the end,
// and compares posts, accounts and events with World.ExpectedTag.
func TestTagE2E(t *testing.T) {
	w := xtest.NewWorld(7, 40)
	mid := w.Tweets[len(w.Tweets)/2].Created
	for _, tc := range []struct {
		name string
		o    xtest.TagOptions
	}{
		{"conversation", xtest.TagOptions{Tags: []string{"go"}, Options: xtest.Options{Engagement: true}}},
		{"two tags, no engagement", xtest.TagOptions{Tags: []string{"graphs", "pagerank"}}},
		{"window", xtest.TagOptions{Tags: []string{"go", "news"}, Since: mid, Until: mid.Add(48 * time.Hour), Options: xtest.Options{Engagement: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := xtest.NewServer(t, w, func(k *xtest.Knobs) {
				k.PageSize = 7
				k.RepeatCursor = true
				k.Limits = map[string]int{xtest.ClassEngagement: 1 << 20}
			})
			e := newE2E(t, srv)
			sum := e.runTag(t, tc.o, 0)
			want := w.ExpectedTag(tc.o)
			if len(want.Posts) < 8 || len(want.Events) < 5 {
				t.Fatalf("degenerate case: %d posts, %d events", len(want.Posts), len(want.Events))
			}
			checkPosts(t, e.posts(t), wantPosts(want))
			e.check(t, w, want.Result, sum)
			t.Logf("%d requests, %d posts, %d accounts, %d events", srv.Requests(), len(want.Posts), len(want.Accounts), len(want.Events))
		})
	}
}

// TestTagE2EDepth1: each participant is then crawled as an account crawl
// at depth 1 would; the conversation's posts are among those stored.
func TestTagE2EDepth1(t *testing.T) {
	w := xtest.NewWorld(7, 40)
	srv := xtest.NewServer(t, w, func(k *xtest.Knobs) {
		k.PageSize = 9
		k.Limits = map[string]int{xtest.ClassEngagement: 1 << 20}
	})
	e := newE2E(t, srv)
	o := xtest.TagOptions{Tags: []string{"sqlite"}, Depth: 1, Options: xtest.Options{Engagement: true}}
	sum := e.runTag(t, o, 0)
	want := w.ExpectedTag(o)
	got := e.posts(t)
	if m := minus(wantPosts(want), got); len(m) > 0 {
		t.Errorf("conversation posts missing at depth 1: %v", m)
	}
	e.check(t, w, want.Result, sum)
}

// TestTagE2EMaxPosts: --max-posts caps the posts the search stores.
func TestTagE2EMaxPosts(t *testing.T) {
	w := xtest.NewWorld(7, 40)
	srv := xtest.NewServer(t, w, func(k *xtest.Knobs) { k.PageSize = 4 })
	e := newE2E(t, srv)
	o := xtest.TagOptions{Tags: []string{"go", "golang"}}
	e.runTag(t, o, 13)
	var items int
	if err := e.st.DB().QueryRow(`SELECT sum(items) FROM crawl_tasks WHERE endpoint = 'tag_posts'`).Scan(&items); err != nil {
		t.Fatal(err)
	}
	if items != 13 {
		t.Errorf("the tag lists stored %d posts, want 13", items)
	}
	// Those are the newest posts of the first tag, and the posts they
	// point at.
	all := wantPosts(w.ExpectedTag(o))
	if m := minus(e.posts(t), all); len(m) > 0 {
		t.Errorf("posts not of the tags: %v", m)
	}
}

// TestTagE2EFaults: 429s (problem and legacy bodies, a hidden limit), 5xx
// bursts, HTML error pages and malformed bodies are retried or waited out.
func TestTagE2EFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for rate-limit resets")
	}
	w := xtest.NewWorld(11, 30)
	srv := xtest.NewServer(t, w, func(k *xtest.Knobs) {
		k.PageSize = 5
		k.Fail429 = 17
		k.Fail429Hidden = 31
		k.Fail5xx, k.Burst5xx = 13, 2
		k.HTMLError = 29
		k.Malformed = 37
		k.Window = 2 * time.Second
		k.Limits = map[string]int{xtest.ClassEngagement: 1 << 20}
	})
	e := newE2E(t, srv)
	o := xtest.TagOptions{Tags: []string{"go"}, Options: xtest.Options{Engagement: true}}
	sum := e.runTag(t, o, 0)
	if e.stats.RateLimited.Load() == 0 || e.stats.Retries.Load() == 0 {
		t.Errorf("no 429 or retry in %d requests", srv.Requests())
	}
	want := w.ExpectedTag(o)
	checkPosts(t, e.posts(t), wantPosts(want))
	e.check(t, w, want.Result, sum)
}

// TestTagE2EResume stops the tag crawl at random requests and resumes it:
// the database ends as World.ExpectedTag says.
func TestTagE2EResume(t *testing.T) {
	w := xtest.NewWorld(9, 30)
	srv := xtest.NewServer(t, w, func(k *xtest.Knobs) {
		k.PageSize = 3
		k.Limits = map[string]int{xtest.ClassEngagement: 1 << 20}
	})
	e := newE2E(t, srv)
	o := xtest.TagOptions{Tags: []string{"go", "news"}, Options: xtest.Options{Engagement: true}}
	rng := rand.New(rand.NewPCG(5, 6))
	var sum crawl.Summary
	for run := 1; ; run++ {
		ctx, cancel := context.WithCancel(context.Background())
		rt := &cancelAfter{n: 1 + rng.IntN(10), cancel: cancel}
		c := crawl.NewClient(crawl.ClientConfig{RateHeaders: x.RateHeaders, HTTPClient: &http.Client{Transport: rt}, Backoff: time.Millisecond, Stats: e.stats})
		p, err := x.New(c, x.Config{API: srv.URL, Token: xtest.DefaultToken})
		if err != nil {
			t.Fatal(err)
		}
		sum, err = crawl.Run(ctx, e.st, p, tagCfg(o, 0, e))
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
	want := w.ExpectedTag(o)
	checkPosts(t, e.posts(t), wantPosts(want))
	e.check(t, w, want.Result, sum)
}
