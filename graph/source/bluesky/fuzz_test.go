package bluesky

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// checkPage asserts what every page must satisfy whatever the input: keys
// are DIDs, edges are on this platform.
func checkPage(t *testing.T, pg *crawl.Page) {
	t.Helper()
	for _, e := range pg.Edges {
		if e.Platform != Name || !IsDID(e.Src) || !IsDID(e.Dst) {
			t.Fatalf("bad edge %+v", e)
		}
	}
	for _, k := range pg.Found {
		if !IsDID(k) {
			t.Fatalf("bad found key %q", k)
		}
	}
	for _, a := range pg.Accounts {
		if a.Platform != Name || !IsDID(a.Key) {
			t.Fatalf("bad account %+v", a)
		}
	}
	for _, p := range append(slices.Clone(pg.PostRecords), pg.Refs...) {
		if p.Platform != Name || !IsDID(p.Author) || uriDID(p.ID) != p.Author || p.Kind > graph.RepostPost ||
			(p.Kind == graph.Original) != (p.Parent == "") {
			t.Fatalf("bad post %+v", p)
		}
	}
}

// FuzzPages feeds arbitrary JSON to every page parser; none may panic or
// return an invalid key.
func FuzzPages(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"feed":[{"post":{"uri":"at://did:plc:a/app.bsky.feed.post/1","author":{"did":"did:plc:a"},"record":{"reply":{"parent":{"uri":"at://x"}},"embed":{"$type":"app.bsky.embed.recordWithMedia","record":{"record":{"uri":5}}},"facets":[{"features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:x:y"},7]},null],"tags":[1,"#"]}}}]}`,
		`{"feed":[{"post":{"uri":"u","author":{"did":"did:plc:b"}},"reason":{"$type":"app.bsky.feed.defs#reasonRepost","by":{"did":"did:plc:a"}}}]}`,
		`{"thread":{"$type":"app.bsky.feed.defs#threadViewPost","replies":[{},null,[],{"$type":"app.bsky.feed.defs#threadViewPost","post":{"uri":"x","author":{"did":"did:a:b"},"record":"s"}}]}}`,
		`{"feed":[{"post":{"uri":"at://did:plc:a/app.bsky.feed.post/1","author":{"did":"did:plc:a"},"record":{"embed":{"$type":"app.bsky.embed.record","record":{"uri":"at://h.test/app.bsky.feed.post/2"}}},"embed":{"$type":"app.bsky.embed.recordWithMedia#view","record":{"$type":"app.bsky.embed.recordWithMedia#view","record":{}}}}}]}`,
		`null`, `[]`, `{}`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	const subject = "did:plc:a"
	f.Fuzz(func(t *testing.T, b []byte) {
		var feed authorFeed
		if json.Unmarshal(b, &feed) == nil {
			checkPage(t, feedPage(subject, &feed))
			for i := range feed.Feed {
				_ = viewQuoteAuthor(feed.Feed[i].Post.Embed)
			}
		}
		var fl followers
		if json.Unmarshal(b, &fl) == nil {
			checkPage(t, followersPage(subject, &fl))
		}
		var fw follows
		if json.Unmarshal(b, &fw) == nil {
			checkPage(t, followsPage(subject, &fw))
		}
		var rb repostedBy
		if json.Unmarshal(b, &rb) == nil {
			checkPage(t, repostedByPage("at://did:plc:a/app.bsky.feed.post/1", subject, &rb))
		}
		var q quotes
		if json.Unmarshal(b, &q) == nil {
			checkPage(t, quotesPage(subject, &q))
		}
		var l likes
		if json.Unmarshal(b, &l) == nil {
			checkPage(t, likesPage("at://did:plc:a/app.bsky.feed.post/1", subject, &l))
		}
		var th postThread
		if json.Unmarshal(b, &th) == nil {
			checkPage(t, repliesPage(subject, &th))
		}
		rec := decodeRecord(b)
		for _, m := range rec.mentions {
			if !IsDID(m) {
				t.Fatalf("mention %q is not a DID", m)
			}
		}
		_ = embedQuoteURI(b)
		_ = viewQuoteAuthor(b)
	})
}

// FuzzSeedAndHeaders: seeds, AT-URIs, datetimes and rate-limit headers of
// any form are parsed without panics, and what is accepted is well-formed.
func FuzzSeedAndHeaders(f *testing.F) {
	for _, s := range []string{"@bsky.app", "did:plc:z72i7hdynmk6r22z27h6tvur", "https://bsky.app/profile/x.y/", "at://", "3000;w=300", "1e9", "2025-01-01T00:00:00Z", "Mon, 02 Jan 2006 15:04:05 GMT", "did:web:a%3A"} {
		f.Add(s)
	}
	now := time.Unix(1_750_000_000, 0)
	f.Fuzz(func(t *testing.T, s string) {
		if a, err := normalizeSeed(s); err == nil && !IsDID(a) && !isHandle(a) {
			t.Fatalf("normalizeSeed(%q) = %q, neither DID nor handle", s, a)
		}
		_, _, _, _ = splitATURI(s)
		if d := postDID(s); d != "" && !IsDID(d) {
			t.Fatalf("postDID(%q) = %q", s, d)
		}
		_ = sortAt(s, s)
		h := http.Header{}
		for _, k := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy", "Retry-After"} {
			h.Set(k, s)
		}
		ri := RateHeaders(h, now)
		if ri.RetryAfter < 0 || ri.Limit < 0 || ri.Remaining < 0 {
			t.Fatalf("RateHeaders(%q) = %+v", s, ri)
		}
	})
}
