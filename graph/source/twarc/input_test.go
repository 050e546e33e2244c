package twarc

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

func TestEmpty(t *testing.T) {
	for _, in := range []string{"", "\n", "\n  \n\r\n", "\xef\xbb\xbf"} {
		err := Import(context.Background(), strings.NewReader(in), source.Options{Name: "e.jsonl"}, &recorder{})
		if !errors.Is(err, ErrEmpty) {
			t.Errorf("%q: got %v, want ErrEmpty", in, err)
			continue
		}
		if want := "e.jsonl: " + ErrEmpty.Error(); err.Error() != want {
			t.Errorf("%q: got %q, want %q", in, err, want)
		}
	}
}

// A flattened tweet mentioning one account, as a line of the given length
// at least: the text is padded.
func mentionLine(id, author, target string, pad int) string {
	return fmt.Sprintf(`{"id": %q, "author_id": %q, "created_at": "2022-01-02T03:04:05.000Z", "text": "hi @x %s", `+
		`"entities": {"mentions": [{"start": 3, "end": 5, "username": "x", "id": %q}]}}`,
		id, author, strings.Repeat("a", pad), target)
}

// TestLineFraming checks CRLF, a byte-order mark, a missing final newline,
// blank lines in line numbering, and lines far longer than the read buffer.
func TestLineFraming(t *testing.T) {
	in := "\xef\xbb\xbf" + mentionLine("1", "10", "20", 0) + "\r\n" +
		"\r\n" +
		mentionLine("2", "11", "21", 3*readBuf) + "\n" +
		mentionLine("3", "12", "22", readBuf-200) + "\n" +
		"{bad\n" +
		mentionLine("4", "13", "23", 10)
	var bad source.BadLines
	rec := &recorder{}
	err := Import(context.Background(), strings.NewReader(in), source.Options{Name: "f", SkipBad: true, Bad: &bad}, rec)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range rec.edges {
		got = append(got, e.PostID+":"+e.Src+">"+e.Dst)
	}
	if want := []string{"1:10>20", "2:11>21", "3:12>22", "4:13>23"}; !reflect.DeepEqual(got, want) {
		t.Errorf("edges %v, want %v", got, want)
	}
	if bad.Count != 1 || bad.First[0].Line != 5 {
		t.Errorf("bad lines %+v, want line 5 only", bad.First)
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Import(ctx, strings.NewReader(mentionLine("1", "10", "20", 0)), source.Options{Name: "c"}, &recorder{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestSinkError(t *testing.T) {
	in := mentionLine("1", "10", "20", 0) + "\n" + mentionLine("2", "10", "21", 0) + "\n"
	// Each line sends the mentioned account, then the mention edge: call 4
	// is the edge of line 2.
	err := Import(context.Background(), strings.NewReader(in), source.Options{Name: "s"}, &recorder{failAt: 4})
	if !errors.Is(err, errSink) || !strings.HasPrefix(err.Error(), "s:2: ") {
		t.Errorf("got %v, want errSink at s:2", err)
	}
}

// TestIDs checks that ids keep every digit, from id_str, from a v1.1
// numeric id when id_str is missing, and from v2 strings.
func TestIDs(t *testing.T) {
	in := `{"id": 1050118621198921728, "id_str": "1050118621198921728", "text": "x", "user": {"id": 9007199254740993}, ` +
		`"in_reply_to_user_id": 9007199254740995, "entities": {"user_mentions": [{"id": 18014398509481987, "screen_name": "m"}]}}` + "\n" +
		`{"id": "1500000000000000001", "text": "x", "author_id": "9007199254740993", "in_reply_to_user_id": "18446744073709551615"}` + "\n"
	rec := &recorder{}
	if err := Import(context.Background(), strings.NewReader(in), source.Options{}, rec); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range rec.edges {
		got = append(got, fmt.Sprintf("%s %s>%s %s", e.PostID, e.Src, e.Dst, e.Kind))
	}
	want := []string{
		"1050118621198921728 9007199254740993>9007199254740995 reply",
		"1050118621198921728 9007199254740993>18014398509481987 mention",
		"1500000000000000001 9007199254740993>18446744073709551615 reply",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	for _, e := range rec.edges {
		if !e.At.IsZero() {
			t.Errorf("edge %+v: no created_at, want zero time", e)
		}
	}
}

// TestTolerated checks inputs that must import without error: partial
// data, unknown reference types, null fields, bad timestamps.
func TestTolerated(t *testing.T) {
	tests := []struct {
		name, line string
		edges      []string
		st         stats
	}{
		{"page without includes", `{"data": [{"id": "5", "text": "RT @a: x", "author_id": "1", "referenced_tweets": [{"type": "retweeted", "id": "9"}], "entities": {"mentions": [{"start": 3, "end": 5, "username": "a"}]}}]}`,
			nil, stats{unresolvedRefs: 1}},
		{"tweet without author", `{"data": [{"id": "5", "text": "x", "in_reply_to_user_id": "2"}], "includes": {}}`,
			nil, stats{noAuthor: 1}},
		{"null fields", `{"id_str": "5", "text": null, "user": {"id_str": "1"}, "entities": null, "retweeted_status": null, "quoted_status": null, "in_reply_to_user_id_str": null}`,
			nil, stats{}},
		{"unknown reference type", `{"id": "5", "text": "x", "author_id": "1", "referenced_tweets": [{"type": "liked", "id": "7", "author_id": "2"}]}`,
			nil, stats{}},
		{"bad created_at", `{"id": "5", "text": "x", "author_id": "1", "created_at": "yesterday", "in_reply_to_user_id": "2"}`,
			[]string{"1>2 reply"}, stats{badTime: 1}},
		{"stream line with data null", `{"data": null, "matching_rules": [], "errors": [{"title": "operational-disconnect"}]}`,
			nil, stats{}},
		{"quote whose author is in includes only", `{"data": {"id": "5", "text": "x", "author_id": "1", "referenced_tweets": [{"type": "quoted", "id": "7"}]}, "includes": {"tweets": [{"id": "7", "text": "y", "author_id": "3"}]}, "matching_rules": [{"id": 1377649934414049282, "tag": null}]}`,
			[]string{"1>3 quote"}, stats{}},
		{"retweet and reply: only the repost", `{"id": "5", "text": "RT @b: x", "author_id": "1", "in_reply_to_user_id": "4", "referenced_tweets": [{"type": "retweeted", "id": "7", "author_id": "2"}, {"type": "replied_to", "id": "8", "author_id": "4"}], "entities": {"mentions": [{"start": 3, "end": 5, "username": "b", "id": "2"}, {"start": 6, "end": 8, "username": "c", "id": "3"}]}}`,
			[]string{"1>2 repost"}, stats{}},
		{"mention twice", `{"id": "5", "text": "@b @B", "author_id": "1", "entities": {"mentions": [{"username": "b", "id": "2"}, {"username": "B", "id": "2"}]}}`,
			[]string{"1>2 mention"}, stats{}},
		{"v1 retweet of a quote: only the repost", `{"id_str": "5", "text": "RT @b: x", "user": {"id_str": "1"}, "retweeted_status": {"id_str": "6", "user": {"id_str": "2"}, "quoted_status": {"user": {"id_str": "3"}}}, "quoted_status_id_str": "7", "quoted_status": {"user": {"id_str": "3"}}, "in_reply_to_user_id_str": "4", "entities": {"user_mentions": [{"id_str": "2"}, {"id_str": "3"}]}}`,
			[]string{"1>2 repost"}, stats{}},
		{"v1 retweet without original user", `{"id_str": "5", "text": "RT @b: x", "user": {"id_str": "1"}, "retweeted_status": {"id_str": "6", "text": "x"}, "entities": {"user_mentions": [{"id_str": "2"}]}}`,
			nil, stats{unresolvedRefs: 1}},
	}
	for _, tt := range tests {
		rec := &recorder{}
		st, err := run(context.Background(), strings.NewReader(tt.line), source.Options{Name: "t"}, rec)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var got []string
		for _, e := range rec.edges {
			got = append(got, fmt.Sprintf("%s>%s %s", e.Src, e.Dst, e.Kind))
		}
		if !reflect.DeepEqual(got, tt.edges) {
			t.Errorf("%s: edges %q, want %q", tt.name, got, tt.edges)
		}
		if st != tt.st {
			t.Errorf("%s: stats %+v, want %+v", tt.name, st, tt.st)
		}
	}
}

func TestFollowURL(t *testing.T) {
	tests := []struct{ url, id, dir string }{
		{"https://api.twitter.com/2/users/12345/followers?max_results=1000&pagination_token=X", "12345", "followers"},
		{"https://api.x.com/2/users/12345/following", "12345", "following"},
		{"https://api.twitter.com/2/users/12345/followers/", "12345", "followers"},
		{"https://api.twitter.com/2/users/by?usernames=a", "", ""},
		{"https://api.twitter.com/2/users/12345", "", ""},
		{"https://api.twitter.com/2/users/abc/followers", "", ""},
		{"https://api.twitter.com/2/users/12345/followers/extra", "", ""},
		{"https://api.twitter.com/2/tweets/12345/retweeted_by", "", ""},
		{"https://api.twitter.com/2/lists/12345/followers", "", ""},
		{"::not a url", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		id, dir := followURL(tt.url)
		if id != tt.id || dir != tt.dir {
			t.Errorf("%q: got (%q, %q), want (%q, %q)", tt.url, id, dir, tt.id, tt.dir)
		}
	}
}

// TestPlatformIgnored checks that o.Platform and o.Kind do not leak into
// the output.
func TestPlatformIgnored(t *testing.T) {
	rec := &recorder{}
	o := source.Options{Platform: "bluesky", Kind: graph.Like}
	if err := Import(context.Background(), strings.NewReader(mentionLine("1", "10", "20", 0)), o, rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.edges) != 1 || rec.edges[0].Platform != "twitter" || rec.edges[0].Kind != graph.Mention {
		t.Errorf("edges %+v", rec.edges)
	}
}

// TestOtherPages checks that pages of lists, spaces and counts, which
// twarc2 also writes, are accepted and name no accounts.
func TestOtherPages(t *testing.T) {
	in := `{"data": [{"id": "1441162269824405510", "name": "My list", "follower_count": 3}], "meta": {"result_count": 1}, "__twarc": {"url": "https://api.twitter.com/2/users/12345/owned_lists"}}` + "\n" +
		`{"data": [{"end": "2021-04-02T00:00:00.000Z", "start": "2021-04-01T00:00:00.000Z", "tweet_count": 12}], "meta": {"total_tweet_count": 12}}` + "\n" +
		`{"data": [{"id": "1DXxyRYNejbKM", "state": "live"}], "__twarc": {"url": "https://api.twitter.com/2/users/12345/followers"}}` + "\n"
	rec := &recorder{}
	if err := Import(context.Background(), strings.NewReader(in), source.Options{}, rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.accounts) != 0 || len(rec.edges) != 0 {
		t.Errorf("accounts %+v, edges %+v; want none", rec.accounts, rec.edges)
	}
}
