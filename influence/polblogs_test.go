package influence_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/influence"
)

// polblogs is the political blogosphere network with reference values from
// networkx and igraph (see testdata/polblogs/README.md).
type polblogs struct {
	g         *graph.Graph
	names     []string
	pagerank  []float64
	followers []int
	reach2    []int
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows[1:]
}

func loadPolblogs(t *testing.T) polblogs {
	t.Helper()
	var p polblogs
	index := map[string]uint32{}
	for _, r := range readCSV(t, "testdata/polblogs/polblogs-reference.csv") {
		pr, err1 := strconv.ParseFloat(r[1], 64)
		fo, err2 := strconv.Atoi(r[2])
		r2, err3 := strconv.Atoi(r[3])
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatalf("bad reference row %q", r)
		}
		index[r[0]] = uint32(len(p.names))
		p.names = append(p.names, r[0])
		p.pagerank = append(p.pagerank, pr)
		p.followers = append(p.followers, fo)
		p.reach2 = append(p.reach2, r2)
	}
	var src, dst []uint32
	for _, r := range readCSV(t, "testdata/polblogs/polblogs.csv") {
		u, ok1 := index[r[0]]
		v, ok2 := index[r[1]]
		if !ok1 || !ok2 {
			t.Fatalf("edge %q names a blog missing from the reference", r)
		}
		src = append(src, u)
		dst = append(dst, v)
	}
	g, err := graph.NewGraph(len(p.names), src, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g.N() != 1490 || g.M() != 19022 {
		t.Fatalf("polblogs has %d nodes and %d edges, want 1490 and 19022", g.N(), g.M())
	}
	p.g = g
	return p
}

func TestPageRankPolblogs(t *testing.T) {
	p := loadPolblogs(t)
	r, err := influence.PageRank(context.Background(), p.g, influence.PageRankOptions{Tol: 1e-13})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Converged || r.Residual >= 1e-13 {
		t.Fatalf("not converged: %d iterations, residual %g", r.Iterations, r.Residual)
	}
	var worst float64
	for i, want := range p.pagerank {
		d := math.Abs(r.Scores[i] - want)
		worst = max(worst, d)
		if d > 1e-9 {
			t.Errorf("PageRank of %s = %.16g, networkx gives %.16g", p.names[i], r.Scores[i], want)
		}
	}
	t.Logf("%d iterations, residual %.3g, largest difference from networkx %.3g", r.Iterations, r.Residual, worst)

	order := make([]int, len(p.names))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return -cmpFloat(r.Scores[a], r.Scores[b]) })
	want := []string{"dailykos.com", "atrios.blogspot.com", "instapundit.com", "blogsforbush.com", "talkingpointsmemo.com"}
	for i, name := range want {
		if p.names[order[i]] != name {
			t.Errorf("rank %d is %s, want %s", i+1, p.names[order[i]], name)
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestReachPolblogs(t *testing.T) {
	p := loadPolblogs(t)
	r := influence.NewReacher(p.g)
	all, err := influence.Reach2All(context.Background(), p.g, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range p.names {
		v := uint32(i)
		if got := influence.Followers(p.g, v); got != p.followers[i] {
			t.Errorf("followers of %s = %d, want %d", name, got, p.followers[i])
		}
		if got := r.Reach2(v); got != p.reach2[i] {
			t.Errorf("reach2 of %s = %d, want %d", name, got, p.reach2[i])
		}
		if all[i] != p.reach2[i] {
			t.Errorf("Reach2All of %s = %d, want %d", name, all[i], p.reach2[i])
		}
		if r1, r2 := r.Union([]uint32{v}); r1 != p.followers[i] || r2 != p.reach2[i] {
			t.Errorf("Union of {%s} = %d, %d, want %d, %d", name, r1, r2, p.followers[i], p.reach2[i])
		}
	}
}
