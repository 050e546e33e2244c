package csvedge

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
	"github.com/clout-cli/clout/graph/source/sourcetest"
)

// recorder is a sourcetest.Recorder that is also a RuleCounter.
type recorder struct {
	sourcetest.Recorder
	ignored map[string]int64
}

func (r *recorder) IgnoredByRule(rule string, n int64) {
	if r.ignored == nil {
		r.ignored = map[string]int64{}
	}
	r.ignored[rule] += n
}

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "csv", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ed builds an edge; opts are applied in order: an int64 is Count, a
// time.Time is At, a string is PostID, a []string is Hashtags.
func ed(platform, src, dst string, k graph.Kind, opts ...any) graph.Edge {
	e := graph.Edge{Platform: platform, Src: src, Dst: dst, Kind: k}
	for _, o := range opts {
		switch v := o.(type) {
		case int64:
			e.Count = v
		case time.Time:
			e.At = v
		case string:
			e.PostID = v
		case []string:
			e.Hashtags = v
		default:
			panic("ed: bad option")
		}
	}
	return e
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func handle(platform, name string) graph.Account {
	a := graph.NewAccount(platform, name)
	a.Handle = name
	return a
}

func TestImport(t *testing.T) {
	tests := []struct {
		name     string
		file     string // fixture; text is used when empty
		text     string
		opts     source.Options
		edges    []graph.Edge
		accounts []graph.Account
		ignored  map[string]int64
	}{
		{
			name: "clout columns",
			file: "clout_all_columns.csv",
			opts: source.Options{Kind: graph.Mention},
			edges: []graph.Edge{
				ed("local", "alice", "bob", graph.Follow, utc("2024-01-15T00:00:00Z")),
				ed("bluesky", "bob", "carol", graph.Repost, int64(2), utc("2024-01-15T10:30:00Z"), "at://did:plc:bob/app.bsky.feed.post/3kabc", []string{"go", "sqlite"}),
				ed("local", "carol", "alice", graph.Reply, int64(2), utc("2024-01-15T10:30:00Z"), "p42", []string{"go", "graphs"}),
				ed("mastodon", "dave", "alice", graph.Mention, utc("2024-01-15T10:00:00Z")),
				ed("local", "erin", "dave", graph.Mention, int64(1)),
			},
		},
		{
			name: "Gephi interactions: weights are counts, Undirected goes both ways",
			file: "gephi_edges.csv",
			opts: source.Options{Kind: graph.Repost, Platform: "x"},
			edges: []graph.Edge{
				ed("x", "1", "2", graph.Repost, int64(1)),
				ed("x", "2", "3", graph.Repost, int64(2)),
				ed("x", "3", "2", graph.Repost, int64(2)),
				ed("x", "3", "1", graph.Repost, int64(1)),
				ed("x", "4", "1", graph.Repost, int64(5)),
			},
		},
		{
			name: "Gephi follows: weights ignored",
			file: "gephi_edges.csv",
			edges: []graph.Edge{
				ed("local", "1", "2", graph.Follow),
				ed("local", "2", "3", graph.Follow),
				ed("local", "3", "2", graph.Follow),
				ed("local", "3", "1", graph.Follow),
				ed("local", "4", "1", graph.Follow),
			},
		},
		{
			name: "NodeXL: group row, every Relationship, date formats, accounts with handles",
			file: "nodexl_edges.csv",
			edges: []graph.Edge{
				ed("twitter", "bob", "alice", graph.Reply, int64(1), utc("2019-03-14T17:06:07Z"), "1106245678901234568"),
				ed("twitter", "carol", "alice", graph.Mention, int64(1), utc("2019-03-14T17:06:00Z"), "1106245678901234569", []string{"rstats", "dataviz"}),
				ed("twitter", "dave", "bob", graph.Repost, int64(1), utc("2019-03-15T08:00:00Z"), "1106245678901234570"),
				ed("twitter", "erin", "bob", graph.Quote, int64(1), utc("2019-03-15T09:00:00Z"), "1106245678901234571"),
				ed("twitter", "erin", "carol", graph.Mention, int64(1), utc("2019-03-15T09:00:00Z"), "1106245678901234571"),
				ed("twitter", "frank", "erin", graph.Mention, int64(1), utc("2019-03-15T10:00:30Z"), "1106245678901234572"),
				ed("twitter", "frank", "alice", graph.Follow),
				ed("twitter", "gina", "frank", graph.Quote, int64(2), utc("2019-03-16T12:00:00Z"), "1106245678901234573"),
			},
			accounts: []graph.Account{
				handle("twitter", "alice"), handle("twitter", "bob"), handle("twitter", "carol"), handle("twitter", "dave"),
				handle("twitter", "erin"), handle("twitter", "frank"), handle("twitter", "gina"), handle("twitter", "hank"),
			},
			ignored: map[string]int64{RuleRepostMentions: 2},
		},
		{
			name: "NodeXL platform from options",
			text: "Vertex 1,Vertex 2,Relationship\nA,B,Retweet\n",
			opts: source.Options{Platform: "mastodon"},
			edges: []graph.Edge{
				ed("mastodon", "A", "B", graph.Repost),
			},
			accounts: []graph.Account{handle("mastodon", "A"), handle("mastodon", "B")},
		},
		{
			name: "BOM, semicolons, quoted delimiter, decimal comma",
			file: "bom_semicolon.csv",
			edges: []graph.Edge{
				ed("local", "anna", "bert", graph.Repost, int64(1)),
				ed("local", "b;c", "anna", graph.Repost, int64(2)),
			},
		},
		{
			name: "tabs, date and Unix times",
			file: "tabs.tsv",
			edges: []graph.Edge{
				ed("local", "1", "2", graph.Follow, utc("2024-02-29T00:00:00Z")),
				ed("local", "2", "1", graph.Follow, utc("2024-02-29T00:00:00Z")),
			},
		},
		{
			name: "header synonyms and spacing, padding rows, self-loops and duplicates kept",
			text: "\ufeff Follower , FOLLOWED ,Post_ID\n x , y ,1\n,,\nx,x,2\nx,y,1\n",
			edges: []graph.Edge{
				ed("local", "x", "y", graph.Follow, "1"),
				ed("local", "x", "x", graph.Follow, "2"),
				ed("local", "x", "y", graph.Follow, "1"),
			},
		},
		{
			name: "quoted BOM header",
			text: "\ufeff\"source\",\"target\"\r\n\"a\",\"b\"\r\n",
			edges: []graph.Edge{
				ed("local", "a", "b", graph.Follow),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.text
			if tt.file != "" {
				text = fixture(t, tt.file)
			}
			var rec recorder
			if err := Import(context.Background(), strings.NewReader(text), tt.opts, &rec); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rec.Edges, tt.edges) {
				t.Errorf("edges:\n got %+v\nwant %+v", rec.Edges, tt.edges)
			}
			if !reflect.DeepEqual(rec.Accounts, tt.accounts) {
				t.Errorf("accounts:\n got %+v\nwant %+v", rec.Accounts, tt.accounts)
			}
			if !reflect.DeepEqual(rec.ignored, tt.ignored) {
				t.Errorf("ignored by rule: got %v, want %v", rec.ignored, tt.ignored)
			}
		})
	}
}

