package influence_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph"
)

// measureFixture is one graph with the reference values that
// testdata/measures/make_measures.py computed with networkx.
type measureFixture struct {
	name                       string
	e                          edges // nil src for polblogs (use g)
	g                          *graph.Graph
	nodes                      []string
	leaderrank, authority, hub []float64
	coreness                   []int
}

// loadMeasureFixtures reads every testdata/measures/*-measures.csv with its
// graph: graph-NAME.csv for the small graphs, polblogs for polblogs.
func loadMeasureFixtures(t *testing.T) []measureFixture {
	t.Helper()
	files, err := filepath.Glob("testdata/measures/*-measures.csv")
	if err != nil || len(files) < 5 {
		t.Fatalf("fixtures: %v, %d files", err, len(files))
	}
	var out []measureFixture
	for _, path := range files {
		f := measureFixture{name: strings.TrimSuffix(filepath.Base(path), "-measures.csv")}
		for _, r := range readCSV(t, path) {
			lr, err1 := strconv.ParseFloat(r[1], 64)
			a, err2 := strconv.ParseFloat(r[2], 64)
			h, err3 := strconv.ParseFloat(r[3], 64)
			k, err4 := strconv.Atoi(r[4])
			if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
				t.Fatalf("%s: bad row %q", path, r)
			}
			f.nodes = append(f.nodes, r[0])
			f.leaderrank = append(f.leaderrank, lr)
			f.authority = append(f.authority, a)
			f.hub = append(f.hub, h)
			f.coreness = append(f.coreness, k)
		}
		if f.name == "polblogs" {
			p := loadPolblogs(t)
			for i, name := range p.names {
				if f.nodes[i] != name {
					t.Fatalf("%s: row %d is %s, polblogs-reference has %s", path, i, f.nodes[i], name)
				}
			}
			f.g = p.g
		} else {
			f.e = edges{n: len(f.nodes)}
			weighted := strings.HasPrefix(f.name, "weighted")
			for _, r := range readCSV(t, "testdata/measures/graph-"+f.name+".csv") {
				u, err1 := strconv.Atoi(r[0])
				v, err2 := strconv.Atoi(r[1])
				w, err3 := strconv.ParseFloat(r[2], 32)
				if err1 != nil || err2 != nil || err3 != nil {
					t.Fatalf("graph-%s.csv: bad row %q", f.name, r)
				}
				f.e.src = append(f.e.src, uint32(u))
				f.e.dst = append(f.e.dst, uint32(v))
				if weighted {
					f.e.w = append(f.e.w, float32(w))
				}
			}
			f.g = f.e.graph(t)
		}
		out = append(out, f)
	}
	if _, err := os.Stat("testdata/measures/polblogs-measures.csv"); err != nil {
		t.Fatal(err)
	}
	return out
}
