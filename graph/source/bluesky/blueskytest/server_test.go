package blueskytest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

type resp struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, s *Server, nsid string, q url.Values) resp {
	t.Helper()
	r, err := http.Get(s.URL + "/xrpc/" + nsid + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp{r.StatusCode, r.Header, b}
}

func decode(t *testing.T, r resp) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

func TestWorldDeterministic(t *testing.T) {
	a, b := NewWorld(1, 40), NewWorld(1, 40)
	if !reflect.DeepEqual(a, b) {
		t.Error("NewWorld(1, 40) differs between calls")
	}
	if reflect.DeepEqual(a, NewWorld(2, 40)) {
		t.Error("seeds 1 and 2 give the same world")
	}
	did := regexp.MustCompile(`^did:plc:[a-z2-7]{24}$`)
	seen := map[string]bool{}
	for _, acc := range a.Accounts {
		if !did.MatchString(acc.DID) || seen[acc.DID] {
			t.Errorf("DID %q malformed or repeated", acc.DID)
		}
		seen[acc.DID] = true
	}
	if len(a.Follows) == 0 || len(a.Posts) == 0 || len(a.Reposts) == 0 || len(a.Likes) == 0 {
		t.Errorf("empty parts: %d follows, %d posts, %d reposts, %d likes", len(a.Follows), len(a.Posts), len(a.Reposts), len(a.Likes))
	}
	var replies, quotes, mentions int
	for _, p := range a.Posts {
		if p.Parent != "" {
			replies++
		}
		if p.Quote != "" {
			quotes++
		}
		mentions += len(p.Mentions)
	}
	if replies == 0 || quotes == 0 || mentions == 0 {
		t.Errorf("%d replies, %d quotes, %d mentions", replies, quotes, mentions)
	}
}

func TestRateHeadersAndErrors(t *testing.T) {
	w := NewWorld(1, 10)
	s := NewServer(t, w)
	for _, tc := range []struct {
		nsid   string
		q      url.Values
		status int
		name   string
	}{
		{"app.bsky.actor.getProfile", url.Values{"actor": {w.Accounts[1].DID}}, 200, ""},
		{"app.bsky.actor.getProfile", url.Values{"actor": {"nobody.test"}}, 400, "InvalidRequest"},
		{"app.bsky.actor.getProfile", nil, 400, "InvalidRequest"},
		{"app.bsky.graph.getFollowers", url.Values{"actor": {"did:plc:nobody"}}, 400, "InvalidRequest"},
		{"app.bsky.graph.getFollowers", url.Values{"actor": {w.Accounts[0].DID}, "limit": {"101"}}, 400, "InvalidRequest"},
		{"app.bsky.graph.getFollowers", url.Values{"actor": {w.Accounts[0].DID}, "limit": {"0"}}, 400, "InvalidRequest"},
		{"app.bsky.graph.getFollowers", url.Values{"actor": {w.Accounts[0].DID}, "cursor": {"bogus"}}, 400, "InvalidRequest"},
		{"app.bsky.feed.getAuthorFeed", url.Values{"actor": {w.Accounts[0].DID}, "filter": {"everything"}}, 400, "InvalidRequest"},
		{"app.bsky.feed.getPostThread", url.Values{"uri": {"at://did:plc:x/app.bsky.feed.post/1"}}, 400, "NotFound"},
		{"app.bsky.actor.getProfiles", url.Values{"actors": strings.Split(strings.Repeat("a.test,", 26)[:7*26-1], ",")}, 400, "InvalidRequest"},
		{"app.bsky.unknown.method", nil, 501, "MethodNotImplemented"},
	} {
		r := get(t, s, tc.nsid, tc.q)
		if r.status != tc.status {
			t.Errorf("%s %v: status %d, want %d (%s)", tc.nsid, tc.q, r.status, tc.status, r.body)
		}
		if tc.name != "" {
			if m := decode(t, r); m["error"] != tc.name || m["message"] == "" {
				t.Errorf("%s %v: body %s, want error %s with a message", tc.nsid, tc.q, r.body, tc.name)
			}
		}
		for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"} {
			if r.header.Get(h) == "" {
				t.Errorf("%s: no %s header", tc.nsid, h)
			}
		}
	}
	if s.Requests() != 11 || s.Calls("app.bsky.graph.getFollowers") != 4 {
		t.Errorf("Requests %d, getFollowers calls %d", s.Requests(), s.Calls("app.bsky.graph.getFollowers"))
	}
}

