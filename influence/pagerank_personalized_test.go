package influence_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/clout-cli/clout/influence"
)

// TestPageRankPersonalizedNetworkx checks personalized PageRank (teleport
// and dangling mass on seeds) against networkx's pagerank(personalization=v,
// dangling=v), stored by testdata/personalized/make_fixture.py, and against
// the dense power iteration of pagerank_test.go.
func TestPageRankPersonalizedNetworkx(t *testing.T) {
	b, err := os.ReadFile("testdata/personalized/pagerank_personalized.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Cases []struct {
			Name    string
			N       int
			Damping float64
			Edges   [][3]float64
			Seeds   map[string]float64
			Scores  []float64
		}
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) < 5 {
		t.Fatalf("%d cases in the fixture", len(fx.Cases))
	}
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			e := edges{n: c.N}
			for _, ed := range c.Edges {
				e.src = append(e.src, uint32(ed[0]))
				e.dst = append(e.dst, uint32(ed[1]))
				e.w = append(e.w, float32(ed[2]))
			}
			v := make([]float64, c.N)
			for k, w := range c.Seeds {
				u, err := strconv.Atoi(k)
				if err != nil {
					t.Fatal(err)
				}
				v[u] = w
			}
			r, err := influence.PageRank(context.Background(), e.graph(t), influence.PageRankOptions{Damping: c.Damping, Tol: 1e-14, Teleport: v})
			if err != nil {
				t.Fatal(err)
			}
			dense := densePageRank(e, c.Damping, v)
			for u := range c.N {
				if d := math.Abs(r.Scores[u] - c.Scores[u]); d > 1e-12 {
					t.Errorf("node %d: %.15g, networkx %.15g", u, r.Scores[u], c.Scores[u])
				}
				if d := math.Abs(r.Scores[u] - dense[u]); d > 1e-12 {
					t.Errorf("node %d: %.15g, dense power iteration %.15g", u, r.Scores[u], dense[u])
				}
			}
		})
	}
}
