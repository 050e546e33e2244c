package influence

import (
	"context"
	"math"
	"testing"

	"github.com/clout-cli/clout/graph"
)

// TestRRSetsUnbiased checks the identity RIS rests on, n·Pr[S ∩ RR ≠ ∅] =
// σ(S), on a path and a star where σ is known in closed form.
func TestRRSetsUnbiased(t *testing.T) {
	// 0 ← 1 ← 2 ← 3 (1 follows 0, ...): a cascade from 0 runs down the path.
	path, _ := graph.NewGraph(4, []uint32{1, 2, 3}, []uint32{0, 1, 2}, nil)
	// 1..5 follow 0, and 6 follows 1.
	star, _ := graph.NewGraph(7, []uint32{1, 2, 3, 4, 5, 6}, []uint32{0, 0, 0, 0, 0, 1}, nil)
	p := 0.4
	for _, tc := range []struct {
		name string
		g    *graph.Graph
		set  []uint32
		want float64
	}{
		{"path-from-0", path, []uint32{0}, 1 + p + p*p + p*p*p},
		{"path-from-2", path, []uint32{2}, 1 + p},
		{"path-0-and-2", path, []uint32{0, 2}, 2 + 2*p},
		{"star-hub", star, []uint32{0}, 1 + 5*p + p*p},
		{"star-leaf", star, []uint32{3}, 1},
		{"star-1", star, []uint32{1}, 1 + p},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gen := &rrGen{g: tc.g, m: &ICModel{Prob: ProbFixed, P: p}}
			var rr rrSets
			const theta = 200000
			if err := gen.extend(context.Background(), &rr, theta, 42); err != nil {
				t.Fatal(err)
			}
			hit := 0
			for j := range rr.len() {
				for _, v := range rr.nodes[rr.off[j]:rr.off[j+1]] {
					if v == tc.set[0] || (len(tc.set) > 1 && v == tc.set[1]) {
						hit++
						break
					}
				}
			}
			n := float64(tc.g.N())
			f := float64(hit) / theta
			got := n * f
			se := n * math.Sqrt(f*(1-f)/theta)
			if math.Abs(got-tc.want) > 4*se {
				t.Errorf("n·F_R(S) = %.4f ± %.4f, σ(S) = %.4f", got, se, tc.want)
			}
		})
	}
}
