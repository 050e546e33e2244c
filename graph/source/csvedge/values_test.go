package csvedge

import (
	"reflect"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; "" means rejected
	}{
		{"2024-01-15T10:30:00Z", "2024-01-15T10:30:00Z"},
		{"2024-01-15T10:30:00.5+01:00", "2024-01-15T09:30:00.5Z"},
		{"2024-01-15", "2024-01-15T00:00:00Z"},
		{"1705314600", "2024-01-15T10:30:00Z"},
		{"-1", "1969-12-31T23:59:59Z"},
		{"2019-03-14 17:06:07", "2019-03-14T17:06:07Z"},
		{"2019-03-14 17:06", "2019-03-14T17:06:00Z"},
		{"2019-03-14T17:06:07", "2019-03-14T17:06:07Z"},
		{"3/14/2019 5:06:07 PM", "2019-03-14T17:06:07Z"},
		{"3/14/2019 5:06 pm", "2019-03-14T17:06:00Z"},
		{"12/1/2019 12:00:00 AM", "2019-12-01T00:00:00Z"},
		{"12/1/2019 12:00:00 PM", "2019-12-01T12:00:00Z"},
		{"14/03/2019 17:06", "2019-03-14T17:06:00Z"}, // day-first: 14 is no month
		{"3/4/2019 09:15", "2019-03-04T09:15:00Z"},   // ambiguous: NodeXL's US M/D/Y
		{"3/14/19", "2019-03-14T00:00:00Z"},
		{"2/29/2024", "2024-02-29T00:00:00Z"},
		{"2/29/2023", ""},
		{"13/13/2019", ""},
		{"0/1/2019", ""},
		{"3/14/2019 13:00 PM", ""},
		{"3/14/2019 0:00 AM", ""},
		{"3/14/2019 24:00", ""},
		{"3/14/2019 5", ""},
		{"3/14/201", ""},
		{"tomorrow", ""},
		{"", ""},
		{"-", ""},
		{"2019-03-14 5 PM", ""},
	}
	for _, tt := range tests {
		got, ok := parseTime(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("parseTime(%q) = %v, want rejected", tt.in, got)
			}
			continue
		}
		want, err := time.Parse(time.RFC3339Nano, tt.want)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v, %v; want %v UTC", tt.in, got, ok, want)
		}
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in    string
		comma bool
		want  int64 // 0 means rejected
	}{
		{"1", false, 1}, {"42", false, 42}, {"2.0", false, 2}, {"2.", false, 2}, {"3.000", false, 3},
		{"2,0", true, 2}, {"2.0", true, 2}, {"2,0", false, 0}, {"2,5", true, 0},
		{"0", false, 0}, {"0.0", false, 0}, {"-1", false, 0}, {"+1", false, 0}, {"2.5", false, 0},
		{"", false, 0}, {".0", false, 0}, {"1e3", false, 0}, {"99999999999999999999", false, 0},
	}
	for _, tt := range tests {
		got, ok := parseCount(tt.in, tt.comma)
		if ok != (tt.want != 0) || got != tt.want && ok {
			t.Errorf("parseCount(%q, %v) = %d, %v; want %d", tt.in, tt.comma, got, ok, tt.want)
		}
	}
}

func TestParseHashtags(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"#Go, #SQLite", []string{"go", "sqlite"}},
		{"rstats dataviz", []string{"rstats", "dataviz"}},
		{"#go #Go ##GO,,  x", []string{"go", "x"}},
		{" , # ", nil},
	}
	for _, tt := range tests {
		if got := parseHashtags(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseHashtags(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStatusID(t *testing.T) {
	tests := map[string]string{
		"https://twitter.com/alice/status/1106245678901234567":       "1106245678901234567",
		"https://x.com/alice/status/1106245678901234567?s=20":        "1106245678901234567",
		"http://twitter.com/alice/statuses/42":                       "42",
		"https://twitter.com/alice":                                  "",
		"":                                                           "",
		"https://twitter.com/alice/status/":                          "",
		"https://twitter.com/i/web/status/1106245678901234567/photo": "1106245678901234567",
	}
	for in, want := range tests {
		if got := statusID(in); got != want {
			t.Errorf("statusID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRelationship(t *testing.T) {
	tests := []struct {
		in     string
		kind   string
		action relAction
	}{
		{"Tweet", "", relTweet},
		{"Replies to", "reply", relEdge},
		{"Mentions", "mention", relEdge},
		{"Retweet", "repost", relEdge},
		{"Quote", "quote", relEdge}, {"Quotes", "quote", relEdge}, {"quoted", "quote", relEdge},
		{"MentionsInRetweet", "", relIgnored}, {"Mentions in Retweet", "", relIgnored},
		{"Mentions in Quote", "mention", relEdge}, {"MentionsInQuote", "mention", relEdge}, {"Replies to in Quote", "mention", relEdge},
		{"Followed", "follow", relEdge}, {"Follows", "follow", relEdge}, {"Follower", "follow", relEdge},
	}
	for _, tt := range tests {
		k, a, ok := relationship(tt.in)
		if !ok || a != tt.action || (a == relEdge && k.String() != tt.kind) {
			t.Errorf("relationship(%q) = %v, %v, %v; want %s, %v", tt.in, k, a, ok, tt.kind, tt.action)
		}
	}
	if _, _, ok := relationship("Likes"); ok {
		t.Error(`relationship("Likes") accepted`)
	}
}
