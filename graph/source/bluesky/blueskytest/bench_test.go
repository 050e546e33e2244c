package blueskytest

import (
	"net/http"
	"net/url"
	"testing"
)

// BenchmarkBigWorld builds the 10,000-account, ~1,000,000-follow world of
// the crawl speed target and its index.
func BenchmarkBigWorld(b *testing.B) {
	for b.Loop() {
		w := NewWorldWith(1, WorldOptions{Accounts: 10_000, FollowsPerAccount: 100})
		_ = newIndex(w)
	}
}

// BenchmarkFollowersPage serves one page of 100 followers.
func BenchmarkFollowersPage(b *testing.B) {
	w := NewWorldWith(1, WorldOptions{Accounts: 2_000, FollowsPerAccount: 20})
	s := NewServer(b, w)
	u := s.URL + "/xrpc/app.bsky.graph.getFollowers?" + url.Values{"actor": {w.Accounts[0].DID}, "limit": {"100"}}.Encode()
	for b.Loop() {
		r, err := http.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		r.Body.Close()
	}
}
