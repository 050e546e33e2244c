package snap

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

type recorder = sourcetest.Recorder

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "snap", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func edge(platform, src, dst string, k graph.Kind) graph.Edge {
	return graph.Edge{Platform: platform, Src: src, Dst: dst, Kind: k}
}

func counted(e graph.Edge, n int64) graph.Edge { e.Count = n; return e }

func at(e graph.Edge, unix int64) graph.Edge { e.At = time.Unix(unix, 0).UTC(); return e }

func TestImport(t *testing.T) {
	tests := []struct {
		name  string
		file  string // fixture; text is used when empty
		text  string
		opts  source.Options
		edges []graph.Edge
	}{
		{
			name: "twitter_combined: two columns are follows on local",
			file: "twitter_combined_head.txt",
			edges: []graph.Edge{
				edge("local", "214328887", "34428380", graph.Follow),
				edge("local", "17116707", "28465635", graph.Follow),
				edge("local", "380580781", "18996905", graph.Follow),
				edge("local", "221036078", "153460275", graph.Follow),
				edge("local", "107830991", "17868918", graph.Follow),
			},
		},
		{
			name: "higgs weighted edgelist: kind from options, count from weight",
			file: "higgs-retweet_network.edgelist",
			opts: source.Options{Kind: graph.Repost, Platform: "twitter"},
			edges: []graph.Edge{
				counted(edge("twitter", "1", "2", graph.Repost), 1),
				counted(edge("twitter", "3", "4", graph.Repost), 2),
				counted(edge("twitter", "5", "6", graph.Repost), 1),
			},
		},
		{
			name: "higgs activity: four columns carry time and kind, options kind ignored",
			file: "higgs-activity_time.txt",
			opts: source.Options{Kind: graph.Like},
			edges: []graph.Edge{
				at(edge("local", "223789", "213163", graph.Mention), 1341100972),
				at(edge("local", "223789", "213163", graph.Reply), 1341100972),
				at(edge("local", "376989", "50329", graph.Repost), 1341101181),
				at(edge("local", "26375", "168366", graph.Mention), 1341101183),
			},
		},
		{
			name: "comments, blank lines, tabs and CRLF",
			file: "comments_tabs_crlf.txt",
			edges: []graph.Edge{
				edge("local", "30", "1412", graph.Follow),
				edge("local", "30", "3352", graph.Follow),
				edge("local", "3", "28", graph.Follow),
			},
		},
		{
			name: "KONECT src dst weight time",
			file: "konect_weight_time.tsv",
			opts: source.Options{Kind: graph.Reply},
			edges: []graph.Edge{
				at(counted(edge("local", "1", "2", graph.Reply), 1), 1341100972),
				at(counted(edge("local", "2", "3", graph.Reply), 2), 1341100973),
			},
		},
		{
			name:  "labels kept as-is, BOM dropped, no final newline, lower-case code",
			text:  "\ufeffAlice bob.example 1341100972 rt\n@x  -7",
			edges: []graph.Edge{at(edge("local", "Alice", "bob.example", graph.Repost), 1341100972), edge("local", "@x", "-7", graph.Follow)},
		},
		{
			name:  "self-loops and duplicates pass through",
			text:  "1 1\n1 2\n1 2\n",
			edges: []graph.Edge{edge("local", "1", "1", graph.Follow), edge("local", "1", "2", graph.Follow), edge("local", "1", "2", graph.Follow)},
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
			if len(rec.Accounts) != 0 {
				t.Errorf("accounts: got %+v, want none", rec.Accounts)
			}
		})
	}
}

