package export

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"
)

// Labels and ids come from the platforms (display names, handles): whatever
// they hold, GEXF and GraphML stay well-formed XML that gives them back.
func FuzzXMLText(f *testing.F) {
	for _, s := range []string{"plain", `"quoted" & <tagged>`, "\x00\x01\ufffe", "🙂\u2028", "]]>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g := &Graph{IDs: []string{"a", "b"}, Labels: []string{s, "b"},
			NodeAttrs: []Attr{{Name: "name", Type: String, Str: []string{s, ""}}},
			Src:       []int32{0}, Dst: []int32{1}, Weight: []float64{1}}
		for _, w := range []func(io.Writer) error{
			func(w io.Writer) error { return WriteGEXF(w, g, GEXFOptions{}) },
			func(w io.Writer) error { return WriteGraphML(w, g) },
		} {
			var b bytes.Buffer
			if err := w(&b); err != nil {
				t.Fatal(err)
			}
			d := xml.NewDecoder(&b)
			for {
				_, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed XML for label %q: %v", s, err)
				}
			}
		}
	})
}
