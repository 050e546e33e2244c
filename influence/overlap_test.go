package influence_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/influence"
)

// randomSet returns n distinct values below universe, ascending.
func randomSet(r *rand.Rand, n, universe int) []uint32 {
	seen := map[uint32]bool{}
	for len(seen) < n {
		seen[uint32(r.IntN(universe))] = true
	}
	out := make([]uint32, 0, n)
	for x := range seen {
		out = append(out, x)
	}
	slices.Sort(out)
	return out
}

func naiveIntersect(a, b []uint32) int {
	in := map[uint32]bool{}
	for _, x := range a {
		in[x] = true
	}
	c := 0
	for _, x := range b {
		if in[x] {
			c++
		}
	}
	return c
}

func TestIntersectSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name           string
		na, nb, univer int
	}{
		{"empty", 0, 10, 100},
		{"both empty", 0, 0, 10},
		{"equal sizes dense", 500, 500, 1000},
		{"equal sizes sparse", 500, 500, 100000},
		{"skewed (galloping)", 20, 50000, 60000},
		{"very skewed", 3, 100000, 300000},
		{"one element", 1, 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 20 {
				a, b := randomSet(r, tc.na, tc.univer), randomSet(r, tc.nb, tc.univer)
				if got, want := influence.IntersectSorted(a, b), naiveIntersect(a, b); got != want {
					t.Fatalf("|a∩b| = %d, want %d", got, want)
				}
				if got, want := influence.IntersectSorted(b, a), naiveIntersect(a, b); got != want {
					t.Fatalf("|b∩a| = %d, want %d", got, want)
				}
			}
		})
	}
	// Edge positions: the match is the first or the last element.
	big := make([]uint32, 10000)
	for i := range big {
		big[i] = uint32(2 * i)
	}
	for _, a := range [][]uint32{{0}, {19998}, {19999}, {0, 19998}, {1, 3, 19998, 20000}} {
		if got, want := influence.IntersectSorted(a, big), naiveIntersect(a, big); got != want {
			t.Errorf("%v ∩ evens: %d, want %d", a, got, want)
		}
	}
}