const timeWant = "want a time as RFC 3339, YYYY-MM-DD[ hh:mm[:ss]], M/D/YYYY h:mm[:ss] [AM|PM] or Unix seconds"

func TestBadRows(t *testing.T) {
	tests := []struct {
		file  string
		msgs  []string
		edges []graph.Edge
	}{
		{
			file: "bad_rows.csv",
			msgs: []string{
				`bad_rows.csv:3: column "source" is empty; want the account giving attention`,
				`bad_rows.csv:4: column "target" is empty; want the account receiving attention`,
				`bad_rows.csv:5: column "kind": unknown kind "poke" (want follow, repost, quote, reply, mention or like)`,
				`bad_rows.csv:6: column "weight": want a positive whole number of events, got "0"`,
				`bad_rows.csv:7: column "weight": want a positive whole number of events, got "2.5"`,
				`bad_rows.csv:8: column "time": ` + timeWant + `, got "tomorrow"`,
				`bad_rows.csv:9: column "type": want Directed, Undirected or Mixed, got "Sideways"`,
				`bad_rows.csv:10: want 6 fields as in the header, got 3`,
				`bad_rows.csv:11: want 6 fields as in the header, got 7 (a field holding ',' must be quoted)`,
				`bad_rows.csv:12: extraneous or missing " in quoted-field at line 12, column 4 (want RFC 4180 CSV: a field holding quotes, delimiters or line breaks is quoted, and quotes inside it doubled)`,
				`bad_rows.csv:14: column "time": ` + timeWant + `, got "2/30/2024"`,
			},
			edges: []graph.Edge{ed("local", "a", "b", graph.Follow), ed("local", "e", "f", graph.Like)},
		},
		{
			file: "quoted_multiline.csv",
			msgs: []string{
				`quoted_multiline.csv:5: column "to" is empty; want the account receiving attention`,
				`quoted_multiline.csv:6: want 3 fields as in the header, got 4 (a field holding ',' must be quoted)`,
			},
			edges: []graph.Edge{ed("local", "a", "b", graph.Follow), ed("local", "c", "d", graph.Follow)},
		},
		{
			file: "nodexl_bad.csv",
			msgs: []string{
				`nodexl_bad.csv:3: column "Relationship": unknown value "Likes"; want ` + relationshipsWanted,
				`nodexl_bad.csv:4: column "Relationship Date (UTC)": ` + timeWant + `, got "13/13/2019 10:00"`,
			},
			edges: []graph.Edge{ed("twitter", "b", "c", graph.Reply, utc("2019-03-14T00:00:00Z"))},
		},
	}
	for _, tt := range tests {
		text := fixture(t, tt.file)
		t.Run(tt.file+" strict", func(t *testing.T) {
			var rec recorder
			err := Import(context.Background(), strings.NewReader(text), source.Options{Name: tt.file}, &rec)
			var le *source.LineError
			if !errors.As(err, &le) || err.Error() != tt.msgs[0] {
				t.Fatalf("got %v\nwant LineError %s", err, tt.msgs[0])
			}
		})
		t.Run(tt.file+" SkipBad", func(t *testing.T) {
			var rec recorder
			bad := &source.BadLines{}
			err := Import(context.Background(), strings.NewReader(text), source.Options{Name: tt.file, SkipBad: true, Bad: bad}, &rec)
			if err != nil {
				t.Fatal(err)
			}
			if bad.Count != int64(len(tt.msgs)) {
				t.Errorf("bad count %d, want %d", bad.Count, len(tt.msgs))
			}
			var got []string
			for _, e := range bad.First {
				got = append(got, e.Error())
			}
			want := tt.msgs[:min(len(tt.msgs), source.MaxReported)] // all of them are counted, the first few kept
			if !reflect.DeepEqual(got, want) {
				t.Errorf("bad lines:\n got %q\nwant %q", got, want)
			}
			if !reflect.DeepEqual(rec.Edges, tt.edges) {
				t.Errorf("edges:\n got %+v\nwant %+v", rec.Edges, tt.edges)
			}
		})
	}
}

