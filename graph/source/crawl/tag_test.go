package crawl_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
)

type tagCase struct {
	tags         []string
	instances    []string
	since, until time.Time
	maxPosts     int
	depth        int // as on the command line: 0 the conversation only
	posts        int
	engagement   bool
	concurrency  int // default 1
}

func (tc tagCase) config() crawl.Config {
	return crawl.Config{Tags: tc.tags, Instances: tc.instances, Since: tc.since, Until: tc.until, MaxPosts: tc.maxPosts,
		Depth: tc.depth + 1, Posts: tc.posts, Engagement: tc.engagement, Concurrency: max(tc.concurrency, 1)}
}

// expectedTag computes, independently of the engine, what a complete tag
// crawl of w stores: the tagged posts in the window (the first maxPosts, in
// the order tag by tag, instance by instance, newest first), their authors,
// mentions and engagement, and at depth 1 what an account crawl of every
// participant stores.
func expectedTag(w *world, f *fake, tc tagCase) (accounts map[string]bool, edges []string, posts map[string]bool) {
	accounts, posts = map[string]bool{}, map[string]bool{}
	instances := tc.instances
	if len(instances) == 0 {
		instances = []string{""}
	}
	n := 0
	var participants []string
	seen := map[string]bool{}
	part := func(x string) {
		accounts[x] = true
		if !seen[x] {
			seen[x] = true
			participants = append(participants, x)
		}
	}
	for _, tag := range tc.tags {
		for _, inst := range instances {
			for _, p := range f.tagList(crawl.Task{Subject: tag, Owner: inst}) {
				at := w.at[p]
				if (!tc.since.IsZero() && at.Before(tc.since)) || (!tc.until.IsZero() && !at.Before(tc.until)) {
					continue
				}
				if tc.maxPosts > 0 && n >= tc.maxPosts {
					continue
				}
				n++
				posts[p] = true
				x := w.author[p]
				part(x)
				for _, m := range w.mentions[p] {
					accounts[m] = true
					edges = append(edges, "mention "+x+" "+m+" "+p)
				}
				if !tc.engagement {
					continue
				}
				for _, e := range []struct {
					kind  string
					by    []string
					reply bool
				}{{"like", w.likes[p], false}, {"repost", w.reposts[p], false}, {"reply", w.replies[p], true}, {"quote", w.quotes[p], true}} {
					for _, y := range e.by {
						part(y)
						post := p
						if e.reply {
							post = y + "/re/" + p
						}
						edges = append(edges, e.kind+" "+y+" "+x+" "+post)
					}
				}
			}
		}
	}
	if tc.depth >= 1 {
		acc, ed := expected(w, participants, tc.depth, false, tc.posts, tc.engagement)
		maps.Copy(accounts, acc)
		edges = append(edges, ed...)
		for _, x := range participants {
			for _, p := range w.posts[x][:min(tc.posts, len(w.posts[x]))] {
				posts[p] = true
			}
		}
	}
	slices.Sort(edges)
	edges = slices.Compact(edges)
	return accounts, edges, posts
}

