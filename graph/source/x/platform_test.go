package x_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/source/x"
	"github.com/clout-cli/clout/graph/source/x/xtest"
)

func client(stats *crawl.Stats) *crawl.Client {
	return crawl.NewClient(crawl.ClientConfig{
		UserAgent:   "clout/test (+https://example.org/contact)",
		RateHeaders: x.RateHeaders,
		Timeout:     3 * time.Second,
		MaxAttempts: 3,
		Backoff:     time.Millisecond,
		MaxBackoff:  10 * time.Millisecond,
		Stats:       stats,
	})
}

func platform(t testing.TB, api, token string) *x.Platform {
	t.Helper()
	p, err := x.New(client(nil), x.Config{API: api, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// walk reads every page of task.
func walk(t testing.TB, p *x.Platform, task crawl.Task) (pages []*crawl.Page) {
	t.Helper()
	cursor := ""
	for range 10000 {
		pg, err := p.Fetch(context.Background(), task, cursor)
		if err != nil {
			t.Fatalf("%s of %s: %v", task.Endpoint, task.Subject, err)
		}
		pages = append(pages, pg)
		if pg.Next == "" {
			return pages
		}
		cursor = pg.Next
	}
	t.Fatal("list does not end")
	return nil
}

func TestNew(t *testing.T) {
	const tok = "AAAA%2Bsecret token"
	for _, c := range []x.Config{{Token: ""}, {Token: "  \n"}, {Token: tok}, {Token: "ok", API: "ftp://x"}, {Token: "ok", API: "::"}} {
		p, err := x.New(client(nil), c)
		if err == nil {
			t.Errorf("New(%v) = %v, want an error", c, p)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("error names the token: %v", err)
		}
	}
	if _, err := x.New(client(nil), x.Config{}); !errors.Is(err, x.ErrNoToken) || !strings.Contains(err.Error(), "X_BEARER_TOKEN") {
		t.Errorf("empty token: %v", err)
	}
	cfg := x.Config{API: "http://127.0.0.1:1", Token: "AAAAsecret\n"} // a trailing newline from a token file is trimmed
	p, err := x.New(client(nil), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v %#v %v %+v %#v", cfg, cfg, p, p, p)} {
		if strings.Contains(s, "secret") {
			t.Errorf("formatting leaks the token: %s", s)
		}
	}
	if p.Name() != "twitter" || p.ProfileBatch() != 100 {
		t.Error("name or batch")
	}
	caps := p.Capabilities()
	if !caps[crawl.Followers] || !caps[crawl.Posts] || !caps[crawl.RepostedBy] || !caps[crawl.Quotes] || caps[crawl.Likes] || caps[crawl.Replies] {
		t.Errorf("capabilities %v", caps)
	}
	if x.DefaultRate*6 < 0.999 || x.DefaultRate*6 > 1.001 {
		t.Errorf("DefaultRate = %v, want 1/6", x.DefaultRate)
	}
}

func TestResolve(t *testing.T) {
	w := xtest.NewWorld(1, 20)
	srv := xtest.NewServer(t, w)
	p := platform(t, srv.URL, xtest.DefaultToken)
	ctx := context.Background()
	u1 := w.Users[1] // username "User1": mixed case
	for _, seed := range []string{u1.ID, "User1", "@user1", " @USER1 ", "https://x.com/User1", "twitter.com/user1/status/123"} {
		a, err := p.Resolve(ctx, seed)
		if err != nil {
			t.Errorf("Resolve(%q): %v", seed, err)
			continue
		}
		if a.Key != u1.ID || a.Handle != "User1" || a.Name != u1.Name || a.Platform != "twitter" || a.Followers < 0 || a.Posts < 0 {
			t.Errorf("Resolve(%q) = %+v", seed, a)
		}
	}
	for _, seed := range []string{"99999", "nobody_at_all"} {
		if _, err := p.Resolve(ctx, seed); !crawl.IsNotFound(err) {
			t.Errorf("Resolve(%q): %v, want not found", seed, err)
		}
	}
	n := srv.Requests()
	for _, seed := range []string{"no-dashes", "@", "much_too_long_username", "../../2/users"} {
		if _, err := p.Resolve(ctx, seed); err == nil {
			t.Errorf("Resolve(%q) succeeded", seed)
		}
	}
	if srv.Requests() != n {
		t.Error("invalid seeds were sent to the API")
	}
}

// TestLists walks followers and followings page by page (short pages that
// still carry a next_token) and compares them with the world's follows.
func TestLists(t *testing.T) {
	w := xtest.NewWorld(3, 30)
	srv := xtest.NewServer(t, w, func(k *xtest.Knobs) { k.PageSize = 3 })
	p := platform(t, srv.URL, xtest.DefaultToken)
	protected := w.Users[len(w.Users)-1]
	for _, u := range w.Users {
		for _, ep := range []crawl.Endpoint{crawl.Followers, crawl.Follows} {
			pages := walk(t, p, crawl.Task{Endpoint: ep, Subject: u.ID, Owner: u.ID})
			if u == protected {
				if len(pages) != 1 || !pages[0].Hidden {
					t.Errorf("%s of protected account: %+v", ep, pages[0])
				}
				continue
			}
			var got, want []string
			for _, pg := range pages {
				if len(pg.Edges) > 3 || len(pg.Accounts) != len(pg.Edges) || !slices.Equal(pg.Found, keysOf(pg.Accounts)) {
					t.Errorf("page %+v", pg)
				}
				for _, e := range pg.Edges {
					got = append(got, e.Src+">"+e.Dst)
				}
			}
			for _, f := range w.Follows {
				if (ep == crawl.Followers && f.Dst == u.ID) || (ep == crawl.Follows && f.Src == u.ID) {
					want = append(want, f.Src+">"+f.Dst)
				}
			}
			slices.Reverse(want) // newest first
			if !slices.Equal(got, want) {
				t.Errorf("%s of %s:\n got %v\nwant %v", ep, u.ID, got, want)
			}
		}
	}
	for _, uri := range srv.Log() {
		q, _ := url.ParseQuery(strings.SplitN(uri, "?", 2)[1])
		if q.Get("max_results") != "1000" || !strings.Contains(q.Get("user.fields"), "public_metrics") {
			t.Fatalf("request %s", uri)
		}
	}
}

func keysOf(as []graph.Account) []string {
	var ks []string
	for _, a := range as {
		ks = append(ks, a.Key)
	}
	return ks
}

func TestProfiles(t *testing.T) {
	w := xtest.NewWorld(2, 150)
	srv := xtest.NewServer(t, w)
	p := platform(t, srv.URL, xtest.DefaultToken)
	var keys []string
	for _, u := range w.Users {
		keys = append(keys, u.ID)
	}
	keys = append(keys, "1", "not-an-id", keys[0])
	got, err := p.Profiles(context.Background(), keys)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Requests() != 2 {
		t.Errorf("%d requests, want 2 (100 ids each)", srv.Requests())
	}
	if len(got) != len(w.Users) {
		t.Fatalf("%d profiles, want %d", len(got), len(w.Users))
	}
	followers := map[string]int64{}
	for _, f := range w.Follows {
		followers[f.Dst]++
	}
	byKey := map[string]graph.Account{}
	for _, a := range got {
		byKey[a.Key] = a
	}
	for _, u := range w.Users {
		a := byKey[u.ID]
		if a.Handle != u.Username || a.Name != u.Name || a.Followers != followers[u.ID] {
			t.Errorf("profile %+v, want %s with %d followers", a, u.Username, followers[u.ID])
		}
	}
}

// TestNotFoundAndFaults: a deleted post's engagement is "not found"; HTML
// pages, malformed and truncated bodies and bad tokens are errors, never
// panics, and no error names the token.
func TestNotFoundAndFaults(t *testing.T) {
	w := xtest.NewWorld(4, 12)
	var deleted *xtest.Tweet
	for _, tw := range w.Tweets {
		if tw.Deleted {
			deleted = tw
			break
		}
	}
	srv := xtest.NewServer(t, w)
	p := platform(t, srv.URL, xtest.DefaultToken)
	ctx := context.Background()
	for _, ep := range []crawl.Endpoint{crawl.RepostedBy, crawl.Quotes} {
		_, err := p.Fetch(ctx, crawl.Task{Endpoint: ep, Subject: deleted.ID, Owner: deleted.Author}, "")
		if !crawl.IsNotFound(err) {
			t.Errorf("%s of a deleted post: %v", ep, err)
		}
	}
	task := crawl.Task{Endpoint: crawl.Followers, Subject: w.Users[0].ID, Owner: w.Users[0].ID}
	if _, err := p.Fetch(ctx, crawl.Task{Endpoint: crawl.Likes, Subject: "1", Owner: "2"}, ""); err == nil {
		t.Error("likes fetched with an app token")
	}
	if _, err := p.Fetch(ctx, task, "not-a-token"); err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("bad pagination token: %v", err)
	}

	faults := []func(*xtest.Knobs){
		func(k *xtest.Knobs) { k.HTMLError = 1 },
		func(k *xtest.Knobs) { k.Malformed = 1 },
		func(k *xtest.Knobs) { k.Truncate = 1 },
		func(k *xtest.Knobs) { k.Fail5xx, k.Burst5xx = 1, 1 },
		func(k *xtest.Knobs) { k.Token = "another" },
	}
	for i, f := range faults {
		srv.Set(func(k *xtest.Knobs) { *k = xtest.Knobs{Token: xtest.DefaultToken} })
		srv.Set(f)
		_, err := p.Fetch(ctx, task, "")
		if err == nil {
			t.Errorf("fault %d: no error", i)
			continue
		}
		if strings.Contains(err.Error(), xtest.DefaultToken) {
			t.Errorf("fault %d: error leaks the token: %v", i, err)
		}
		var he *crawl.HTTPError
		if i == 4 && (!errors.As(err, &he) || he.Status != 401 || he.Temporary) {
			t.Errorf("bad token: %#v", err)
		}
	}
}

// TestTokenScrubbed: a hostile or broken server that echoes the
// Authorization header into every kind of error body still cannot make the
// token appear in an error.
func TestTokenScrubbed(t *testing.T) {
	const tok = "AAAAAAAAAAAAAAAAAAAAAEchoMe%2Bsecret%3D0123456789"
	mode := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		switch mode {
		case 0:
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"title":"Invalid Request","detail":"bad header %s","type":"https://api.x.com/2/problems/invalid-request"}`, auth)
		case 1:
			w.WriteHeader(403)
			fmt.Fprintf(w, `{"errors":[{"code":32,"message":"Could not authenticate you: %s"}]}`, auth)
		case 2:
			fmt.Fprintf(w, `{"data": [%s`, auth) // malformed, 200
		case 3:
			w.WriteHeader(502)
			fmt.Fprintf(w, "<html>%s</html>", auth)
		case 4:
			fmt.Fprintf(w, `{"errors":[{"resource_id":"12","type":"https://api.x.com/2/problems/resource-not-found","detail":"%s"}]}`, auth)
		case 5:
			fmt.Fprintf(w, `{"data":{"id":"%s"}}`, auth)
		}
	}))
	defer srv.Close()
	p := platform(t, srv.URL, tok)
	ctx := context.Background()
	for mode = range 6 {
		var errs []error
		_, err := p.Fetch(ctx, crawl.Task{Endpoint: crawl.Followers, Subject: "12", Owner: "12"}, "")
		errs = append(errs, err)
		_, err = p.Resolve(ctx, "12")
		errs = append(errs, err)
		_, err = p.Profiles(ctx, []string{"12"})
		errs = append(errs, err)
		for i, err := range errs {
			if err == nil {
				if !(mode >= 4 && i == 2) { // profiles: unknown ids are left out, not errors
					t.Errorf("mode %d call %d: no error", mode, i)
				}
				continue
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v %#v", err, err)} {
				if strings.Contains(s, "secret") {
					t.Errorf("mode %d call %d: token in %s", mode, i, s)
				}
			}
		}
	}
}
