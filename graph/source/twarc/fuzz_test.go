package twarc

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

// FuzzTwarc checks that no input panics, that with SkipBad only an empty
// input fails, and that every edge is well formed.
func FuzzTwarc(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(fixtures, "*.jsonl"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(line)
		}
	}
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"data":{}}`, `{"data":[{}]}`, `{"data":[{"username":"a","id":"1"}],"__twarc":{"url":"/2/users/2/followers"}}`,
		`{"id":1,"text":"x","author":{"id":2},"entities":{"mentions":[{"start":3,"username":"a"}]}}`,
		`{"id_str":"1","user":{"id":2},"retweeted_status":{"user":{"id_str":"3"}}}`,
		`{"id":"1","text":"x","author_id":"2","referenced_tweets":[{"type":"retweeted","id":"3","referenced_tweets":[{"type":"quoted"}]}]}`,
		`{"limit":{"track":1}}`, `{"id": 1e400, "text": 1}`, "\xef\xbb\xbf{}\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var bad source.BadLines
		rec := &recorder{}
		err := Import(context.Background(), bytes.NewReader(in), source.Options{Name: "fuzz", SkipBad: true, Bad: &bad}, rec)
		if err != nil && !errors.Is(err, ErrEmpty) {
			t.Fatalf("SkipBad import failed: %v", err)
		}
		for _, e := range rec.edges {
			if e.Platform != "twitter" || e.Src == "" || e.Dst == "" || e.Src == e.Dst {
				t.Fatalf("bad edge %+v", e)
			}
		}
		for _, a := range rec.accounts {
			if a.Platform != "twitter" || a.Key == "" {
				t.Fatalf("bad account %+v", a)
			}
		}
		for _, p := range rec.posts {
			if p.Platform != "twitter" || p.ID == "" || p.TextLen < 0 || p.Text != "" || p.Kind > graph.RepostPost ||
				(p.Kind == graph.Original && p.Parent != "") {
				t.Fatalf("bad post %+v", p)
			}
		}
		err = Import(context.Background(), bytes.NewReader(in), source.Options{Name: "fuzz"}, &recorder{})
		var le *source.LineError
		if err != nil && !errors.Is(err, ErrEmpty) && !errors.As(err, &le) {
			t.Fatalf("strict import: unexpected error %v", err)
		}
		if (err == nil) != (bad.Count == 0 && len(bytes.TrimSpace(in)) > 0 && !errors.Is(err, ErrEmpty)) && !errors.Is(err, ErrEmpty) {
			t.Fatalf("strict error %v but %d bad lines with SkipBad", err, bad.Count)
		}
	})
}