// TestBadRow checks each message on its own: header plus one row, so every
// message is on line 2.
func TestBadRow(t *testing.T) {
	const header = "source,target,kind,weight,time,type\n"
	tests := []struct{ row, msg string }{
		{",b,reply,,,", `column "source" is empty; want the account giving attention`},
		{"a, ,reply,,,", `column "target" is empty; want the account receiving attention`},
		{"a,b,poke,,,", `column "kind": unknown kind "poke" (want follow, repost, quote, reply, mention or like)`},
		{"a,b,reply,-1,,", `column "weight": want a positive whole number of events, got "-1"`},
		{"a,b,reply,1e3,,", `column "weight": want a positive whole number of events, got "1e3"`},
		{"a,b,reply,\"1,0\",,", `column "weight": want a positive whole number of events, got "1,0"`},
		{"a,b,reply,,3/4/2019 13:00 PM,", `column "time": ` + timeWant + `, got "3/4/2019 13:00 PM"`},
		{"a,b,reply,,2019-13-01,", `column "time": ` + timeWant + `, got "2019-13-01"`},
		{"a,b,reply,,99999999999999999999,", `column "time": ` + timeWant + `, got "99999999999999999999"`},
		{"a,b,reply,,," + strings.Repeat("z", 100), `column "type": want Directed, Undirected or Mixed, got "` + strings.Repeat("z", 64) + `"…`},
		{"a,b", `want 6 fields as in the header, got 2`},
		{"a,\"b", `extraneous or missing " in quoted-field at line 2, column 6 (want RFC 4180 CSV: a field holding quotes, delimiters or line breaks is quoted, and quotes inside it doubled)`},
	}
	for _, tt := range tests {
		err := Import(context.Background(), strings.NewReader(header+tt.row+"\n"), source.Options{Name: "f.csv"}, &recorder{})
		if want := "f.csv:2: " + tt.msg; err == nil || err.Error() != want {
			t.Errorf("%q:\n got %v\nwant %s", tt.row, err, want)
		}
	}
}

func TestHeaderErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       string
		empty      bool
	}{
		{"no header", fixture(t, "no_header.csv"), `h.csv:1: header has no source/target columns (want "source,target" or Gephi "Source,Target" or NodeXL "Vertex 1,Vertex 2" for edges, or "account" or Gephi "Id" for a node table), got: 1,2`, false},
		{"one line", "a,b,c\n", `h.csv:1: header has no source/target columns (want "source,target" or Gephi "Source,Target" or NodeXL "Vertex 1,Vertex 2" for edges, or "account" or Gephi "Id" for a node table), got: a,b,c`, false},
		{"source only", "source,x\nsource,y\n", `h.csv:1: header has no source/target columns (want "source,target" or Gephi "Source,Target" or NodeXL "Vertex 1,Vertex 2" for edges, or "account" or Gephi "Id" for a node table), got: source,x`, false},
		{"third line is not tried", "a\nb\nsource,target\n", `h.csv:1: header has no source/target columns (want "source,target" or Gephi "Source,Target" or NodeXL "Vertex 1,Vertex 2" for edges, or "account" or Gephi "Id" for a node table), got: a`, false},
		{"bad CSV header", "\"a\"b,c\nd,e\n", `h.csv:1: header has no source/target columns (want "source,target" or Gephi "Source,Target" or NodeXL "Vertex 1,Vertex 2" for edges, or "account" or Gephi "Id" for a node table), got: a line that is not valid CSV`, false},
		{"empty", "", "h.csv: empty input: no header row", true},
		{"blank lines", "\n\r\n\n", "h.csv: empty input: no header row", true},
		{"header only", fixture(t, "header_only.csv"), "h.csv: empty input: a header but no data rows", true},
		{"padding only", "source,target\n,\n , \n", "h.csv: empty input: a header but no data rows", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Import(context.Background(), strings.NewReader(tt.text), source.Options{Name: "h.csv", SkipBad: true, Bad: &source.BadLines{}}, &recorder{})
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v\nwant %s", err, tt.want)
			}
			if errors.Is(err, ErrEmpty) != tt.empty {
				t.Errorf("errors.Is(err, ErrEmpty) = %v, want %v", !tt.empty, tt.empty)
			}
			var le *source.LineError
			if !tt.empty && !errors.As(err, &le) {
				t.Errorf("header error is %T, want *source.LineError", err)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	text := "source,target\n" + strings.Repeat("1,2\n", 3*ctxEvery)
	var rec recorder
	err := Import(ctx, strings.NewReader(text), source.Options{}, &rec)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if len(rec.Edges) >= 3*ctxEvery {
		t.Errorf("read all %d rows after cancel", len(rec.Edges))
	}
}

func TestSinkError(t *testing.T) {
	rec := recorder{Recorder: sourcetest.Recorder{FailAt: 2}}
	err := Import(context.Background(), strings.NewReader("source,target\n1,2\n3,4\n5,6\n"), source.Options{Name: "s"}, &rec)
	if !errors.Is(err, sourcetest.ErrSinkFull) || err.Error() != "s:3: sink full" {
		t.Fatalf("got %v, want s:3: sink full", err)
	}
}
