package mastodon

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/source/mastodon/mastodontest"
)

// miniCrawl is a plain breadth-first walk over Platform, following the
// Page contract the way the engine does (without persistence), so that the
// platform can be checked against World.Expected on its own.
type miniCrawl struct {
	p        *Platform
	opts     mastodontest.ExpectOptions
	accounts map[string]graph.Account
	follows  map[string]graph.Edge
	events   map[string]graph.Edge
	hidden   map[crawl.Endpoint][]string
	pages    int
}

func edgeID(e graph.Edge) string {
	return fmt.Sprintf("%s|%s|%d|%s|%d", e.Src, e.Dst, e.Kind, e.PostID, e.At.UnixNano())
}

func (m *miniCrawl) take(pg *crawl.Page) {
	m.pages++
	for _, a := range pg.Accounts {
		old, ok := m.accounts[a.Key]
		if !ok {
			old = graph.NewAccount(Name, a.Key)
		}
		if a.Handle != "" {
			old.Handle = a.Handle
		}
		if a.Name != "" {
			old.Name = a.Name
		}
		if a.Followers != graph.Unknown {
			old.Followers, old.Following, old.Posts = a.Followers, a.Following, a.Posts
		}
		m.accounts[a.Key] = old
	}
	for _, e := range pg.Edges {
		for _, k := range []string{e.Src, e.Dst} {
			if _, ok := m.accounts[k]; !ok {
				m.accounts[k] = graph.NewAccount(Name, k)
			}
		}
		if e.Src == e.Dst {
			continue
		}
		if e.Kind == graph.Follow {
			m.follows[edgeID(e)] = e
		} else if _, dup := m.events[edgeID(e)]; !dup {
			m.events[edgeID(e)] = e
		}
	}
}

func (m *miniCrawl) walk(ctx context.Context, t crawl.Task, posts *[]string) ([]string, error) {
	var found []string
	cursor := ""
	own := 0
	for {
		pg, err := m.p.Fetch(ctx, t, cursor)
		if err != nil {
			return nil, err
		}
		if posts != nil {
			// As the engine: keep the first room posts, drop the edges of
			// the others, and stop once the limit is reached.
			room := max(m.opts.Posts-own, 0)
			if len(pg.Posts) >= room {
				drop := map[string]bool{}
				for _, p := range pg.Posts[room:] {
					drop[p] = true
				}
				pg.Posts = pg.Posts[:room]
				pg.Edges = slices.DeleteFunc(pg.Edges, func(e graph.Edge) bool { return drop[e.PostID] })
				pg.Next = ""
			}
		}
		m.take(pg)
		if pg.Hidden {
			m.hidden[t.Endpoint] = append(m.hidden[t.Endpoint], t.Subject)
		}
		found = append(found, pg.Found...)
		if posts != nil {
			*posts = append(*posts, pg.Posts...)
			own += len(pg.Posts)
		}
		if pg.Next == "" {
			return found, nil
		}
		cursor = pg.Next
	}
}

func (m *miniCrawl) run(ctx context.Context, seeds []string, depth int) error {
	depthOf := map[string]int{}
	var queue []string
	for _, s := range seeds {
		a, err := m.p.Resolve(ctx, s)
		if err != nil {
			return err
		}
		m.take(&crawl.Page{Accounts: []graph.Account{a}})
		if _, ok := depthOf[a.Key]; !ok {
			depthOf[a.Key] = 0
			queue = append(queue, a.Key)
		}
	}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		d := depthOf[k]
		if d >= depth {
			continue
		}
		eps := []crawl.Endpoint{crawl.Followers}
		if m.opts.Follows {
			eps = append(eps, crawl.Follows)
		}
		var found []string
		for _, ep := range eps {
			f, err := m.walk(ctx, crawl.Task{Endpoint: ep, Subject: k, Owner: k}, nil)
			if err != nil {
				return err
			}
			found = append(found, f...)
		}
		var posts []string
		if m.opts.Posts > 0 {
			if _, err := m.walk(ctx, crawl.Task{Endpoint: crawl.Posts, Subject: k, Owner: k}, &posts); err != nil {
				return err
			}
		}
		if m.opts.Engagement {
			for _, post := range posts {
				for _, ep := range []crawl.Endpoint{crawl.RepostedBy, crawl.Likes, crawl.Replies} {
					f, err := m.walk(ctx, crawl.Task{Endpoint: ep, Subject: post, Owner: k}, nil)
					if err != nil {
						return err
					}
					found = append(found, f...)
				}
			}
		}
		for _, f := range found {
			if _, ok := depthOf[f]; !ok {
				depthOf[f] = d + 1
				queue = append(queue, f)
			}
		}
	}
	var keys []string
	for k := range m.accounts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		as, err := m.p.Profiles(ctx, []string{k})
		if err != nil {
			return err
		}
		m.take(&crawl.Page{Accounts: as})
	}
	return nil
}

func newMini(p *Platform, o mastodontest.ExpectOptions) *miniCrawl {
	return &miniCrawl{p: p, opts: o, accounts: map[string]graph.Account{}, follows: map[string]graph.Edge{},
		events: map[string]graph.Edge{}, hidden: map[crawl.Endpoint][]string{}}
}

func sortedEdges(m map[string]graph.Edge) []graph.Edge {
	var out []graph.Edge
	for _, e := range m {
		out = append(out, e)
	}
	mastodontest.SortEdges(out)
	return out
}

