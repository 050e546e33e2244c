package jetstream

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clout-cli/clout/graph/source/bluesky"
	"github.com/clout-cli/clout/graph/source/jetstream/jetstreamtest"
)

// FuzzParseMessage feeds arbitrary messages to the parser and to the
// processor that decides what is kept: nothing may panic, every message is
// either parsed or counted as skipped, and what is kept is well formed.
func FuzzParseMessage(f *testing.F) {
	b, _ := chat()
	for _, m := range b.Msgs {
		f.Add(m.Data)
	}
	for i := range 20 {
		f.Add((&jetstreamtest.Synthetic{N: 20, StepUS: 1000, Seed: 1, Accounts: 5, Tag: "ciscosmt", TagEvery: 2}).Message(i).Data)
	}
	f.Add([]byte(`{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"x","record":{"text":"#ciscosmt","facets":[{"features":[{"$type":"app.bsky.richtext.facet#tag","tag":7}]},{"features":"x"}],"embed":{"$type":"app.bsky.embed.recordWithMedia","record":{"record":{"uri":5}}},"reply":[]}}}`))
	f.Add([]byte(`{"did":"did:plc:a","time_us":1,"kind":"sync"}`))
	f.Add([]byte(`{"did":"did:plc:a","time_us":-1,"kind":"commit","commit":null}`))
	f.Add([]byte("\x28\xb5\x2f\xfd not json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st := &Stats{}
		p := &processor{tags: []string{"ciscosmt", "chathour"}, kept: newKeptSet(10, nil, Platform), stats: st, known: newRecentSet(10)}
		p.kept.add("at://did:plc:alice/app.bsky.feed.post/q1")
		if err := p.message(context.Background(), data); err != nil {
			t.Fatalf("message: %v", err)
		}
		// The one-pass decoding keeps exactly what the exact path keeps.
		slow := &processor{tags: p.tags, kept: newKeptSet(10, nil, Platform), stats: &Stats{}, known: newRecentSet(10), slow: true}
		slow.kept.add("at://did:plc:alice/app.bsky.feed.post/q1")
		if err := slow.message(context.Background(), data); err != nil {
			t.Fatalf("message (exact path): %v", err)
		}
		if !reflect.DeepEqual(p.b, slow.b) || st.Seen.Load() != slow.stats.Seen.Load() {
			t.Fatalf("one-pass and exact decoding differ:\n%+v\n%+v", p.b, slow.b)
		}
		e, err := ParseEvent(data)
		if err != nil {
			if st.Skipped() != 1 {
				t.Fatalf("ParseEvent failed (%v) but %d messages counted as skipped", err, st.Skipped())
			}
			return
		}
		if e.DID == "" || e.TimeUS <= 0 {
			t.Fatalf("parsed event without did or time: %+v", e)
		}
		for _, post := range p.b.posts {
			if post.ID == "" || post.Author == "" || !bluesky.IsDID(post.Author) || post.At.IsZero() {
				t.Fatalf("kept post is not well formed: %+v", post)
			}
			for _, tag := range post.Hashtags {
				if tag == "" || tag != strings.ToLower(tag) || strings.HasPrefix(tag, "#") {
					t.Fatalf("hashtag %q not normalized", tag)
				}
			}
		}
		for _, ed := range p.b.edges {
			if !bluesky.IsDID(ed.Src) || !bluesky.IsDID(ed.Dst) || ed.PostID == "" || !ed.Kind.IsInteraction() {
				t.Fatalf("kept event is not well formed: %+v", ed)
			}
		}
		if e.Commit != nil && len(e.Commit.Record) > 0 {
			_, _ = ParsePost(e.Commit.Record)
			_, _ = ParseSubject(e.Commit.Record)
		}
	})
}

// FuzzTextTags checks the hashtag scanner on any text: every tag is a
// substring of the text following a '#', non-empty, at most 64 characters.
func FuzzTextTags(f *testing.F) {
	for _, s := range []string{"#a #b", "x#no #yes!", "#1 #1a", "＃full", "#\ufe0fx", "#a\u200bb", "## #", strings.Repeat("#a", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tag := range TextTags(s) {
			if tag == "" || utf8.RuneCountInString(tag) > 64 || !strings.Contains(s, tag) {
				t.Fatalf("TextTags(%q) gave %q", s, tag)
			}
		}
	})
}
