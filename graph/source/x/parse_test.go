package x

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

const jack = "2244994945"

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decode(t testing.TB, b []byte) *envelope {
	t.Helper()
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return &env
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func edge(src, dst string, k graph.Kind, post string, when time.Time, tags ...string) graph.Edge {
	e := graph.Edge{Platform: Name, Src: src, Dst: dst, Kind: k, PostID: post, At: when}
	if len(tags) > 0 {
		e.Hashtags = tags
	}
	return e
}

// TestTimelineFixture checks the edge recipe on a hand-made page that holds
// every case: retweets (included original, deleted original resolved through
// the "RT @x" mention by username), a quote with repeated hashtags, a reply
// with mentions by id, by username in another case, of an unknown username
// and twice the same, a reply found only through referenced_posts and
// includes.posts, a self-reply, a quote of a protected post and a bad
// created_at. The expected edges were worked out by hand from the JSON.
func TestTimelineFixture(t *testing.T) {
	pg, err := timelinePage(decode(t, fixture(t, "timeline.json")), jack)
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.Edge{
		edge(jack, "1111111111", graph.Repost, "1799999999999999001", time.Time{}),
		edge(jack, "6666666666", graph.Repost, "1799999999999999002", time.Time{}),
		edge(jack, "3333333333", graph.Quote, "1800000000000000008", at("2024-06-10T12:00:08Z"), "pagerank", "graphs"),
		edge(jack, "3333333333", graph.Reply, "1800000000000000007", at("2024-06-10T12:00:07Z")),
		edge(jack, "2222222222", graph.Mention, "1800000000000000007", at("2024-06-10T12:00:07Z")),
		edge(jack, "1111111111", graph.Mention, "1800000000000000007", at("2024-06-10T12:00:07Z")),
		edge(jack, "4444444444", graph.Reply, "1800000000000000006", at("2024-06-10T12:00:06Z")),
	}
	if !reflect.DeepEqual(pg.Edges, want) {
		t.Errorf("edges:\n got %v\nwant %v", pg.Edges, want)
	}
	wantPosts := []string{"1800000000000000008", "1800000000000000007", "1800000000000000006", "1800000000000000005", "1800000000000000004"}
	if !reflect.DeepEqual(pg.Posts, wantPosts) {
		t.Errorf("posts = %v, want %v", pg.Posts, wantPosts)
	}
	if pg.Next != "7140dibdnow9c7btw3z2vwioavpvutgzrzm9icis4ndix" {
		t.Errorf("next = %q", pg.Next)
	}
	if len(pg.Found) != 0 {
		t.Errorf("timeline found %v; interaction targets are not queued", pg.Found)
	}
	if len(pg.Accounts) != 6 {
		t.Fatalf("accounts = %v, want the 6 included users", pg.Accounts)
	}
	j := pg.Accounts[0]
	want0 := graph.Account{Platform: Name, Key: jack, Handle: "jack_demo", Name: "Jack Demo", Followers: 6253282, Following: 1037, Posts: 29000}
	if j != want0 {
		t.Errorf("account = %+v, want %+v", j, want0)
	}
	if b := pg.Accounts[2]; b.Followers != graph.Unknown || b.Posts != graph.Unknown {
		t.Errorf("account without public_metrics has counts %+v", b)
	}
}

func TestUserPages(t *testing.T) {
	env := decode(t, fixture(t, "followers.json"))
	for _, follower := range []bool{true, false} {
		pg, err := userPage(env, jack, follower)
		if err != nil {
			t.Fatal(err)
		}
		keys := []string{"1111111111", "2222222222", "12"}
		if !reflect.DeepEqual(pg.Found, keys) {
			t.Errorf("found = %v, want %v (the user without a numeric id is skipped)", pg.Found, keys)
		}
		for i, e := range pg.Edges {
			src, dst := keys[i], jack
			if !follower {
				src, dst = jack, keys[i]
			}
			if !reflect.DeepEqual(e, graph.Edge{Platform: Name, Src: src, Dst: dst, Kind: graph.Follow}) {
				t.Errorf("follower=%v edge %d = %+v", follower, i, e)
			}
		}
		if pg.Next != "DFEDBNRFT3MHCZZZ" || len(pg.Accounts) != 3 {
			t.Errorf("next %q, %d accounts", pg.Next, len(pg.Accounts))
		}
		if a := pg.Accounts[2]; a.Handle != "old_timer" || a.Followers != 0 || a.Posts != 0 {
			t.Errorf("zero counts must stay zero: %+v", a)
		}
	}
}

func TestEngagementPages(t *testing.T) {
	const post = "1800000000000000008"
	pg, err := retweetersPage(decode(t, fixture(t, "retweeted_by.json")), post, jack)
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.Edge{
		edge("1111111111", jack, graph.Repost, post, time.Time{}),
		edge("4444444444", jack, graph.Repost, post, time.Time{}),
	}
	if !reflect.DeepEqual(pg.Edges, want) || !reflect.DeepEqual(pg.Found, []string{"1111111111", "4444444444"}) || pg.Next == "" {
		t.Errorf("retweeted_by page = %+v", pg)
	}

	pg, err = quotesPage(decode(t, fixture(t, "quote_tweets.json")), jack)
	if err != nil {
		t.Fatal(err)
	}
	want = []graph.Edge{edge("1111111111", jack, graph.Quote, "1800000000000000100", at("2024-06-11T09:30:00Z"), "news")}
	if !reflect.DeepEqual(pg.Edges, want) {
		t.Errorf("quote edges = %v, want %v", pg.Edges, want)
	}
	if !reflect.DeepEqual(pg.Found, []string{"1111111111", jack}) || len(pg.Accounts) != 2 || pg.Next != "" {
		t.Errorf("quote page = %+v", pg)
	}
}

func TestSubjectError(t *testing.T) {
	cases := []struct {
		file, subject string
		status        int
		code          string
		notFound      bool
	}{
		{"not_found.json", "99999", 404, "resource-not-found", true},
		{"suspended.json", "5555555555", 410, "resource-unavailable", true},
		{"protected.json", "2222222222", 403, "not-authorized-for-resource", false},
		{"empty.json", "1", 0, "", false},
		{"timeline.json", jack, 0, "", false},     // partial errors with data
		{"not_found.json", "12345", 0, "", false}, // about another resource
	}
	for _, c := range cases {
		he := subjectError(decode(t, fixture(t, c.file)), c.subject, "https://api.x.com/2/x")
		if c.status == 0 {
			if he != nil {
				t.Errorf("%s: unexpected error %v", c.file, he)
			}
			continue
		}
		if he == nil || he.Status != c.status || he.Code != c.code || crawl.IsNotFound(he) != c.notFound {
			t.Errorf("%s: got %+v, want status %d code %s", c.file, he, c.status, c.code)
			continue
		}
		if hidden(he) != (c.code == "not-authorized-for-resource") {
			t.Errorf("%s: hidden = %v", c.file, hidden(he))
		}
	}
}

func TestErrorBody(t *testing.T) {
	cases := []struct {
		file, code, msg string
	}{
		{"problem_429.json", "Too Many Requests", "Too Many Requests"},
		{"legacy_88.json", "88", "Rate limit exceeded"},
		{"invalid_request.json", "invalid-request", "One or more parameters to your request was invalid."},
		{"unauthorized.json", "Unauthorized", "Unauthorized"},
		{"not_found.json", "resource-not-found", "Could not find user with id: [99999]."},
	}
	for _, c := range cases {
		code, msg := errorBody(string(fixture(t, c.file)))
		if code != c.code || msg != c.msg {
			t.Errorf("%s: got (%q, %q), want (%q, %q)", c.file, code, msg, c.code, c.msg)
		}
	}
	html := "<html><body><h1>502 Bad Gateway</h1></body></html>"
	if code, msg := errorBody(html); code != "" || msg != html {
		t.Errorf("html body: got (%q, %q)", code, msg)
	}
}

func TestRateHeaders(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	h := func(kv ...string) http.Header {
		hh := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			hh.Set(kv[i], kv[i+1])
		}
		return hh
	}
	cases := []struct {
		name string
		h    http.Header
		want crawl.RateInfo
	}{
		{"none", h(), crawl.RateInfo{}},
		{"window spent", h("x-rate-limit-limit", "300", "x-rate-limit-remaining", "0", "x-rate-limit-reset", "1700000900"),
			crawl.RateInfo{Known: true, Limit: 300, Remaining: 0, Reset: time.Unix(1_700_000_900, 0)}},
		{"window far from spent", h("x-rate-limit-limit", "300", "x-rate-limit-remaining", "30", "x-rate-limit-reset", "1700000900"),
			crawl.RateInfo{Known: true, Limit: 300, Remaining: 30, Reset: time.Unix(1_700_000_900, 0)}},
		{"no limit header", h("x-rate-limit-remaining", "9", "x-rate-limit-reset", "1700000900"),
			crawl.RateInfo{Known: true, Remaining: 9, Reset: time.Unix(1_700_000_900, 0)}},
		{"retry-after wins", h("X-Rate-Limit-Remaining", "5", "Retry-After", "7"),
			crawl.RateInfo{Known: true, Remaining: 5, RetryAfter: 7 * time.Second}},
		{"http date", h("Retry-After", now.Add(30*time.Second).UTC().Format(http.TimeFormat)),
			crawl.RateInfo{Known: true, RetryAfter: 30 * time.Second}},
		{"garbage", h("x-rate-limit-limit", "lots", "x-rate-limit-remaining", "-3", "x-rate-limit-reset", "soon", "Retry-After", "later"),
			crawl.RateInfo{}},
	}
	for _, c := range cases {
		got := RateHeaders(c.h, now)
		if !got.Reset.Equal(c.want.Reset) {
			t.Errorf("%s: reset %v, want %v", c.name, got.Reset, c.want.Reset)
		}
		got.Reset, c.want.Reset = time.Time{}, time.Time{}
		if got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestIDDecoding(t *testing.T) {
	var u user
	if err := json.Unmarshal([]byte(`{"id": 1234567890123456789, "username": "n"}`), &u); err != nil || u.ID != "1234567890123456789" {
		t.Errorf("numeric id: %q, %v", u.ID, err)
	}
	for _, bad := range []string{`{"id": 1.5e3}`, `{"id": -4}`, `{"id": true}`} {
		if err := json.Unmarshal([]byte(bad), &u); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	if !validID("12") || validID("12345678901234567890") || validID("") || validID("1a") {
		t.Error("validID")
	}
}

// FuzzTimelinePage feeds arbitrary bytes to the timeline parser: it must
// never panic, and whatever it returns must be well-formed.
func FuzzTimelinePage(f *testing.F) {
	for _, name := range []string{"timeline.json", "followers.json", "quote_tweets.json", "not_found.json", "empty.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"data":{"id":"1"}}`))
	f.Add([]byte(`{"data":[{"id":"1","author_id":"1","referenced_tweets":[{"type":"retweeted","id":"2"}],"entities":{"mentions":[{"start":3}]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var env envelope
		if json.Unmarshal(b, &env) != nil {
			return
		}
		_ = subjectError(&env, jack, "u")
		for _, parse := range []func() (*crawl.Page, error){
			func() (*crawl.Page, error) { return timelinePage(&env, jack) },
			func() (*crawl.Page, error) { return quotesPage(&env, jack) },
			func() (*crawl.Page, error) { return userPage(&env, jack, true) },
			func() (*crawl.Page, error) { return retweetersPage(&env, "1", jack) },
		} {
			pg, err := parse()
			if err != nil {
				continue
			}
			for _, e := range pg.Edges {
				if e.Platform != Name || !validID(e.Src) || !validID(e.Dst) || (e.Kind != graph.Follow && e.Src == e.Dst) {
					t.Fatalf("bad edge %+v", e)
				}
				for _, h := range e.Hashtags {
					if h == "" || h != strings.ToLower(h) {
						t.Fatalf("bad hashtag %q", h)
					}
				}
			}
			for _, a := range pg.Accounts {
				if !validID(a.Key) || a.Platform != Name {
					t.Fatalf("bad account %+v", a)
				}
			}
		}
		_, _ = errorBody(string(b))
	})
}
