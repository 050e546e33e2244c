package mastodontest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, c *http.Client, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// handWorld: alice@a.example has 85 followers on a.example and b.example;
// bob@b.example hides his lists.
func handWorld() *World {
	w := &World{Domains: []string{"a.example", "b.example"}}
	w.Accounts = append(w.Accounts,
		Account{Username: "alice", Domain: "a.example", DisplayName: "Alice"},
		Account{Username: "bob", Domain: "b.example", HideCollections: true})
	for i := range 85 {
		w.Accounts = append(w.Accounts, Account{Username: "f" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), Domain: w.Domains[i%2]})
		w.Follows = append(w.Follows, Follow{Src: len(w.Accounts) - 1, Dst: 0})
	}
	w.Follows = append(w.Follows, Follow{Src: 0, Dst: 1})
	w.Statuses = []Status{
		{Author: 0, At: Epoch, Reblog: -1, InReplyTo: -1, Quote: -1, Text: "hello", Tags: []string{"Go"}},
		{Author: 1, At: Epoch.Add(time.Second), Reblog: -1, InReplyTo: 0, Quote: -1, Mentions: []int{0}},
		{Author: 2, At: Epoch.Add(2 * time.Second), Reblog: 0, InReplyTo: -1, Quote: -1},
		{Author: 1, At: Epoch.Add(3 * time.Second), Reblog: -1, InReplyTo: -1, Quote: 0, QuoteState: "accepted"},
	}
	return w
}

func TestIDsPerInstance(t *testing.T) {
	w := handWorld()
	s := NewServer(t, w)
	c := &http.Client{Transport: s.Transport()}
	var onA, onB, viaAPI map[string]any
	_, b := get(t, c, "https://a.example/api/v1/accounts/lookup?acct=bob@b.example")
	json.Unmarshal(b, &onA)
	_, b = get(t, c, "https://b.example/api/v1/accounts/lookup?acct=bob")
	json.Unmarshal(b, &onB)
	_, b = get(t, http.DefaultClient, s.URL+"/api/v1/accounts/lookup?acct=bob@b.example")
	json.Unmarshal(b, &viaAPI)
	if onA["acct"] != "bob@b.example" || onB["acct"] != "bob" || onA["id"] == onB["id"] {
		t.Errorf("a.example sees %v/%v, b.example %v/%v", onA["id"], onA["acct"], onB["id"], onB["acct"])
	}
	if viaAPI["id"] != onB["id"] || viaAPI["hide_collections"] != true {
		t.Errorf("via the API URL: %v", viaAPI)
	}
	// An id of one instance is unknown on another.
	resp, b := get(t, c, "https://a.example/api/v1/accounts/"+onB["id"].(string))
	if resp.StatusCode != 404 || string(b) != `{"error":"Record not found"}` {
		t.Errorf("foreign id: %d %s", resp.StatusCode, b)
	}
}

func TestFollowersPaging(t *testing.T) {
	s := NewServer(t, handWorld())
	c := &http.Client{Transport: s.Transport()}
	id := AccountID(0, 0)
	// limit is clamped to 80; the full page carries rel="next" with max_id.
	resp, b := get(t, c, "https://a.example/api/v1/accounts/"+id+"/followers?limit=500")
	var page []map[string]any
	if err := json.Unmarshal(b, &page); err != nil || len(page) != 80 {
		t.Fatalf("page of %d (%v)", len(page), err)
	}
	link := resp.Header.Get("Link")
	if !strings.HasPrefix(link, "<https://a.example/api/v1/accounts/"+id+"/followers?limit=500&max_id=") || !strings.Contains(link, `rel="next"`) || !strings.Contains(link, `rel="prev"`) {
		t.Fatalf("Link %q", link)
	}
	next := link[1:strings.Index(link, ">")]
	resp, b = get(t, c, next)
	json.Unmarshal(b, &page)
	if len(page) != 5 || strings.Contains(resp.Header.Get("Link"), `rel="next"`) {
		t.Errorf("last page: %d items, Link %q", len(page), resp.Header.Get("Link"))
	}
	// Newest follow first: the last follower made is first.
	_, b = get(t, c, "https://a.example/api/v1/accounts/"+id+"/followers")
	json.Unmarshal(b, &page)
	if len(page) != 40 || page[0]["acct"] != "fgxxx@a.example" && page[0]["acct"] != "fgxxx" {
		t.Errorf("default page: %d, first %v", len(page), page[0]["acct"])
	}
	// b.example only knows its own followers of alice.
	_, b = get(t, c, "https://b.example/api/v1/accounts/"+AccountID(1, 0)+"/followers?limit=80")
	json.Unmarshal(b, &page)
	if len(page) != 42 {
		t.Errorf("remote list has %d, want the 42 b.example followers", len(page))
	}
	// Hidden: 200 with [].
	resp, b = get(t, c, "https://b.example/api/v1/accounts/"+AccountID(1, 1)+"/following")
	if resp.StatusCode != 200 || string(b) != "[]" || resp.Header.Get("Link") != "" {
		t.Errorf("hidden list: %d %s", resp.StatusCode, b)
	}
}

