package jetstream

import (
	"errors"
	"slices"
	"testing"
)

func TestTextTags(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"Q1 #CiscoSMT what", []string{"CiscoSMT"}},
		{"#a, #b. #c!", []string{"a", "b", "c"}},
		{"mail#notatag and #1 and #1st", []string{"1st"}},
		{"full width ＃タグ", []string{"タグ"}},
		{"#\ufe0fkeycap", nil},
		{"zero#width #a\u200bb", []string{"a"}},
		{"#" + string(make([]byte, 0)) + "x", []string{"x"}},
		{"no tags here", nil},
	} {
		if got := TextTags(c.text); !slices.Equal(got, c.want) {
			t.Errorf("TextTags(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestParsePost(t *testing.T) {
	p, err := ParsePost([]byte(`{"$type":"app.bsky.feed.post","text":"hi #Two","createdAt":"2026-03-05T18:00:00Z","langs":["en",3],
		"reply":{"root":{"uri":"at://did:plc:r/app.bsky.feed.post/1"},"parent":{"uri":"at://did:plc:p/app.bsky.feed.post/2"}},
		"embed":{"$type":"app.bsky.embed.recordWithMedia","record":{"record":{"uri":"at://did:plc:q/app.bsky.feed.post/3"}}},
		"facets":[{"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"One"},{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:m"}]},
		          {"features":[{"$type":"app.bsky.richtext.facet#mention","did":"not-a-did"}]}],
		"tags":["#one","THREE"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.ReplyRoot != "at://did:plc:r/app.bsky.feed.post/1" || p.ReplyParent != "at://did:plc:p/app.bsky.feed.post/2" ||
		p.Quote != "at://did:plc:q/app.bsky.feed.post/3" || !slices.Equal(p.Langs, []string{"en"}) ||
		!slices.Equal(p.Tags, []string{"one", "three", "two"}) || !slices.Equal(p.Mentions, []string{"did:plc:m"}) {
		t.Errorf("ParsePost = %+v", p)
	}
	for _, bad := range []string{`[]`, `{"text":5}`, `{"$type":"app.bsky.feed.like"}`, `{"createdAt":{}}`} {
		if _, err := ParsePost([]byte(bad)); !errors.Is(err, ErrBadRecord) {
			t.Errorf("ParsePost(%s) = %v, want ErrBadRecord", bad, err)
		}
	}
	for _, bad := range []string{`{}`, `{"subject":"x"}`, `{"subject":{"uri":""}}`, `{"subject":{"uri":1}}`} {
		if _, err := ParseSubject([]byte(bad)); !errors.Is(err, ErrBadRecord) {
			t.Errorf("ParseSubject(%s) = %v, want ErrBadRecord", bad, err)
		}
	}
}

func TestParseEvent(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want error
	}{
		{`not json`, ErrNotJSON},
		{`{"did":"did:plc:a","time_us":1,`, ErrNotJSON},
		{`{"did":"did:plc:a","time_us":"1","kind":"commit"}`, ErrBadEvent},
		{`{"did":"did:plc:a","kind":"commit"}`, ErrBadEvent},
		{`{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"c","rkey":"r"}}`, ErrBadEvent},
		{`{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"move","collection":"c","rkey":"r"}}`, ErrBadEvent},
		{`{"did":"did:plc:a","time_us":1,"kind":"identity"}`, ErrBadEvent},
		{`{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"delete","collection":"c","rkey":"r"}}`, nil},
		{`{"did":"did:plc:a","time_us":1,"kind":"sync","cursor":5}`, nil},
	} {
		_, err := ParseEvent([]byte(c.msg))
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("ParseEvent(%s) = %v, want %v", c.msg, err, c.want)
		}
	}
}
