package bluesky

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/bluesky/blueskytest"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// tagEnv is a platform logged in to a fake PDS (the same server as the
// AppView), with its log and request accounting.
type tagEnv struct {
	srv   *blueskytest.Server
	p     *Platform
	stats crawl.Stats
	mu    sync.Mutex
	log   bytes.Buffer
}

func (e *tagEnv) logf(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	fmt.Fprintf(&e.log, format+"\n", args...)
}

func newTagEnv(t *testing.T, srv *blueskytest.Server, cfg Config) *tagEnv {
	t.Helper()
	e := &tagEnv{srv: srv}
	c := crawl.NewClient(crawl.ClientConfig{
		UserAgent: "clout/test (+https://example.com)", Timeout: 5 * time.Second, MaxAttempts: 10,
		Backoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, Jitter: time.Millisecond,
		RateHeaders: RateHeaders, Stats: &e.stats, Logf: e.logf,
	})
	cfg.API, cfg.PDS, cfg.Logf = srv.URL, srv.URL, e.logf
	if cfg.Login == nil {
		cfg.Login = &Credentials{Identifier: blueskytest.DefaultIdentifier, Password: blueskytest.DefaultPassword}
	}
	p, err := New(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.p = p
	return e
}

// walked is what a tag crawl met, in Expected's forms.
type walked struct {
	accounts map[string]bool
	events   []graph.Edge
	posts    map[string]graph.Post
	pages    []*crawl.Page
	errs     []error
}

// walkTag crawls a tag the way the engine does, without a store: every page
// of the tag task, then every engagement task of each post it lists, each
// list to its end. Events are kept once per identity.
func walkTag(t *testing.T, p *Platform, tag string, since, until time.Time) *walked {
	t.Helper()
	ctx := context.Background()
	w := &walked{accounts: map[string]bool{}, posts: map[string]graph.Post{}}
	seen := map[string]bool{}
	take := func(pg *crawl.Page) {
		w.pages = append(w.pages, pg)
		for _, a := range pg.Accounts {
			w.accounts[a.Key] = true
		}
		for _, k := range pg.Found {
			w.accounts[k] = true
		}
		for _, e := range pg.Edges {
			w.accounts[e.Src], w.accounts[e.Dst] = true, true
			if e.IsSelfLoop() {
				continue
			}
			k := fmt.Sprintf("%s %s %d %s %d", e.Src, e.Dst, e.Kind, e.PostID, e.At.UnixNano())
			if !seen[k] {
				seen[k] = true
				w.events = append(w.events, e)
			}
		}
		for _, po := range pg.PostRecords {
			w.posts[po.ID] = po
			w.accounts[po.Author] = true
		}
		for _, po := range pg.Refs {
			if _, ok := w.posts[po.ID]; !ok {
				w.posts[po.ID] = po
			}
			w.accounts[po.Author] = true
		}
	}
	walk := func(task crawl.Task) []string {
		var posts []string
		cursor := ""
		for range 10000 {
			pg, err := p.Fetch(ctx, task, cursor)
			if err != nil {
				w.errs = append(w.errs, err)
				return posts
			}
			take(pg)
			posts = append(posts, pg.Posts...)
			if pg.Next == "" || pg.Next == cursor {
				return posts
			}
			cursor = pg.Next
		}
		t.Fatalf("%v: no end", task)
		return nil
	}
	for _, post := range walk(crawl.Task{Endpoint: crawl.TagPosts, Subject: tag, Since: since, Until: until}) {
		for _, ep := range []crawl.Endpoint{crawl.RepostedBy, crawl.Quotes, crawl.Likes, crawl.Replies} {
			walk(crawl.Task{Endpoint: ep, Subject: post})
		}
	}
	blueskytest.SortEdges(w.events)
	return w
}

// checkTag compares a walk with ExpectedTag.
func checkTag(t *testing.T, got *walked, c *blueskytest.Chat, since, until time.Time) {
	t.Helper()
	for _, err := range got.errs {
		t.Errorf("walk: %v", err)
	}
	accounts, events, posts := c.ExpectedTag("#"+c.Tag, since, until)
	if len(events) < 20 || len(posts) < 10 {
		t.Fatalf("degenerate chat: %d events, %d posts", len(events), len(posts))
	}
	var ga, wa, gp, wp []string
	for k := range got.accounts {
		ga = append(ga, k)
	}
	for _, a := range accounts {
		wa = append(wa, a.Key)
	}
	for _, p := range got.posts {
		gp = append(gp, fmt.Sprintf("%+v", p))
	}
	for _, p := range posts {
		wp = append(wp, fmt.Sprintf("%+v", p))
	}
	slices.Sort(ga)
	slices.Sort(gp)
	sameLines(t, "accounts", ga, wa)
	sameLines(t, "events", edgeLines(got.events), edgeLines(events))
	sameLines(t, "posts", gp, wp)
	t.Logf("%d accounts, %d events, %d posts, %d pages", len(wa), len(events), len(wp), len(got.pages))
	// Hashtags of events, which edgeLines leaves out.
	want := map[string]string{}
	for _, e := range events {
		want[edgeLines([]graph.Edge{e})[0]] = strings.Join(e.Hashtags, " ")
	}
	for _, e := range got.events {
		k := edgeLines([]graph.Edge{e})[0]
		if h, ok := want[k]; ok && h != strings.Join(e.Hashtags, " ") {
			t.Errorf("event %s: hashtags %q, want %q", k, e.Hashtags, h)
		}
	}
}

func TestTagCrawl(t *testing.T) {
	c := blueskytest.NewChat(7, 40)
	tests := []struct {
		name         string
		since, until time.Time
		faults       blueskytest.Faults
		auth         blueskytest.Auth
		tag          string
	}{
		{name: "whole tag", tag: "CloutChat"},
		{name: "the chat hour", tag: "#cloutchat", since: c.Start, until: c.End},
		{name: "short and empty pages, 5xx, HTML", tag: "CLOUTCHAT", since: c.Start,
			faults: blueskytest.Faults{ShortPage: 3, EmptyPages: 1, TrailingCursor: true, Fail5xx: 13, HTMLError: 17}},
		{name: "token expires every 2 requests", tag: "cloutchat", until: c.End,
			faults: blueskytest.Faults{ShortPage: 4}, auth: blueskytest.Auth{AccessUses: 2}},
		{name: "refresh token revoked", tag: "cloutchat",
			faults: blueskytest.Faults{ShortPage: 5}, auth: blueskytest.Auth{AccessUses: 1, RevokeRefresh: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := blueskytest.NewServer(t, c.World)
			srv.SetFaults(tc.faults)
			srv.SetAuth(tc.auth)
			e := newTagEnv(t, srv, Config{})
			got := walkTag(t, e.p, strings.ToLower(strings.TrimLeft(tc.tag, "#")), tc.since, tc.until)
			checkTag(t, got, c, tc.since, tc.until)
			logins, refreshes := srv.Logins(), srv.Refreshes()
			switch {
			case tc.auth.RevokeRefresh:
				if logins < 2 || refreshes != 0 {
					t.Errorf("%d logins, %d refreshes: a refused refresh token must lead to a new login", logins, refreshes)
				}
			case tc.auth.AccessUses > 0:
				if logins != 1 || refreshes < 2 {
					t.Errorf("%d logins, %d refreshes: want one login and refreshes", logins, refreshes)
				}
			default:
				if logins != 1 || refreshes != 0 {
					t.Errorf("%d logins, %d refreshes: want exactly one login", logins, refreshes)
				}
			}
			if l := srv.Leaked(); len(l) != 0 {
				t.Errorf("a token was sent to the public AppView: %v", l)
			}
			checkNoSecret(t, srv, e.log.String(), fmt.Sprintf("%+v %#v %v", got.pages, e.p, got.errs))
		})
	}
}

// checkNoSecret fails if the app password or any token the server issued
// is in one of the texts.
func checkNoSecret(t *testing.T, srv *blueskytest.Server, texts ...string) {
	t.Helper()
	secrets := append(srv.Tokens(), blueskytest.DefaultPassword)
	for i, s := range texts {
		for _, sec := range secrets {
			if strings.Contains(s, sec) {
				t.Errorf("text %d holds a secret (%d bytes)", i, len(sec))
			}
		}
		// A token's three parts are long enough to be found alone too.
		for _, sec := range srv.Tokens() {
			if _, _, ok := strings.Cut(sec, "."); ok {
				if sig := sec[strings.LastIndexByte(sec, '.')+1:]; strings.Contains(s, sig) {
					t.Errorf("text %d holds a token's signature", i)
				}
			}
		}
	}
}

// Rate limits on search pages and on the login are waited out.
func TestTagCrawl429(t *testing.T) {
	c := blueskytest.NewChat(3, 20)
	srv := blueskytest.NewServer(t, c.World)
	e := newTagEnv(t, srv, Config{})
	// Request 2 is the login: it gets a 429 with Retry-After 1.
	srv.SetFaults(blueskytest.Faults{Fail429: 2, RetryAfter: 1})
	if _, err := e.p.Resolve(context.Background(), c.Host); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := e.p.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < time.Second || srv.Logins() != 1 {
		t.Errorf("login: %d logins after %v; the 429 asked for 1 s", srv.Logins(), time.Since(start))
	}
	srv.SetFaults(blueskytest.Faults{Fail429: 60, RetryAfter: 1, ShortPage: 20})
	got := walkTag(t, e.p, "cloutchat", time.Time{}, time.Time{})
	checkTag(t, got, c, time.Time{}, time.Time{})
	if e.stats.RateLimited.Load() == 0 {
		t.Error("no 429 seen")
	}
	checkNoSecret(t, srv, e.log.String())
}

// A wrong password is an AuthenticationRequired error naming the handle,
// not the password, and nothing is searched.
func TestLoginWrongPassword(t *testing.T) {
	c := blueskytest.NewChat(3, 10)
	srv := blueskytest.NewServer(t, c.World)
	const wrong = "wxyz-WRONG-pass-0000"
	e := newTagEnv(t, srv, Config{Login: &Credentials{Identifier: "@" + blueskytest.DefaultIdentifier, Password: wrong}})
	err := e.p.Login(context.Background())
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.Code != "AuthenticationRequired" {
		t.Fatalf("Login: %v, want a 401 AuthenticationRequired AuthError", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, blueskytest.DefaultIdentifier) || !strings.Contains(msg, "app password") {
		t.Errorf("error does not name the handle or say what to check: %s", msg)
	}
	_, ferr := e.p.Fetch(context.Background(), crawl.Task{Endpoint: crawl.TagPosts, Subject: "cloutchat"}, "")
	if ferr == nil {
		t.Fatal("search with a wrong password: no error")
	}
	for _, s := range []string{msg, ferr.Error(), fmt.Sprintf("%+v %#v", err, e.p), e.log.String()} {
		if strings.Contains(s, wrong) {
			t.Errorf("the password is in %q", s)
		}
	}
	if n := srv.Calls("app.bsky.feed.searchPosts"); n != 0 {
		t.Errorf("%d searches without a session", n)
	}
}

// Without credentials the platform has no tag capability and a tag task
// fails with ErrNoSession, without a request.
func TestTagNoSession(t *testing.T) {
	c := blueskytest.NewChat(3, 10)
	srv := blueskytest.NewServer(t, c.World)
	p := newPlatform(t, srv.URL)
	if p.Capabilities()[crawl.TagPosts] {
		t.Error("tag_posts capability without a login")
	}
	_, err := p.Fetch(context.Background(), crawl.Task{Endpoint: crawl.TagPosts, Subject: "cloutchat"}, "")
	if !errors.Is(err, ErrNoSession) {
		t.Errorf("Fetch: %v, want ErrNoSession", err)
	}
	if !errors.Is(p.Login(context.Background()), ErrNoSession) {
		t.Error("Login without credentials: not ErrNoSession")
	}
	if srv.Requests() != 0 {
		t.Errorf("%d requests", srv.Requests())
	}
}

// Concurrent workers that meet an expired token together refresh it once.
func TestSessionRefreshOnce(t *testing.T) {
	c := blueskytest.NewChat(5, 20)
	srv := blueskytest.NewServer(t, c.World)
	srv.SetAuth(blueskytest.Auth{AccessUses: 1})
	e := newTagEnv(t, srv, Config{})
	ctx := context.Background()
	if err := e.p.Login(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.Fetch(ctx, crawl.Task{Endpoint: crawl.TagPosts, Subject: "cloutchat"}, ""); err != nil {
		t.Fatal(err)
	}
	srv.SetAuth(blueskytest.Auth{}) // new tokens never expire
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := e.p.Fetch(ctx, crawl.Task{Endpoint: crawl.TagPosts, Subject: "cloutchat"}, "")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if r := srv.Refreshes(); r != 1 || srv.Logins() != 1 {
		t.Errorf("%d refreshes, %d logins; want 1 and 1", r, srv.Logins())
	}
}
