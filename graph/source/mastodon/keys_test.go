package mastodon

import (
	"testing"

	"github.com/clout-cli/clout/graph/source/crawl"
)

func TestAcctKey(t *testing.T) {
	for _, tc := range []struct{ acct, home, want string }{
		{"alice", "example.social", "alice@example.social"},
		{"Alice", "Example.Social", "Alice@example.social"},
		{"bob@Other.EXAMPLE", "example.social", "bob@other.example"},
		{"@bob@other.example.", "x", "bob@other.example"},
		{"carol@localhost:3000", "x", "carol@localhost:3000"},
		{"dörte@bücher.example", "x", "dörte@bücher.example"},
	} {
		got, err := acctKey(tc.acct, tc.home)
		if err != nil || got != tc.want {
			t.Errorf("acctKey(%q, %q) = %q, %v; want %q", tc.acct, tc.home, got, err, tc.want)
		}
	}
	for _, acct := range []string{"", "@", "a@", "@b", "a@b@c", "a b@c", "a@b/c", "a@b?c", "a@evil.example/x#"} {
		if got, err := acctKey(acct, "home.example"); err == nil && acct != "@b" {
			t.Errorf("acctKey(%q) = %q, want an error", acct, got)
		}
	}
}

func TestCursorURL(t *testing.T) {
	c := crawl.NewClient(crawl.ClientConfig{})
	direct, _ := New(c, Config{})
	next := "https://example.social/api/v1/accounts/1/followers?limit=80&max_id=5"
	if got, err := direct.cursorURL(next, "example.social"); err != nil || got != next {
		t.Errorf("same host: %q, %v", got, err)
	}
	for _, bad := range []string{
		"https://evil.example/api/v1/accounts/1/followers?max_id=5",
		"http://example.social/api/v1/accounts/1/followers?max_id=5",
		"/api/v1/accounts/1/followers",
		"::",
	} {
		if got, err := direct.cursorURL(bad, "example.social"); err == nil {
			t.Errorf("cursorURL(%q) = %q, want an error", bad, got)
		}
	}
	proxy, err := New(c, Config{API: "http://127.0.0.1:8080/masto/"})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		next: "http://127.0.0.1:8080/masto/api/v1/accounts/1/followers?limit=80&max_id=5",
		"http://127.0.0.1:8080/masto/api/v1/accounts/1/followers?max_id=5": "http://127.0.0.1:8080/masto/api/v1/accounts/1/followers?max_id=5",
	} {
		if got, err := proxy.cursorURL(in, "example.social"); err != nil || got != want {
			t.Errorf("proxy cursorURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got := proxy.endpoint("example.social", "/api/v1/accounts/lookup", nil); got != "http://127.0.0.1:8080/masto/api/v1/accounts/lookup" {
		t.Errorf("endpoint = %q", got)
	}
	for _, bad := range []string{"ftp://x", "example.social", "http://", "http://x/?q=1"} {
		if _, err := New(c, Config{API: bad}); err == nil {
			t.Errorf("New(API %q) accepted", bad)
		}
	}
}