func TestTagCrawlMatches(t *testing.T) {
	w := newWorld(31, 60, 3, 3)
	mid := tagBase.Add(60 * time.Minute)
	for i, tc := range []tagCase{
		{tags: []string{"go"}},
		{tags: []string{"go"}, engagement: true},
		{tags: []string{"go", "rust"}, engagement: true},
		{tags: []string{"go"}, instances: []string{"even", "odd"}, engagement: true},
		{tags: []string{"rust"}, since: mid, engagement: true},
		{tags: []string{"rust"}, until: mid, engagement: true},
		{tags: []string{"rust", "zig"}, since: tagBase.Add(30 * time.Minute), until: tagBase.Add(120 * time.Minute), engagement: true},
		{tags: []string{"go", "zig"}, maxPosts: 7, engagement: true},
		{tags: []string{"go"}, instances: []string{"odd", "even"}, maxPosts: 9, engagement: true},
		{tags: []string{"zig"}, depth: 1, posts: 2, engagement: true},
		{tags: []string{"zig"}, depth: 1, posts: 2},
		// Without a cap, the order pages commit in does not matter.
		{tags: []string{"go", "rust"}, instances: []string{"even", "odd"}, depth: 1, posts: 1, engagement: true, concurrency: 3},
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			s := newPostState(t)
			f := newFake(w, 3)
			sum, err := crawl.Run(context.Background(), s, f, tc.config())
			if err != nil {
				t.Fatal(err)
			}
			wantAcc, wantEdges, wantPosts := expectedTag(w, f, tc)
			gotAcc, gotEdges, unnamed := stored(t, s.Store)
			if !maps_equal(gotAcc, wantAcc) {
				t.Errorf("accounts: got %d, want %d", len(gotAcc), len(wantAcc))
			}
			if !slices.Equal(gotEdges, wantEdges) {
				t.Errorf("edges: got %d, want %d\n%s", len(gotEdges), len(wantEdges), diff(gotEdges, wantEdges))
			}
			if unnamed != 0 {
				t.Errorf("%d accounts without their profile", unnamed)
			}
			gotPosts := map[string]bool{}
			for id, p := range s.posts {
				gotPosts[id] = true
				if p.Platform != "fake" || p.Text != "" || p.TextLen != len(id) || p.Author != w.author[id] || !p.At.Equal(w.at[id]) {
					t.Errorf("post %s stored as %+v", id, p)
				}
			}
			if !maps_equal(gotPosts, wantPosts) {
				t.Errorf("posts: got %d, want %d", len(gotPosts), len(wantPosts))
			}
			if n := storedPosts(t, s.Store); n != len(wantPosts) {
				t.Errorf("posts table: %d rows, want %d", n, len(wantPosts))
			}
			if len(wantPosts) == 0 {
				t.Error("the case finds no posts")
			}
			if int(sum.PostsStored) < len(wantPosts) {
				t.Errorf("summary: %d posts stored, want at least %d", sum.PostsStored, len(wantPosts))
			}
			if tc.maxPosts == 0 && (sum.TasksOpen != 0 || sum.AccountsQueued != 0) {
				t.Errorf("summary left work: %+v", sum)
			}
		})
	}
}

// TestTagSinceEndsList: the tag list is newest first, so the first page
// whose posts are all older than --since ends it.
func TestTagSinceEndsList(t *testing.T) {
	w := newWorld(31, 60, 3, 3)
	all := len(w.tagged["go"])
	since := w.at[w.tagged["go"][5]] // the 6th newest
	s := newPostState(t)
	f := newFake(w, 3)
	if _, err := crawl.Run(context.Background(), s, f, crawl.Config{Tags: []string{"go"}, Since: since, Depth: 1}); err != nil {
		t.Fatal(err)
	}
	if n := f.fetches["tag_posts go"]; n != 3 {
		t.Errorf("tag pages read: %d, want 3 of %d (pages of 3, posts 1-6 in the window)", n, (all+2)/3)
	}
	if len(s.posts) != 6 {
		t.Errorf("%d posts stored, want 6", len(s.posts))
	}
}

// TestTagKeepText: Text is kept only when asked for.
func TestTagKeepText(t *testing.T) {
	w := newWorld(31, 60, 3, 3)
	s := newPostState(t)
	if _, err := crawl.Run(context.Background(), s, newFake(w, 3), crawl.Config{Tags: []string{"go"}, KeepText: true, Depth: 1}); err != nil {
		t.Fatal(err)
	}
	for id, p := range s.posts {
		if p.Text != "text of "+id {
			t.Fatalf("post %s: text %q", id, p.Text)
		}
	}
}

// TestTagMaxPostsRaised: lists left pending by --max-posts are read by a
// run with a higher cap, and the result is that of the higher cap at once.
func TestTagMaxPostsRaised(t *testing.T) {
	w := newWorld(31, 60, 3, 3)
	tc := tagCase{tags: []string{"go", "rust", "zig"}, maxPosts: 4, engagement: true}
	s := newPostState(t)
	if _, err := crawl.Run(context.Background(), s, newFake(w, 3), tc.config()); err != nil {
		t.Fatal(err)
	}
	if len(s.posts) != 4 {
		t.Fatalf("%d posts, want 4", len(s.posts))
	}
	m := counts(t, s.Store)
	if m["tasks.pending"] != 2 {
		t.Errorf("pending tasks %d, want the 2 tag lists not started", m["tasks.pending"])
	}
	tc.maxPosts = 0
	if _, err := crawl.Run(context.Background(), s, newFake(w, 3), tc.config()); err != nil {
		t.Fatal(err)
	}
	// The first list was cut at the cap and stays so; the others are whole.
	fresh := newPostState(t)
	if _, err := crawl.Run(context.Background(), fresh, newFake(w, 3), crawl.Config{Tags: []string{"rust", "zig"}, Engagement: true, Depth: 1}); err != nil {
		t.Fatal(err)
	}
	for id := range fresh.posts {
		if _, ok := s.posts[id]; !ok {
			t.Errorf("post %s of the later lists missing", id)
		}
	}
}

