package snap

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph/source"
)

// FuzzSNAP checks that no input panics, that every failure is a LineError or
// ErrEmpty, and that SkipBad turns every LineError into a skipped line.
func FuzzSNAP(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "snap", "*"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"", "1", "1 2", "a b 3", "a b 1 RT", "a b -1 re", "\ufeff#x\n1\t2\r\n", "1 2 99999999999999999999", "% x\n1 2 3 4 5"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var rec recorder
		err := Import(context.Background(), strings.NewReader(string(in)), source.Options{Name: "fuzz"}, &rec)
		var le *source.LineError
		if err != nil && !errors.As(err, &le) && !errors.Is(err, ErrEmpty) {
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		for _, e := range rec.Edges {
			if e.Src == "" || e.Dst == "" || strings.ContainsAny(e.Src+e.Dst, " \t\n\r") {
				t.Fatalf("bad key in %+v", e)
			}
			if e.Count < 0 {
				t.Fatalf("negative count in %+v", e)
			}
		}
		bad := &source.BadLines{}
		err = Import(context.Background(), strings.NewReader(string(in)), source.Options{Name: "fuzz", SkipBad: true, Bad: bad}, &recorder{})
		if err != nil && !errors.Is(err, ErrEmpty) {
			t.Fatalf("SkipBad: unexpected error %v", err)
		}
	})
}