// followGraph builds a follow graph whose target nodes 0..len(sets)-1 have
// the given follower sets, with followers numbered from len(sets).
func followGraph(t testing.TB, universe int, sets ...[]uint32) *graph.Graph {
	t.Helper()
	var src, dst []uint32
	for v, s := range sets {
		for _, u := range s {
			src = append(src, uint32(len(sets))+u)
			dst = append(dst, uint32(v))
		}
	}
	g, err := graph.NewGraph(len(sets)+universe, src, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestOverlapMatrixExactByConstruction(t *testing.T) {
	// A = {0..9}, B = {5..19}, C = {}, D = A.
	a := []uint32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	b := []uint32{5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}
	g := followGraph(t, 20, a, b, nil, a)
	ov, err := influence.OverlapMatrix(context.Background(), g, []uint32{0, 1, 2, 3}, influence.OverlapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	for _, tc := range []struct {
		i, j                int
		shared, jac, cA, cB float64
		sizeA, sizeB        int
	}{
		{0, 1, 5, 5.0 / 20, 5.0 / 10, 5.0 / 15, 10, 15},
		{1, 0, 5, 5.0 / 20, 5.0 / 15, 5.0 / 10, 15, 10},
		{0, 0, 10, 1, 1, 1, 10, 10},
		{0, 3, 10, 1, 1, 1, 10, 10},
		{0, 2, 0, 0, 0, nan, 10, 0},
		{2, 2, 0, nan, nan, nan, 0, 0},
	} {
		o := ov[tc.i][tc.j]
		same := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
		if !o.Exact || o.SizeA != tc.sizeA || o.SizeB != tc.sizeB || !same(o.Shared, tc.shared) ||
			!same(o.Jaccard, tc.jac) || !same(o.ContainmentA, tc.cA) || !same(o.ContainmentB, tc.cB) {
			t.Errorf("[%d][%d] = %+v, want shared %v J %v cA %v cB %v", tc.i, tc.j, o, tc.shared, tc.jac, tc.cA, tc.cB)
		}
	}
}

// TestMinHashStandardError checks the stated error: over many pairs of large
// random sets with known Jaccard index J, the estimate's error divided by
// √(J(1−J)/K) behaves like a standard normal (no |z| > 4.5, RMS near 1).
func TestMinHashStandardError(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, k := range []int{256, 1024} {
		var sumZ2 float64
		pairs := 0
		for _, jTarget := range []float64{0.02, 0.1, 0.3, 0.5, 0.8, 0.95} {
			for rep := range 12 {
				// |A ∪ B| = u, |A ∩ B| ≈ J·u, the rest split between A and B.
				u := 20000 + 1000*rep
				shared := int(jTarget * float64(u))
				onlyA := (u - shared) / 3
				perm := r.Perm(5 * u)
				var a, b []uint32
				for i := range u {
					x := uint32(perm[i])
					switch {
					case i < shared:
						a, b = append(a, x), append(b, x)
					case i < shared+onlyA:
						a = append(a, x)
					default:
						b = append(b, x)
					}
				}
				slices.Sort(a)
				slices.Sort(b)
				j := float64(shared) / float64(u)
				mh := influence.NewMinHasher(k, uint64(1000*k+rep))
				est := influence.EstimateJaccard(mh.Sketch(a), mh.Sketch(b))
				se := math.Sqrt(j * (1 - j) / float64(k))
				z := (est - j) / se
				if math.Abs(z) > 4.5 {
					t.Errorf("K=%d J=%.3f: estimate %.4f, %.1f standard errors off", k, j, est, z)
				}
				sumZ2 += z * z
				pairs++
			}
		}
		rms := math.Sqrt(sumZ2 / float64(pairs))
		if rms < 0.7 || rms > 1.3 {
			t.Errorf("K=%d: RMS error is %.2f standard errors √(J(1−J)/K), want about 1", k, rms)
		}
		t.Logf("K=%d: RMS error %.3f × √(J(1−J)/K) over %d pairs", k, rms, pairs)
	}
}

func TestMinHashSmallSetsAndEdgeCases(t *testing.T) {
	mh := influence.NewMinHasher(64, 3)
	for _, tc := range []struct {
		name string
		a, b []uint32
		want float64
	}{
		{"identical singletons", []uint32{5}, []uint32{5}, 1},
		{"disjoint singletons", []uint32{5}, []uint32{6}, 0},
		{"identical small", []uint32{1, 2, 3}, []uint32{1, 2, 3}, 1},
		{"empty vs set", nil, []uint32{1}, 0},
		{"both empty", nil, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := influence.EstimateJaccard(mh.Sketch(tc.a), mh.Sketch(tc.b)); got != tc.want {
				t.Errorf("Ĵ = %v, want %v", got, tc.want)
			}
		})
	}
	if !math.IsNaN(influence.EstimateJaccard(make([]uint64, 3), make([]uint64, 4))) {
		t.Error("signatures of different sizes must give NaN")
	}
}

func TestOverlapMatrixEstimatedMatchesExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const universe = 200000
	base := randomSet(r, 60000, universe)
	sets := [][]uint32{base[:40000], base[20000:], randomSet(r, 30000, universe), base[10000:50000], randomSet(r, 50, universe)}
	g := followGraph(t, universe, sets...)
	nodes := []uint32{0, 1, 2, 3, 4}
	ctx := context.Background()
	exact, err := influence.OverlapMatrix(ctx, g, nodes, influence.OverlapOptions{ExactMax: math.MaxInt})
	if err != nil {
		t.Fatal(err)
	}
	est, err := influence.OverlapMatrix(ctx, g, nodes, influence.OverlapOptions{ExactMax: -1, Seed: 9, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	est2, _ := influence.OverlapMatrix(ctx, g, nodes, influence.OverlapOptions{ExactMax: -1, Seed: 9, Workers: 3})
	for i := range nodes {
		for j := range nodes {
			e, x := est[i][j], exact[i][j]
			if est2[i][j] != e {
				t.Fatalf("[%d][%d] depends on the worker count", i, j)
			}
			if (i == j) != e.Exact {
				t.Errorf("[%d][%d] Exact = %v", i, j, e.Exact)
			}
			if e.SizeA != x.SizeA || e.SizeB != x.SizeB {
				t.Errorf("[%d][%d] sizes %d,%d, want %d,%d", i, j, e.SizeA, e.SizeB, x.SizeA, x.SizeB)
			}
			se := math.Sqrt(x.Jaccard*(1-x.Jaccard)/influence.DefaultMinHashK) + 1e-3
			if math.Abs(e.Jaccard-x.Jaccard) > 4.5*se {
				t.Errorf("[%d][%d] Ĵ = %.4f, exact %.4f (SE %.4f)", i, j, e.Jaccard, x.Jaccard, se)
			}
			if x.Shared > 1000 && math.Abs(e.Shared-x.Shared)/x.Shared > 0.1 {
				t.Errorf("[%d][%d] shared ≈ %.0f, exact %.0f", i, j, e.Shared, x.Shared)
			}
		}
	}
	// The default threshold computes all of these exactly.
	def, _ := influence.OverlapMatrix(ctx, g, nodes, influence.OverlapOptions{})
	if def[0][1] != exact[0][1] {
		t.Errorf("default options: %+v, want exact %+v", def[0][1], exact[0][1])
	}
}

func TestOverlapMatrixErrors(t *testing.T) {
	g := followGraph(t, 3, []uint32{0, 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := influence.OverlapMatrix(ctx, g, []uint32{0}, influence.OverlapOptions{}); err == nil {
		t.Error("cancelled context: no error")
	}
	if _, err := influence.OverlapMatrix(context.Background(), g, []uint32{9}, influence.OverlapOptions{}); err == nil {
		t.Error("node out of range: no error")
	}
	if _, err := influence.OverlapMatrix(context.Background(), g, []uint32{0}, influence.OverlapOptions{K: -1}); err == nil {
		t.Error("negative K: no error")
	}
}

// BenchmarkOverlapMatrix compares the 50 accounts with the most followers of
// the 1M-node, 10M-edge synthetic graph: exact (every pair merged) and all
// estimated (signatures and K-bin comparisons).
func BenchmarkOverlapMatrix(b *testing.B) {
	g := synthGraph(b, 1_000_000, 10_000_000, false)
	nodes := make([]uint32, g.N())
	for i := range nodes {
		nodes[i] = uint32(i)
	}
	slices.SortFunc(nodes, func(x, y uint32) int { return g.InDegree(y) - g.InDegree(x) })
	nodes = nodes[:50]
	b.Logf("followers of the 50: %d .. %d", g.InDegree(nodes[0]), g.InDegree(nodes[49]))
	for _, bm := range []struct {
		name     string
		exactMax int
	}{{"top50-exact", math.MaxInt}, {"top50-minhash", -1}} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := influence.OverlapMatrix(context.Background(), g, nodes, influence.OverlapOptions{ExactMax: bm.exactMax}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
