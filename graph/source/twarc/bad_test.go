package twarc

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

func TestBadLines(t *testing.T) {
	shape := "not a twarc line: want a v1.1 tweet (id_str, user), a twarc2 page (data, includes), " +
		"a flattened tweet (id, text) or a stream line (data, matching_rules)"
	tests := []struct {
		line, msg string
	}{
		{"this is not json", `not a twarc line: invalid JSON at byte 2: invalid character 'h' in literal true (expecting 'r'); line starts "this is not json"`},
		{`{"foo": 1, "bar": [1]}`, shape},
		{`{}`, shape},
		{`{"id": "1"}`, shape},                  // an id alone is neither tweet nor user
		{`{"id_str": "1", "text": "x"}`, shape}, // v1.1 tweet without user
		{`[1, 2]`, shape + "; got a JSON array"},
		{`1221317221714157569`, shape + "; got a JSON number"},
		{`"text"`, shape + "; got a JSON string"},
		{`null`, shape},
		{`{"data": "x", "includes": {}}`, `bad twarc line: "data" holds a JSON string, want an array of objects (page) or an object (stream line)`},
		{`{"data": ["x"]}`, `bad twarc line: "data" holds a JSON string, want an array of objects (page) or an object (stream line)`},
		{`{"data": {"user": 1}, "matching_rules": []}`, `bad twarc line: field "data.user" is a JSON number, want an object`},
		{`{"data": [{"id": "1", "text": "x"}`, `not a twarc line: invalid JSON at byte 34: unexpected end of JSON input; line starts "{\"data\": [{\"id\": \"1\", \"text\": \"x\"}"`},
		{`{"id_str": "5", "user": "bob"}`, `bad twarc line: field "user" is a JSON string, want an object`},
		{`{"data": [], "includes": {"users": {}}}`, `bad twarc line: field "includes.users" is a JSON object, want an array`},
		{strings.Repeat("x", 50), `not a twarc line: invalid JSON at byte 1: invalid character 'x' looking for beginning of value; line starts "` + strings.Repeat("x", 40) + `"…`},
	}
	for _, tt := range tests {
		in := "\n" + tt.line + "\n" // the bad line is line 2
		err := Import(context.Background(), strings.NewReader(in), source.Options{Name: "in.jsonl"}, &recorder{})
		var le *source.LineError
		if !errors.As(err, &le) {
			t.Errorf("%s: got %v, want a *source.LineError", tt.line, err)
			continue
		}
		if want := "in.jsonl:2: " + tt.msg; err.Error() != want {
			t.Errorf("%s:\n got %s\nwant %s", tt.line, err, want)
		}
	}
}

func TestBadFile(t *testing.T) {
	good := ed(u1, u2, graph.Mention, "2022-03-01T10:00:00Z", "1500000000000000001")

	// Without SkipBad the first bad line stops the import, after the lines
	// before it were sent.
	rec, _, err := importFile(t, "bad.jsonl", source.Options{})
	want := `bad.jsonl:4: not a twarc line: invalid JSON at byte 2: invalid character 'h' in literal true (expecting 'r'); line starts "this is not json"`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	if len(rec.edges) != 1 || !reflect.DeepEqual(rec.edges[0], good) {
		t.Errorf("edges before the bad line: %+v", rec.edges)
	}

	// With SkipBad every bad line is counted and the rest imported.
	var bad source.BadLines
	rec, _, err = importFile(t, "bad.jsonl", source.Options{SkipBad: true, Bad: &bad})
	if err != nil {
		t.Fatal(err)
	}
	if bad.Count != 7 {
		t.Errorf("skipped %d lines, want 7", bad.Count)
	}
	var lines []int64
	for _, e := range bad.First {
		lines = append(lines, e.Line)
		if e.File != "bad.jsonl" {
			t.Errorf("file %q", e.File)
		}
	}
	if want := []int64{4, 5, 6, 7, 8}; !reflect.DeepEqual(lines, want) {
		t.Errorf("first bad lines %v, want %v", lines, want)
	}
	if len(rec.edges) != 2 || !reflect.DeepEqual(rec.edges[0], good) || !reflect.DeepEqual(rec.edges[1], good) {
		t.Errorf("edges: %+v", rec.edges)
	}
}
