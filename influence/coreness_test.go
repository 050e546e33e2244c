package influence_test

import (
	"context"
	"errors"
	"testing"

	"github.com/clout-cli/clout/influence"
)

// TestCorenessNetworkx compares against networkx core_number on the DiGraph
// (see testdata/measures/make_measures.py).
func TestCorenessNetworkx(t *testing.T) {
	for _, f := range loadMeasureFixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			core, err := influence.Coreness(context.Background(), f.g)
			if err != nil {
				t.Fatal(err)
			}
			top := 0
			for i, want := range f.coreness {
				top = max(top, want)
				if core[i] != want {
					t.Errorf("coreness of %s = %d, networkx gives %d", f.nodes[i], core[i], want)
				}
			}
			t.Logf("largest core number %d", top)
		})
	}
}

// naiveCoreness is the definition run literally: for k = 1, 2, ..., delete
// nodes of degree < k (in + out among the nodes left) until none is left;
// the nodes still there are in the k-core.
func naiveCoreness(e edges) []int {
	type pair struct{ u, v uint32 }
	seen := map[pair]bool{}
	var es []pair
	for i := range e.src {
		p := pair{e.src[i], e.dst[i]}
		if p.u != p.v && !seen[p] {
			seen[p] = true
			es = append(es, p)
		}
	}
	alive := make([]bool, e.n)
	for i := range alive {
		alive[i] = true
	}
	core := make([]int, e.n)
	for k := 1; ; k++ {
		for changed := true; changed; {
			changed = false
			deg := make([]int, e.n)
			for _, p := range es {
				if alive[p.u] && alive[p.v] {
					deg[p.u]++
					deg[p.v]++
				}
			}
			for v := range alive {
				if alive[v] && deg[v] < k {
					alive[v] = false
					changed = true
				}
			}
		}
		any := false
		for v, a := range alive {
			if a {
				core[v] = k
				any = true
			}
		}
		if !any {
			return core
		}
	}
}

func TestCorenessNaive(t *testing.T) {
	cases := testGraphs()
	cases["dense random"] = randomEdges(11, 40, 600, false)
	cases["reciprocal pair"] = edges{n: 3, src: []uint32{0, 1, 1}, dst: []uint32{1, 0, 2}}
	cases["with self-loops"] = edges{n: 3, src: []uint32{0, 0, 1, 2}, dst: []uint32{0, 1, 2, 0}}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			core, err := influence.Coreness(context.Background(), e.graph(t))
			if err != nil {
				t.Fatal(err)
			}
			want := naiveCoreness(e)
			for v := range want {
				if core[v] != want[v] {
					t.Errorf("node %d: %d, want %d", v, core[v], want[v])
				}
			}
		})
	}
}

func TestCorenessClosedForm(t *testing.T) {
	// A reciprocal pair counts twice: 0 ⇄ 1 is a 2-core; 2 → 1 hangs off it
	// with degree 1.
	core, err := influence.Coreness(context.Background(), edges{n: 4, src: []uint32{0, 1, 2}, dst: []uint32{1, 0, 1}}.graph(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{2, 2, 1, 0}; !equalInts(core, want) {
		t.Errorf("got %v, want %v", core, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := influence.Coreness(ctx, ring(5).graph(t)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	if core, err := influence.Coreness(context.Background(), edges{}.graph(t)); err != nil || len(core) != 0 {
		t.Errorf("empty graph: %v, %v", core, err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