func TestBadLines(t *testing.T) {
	text := fixture(t, "bad_lines.txt")
	wantMsgs := []string{
		"bad.txt:2: want 2 to 4 whitespace-separated columns (src dst [weight|time kind]), got 1",
		`bad.txt:3: column 3 (weight): want a positive whole number of events, got "0"`,
		`bad.txt:4: column 4 (interaction): want RT (retweet), MT (mention) or RE (reply), got "XX"`,
		`bad.txt:5: column 3 (time): want Unix seconds, got "yesterday"`,
		"bad.txt:6: want 2 to 4 whitespace-separated columns (src dst [weight|time kind]), got 5",
		`bad.txt:7: column 3 (weight): want a positive whole number of events, got "2.5"`,
	}
	wantEdges := []graph.Edge{edge("local", "1", "2", graph.Follow), edge("local", "16", "17", graph.Follow)}

	t.Run("strict stops at the first", func(t *testing.T) {
		var rec recorder
		err := Import(context.Background(), strings.NewReader(text), source.Options{Name: "bad.txt"}, &rec)
		var le *source.LineError
		if !errors.As(err, &le) || err.Error() != wantMsgs[0] {
			t.Fatalf("got %v, want LineError %q", err, wantMsgs[0])
		}
		if !reflect.DeepEqual(rec.Edges, wantEdges[:1]) {
			t.Errorf("edges before the error: got %+v, want %+v", rec.Edges, wantEdges[:1])
		}
	})
	for _, tt := range []struct{ line, msg string }{
		{"1 2 0 1341100972", `column 3 (weight, as in KONECT "src dst weight time"): want a positive whole number of events, got "0"`},
		{"1 2 1 13411x", `column 4 (time, as in KONECT "src dst weight time"): want Unix seconds, got "13411x"`},
		{"1 2 " + strings.Repeat("9", 70) + " RT", `column 3 (time): want Unix seconds, got "` + strings.Repeat("9", 64) + `"…`},
	} {
		err := Import(context.Background(), strings.NewReader("# c\n"+tt.line), source.Options{Name: "k"}, &recorder{})
		if want := "k:2: " + tt.msg; err == nil || err.Error() != want {
			t.Errorf("%q: got %v, want %s", tt.line, err, want)
		}
	}
	t.Run("SkipBad counts and goes on", func(t *testing.T) {
		var rec recorder
		bad := &source.BadLines{}
		err := Import(context.Background(), strings.NewReader(text), source.Options{Name: "bad.txt", SkipBad: true, Bad: bad}, &rec)
		if err != nil {
			t.Fatal(err)
		}
		if bad.Count != int64(len(wantMsgs)) {
			t.Errorf("bad count %d, want %d", bad.Count, len(wantMsgs))
		}
		for i, e := range bad.First {
			if e.Error() != wantMsgs[i] {
				t.Errorf("bad line %d: got %q, want %q", i, e.Error(), wantMsgs[i])
			}
		}
		if !reflect.DeepEqual(rec.Edges, wantEdges) {
			t.Errorf("edges: got %+v, want %+v", rec.Edges, wantEdges)
		}
	})
}

func TestLongLine(t *testing.T) {
	text := "1 2\n" + strings.Repeat("x", 3*bufSize) + " 9\n3 4\n"
	var rec recorder
	bad := &source.BadLines{}
	err := Import(context.Background(), strings.NewReader(text), source.Options{Name: "long", SkipBad: true, Bad: bad}, &rec)
	if err != nil {
		t.Fatal(err)
	}
	if bad.Count != 1 || bad.First[0].Line != 2 {
		t.Errorf("bad lines: %+v, want one on line 2", bad)
	}
	want := []graph.Edge{edge("local", "1", "2", graph.Follow), edge("local", "3", "4", graph.Follow)}
	if !reflect.DeepEqual(rec.Edges, want) {
		t.Errorf("edges: got %+v, want %+v", rec.Edges, want)
	}
}

func TestEmpty(t *testing.T) {
	for _, text := range []string{"", "\n\n", fixture(t, "comments_only.txt")} {
		err := Import(context.Background(), strings.NewReader(text), source.Options{Name: "e.txt"}, &recorder{})
		if !errors.Is(err, ErrEmpty) || err.Error() != "e.txt: empty input: no edges" {
			t.Errorf("%q: got %v, want ErrEmpty", text, err)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	text := strings.Repeat("1 2\n", 3*ctxEvery)
	var rec recorder
	err := Import(ctx, strings.NewReader(text), source.Options{}, &rec)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if len(rec.Edges) >= 3*ctxEvery {
		t.Errorf("read all %d lines after cancel", len(rec.Edges))
	}
}

func TestSinkError(t *testing.T) {
	rec := recorder{FailAt: 2}
	err := Import(context.Background(), strings.NewReader("1 2\n3 4\n5 6\n"), source.Options{Name: "s"}, &rec)
	if !errors.Is(err, sourcetest.ErrSinkFull) || err.Error() != "s:2: sink full" {
		t.Fatalf("got %v, want s:2: sink full", err)
	}
}
