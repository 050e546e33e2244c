package graph_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	gonumgraph "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"

	"github.com/clout-cli/clout/graph"
)

// twin builds the same random weighted graph as a graph.Graph and as a gonum
// simple.WeightedDirectedGraph (self weight 0, absent weight +Inf).
func twin(t *testing.T, seed uint64, n, m int, weighted bool) (*graph.Graph, *simple.WeightedDirectedGraph) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	src := make([]uint32, m)
	dst := make([]uint32, m)
	var w []float32
	if weighted {
		w = make([]float32, m)
	}
	for i := range m {
		src[i] = uint32(rng.IntN(n))
		dst[i] = uint32(rng.IntN(n))
		if weighted {
			w[i] = float32(1+rng.IntN(20)) / 4
		}
	}
	g, err := graph.NewGraph(n, src, dst, w)
	if err != nil {
		t.Fatal(err)
	}
	s := simple.NewWeightedDirectedGraph(0, math.Inf(1))
	for u := range int64(n) {
		s.AddNode(simple.Node(u))
	}
	sum := map[[2]int64]float64{}
	for i := range m {
		if src[i] == dst[i] {
			continue
		}
		x := 1.0
		if weighted {
			x = float64(w[i])
		}
		k := [2]int64{int64(src[i]), int64(dst[i])}
		if weighted {
			sum[k] += x
		} else {
			sum[k] = x
		}
	}
	for k, x := range sum {
		s.SetWeightedEdge(s.NewWeightedEdge(simple.Node(k[0]), simple.Node(k[1]), x))
	}
	return g, s
}

func ids(it gonumgraph.Nodes) []int64 {
	var out []int64
	for it.Next() {
		out = append(out, it.Node().ID())
	}
	slices.Sort(out)
	return out
}

func TestGonumInterface(t *testing.T) {
	g, s := twin(t, 1, 40, 300, true)
	if got, want := ids(g.Nodes()), ids(s.Nodes()); !slices.Equal(got, want) {
		t.Fatalf("Nodes() = %v, want %v", got, want)
	}
	for _, id := range []int64{-1, 40, math.MaxInt64} {
		if g.Node(id) != nil {
			t.Errorf("Node(%d) = %v, want nil", id, g.Node(id))
		}
		if g.From(id).Len() != 0 || g.To(id).Len() != 0 {
			t.Errorf("From/To(%d) not empty", id)
		}
	}
	for u := range int64(40) {
		if g.Node(u).ID() != u {
			t.Fatalf("Node(%d).ID() = %d", u, g.Node(u).ID())
		}
		if got, want := ids(g.From(u)), ids(s.From(u)); !slices.Equal(got, want) {
			t.Fatalf("From(%d) = %v, want %v", u, got, want)
		}
		if got, want := ids(g.To(u)), ids(s.To(u)); !slices.Equal(got, want) {
			t.Fatalf("To(%d) = %v, want %v", u, got, want)
		}
		for v := range int64(40) {
			if g.HasEdgeFromTo(u, v) != s.HasEdgeFromTo(u, v) || g.HasEdgeBetween(u, v) != s.HasEdgeBetween(u, v) {
				t.Fatalf("edge tests for %d, %d disagree", u, v)
			}
			gw, gok := g.Weight(u, v)
			sw, sok := s.Weight(u, v)
			if gw != sw || gok != sok {
				t.Fatalf("Weight(%d, %d) = %v, %v; gonum simple gives %v, %v", u, v, gw, gok, sw, sok)
			}
			ge, se := g.WeightedEdge(u, v), s.WeightedEdge(u, v)
			if (ge == nil) != (se == nil) || (g.Edge(u, v) == nil) != (se == nil) {
				t.Fatalf("WeightedEdge(%d, %d) = %v, want %v", u, v, ge, se)
			}
			if ge != nil {
				if ge.From().ID() != u || ge.To().ID() != v || ge.Weight() != se.Weight() {
					t.Fatalf("WeightedEdge(%d, %d) = %v, want %v", u, v, ge, se)
				}
				r := ge.ReversedEdge()
				if r.From().ID() != v || r.To().ID() != u {
					t.Fatalf("ReversedEdge of %v = %v", ge, r)
				}
			}
		}
	}
}

func TestGonumIterator(t *testing.T) {
	g, err := graph.NewGraph(4, []uint32{0, 0, 0}, []uint32{1, 2, 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, it := range map[string]gonumgraph.Nodes{"Nodes": g.Nodes(), "From": g.From(0)} {
		want := it.Len()
		if it.Node() != nil {
			t.Errorf("%s: Node() before Next = %v", name, it.Node())
		}
		var n int
		for it.Next() {
			n++
			if it.Len() != want-n {
				t.Errorf("%s: Len() = %d after %d steps, want %d", name, it.Len(), n, want-n)
			}
		}
		if n != want || it.Len() != 0 || it.Node() != nil || it.Next() {
			t.Errorf("%s: exhausted iterator misbehaves (%d of %d)", name, n, want)
		}
		it.Reset()
		if it.Len() != want || !it.Next() {
			t.Errorf("%s: Reset did not rewind", name)
		}
	}
	if w, _ := g.Weight(0, 1); w != 1 {
		t.Errorf("unweighted Weight(0, 1) = %v, want 1", w)
	}
}

// TestGonumAlgorithms runs gonum algorithms on graph.Graph and on the same
// graph held by gonum's simple package; the answers must agree.
func TestGonumAlgorithms(t *testing.T) {
	for _, weighted := range []bool{false, true} {
		g, s := twin(t, 2, 60, 150, weighted)

		// Shortest paths exercise From and Weight.
		pg, ps := path.DijkstraAllPaths(g), path.DijkstraAllPaths(s)
		for u := range int64(60) {
			for v := range int64(60) {
				if a, b := pg.Weight(u, v), ps.Weight(u, v); a != b {
					t.Fatalf("weighted=%v: distance %d → %d = %v, gonum simple gives %v", weighted, u, v, a, b)
				}
			}
		}

		// Strongly connected components exercise Nodes and From.
		canon := func(cc [][]gonumgraph.Node) [][]int64 {
			var out [][]int64
			for _, c := range cc {
				var ids []int64
				for _, n := range c {
					ids = append(ids, n.ID())
				}
				slices.Sort(ids)
				out = append(out, ids)
			}
			slices.SortFunc(out, func(a, b []int64) int { return slices.Compare(a, b) })
			return out
		}
		cg, cs := canon(topo.TarjanSCC(g)), canon(topo.TarjanSCC(s))
		if !slices.EqualFunc(cg, cs, slices.Equal) {
			t.Fatalf("weighted=%v: SCCs %v, gonum simple gives %v", weighted, cg, cs)
		}

		// PageRank exercises From and Weight; gonum starts from a random
		// vector, so compare to a tolerance.
		rg, rs := network.PageRankSparse(g, 0.85, 1e-12), network.PageRankSparse(s, 0.85, 1e-12)
		for id, x := range rs {
			if math.Abs(rg[id]-x) > 1e-9 {
				t.Fatalf("weighted=%v: PageRank of %d = %v, gonum simple gives %v", weighted, id, rg[id], x)
			}
		}
	}
}