func TestTagRerunDoesNothing(t *testing.T) {
	w := newWorld(31, 60, 3, 3)
	tc := tagCase{tags: []string{"go", "rust"}, instances: []string{"even", "odd"}, engagement: true, depth: 1, posts: 1}
	s := newPostState(t)
	if _, err := crawl.Run(context.Background(), s, newFake(w, 3), tc.config()); err != nil {
		t.Fatal(err)
	}
	before := s.dump(t)
	f := newFake(w, 3)
	if _, err := crawl.Run(context.Background(), s, f, tc.config()); err != nil {
		t.Fatal(err)
	}
	if f.calls != 0 {
		t.Errorf("re-run made %d calls", f.calls)
	}
	if s.dump(t) != before {
		t.Error("re-run changed the data")
	}
	st, err := crawl.Status(context.Background(), s.Store, "fake")
	if err != nil {
		t.Fatal(err)
	}
	if st[0].Tasks["done"] == 0 || st[0].Queued != 0 {
		t.Errorf("status: %+v", st[0])
	}
}

// TestTagResumeEqualsUninterrupted cancels a tag crawl at many points and
// resumes it; posts, accounts, events and state equal an uninterrupted crawl.
func TestTagResumeEqualsUninterrupted(t *testing.T) {
	w := newWorld(37, 50, 2, 3)
	for _, tc := range []tagCase{
		{tags: []string{"go", "zig"}, instances: []string{"even", "odd"}, since: tagBase.Add(20 * time.Minute), maxPosts: 25, engagement: true},
		{tags: []string{"rust"}, depth: 1, posts: 2, engagement: true},
	} {
		cfg := tc.config()
		clean := newPostState(t)
		f := newFake(w, 2)
		if _, err := crawl.Run(context.Background(), clean, f, cfg); err != nil {
			t.Fatal(err)
		}
		want := clean.dump(t)
		total := f.calls
		runs := 25
		if testing.Short() {
			runs = 6
		}
		for i := range runs {
			k := 1 + (i*total)/runs + i%3
			s := newPostState(t)
			for attempt := 0; ; attempt++ {
				if attempt > 20 {
					t.Fatalf("k=%d: no end after 20 resumes", k)
				}
				ctx, cancel := context.WithCancel(context.Background())
				f := newFake(w, 2)
				f.cancel = cancel
				f.errAfter = (i+attempt)%2 == 1
				stopAt := k
				if attempt > 0 {
					stopAt = 1 + (k*7+attempt*13)%max(total/3, 1)
				}
				if attempt < 3 {
					f.hook = func(n int) bool { return n == stopAt }
				}
				_, err := crawl.Run(ctx, s, f, cfg)
				cancel()
				if err == nil {
					break
				}
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("k=%d: %v", k, err)
				}
			}
			if got := s.dump(t); got != want {
				t.Fatalf("k=%d: resumed tag crawl differs from uninterrupted:\n%s", k,
					diff(strings.Split(got, "\n"), strings.Split(want, "\n")))
			}
		}
	}
}

