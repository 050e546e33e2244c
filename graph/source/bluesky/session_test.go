package bluesky

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/clout-cli/clout/graph"
)

func TestSecretNeverPrints(t *testing.T) {
	const pw = "abcd-efgh-ijkl-mnop"
	c := Credentials{Identifier: "me.test", Password: pw}
	out := []string{
		fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s %q %x %X %d", c, c, c, c.Password, c.Password, c.Password, c.Password, c.Password),
		fmt.Sprintf("%v", &c), fmt.Sprintf("%10.3s", c.Password),
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, string(b))
	for _, s := range out {
		if strings.Contains(s, pw) || strings.Contains(s, "abcd") {
			t.Errorf("the password shows in %q", s)
		}
	}
	if !strings.Contains(out[0], "me.test") {
		t.Errorf("the identifier should print: %q", out[0])
	}
}

func TestTextTags(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"#CloutChat Q1", []string{"CloutChat"}},
		{"answer #cloutchat.", []string{"cloutchat"}},
		{"two #a #b!", []string{"a", "b"}},
		{"mid#word and\t#tab\n#newline", []string{"tab", "newline"}},
		{"#123 #1a #️⃣ # #!!", []string{"1a"}},
		{"＃全角 #日本語", []string{"全角", "日本語"}},
		{"#zero\u200bwidth", []string{"zero"}},
		{"#" + strings.Repeat("x", 65) + " #" + strings.Repeat("y", 64), []string{strings.Repeat("y", 64)}},
		{"(#paren)", nil},
		{"#a#b", []string{"a#b"}},
		{"", nil},
	}
	for _, tc := range tests {
		if got := textTags(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("textTags(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestPostOf(t *testing.T) {
	const a = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"
	const b = "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb"
	uri := "at://" + a + "/app.bsky.feed.post/3k1"
	parent := "at://" + b + "/app.bsky.feed.post/3k0"
	tests := []struct {
		name, record string
		kind         graph.PostKind
		parent       string
		tags         []string
	}{
		{"original", `{"text":"héllo #Go","createdAt":"2025-01-01T00:00:00Z","tags":["GO","extra"]}`, graph.Original, "", []string{"go", "extra"}},
		{"reply", `{"text":"x","createdAt":"2025-01-01T00:00:00Z","reply":{"root":{"uri":"` + parent + `"},"parent":{"uri":"` + parent + `"}}}`, graph.ReplyPost, parent, nil},
		{"quote", `{"text":"x","createdAt":"2025-01-01T00:00:00Z","embed":{"$type":"app.bsky.embed.record","record":{"uri":"` + parent + `"}}}`, graph.QuotePost, parent, nil},
		{"quote with media", `{"text":"x","createdAt":"2025-01-01T00:00:00Z","embed":{"$type":"app.bsky.embed.recordWithMedia","record":{"record":{"uri":"` + parent + `"}}}}`, graph.QuotePost, parent, nil},
		{"reply that quotes", `{"text":"x","createdAt":"2025-01-01T00:00:00Z","reply":{"parent":{"uri":"` + parent + `"}},"embed":{"$type":"app.bsky.embed.record","record":{"uri":"at://` + a + `/app.bsky.feed.post/9"}}}`, graph.ReplyPost, parent, nil},
		{"embedded feed generator", `{"text":"x","createdAt":"2025-01-01T00:00:00Z","embed":{"$type":"app.bsky.embed.record","record":{"uri":"at://` + b + `/app.bsky.feed.generator/f"}}}`, graph.Original, "", nil},
		{"facet tags", `{"text":"#One two","createdAt":"2025-01-01T00:00:00Z","facets":[{"index":{"byteStart":0,"byteEnd":4},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"One"}]}]}`, graph.Original, "", []string{"one"}},
	}
	for _, tc := range tests {
		pv := postView{URI: uri, Author: profile{DID: a}, Record: json.RawMessage(tc.record), IndexedAt: "2025-01-01T00:00:01Z"}
		rec := decodeRecord(pv.Record)
		p, ok := postOf(&pv, &rec)
		if !ok || p.Kind != tc.kind || p.Parent != tc.parent || !slices.Equal(p.Hashtags, tc.tags) ||
			!p.At.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) || p.TextLen != utf8.RuneCountInString(p.Text) || p.Author != a {
			t.Errorf("%s: %+v %v", tc.name, p, ok)
		}
	}
	pv := postView{URI: "at://" + b + "/app.bsky.feed.post/1", Author: profile{DID: a}}
	if _, ok := postOf(&pv, &postRecord{}); ok {
		t.Error("a post URI of another repository was accepted")
	}
}

func TestNormalizeTag(t *testing.T) {
	for in, want := range map[string]string{"#CloutChat": "cloutchat", " ciscoSMT ": "ciscosmt", "＃日本": "日本"} {
		if got, err := normalizeTag(in); err != nil || got != want {
			t.Errorf("normalizeTag(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "#", "two words", strings.Repeat("x", 65)} {
		if _, err := normalizeTag(in); err == nil {
			t.Errorf("normalizeTag(%q): no error", in)
		}
	}
}

// FuzzSearchPage feeds arbitrary JSON to the searchPosts parser: no panic,
// keys are DIDs, every kept post carries the tag and is listed once with
// its author found.
func FuzzSearchPage(f *testing.F) {
	for _, s := range []string{
		`{"posts":[{"uri":"at://did:plc:a/app.bsky.feed.post/1","author":{"did":"did:plc:a","handle":"a.test"},"record":{"text":"#chat hi","createdAt":"2025-01-01T00:00:00Z"},"indexedAt":"2025-01-01T00:00:00Z"}],"cursor":"3x","hitsTotal":1}`,
		`{"posts":[{"uri":"at://did:plc:a/app.bsky.feed.post/1","author":{"did":"did:plc:a"},"record":{"text":"x","tags":["Chat"],"reply":{"parent":{"uri":"at://did:plc:b/app.bsky.feed.post/2"}},"facets":[{"features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:c"}]}]}},{"uri":"at://did:plc:a/app.bsky.feed.post/1"}]}`,
		`{"posts":[{"uri":"at://did:plc:b/app.bsky.feed.post/1","author":{"did":"did:plc:a"},"record":{"text":"#chat"}}],"hits_total":"x"}`,
		`{"posts":null}`, `{"posts":[null,1,"x",{}]}`, `[]`, `null`,
	} {
		f.Add([]byte(s))
	}
	since := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		var r searchPosts
		if json.Unmarshal(b, &r) != nil {
			return
		}
		_ = r.hits()
		pg := searchPage("chat", &r, since, time.Time{})
		checkPage(t, pg)
		if len(pg.Posts) != len(pg.PostRecords) {
			t.Fatalf("%d posts, %d records", len(pg.Posts), len(pg.PostRecords))
		}
		for i, p := range pg.PostRecords {
			if p.ID != pg.Posts[i] || !slices.Contains(p.Hashtags, "chat") || !slices.Contains(pg.Found, p.Author) ||
				postDID(p.ID) != p.Author || (!p.At.IsZero() && p.At.Before(since)) {
				t.Fatalf("bad post %+v", p)
			}
			if slices.Index(pg.Posts, p.ID) != i {
				t.Fatalf("post %s listed twice", p.ID)
			}
		}
	})
}

// FuzzSessionResponse feeds arbitrary bodies to the session and error
// parsers: no panic, a decoded session has both tokens and a DID, and an
// error text is printable and short.
func FuzzSessionResponse(f *testing.F) {
	for _, s := range []string{
		`{"accessJwt":"a.b.c","refreshJwt":"d.e.f","handle":"me.test","did":"did:plc:abc","active":true}`,
		`{"accessJwt":"a","refreshJwt":"","did":"did:plc:abc"}`,
		`{"accessJwt":1,"did":null}`,
		`{"error":"AuthenticationRequired","message":"Invalid identifier or password"}`,
		`{"error":{"x":1},"message":"` + strings.Repeat("é", 400) + `"}`,
		`{"error":"Expired\u0000Token\n"}`, `<html>`, ``, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var out sessionOutput
		if err := decodeSession(b, &out); err == nil {
			if out.AccessJwt == "" || out.RefreshJwt == "" || !IsDID(out.DID) {
				t.Fatalf("accepted session %q", b)
			}
			if s := fmt.Sprintf("%+v", out); out.AccessJwt != redacted && len(out.AccessJwt) > 3 && strings.Contains(s, string(out.AccessJwt)) {
				t.Fatalf("token printed: %s", s)
			}
		}
		code, msg := xrpcErrorBody(b)
		for _, s := range []string{code, msg} {
			if len(s) > 304 || strings.IndexFunc(s, unicode.IsControl) >= 0 {
				t.Fatalf("error text %q", s)
			}
		}
	})
}

// FuzzTextTags: no panic, and every tag is non-empty, at most 64 runes, holds
// no white space and does not end in punctuation.
func FuzzTextTags(f *testing.F) {
	for _, s := range []string{"#a #b.", "＃x", "#️⃣", "#1 #a1", "a#b #c#d", "#\xff\xfe", "#" + strings.Repeat("z", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tag := range textTags(s) {
			r, _ := utf8.DecodeLastRuneInString(tag)
			if tag == "" || utf8.RuneCountInString(tag) > maxTagRunes || strings.IndexFunc(tag, unicode.IsSpace) >= 0 || unicode.IsPunct(r) {
				t.Fatalf("textTags(%q): bad tag %q", s, tag)
			}
		}
	})
}
