package csvedge

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph/source"
)

// FuzzCSV checks that no input panics, that every failure is a LineError or
// ErrEmpty, that SkipBad only fails on the header, and that every edge sent
// is well formed.
func FuzzCSV(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "csv", "*"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "source,target\n", "source,target\na,b\n", "\ufeffsrc;dst;weight\na;b;2,0\n",
		"x\nVertex 1,Vertex 2,Relationship\na,b,Tweet\n", "from\tto\ttime\n1\t2\t3/4/2019 1:00 PM\n",
		"source,target,type\na,b,undirected\n", "source,target\n\"a\nb\",c\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var rec recorder
		err := Import(context.Background(), strings.NewReader(string(in)), source.Options{Name: "fuzz", Kind: 1}, &rec)
		var le *source.LineError
		if err != nil && !errors.As(err, &le) && !errors.Is(err, ErrEmpty) {
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		for _, e := range rec.Edges {
			if e.Src == "" || e.Dst == "" || e.Platform == "" || e.Count < 0 {
				t.Fatalf("bad edge %+v", e)
			}
			for _, h := range e.Hashtags {
				if h == "" || h != strings.ToLower(h) || strings.HasPrefix(h, "#") {
					t.Fatalf("bad hashtag %q in %+v", h, e)
				}
			}
		}
		for _, a := range rec.Accounts {
			// NodeXL vertices carry their name as handle; node tables
			// carry what their columns say.
			if a.Key == "" || a.Platform == "" || a.Followers < -1 || a.Following < -1 || a.Posts < -1 {
				t.Fatalf("bad account %+v", a)
			}
		}
		bad := &source.BadLines{}
		err = Import(context.Background(), strings.NewReader(string(in)), source.Options{Name: "fuzz", SkipBad: true, Bad: bad}, &recorder{})
		if err != nil && !errors.Is(err, ErrEmpty) && !(errors.As(err, &le) && strings.Contains(le.Msg, "header")) {
			t.Fatalf("SkipBad: unexpected error %v", err)
		}
	})
}