func TestTagSubject(t *testing.T) {
	since := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		tag, owner   string
		since, until time.Time
		want         string
	}{
		{"go", "", time.Time{}, time.Time{}, "go"},
		{"go", "mastodon.social", time.Time{}, time.Time{}, "go on mastodon.social"},
		{"go", "", since, since.Add(time.Hour), "go since 2026-03-01T12:00:00Z until 2026-03-01T13:00:00Z"},
		{"ciscosmt", "fosstodon.org", since.Add(time.Millisecond), time.Time{}, "ciscosmt on fosstodon.org since 2026-03-01T12:00:00.001Z"},
	} {
		got := crawl.TagSubject(tc.tag, tc.owner, tc.since, tc.until)
		if got != tc.want {
			t.Errorf("TagSubject = %q, want %q", got, tc.want)
		}
		tag, owner, s, u, err := crawl.ParseTagSubject(got)
		if err != nil || tag != tc.tag || owner != tc.owner || !s.Equal(tc.since) || !u.Equal(tc.until) {
			t.Errorf("ParseTagSubject(%q) = %q %q %v %v %v", got, tag, owner, s, u, err)
		}
	}
	for _, bad := range []string{"", "go on", "go since yesterday", "go at x"} {
		if _, _, _, _, err := crawl.ParseTagSubject(bad); err == nil {
			t.Errorf("ParseTagSubject(%q): no error", bad)
		}
	}
	for in, want := range map[string]string{"#CiscoSMT": "ciscosmt", "go": "go", " #Ünïcode_1 ": "ünïcode_1"} {
		if got, err := crawl.NormalizeTag(in); err != nil || got != want {
			t.Errorf("NormalizeTag(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "#", "two words", "a-b", "#a#b"} {
		if _, err := crawl.NormalizeTag(bad); err == nil {
			t.Errorf("NormalizeTag(%q): no error", bad)
		}
	}
}

// TestTagRefs: the posts a tag post points at (Page.Refs) are stored
// whatever their time, only for kept posts, and not counted by --max-posts.
func TestTagRefs(t *testing.T) {
	w := newWorld(31, 60, 3, 3)
	since := w.at[w.tagged["go"][9]]
	s := newPostState(t)
	f := newFake(w, 4)
	f.refs = true
	if _, err := crawl.Run(context.Background(), s, f, crawl.Config{Tags: []string{"go"}, Since: since, MaxPosts: 7, Depth: 1}); err != nil {
		t.Fatal(err)
	}
	var tagged, refs int
	for id, p := range s.posts {
		if strings.HasSuffix(id, "/ref") {
			refs++
			if _, ok := s.posts[strings.TrimSuffix(id, "/ref")]; !ok {
				t.Errorf("ref %s of a post not kept", id)
			}
			continue
		}
		tagged++
		if p.Parent != id+"/ref" {
			t.Errorf("post %s: parent %q", id, p.Parent)
		}
	}
	if tagged != 7 || refs != 7 {
		t.Errorf("%d tag posts and %d refs, want 7 and 7", tagged, refs)
	}
}

// TestTagListsOfOtherRuns: a crawl walks only its own tag lists, and
// --max-posts counts only their posts.
func TestTagListsOfOtherRuns(t *testing.T) {
	w := newWorld(31, 60, 3, 3)
	s := newPostState(t)
	ctx, cancel := context.WithCancel(context.Background())
	f := newFake(w, 3)
	f.cancel = cancel
	f.hook = func(n int) bool { return n == 2 }
	if _, err := crawl.Run(ctx, s, f, crawl.Config{Tags: []string{"go"}, Depth: 1, Concurrency: 1}); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted go crawl: %v", err)
	}
	cancel()
	// Another tag, capped: the go list stays as it was, and its posts do
	// not count against the cap.
	f = newFake(w, 3)
	if _, err := crawl.Run(context.Background(), s, f, crawl.Config{Tags: []string{"rust"}, MaxPosts: 5, Depth: 1, Concurrency: 1}); err != nil {
		t.Fatal(err)
	}
	if f.fetches["tag_posts go"] != 0 || f.fetches["tag_posts rust"] == 0 {
		t.Errorf("fetches: %v", f.fetches)
	}
	var rust int
	for _, p := range s.posts {
		if slices.Contains(p.Hashtags, "rust") && !slices.Contains(p.Hashtags, "go") {
			rust++
		}
	}
	if rust == 0 {
		t.Error("the rust crawl stored nothing: the go posts counted against its cap")
	}
	// The go crawl, run again, finishes its list.
	f = newFake(w, 3)
	if _, err := crawl.Run(context.Background(), s, f, crawl.Config{Tags: []string{"go"}, Depth: 1, Concurrency: 1}); err != nil {
		t.Fatal(err)
	}
	if f.fetches["tag_posts go"] == 0 {
		t.Error("the go list was not resumed")
	}
	for _, p := range w.tagged["go"] {
		if _, ok := s.posts[p]; !ok {
			t.Fatalf("go post %s missing", p)
		}
	}
}