func diffEdges(t *testing.T, what string, got, want []graph.Edge) {
	t.Helper()
	key := func(e graph.Edge) string {
		return fmt.Sprintf("%s→%s %s %s %s %v", e.Src, e.Dst, e.Kind, e.PostID, e.At.Format(time.RFC3339Nano), e.Hashtags)
	}
	g, w := map[string]bool{}, map[string]bool{}
	for _, e := range got {
		g[key(e)] = true
	}
	for _, e := range want {
		w[key(e)] = true
	}
	n := 0
	for k := range w {
		if !g[k] && n < 10 {
			t.Errorf("%s: missing %s", what, k)
			n++
		}
	}
	for k := range g {
		if !w[k] && n < 20 {
			t.Errorf("%s: unexpected %s", what, k)
			n++
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: got %d, want %d", what, len(got), len(want))
	}
}

func checkExpected(t *testing.T, m *miniCrawl, e *mastodontest.Expectation) {
	t.Helper()
	diffEdges(t, "follows", sortedEdges(m.follows), e.Follows)
	diffEdges(t, "events", sortedEdges(m.events), e.Events)
	var accs []graph.Account
	for _, a := range m.accounts {
		accs = append(accs, a)
	}
	slices.SortFunc(accs, func(x, y graph.Account) int { return strings.Compare(x.Key, y.Key) })
	if !slices.Equal(accs, e.Accounts) {
		t.Errorf("accounts differ: got %d, want %d", len(accs), len(e.Accounts))
		for i := 0; i < min(len(accs), len(e.Accounts)); i++ {
			if accs[i] != e.Accounts[i] {
				t.Errorf("first difference: got %+v, want %+v", accs[i], e.Accounts[i])
				break
			}
		}
	}
	h := m.hidden[crawl.Followers]
	slices.Sort(h)
	if !slices.Equal(h, e.HiddenFollowers) {
		t.Errorf("hidden followers %v, want %v", h, e.HiddenFollowers)
	}
	h = m.hidden[crawl.Follows]
	slices.Sort(h)
	if !slices.Equal(h, e.HiddenFollows) {
		t.Errorf("hidden follows %v, want %v", h, e.HiddenFollows)
	}
}

func newPlatform(t *testing.T, srv *mastodontest.Server, viaAPI bool) *Platform {
	t.Helper()
	cc := crawl.ClientConfig{UserAgent: "clout-test", RateHeaders: RateHeaders, Backoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}
	cfg := Config{}
	if viaAPI {
		cfg.API = srv.URL
	} else {
		cc.HTTPClient = &http.Client{Transport: srv.Transport()}
	}
	p, err := New(crawl.NewClient(cc), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCrawlMatchesWorld crawls the fake fediverse and compares with what the
// World says a complete crawl must find, through --api and through real
// per-instance hosts.
func TestCrawlMatchesWorld(t *testing.T) {
	w := mastodontest.NewWorld(7, 150)
	seeds := []string{w.Accounts[0].Key(), w.Accounts[4].Key()}
	for _, tc := range []struct {
		name   string
		viaAPI bool
		depth  int
		opts   mastodontest.ExpectOptions
	}{
		{"api depth 2 all", true, 2, mastodontest.ExpectOptions{Follows: true, Posts: 1000, Engagement: true}},
		{"hosts depth 2 all", false, 2, mastodontest.ExpectOptions{Follows: true, Posts: 1000, Engagement: true}},
		{"api depth 1 posts 30", true, 1, mastodontest.ExpectOptions{Posts: 30, Engagement: true}},
		{"api depth 2 posts 45", true, 2, mastodontest.ExpectOptions{Posts: 45, Engagement: true}},
		{"api depth 3 followers only", true, 3, mastodontest.ExpectOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mastodontest.NewServer(t, w)
			srv.SetThrottles(mastodontest.Throttle{}, mastodontest.Throttle{})
			p := newPlatform(t, srv, tc.viaAPI)
			m := newMini(p, tc.opts)
			if err := m.run(context.Background(), seeds, tc.depth); err != nil {
				t.Fatal(err)
			}
			e := w.Expected(seeds, tc.depth, tc.opts)
			checkExpected(t, m, e)
			if len(e.Follows) == 0 || (tc.opts.Posts > 0 && len(e.Events) == 0) {
				t.Fatal("degenerate world")
			}
			t.Logf("%d requests, %d pages, %d accounts, %d follows, %d events, %d skipped",
				srv.Requests(), m.pages, len(e.Accounts), len(e.Follows), len(e.Events), p.Skipped())
		})
	}
}

// TestLoopingNextEnds: a page whose rel="next" is itself ends the list
// instead of looping.
func TestLoopingNextEnds(t *testing.T) {
	w := mastodontest.NewWorld(7, 150)
	srv := mastodontest.NewServer(t, w)
	srv.SetThrottles(mastodontest.Throttle{}, mastodontest.Throttle{})
	p := newPlatform(t, srv, true)
	task := crawl.Task{Endpoint: crawl.Followers, Subject: w.Accounts[0].Key(), Owner: w.Accounts[0].Key()}
	pg, err := p.Fetch(context.Background(), task, "")
	if err != nil || pg.Next == "" {
		t.Fatalf("first page: next %q, %v", pg.Next, err)
	}
	srv.SetFaults(mastodontest.Faults{LoopNext: 1})
	pg2, err := p.Fetch(context.Background(), task, pg.Next)
	if err != nil || pg2.Next != "" || len(pg2.Edges) == 0 {
		t.Errorf("looping page: next %q, %d edges, %v", pg2.Next, len(pg2.Edges), err)
	}
}
