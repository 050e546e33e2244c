package twarc

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

func pst(id, author, when string, k graph.PostKind, parent string, textLen int, tags ...string) graph.Post {
	p := graph.Post{Platform: "twitter", ID: id, Author: author, Kind: k, Parent: parent, TextLen: textLen}
	if when != "" {
		p.At = at(when)
	}
	if len(tags) > 0 {
		p.Hashtags = tags
	}
	return p
}

// The expected posts were read off the fixtures with Python (json, len of
// the text: code points), not with this package.
func TestFixturePosts(t *testing.T) {
	const (
		orig   = graph.Original
		reply  = graph.ReplyPost
		quote  = graph.QuotePost
		repost = graph.RepostPost
	)
	tests := []struct {
		file  string
		posts []graph.Post
	}{
		{"v1.jsonl", []graph.Post{
			pst("1050118621198921728", bob, "2018-10-10T20:19:24Z", orig, "", 47, "foo", "bar"),
			pst("1050118621198921729", dave, "2018-10-10T20:20:00Z", repost, "1050100000000000001", 79, "climate"),
			pst("1050100000000000001", alice, "2018-10-10T18:00:00Z", orig, "", 66, "climate"),
			pst("1050118621198921730", carol, "2018-10-10T21:00:00Z", quote, "1050100000000000002", 33),
			pst("1050100000000000002", erin, "2018-10-10T17:00:00Z", orig, "", 9),
			pst("1050118621198921731", erin, "2018-10-11T08:00:00Z", reply, "1050118621198921728", 27),
			// Compat mode: extended_tweet.full_text (71), not text (58).
			pst("1050118621198921732", alice, "2018-10-11T09:00:00Z", orig, "", 71, "longread"),
			pst("1050118621198921733", alice, "2018-10-11T09:01:00Z", reply, "1050118621198921732", 29),
		}},
		{"page.jsonl", []graph.Post{
			// The retweet's original is in includes: its hashtags.
			pst("1380242611781386245", u1, "2021-04-08T19:34:16Z", repost, "1380175475545362437", 83, "rusia"),
			pst("1380242611781386246", u3, "2021-04-08T19:35:00Z", quote, "1370000000000000000", 41),
			pst("1380242611781386247", u4, "2021-04-08T19:36:00Z", reply, "1377266697850257410", 41, "go"),
			pst("1380242611781386248", u5, "2021-04-08T19:37:00Z", reply, "1377640162566496258", 41),
			pst("1380242611781386249", u2, "2021-04-08T19:38:00Z", quote, "1377640162566496258", 27),
			pst("1380242611781386250", u5, "2021-04-08T19:39:00Z", repost, "1377266697850250000", 42),
			// Only in includes.tweets.
			pst("1380175475545362437", u2, "2021-04-08T15:07:30Z", orig, "", 62, "rusia"),
			pst("1377266697850257410", u1, "2021-03-31T14:29:03Z", orig, "", 24),
			pst("1377640162566496258", u3, "2021-04-01T15:13:04Z", orig, "", 22),
		}},
		{"flattened.jsonl", []graph.Post{
			pst("1380242611781386245", u1, "2021-04-08T19:34:16Z", repost, "1380175475545362437", 83, "rusia"),
			pst("1380175475545362437", u2, "2021-04-08T15:07:30Z", orig, "", 62, "rusia"),
			pst("1380242611781386247", u4, "2021-04-08T19:36:00Z", reply, "1377266697850257410", 41, "go"),
			pst("1377266697850257410", u1, "2021-03-31T14:29:03Z", orig, "", 24),
			pst("1380242611781386246", u3, "2021-04-08T19:35:00Z", quote, "1370000000000000000", 41),
			pst("1377650090978992134", u3, "2021-04-01T15:52:31Z", quote, "1377640162566496258", 28),
			pst("1377640162566496258", u4, "2021-04-01T15:13:04Z", orig, "", 22),
		}},
		{"stream.jsonl", []graph.Post{
			pst("1377650093109743620", "3026521093", "2021-04-01T15:52:32Z", reply, "1377266697850257410", 30),
			pst("1377266697850257410", u4, "2021-03-31T14:29:03Z", orig, "", 24),
			pst("1377650387579248643", "387869763", "2021-04-01T15:53:42Z", orig, "", 58, "dogsoftwitter", "dogs"),
		}},
		// A pinned tweet in includes.tweets of two pages: sent once per
		// line, stored once.
		{"followers.jsonl", []graph.Post{
			pst("1434874170039545862", "119369819", "2021-09-06T13:00:00Z", orig, "", 6),
			pst("1434874170039545862", "119369819", "2021-09-06T13:00:00Z", orig, "", 6),
		}},
		{"following.jsonl", []graph.Post{
			pst("1434874170039545862", "119369819", "2021-09-06T13:00:00Z", orig, "", 6),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rec, _, err := importFile(t, tt.file, source.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.posts) != len(tt.posts) {
				t.Errorf("got %d posts, want %d", len(rec.posts), len(tt.posts))
			}
			for i := range max(len(rec.posts), len(tt.posts)) {
				var got, want graph.Post
				if i < len(rec.posts) {
					got = rec.posts[i]
				}
				if i < len(tt.posts) {
					want = tt.posts[i]
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("post %d:\n got %+v\nwant %+v", i, got, want)
				}
			}
		})
	}
}

func TestKeepText(t *testing.T) {
	without, _, err := importFile(t, "v1.jsonl", source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range without.posts {
		if p.Text != "" {
			t.Fatalf("post %s has text %q without KeepText", p.ID, p.Text)
		}
	}
	with, _, err := importFile(t, "v1.jsonl", source.Options{KeepText: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(with.posts) != len(without.posts) {
		t.Fatalf("%d posts with text, %d without", len(with.posts), len(without.posts))
	}
	for i, p := range with.posts {
		if n := len([]rune(p.Text)); n != p.TextLen || n == 0 {
			t.Errorf("post %s: text %q of %d characters, TextLen %d", p.ID, p.Text, n, p.TextLen)
		}
		if q := without.posts[i]; q.TextLen != p.TextLen {
			t.Errorf("post %s: TextLen %d with text, %d without", p.ID, p.TextLen, q.TextLen)
		}
	}
	// Escaped text is decoded before it is measured.
	line := []byte(`{"data":{"id":"1","author_id":"2","text":"caf\u00e9 \"x\""}}`)
	rec := &recorder{}
	if err := Import(context.Background(), bytes.NewReader(line), source.Options{KeepText: true}, rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.posts) != 1 || rec.posts[0].Text != `café "x"` || rec.posts[0].TextLen != 8 {
		t.Fatalf("posts %+v", rec.posts)
	}
}

func TestPostSinkError(t *testing.T) {
	f, err := os.Open(filepath.Join(fixtures, "page.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec := &recorder{failPost: 3}
	err = Import(context.Background(), f, source.Options{Name: "page.jsonl"}, rec)
	if !errors.Is(err, errSink) {
		t.Fatalf("err = %v, want the sink's error", err)
	}
}

// A sink that is no graph.PostSink gets the graph as before.
type graphOnly struct{ edges int }

func (g *graphOnly) Account(graph.Account) error { return nil }
func (g *graphOnly) Edge(graph.Edge) error       { g.edges++; return nil }

func TestGraphOnlySink(t *testing.T) {
	f, err := os.Open(filepath.Join(fixtures, "page.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g := &graphOnly{}
	if err := Import(context.Background(), f, source.Options{}, g); err != nil {
		t.Fatal(err)
	}
	if g.edges != 8 {
		t.Fatalf("%d edges, want 8", g.edges)
	}
}