// walk pages through a list with limit, returning the items' keys and the
// number of requests.
func walk(t *testing.T, s *Server, nsid, list, key string, q url.Values) (items []string, pages int) {
	t.Helper()
	cursors := map[string]bool{}
	for {
		r := get(t, s, nsid, q)
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		m := decode(t, r)
		pages++
		for _, it := range m[list].([]any) {
			v := it.(map[string]any)
			for _, k := range strings.Split(key, ".") {
				if next, ok := v[k].(map[string]any); ok {
					v = next
				} else {
					items = append(items, v[k].(string))
				}
			}
		}
		c, _ := m["cursor"].(string)
		if c == "" {
			return items, pages
		}
		if cursors[c] {
			t.Fatalf("cursor %q repeated", c)
		}
		cursors[c] = true
		q.Set("cursor", c)
	}
}

func TestPagination(t *testing.T) {
	w := NewWorld(3, 300)
	s := NewServer(t, w)
	x := newIndex(w)
	seed := w.Accounts[0].DID
	want := len(x.followers[seed])
	if want < 101 {
		t.Fatalf("account 0 has %d followers, want > 100 for paging", want)
	}
	for _, tc := range []struct {
		limit     string
		f         Faults
		wantPages int
	}{
		{"", Faults{}, (want + 49) / 50},
		{"100", Faults{}, (want + 99) / 100},
		{"100", Faults{ShortPage: 30}, (want + 29) / 30},
		{"100", Faults{TrailingCursor: true}, (want+99)/100 + 1},
		{"100", Faults{EmptyPages: 2}, (want+99)/100 + 2*((want+99)/100-1)},
	} {
		s.SetFaults(tc.f)
		q := url.Values{"actor": {seed}}
		if tc.limit != "" {
			q.Set("limit", tc.limit)
		}
		items, pages := walk(t, s, "app.bsky.graph.getFollowers", "followers", "did", q)
		if len(items) != want || pages != tc.wantPages {
			t.Errorf("limit %q %+v: %d items in %d pages, want %d in %d", tc.limit, tc.f, len(items), pages, want, tc.wantPages)
		}
		seen := map[string]bool{}
		for _, d := range items {
			if seen[d] {
				t.Errorf("follower %s listed twice", d)
			}
			seen[d] = true
		}
	}
	s.SetFaults(Faults{})
	// Every post's likes, by liker DID.
	for uri, likes := range x.likes {
		items, _ := walk(t, s, "app.bsky.feed.getLikes", "likes", "actor.did", url.Values{"uri": {uri}, "limit": {"1"}})
		if len(items) != len(likes) {
			t.Errorf("likes of %s: %d, want %d", uri, len(items), len(likes))
		}
		break
	}
	// An old-style cursor is an empty, final page.
	r := decode(t, get(t, s, "app.bsky.graph.getFollowers", url.Values{"actor": {seed}, "cursor": {"1700000000000::bafy"}}))
	if l := r["followers"].([]any); len(l) != 0 || r["cursor"] != nil {
		t.Errorf("old-style cursor: %v", r)
	}
	// RepeatCursor: the page asked with a cursor gives the same cursor back.
	s.SetFaults(Faults{RepeatCursor: true})
	first := decode(t, get(t, s, "app.bsky.graph.getFollowers", url.Values{"actor": {seed}}))
	c := first["cursor"].(string)
	second := decode(t, get(t, s, "app.bsky.graph.getFollowers", url.Values{"actor": {seed}, "cursor": {c}}))
	if second["cursor"] != c {
		t.Errorf("RepeatCursor: second cursor %v, want %q", second["cursor"], c)
	}
}

