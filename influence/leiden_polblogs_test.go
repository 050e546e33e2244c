package influence_test

import (
	"context"
	"math"
	"strconv"
	"testing"

	"github.com/clout-cli/clout/influence"
)

// The fixtures under testdata/communities were computed by networkx 3.6.1
// (make_networkx.py) and igraph 0.10.2 (make_igraph.py) on polblogs made
// undirected with w{u,v} = w(u→v) + w(v→u), as Leiden sees it.

func TestModularityPolblogsMatchesNetworkx(t *testing.T) {
	p := loadPolblogs(t)
	rows := readCSV(t, "testdata/communities/polblogs-partitions.csv")
	header := []string{"leaning", "random4", "random50", "igraph_multilevel", "igraph_leiden", "singletons"}
	parts := map[string][]int32{}
	for i, name := range header {
		memb := make([]int32, len(p.names))
		for v, r := range rows {
			if r[0] != p.names[v] {
				t.Fatalf("partition row %d is %q, want %q", v, r[0], p.names[v])
			}
			c, err := strconv.Atoi(r[i+1])
			if err != nil {
				t.Fatal(err)
			}
			memb[v] = int32(c)
		}
		parts[name] = memb
	}
	for _, r := range readCSV(t, "testdata/communities/polblogs-modularity.csv") {
		gamma, _ := strconv.ParseFloat(r[1], 64)
		want, _ := strconv.ParseFloat(r[2], 64)
		got, err := influence.Modularity(p.g, parts[r[0]], gamma)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s γ=%v: Q = %.16g, networkx %.16g", r[0], gamma, got, want)
		}
	}
}

func TestLeidenPolblogsAgainstIgraph(t *testing.T) {
	p := loadPolblogs(t)
	ref := map[string]float64{}
	for _, r := range readCSV(t, "testdata/communities/polblogs-igraph-modularity.csv") {
		ref[r[0]], _ = strconv.ParseFloat(r[1], 64)
	}
	var mean float64
	for seed := uint64(1); seed <= 10; seed++ {
		r, err := influence.Leiden(context.Background(), p.g, influence.LeidenOptions{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		checkConnected(t, p.g, r.Membership)
		checkCanonical(t, r)
		if r.Modularity < ref["multilevel_best_of_10"]-0.005 {
			t.Errorf("seed %d: Q = %.6f, more than 0.005 below igraph community_multilevel's best %.6f", seed, r.Modularity, ref["multilevel_best_of_10"])
		}
		mean += r.Modularity / 10
		if seed == 1 {
			t.Logf("seed 1: Q = %.6f, %d communities, largest %d", r.Modularity, len(r.Sizes), r.Sizes[0])
		}
	}
	if mean < ref["multilevel_mean_of_10"]-1e-3 {
		t.Errorf("mean Q over 10 seeds %.6f, igraph community_multilevel's mean %.6f", mean, ref["multilevel_mean_of_10"])
	}
	t.Logf("Leiden mean Q over 10 seeds %.6f; igraph multilevel best %.6f mean %.6f, igraph Leiden %.6f",
		mean, ref["multilevel_best_of_10"], ref["multilevel_mean_of_10"], ref["leiden"])
}
