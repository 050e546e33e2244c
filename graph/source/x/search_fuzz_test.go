package x

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph"
)

// FuzzSearchPage feeds arbitrary bytes to the recent-search page parser:
// it must never panic, and its posts, participants and edges must be
// well-formed.
func FuzzSearchPage(f *testing.F) {
	for _, name := range []string{"search.json", "timeline.json", "empty.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"data":[{"id":"5","author_id":"1","text":"RT @a: x","referenced_tweets":[{"type":"retweeted","id":"6"}]}],"includes":{"tweets":[{"id":"6","author_id":"2","created_at":"bad"},{"id":"x"}]},"meta":{"next_token":"t"}}`))
	f.Add([]byte(`{"data":[{"id":"5","referenced_posts":[{"type":"quoted","id":"99999999999999999999"}],"entities":{"hashtags":[{"tag":"#Go"},{"tag":""}]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var env envelope
		if json.Unmarshal(b, &env) != nil {
			return
		}
		pg, err := searchPage(&env)
		if err != nil {
			return
		}
		for _, p := range slices.Concat(pg.PostRecords, pg.Refs) {
			if p.Platform != Name || !validID(p.ID) || (p.Author != "" && !validID(p.Author)) || (p.Parent != "" && !validID(p.Parent)) {
				t.Fatalf("bad post %+v", p)
			}
			if p.Kind == graph.RepostPost && p.Parent == "" || p.TextLen < 0 {
				t.Fatalf("bad post %+v", p)
			}
			for _, h := range p.Hashtags {
				if h == "" || h != strings.ToLower(h) {
					t.Fatalf("bad hashtag %q", h)
				}
			}
		}
		for _, k := range pg.Found {
			if !validID(k) {
				t.Fatalf("bad participant %q", k)
			}
		}
		for _, id := range pg.Posts {
			if !slices.ContainsFunc(pg.PostRecords, func(p graph.Post) bool { return p.ID == id }) {
				t.Fatalf("post %s without its record", id)
			}
		}
		for _, e := range pg.Edges {
			if e.Platform != Name || !validID(e.Src) || !validID(e.Dst) || e.Src == e.Dst {
				t.Fatalf("bad edge %+v", e)
			}
		}
	})
}