func TestFaults(t *testing.T) {
	w := NewWorld(1, 10)
	s := NewServer(t, w)
	q := url.Values{"actor": {w.Accounts[0].DID}}
	const nsid = "app.bsky.actor.getProfile"

	s.SetFaults(Faults{Fail429: 2, RetryAfter: 3})
	if r := get(t, s, nsid, q); r.status != 200 {
		t.Fatalf("first request: %d", r.status)
	}
	r := get(t, s, nsid, q)
	if r.status != 429 || string(r.body) != `{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`+"\n" ||
		r.header.Get("Retry-After") != "3" || r.header.Get("RateLimit-Remaining") != "0" {
		t.Errorf("429: %d %q %v", r.status, r.body, r.header)
	}
	reset, _ := strconv.ParseInt(r.header.Get("RateLimit-Reset"), 10, 64)
	if d := time.Until(time.Unix(reset, 0)); d < 2*time.Second || d > 4*time.Second {
		t.Errorf("RateLimit-Reset %d is %v away, want about 3 s", reset, d)
	}

	s.SetFaults(Faults{Fail5xx: 4, Burst5xx: 3}) // two requests so far: the 4th starts the burst
	var codes []int
	for range 5 {
		codes = append(codes, get(t, s, nsid, q).status)
	}
	if want := []int{200, 502, 502, 502, 200}; !reflect.DeepEqual(codes, want) { // requests 3..7
		t.Errorf("5xx burst: %v, want %v", codes, want)
	}

	s.SetFaults(Faults{HTMLError: 1})
	r = get(t, s, nsid, q)
	if r.status != 502 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "<html>") {
		t.Errorf("HTML error: %d %v", r.status, r.header)
	}

	s.SetFaults(Faults{Truncate: 1})
	r = get(t, s, nsid, q)
	if r.status != 200 || json.Valid(r.body) {
		t.Errorf("truncated: %d, valid JSON %v", r.status, json.Valid(r.body))
	}

	s.SetFaults(Faults{Slow: 1, SlowDelay: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/xrpc/"+nsid+"?"+q.Encode(), nil)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Error("slow response arrived before the client timeout")
	}

	s.SetFaults(Faults{RateLimit: 2, RateWindow: time.Hour})
	codes = codes[:0]
	for range 3 {
		codes = append(codes, get(t, s, nsid, q).status)
	}
	if codes[2] != 429 {
		t.Errorf("window of 2 points: %v, want the third refused", codes)
	}
}

func TestAuthorFeedPinsAndFilters(t *testing.T) {
	w := NewWorld(1, 40)
	s := NewServer(t, w)
	x := newIndex(w)
	var a Account
	for _, acc := range w.Accounts {
		if acc.Pinned != "" && len(x.feed[acc.DID]) > 1 {
			a = acc
			break
		}
	}
	if a.DID == "" {
		t.Fatal("no account with a pinned post")
	}
	m := decode(t, get(t, s, "app.bsky.feed.getAuthorFeed", url.Values{"actor": {a.DID}, "includePins": {"true"}, "limit": {"100"}}))
	feed := m["feed"].([]any)
	first := feed[0].(map[string]any)
	if first["reason"].(map[string]any)["$type"] != "app.bsky.feed.defs#reasonPin" || len(feed) != len(x.feed[a.DID])+1 {
		t.Errorf("includePins: first item %v, %d items for %d entries", first["reason"], len(feed), len(x.feed[a.DID]))
	}
	m = decode(t, get(t, s, "app.bsky.feed.getAuthorFeed", url.Values{"actor": {a.DID}, "limit": {"100"}}))
	if n := len(m["feed"].([]any)); n != len(x.feed[a.DID]) {
		t.Errorf("default feed: %d items, want %d", n, len(x.feed[a.DID]))
	}
	reposts := 0
	for _, it := range m["feed"].([]any) {
		if r, ok := it.(map[string]any)["reason"].(map[string]any); ok {
			if r["$type"] != "app.bsky.feed.defs#reasonRepost" || r["by"].(map[string]any)["did"] != a.DID {
				t.Errorf("reason %v", r)
			}
			reposts++
		}
	}
	noReplies := decode(t, get(t, s, "app.bsky.feed.getAuthorFeed", url.Values{"actor": {a.DID}, "limit": {"100"}, "filter": {"posts_no_replies"}}))
	for _, it := range noReplies["feed"].([]any) {
		item := it.(map[string]any)
		if item["reason"] == nil && item["reply"] != nil {
			t.Errorf("posts_no_replies lists a reply")
		}
	}
}

func TestExpectedDepths(t *testing.T) {
	w := NewWorld(2, 50)
	seed := w.Accounts[0].DID
	x := newIndex(w)
	accounts, follows, events := w.Expected([]string{seed}, 1, Crawl{NoEngagement: true})
	if len(follows) != len(x.followers[seed]) {
		t.Errorf("depth 1: %d follows, want the seed's %d followers", len(follows), len(x.followers[seed]))
	}
	for _, e := range events {
		if e.Src != seed {
			t.Errorf("without engagement, event %+v is not the seed's", e)
		}
	}
	a2, f2, e2 := w.Expected([]string{"@" + w.Accounts[0].Handle}, 2, Crawl{Follows: true})
	if len(a2) <= len(accounts) || len(f2) <= len(follows) || len(e2) <= len(events) {
		t.Errorf("depth 2 with follows and engagement is not larger: %d/%d/%d vs %d/%d/%d", len(a2), len(f2), len(e2), len(accounts), len(follows), len(events))
	}
	for _, e := range append(f2, e2...) {
		if e.Src == e.Dst {
			t.Errorf("self-loop %+v", e)
		}
	}
}