func TestStatusShapes(t *testing.T) {
	s := NewServer(t, handWorld())
	c := &http.Client{Transport: s.Transport()}
	_, b := get(t, c, "https://b.example/api/v1/accounts/"+AccountID(1, 1)+"/statuses")
	var sts []map[string]any
	if err := json.Unmarshal(b, &sts); err != nil || len(sts) != 2 {
		t.Fatalf("%d statuses, %v", len(sts), err)
	}
	q := sts[0]["quote"].(map[string]any)
	if q["state"] != "accepted" || q["quoted_status"].(map[string]any)["account"].(map[string]any)["acct"] != "alice@a.example" {
		t.Errorf("quote %v", q)
	}
	r := sts[1]
	if r["in_reply_to_id"] != StatusID(1, 0) || r["in_reply_to_account_id"] != AccountID(1, 0) ||
		r["mentions"].([]any)[0].(map[string]any)["id"] != AccountID(1, 0) {
		t.Errorf("reply %v", r)
	}
	_, b = get(t, c, "https://a.example/api/v1/statuses/"+StatusID(0, 0)+"/context")
	var cx map[string][]map[string]any
	json.Unmarshal(b, &cx)
	if len(cx["descendants"]) != 1 || cx["descendants"][0]["uri"] != w0uri(s, 1) {
		t.Errorf("context %v", cx)
	}
	_, b = get(t, c, "https://a.example/api/v1/statuses/"+StatusID(0, 0)+"/reblogged_by")
	var accs []map[string]any
	json.Unmarshal(b, &accs)
	if len(accs) != 1 || accs[0]["id"] != AccountID(0, 2) {
		t.Errorf("reblogged_by %v", accs)
	}
}

func w0uri(s *Server, j int) string { return s.World().StatusURI(j) }

func TestThrottle(t *testing.T) {
	s := NewServer(t, handWorld())
	s.SetThrottles(Throttle{Limit: 2, Window: time.Hour}, Throttle{Limit: 100, Window: time.Hour})
	id := AccountID(0, 0)
	first := s.URL + "/api/v1/accounts/" + id + "/followers"
	paged := first + "?max_id=50"
	for range 3 {
		if resp, _ := get(t, http.DefaultClient, first); resp.StatusCode != 200 {
			t.Fatalf("unpaged request throttled: %d", resp.StatusCode)
		}
	}
	for i := range 3 {
		resp, b := get(t, http.DefaultClient, paged)
		want := 200
		if i == 2 {
			want = 429
		}
		if resp.StatusCode != want {
			t.Fatalf("paged request %d: %d", i, resp.StatusCode)
		}
		if i == 2 {
			if string(b) != `{"error":"Too many requests"}` || resp.Header.Get("Retry-After") != "" ||
				resp.Header.Get("X-RateLimit-Remaining") != "0" || resp.Header.Get("X-RateLimit-Limit") != "2" {
				t.Errorf("429: %s %v", b, resp.Header)
			}
			reset, err := time.Parse("2006-01-02T15:04:05.000000Z", resp.Header.Get("X-RateLimit-Reset"))
			if err != nil || !reset.After(time.Now()) {
				t.Errorf("reset %q: %v", resp.Header.Get("X-RateLimit-Reset"), err)
			}
		}
	}
	if s.RateLimited() != 1 {
		t.Errorf("RateLimited = %d", s.RateLimited())
	}
}

func TestFaults(t *testing.T) {
	s := NewServer(t, handWorld())
	u := s.URL + "/api/v1/accounts/" + AccountID(0, 0)
	s.SetFaults(Faults{HTML: 1, Burst5xx: 1, Malformed: 1})
	if resp, b := get(t, http.DefaultClient, u); resp.StatusCode != 502 || !strings.Contains(string(b), "<html>") {
		t.Errorf("HTML: %d", resp.StatusCode)
	}
	if resp, _ := get(t, http.DefaultClient, u); resp.StatusCode != 503 {
		t.Errorf("5xx: %d", resp.StatusCode)
	}
	if _, b := get(t, http.DefaultClient, u); json.Valid(b) {
		t.Errorf("malformed: %s", b)
	}
	s.SetFaults(Faults{Truncated: 1})
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("truncated body read without error")
	}
	resp.Body.Close()
	if resp, b := get(t, http.DefaultClient, u); resp.StatusCode != 200 || !json.Valid(b) {
		t.Errorf("after faults: %d", resp.StatusCode)
	}
	s.SetFaults(Faults{Every429: 2})
	n429 := 0
	for range 4 {
		if resp, _ := get(t, http.DefaultClient, u); resp.StatusCode == 429 {
			n429++
		}
	}
	if n429 != 2 {
		t.Errorf("Every429: 2: %d of 4 requests limited", n429)
	}
	s.SetFaults(Faults{LoopNext: 1})
	resp, _ = get(t, http.DefaultClient, s.URL+"/api/v1/accounts/"+AccountID(0, 0)+"/followers?limit=80")
	if l := resp.Header.Get("Link"); l != "<"+s.URL+"/api/v1/accounts/"+AccountID(0, 0)+`/followers?limit=80>; rel="next"` {
		t.Errorf("LoopNext Link %q", l)
	}
}

func TestNewWorldDeterministic(t *testing.T) {
	a, b := NewWorld(3, 60), NewWorld(3, 60)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Error("same seed, different worlds")
	}
	if !a.Accounts[2].HideCollections || !a.Accounts[5].LegacyHidden || a.Accounts[0].Username != a.Accounts[1].Username {
		t.Error("world lacks its documented features")
	}
}
