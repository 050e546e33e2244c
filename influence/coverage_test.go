package influence_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/synth"
	"github.com/clout-cli/clout/influence"
)

// smallGraph is a random graph kept both as a graph.Graph and as the plain
// edge list the naive reference reads.
type smallGraph struct {
	n        int
	src, dst []uint32
	g        *graph.Graph
}

func randomSmall(t *testing.T, seed uint64, n int, p float64) smallGraph {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	var src, dst []uint32
	for u := range n {
		for v := range n {
			if u != v && rng.Float64() < p {
				src = append(src, uint32(u))
				dst = append(dst, uint32(v))
			}
		}
	}
	g, err := graph.NewGraph(n, src, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	return smallGraph{n, src, dst, g}
}

// audiences computes every account's audience from the edge list alone:
// followers, and at two hops their followers too, the account excluded.
func (s smallGraph) audiences(hops int) []map[int]bool {
	followers := make([][]int, s.n)
	for i := range s.src {
		followers[s.dst[i]] = append(followers[s.dst[i]], int(s.src[i]))
	}
	out := make([]map[int]bool, s.n)
	for v := range s.n {
		a := map[int]bool{}
		for _, u := range followers[v] {
			a[u] = true
			if hops == 2 {
				for _, x := range followers[u] {
					a[x] = true
				}
			}
		}
		delete(a, v)
		out[v] = a
	}
	return out
}

func unionSize(aud []map[int]bool, set []int) int {
	u := map[int]bool{}
	for _, v := range set {
		for x := range aud[v] {
			u[x] = true
		}
	}
	return len(u)
}

// naiveGreedy is the textbook greedy: every round it evaluates every
// candidate and takes the largest gain (or gain/cost), lowest index on ties,
// skipping what no longer fits the budget; it stops when nothing adds.
func naiveGreedy(aud []map[int]bool, k int, budget float64, costs []float64, include, exclude []int, ratio bool) []int {
	chosen := slices.Clone(include)
	spent := 0.0
	cost := func(v int) float64 {
		if budget == 0 {
			return 1
		}
		return costs[v]
	}
	for _, v := range include {
		spent += cost(v)
	}
	for k == 0 || len(chosen) < k {
		base := unionSize(aud, chosen)
		best, bestKey := -1, 0.0
		for v := range aud {
			if slices.Contains(chosen, v) || slices.Contains(exclude, v) {
				continue
			}
			if budget > 0 && spent+cost(v) > budget {
				continue
			}
			g := float64(unionSize(aud, append(slices.Clone(chosen), v)) - base)
			if g <= 0 {
				continue
			}
			key := g
			if ratio {
				key = g / cost(v)
			}
			if best < 0 || key > bestKey {
				best, bestKey = v, key
			}
		}
		if best < 0 {
			break
		}
		chosen = append(chosen, best)
		spent += cost(best)
	}
	return chosen
}

func nodesOf(p []influence.Pick) []int {
	out := make([]int, len(p))
	for i, x := range p {
		out[i] = int(x.Node)
	}
	return out
}

// bestSubset is the optimum over every set of at most k accounts.
func bestSubset(aud []map[int]bool, k int) int {
	n := len(aud)
	best := 0
	var rec func(start int, set []int)
	rec = func(start int, set []int) {
		best = max(best, unionSize(aud, set))
		if len(set) == k {
			return
		}
		for v := start; v < n; v++ {
			rec(v+1, append(set, v))
		}
	}
	rec(0, nil)
	return best
}

func TestCoverageMatchesNaiveGreedyAndBound(t *testing.T) {
	for _, tc := range []struct {
		name string
		seed uint64
		n    int
		p    float64
		hops int
		k    int
	}{
		{"sparse-1hop", 1, 12, 0.12, 1, 3},
		{"sparse-2hop", 2, 12, 0.12, 2, 3},
		{"dense-1hop", 3, 10, 0.35, 1, 4},
		{"dense-2hop", 4, 10, 0.2, 2, 2},
		{"tiny-2hop", 5, 7, 0.25, 2, 5},
		{"empty-ish", 6, 9, 0.02, 2, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := randomSmall(t, tc.seed, tc.n, tc.p)
			aud := s.audiences(tc.hops)
			for _, method := range []string{influence.ReachExact, influence.ReachSketch} {
				r, err := influence.Coverage(context.Background(), s.g, influence.CoverageOptions{
					SelectOptions: influence.SelectOptions{K: tc.k}, Hops: tc.hops, Method: method, Samples: 1 << 16})
				if err != nil {
					t.Fatal(err)
				}
				got := nodesOf(r.Picks)
				tot := 0.0
				for i, p := range r.Picks {
					tot += p.Gain
					if want := unionSize(aud, got[:i+1]); p.Total != float64(want) || p.Total != tot {
						t.Errorf("%s: pick %d total %v, gains sum %v, exact union %d", method, i, p.Total, tot, want)
					}
				}
				if method == influence.ReachExact {
					if want := naiveGreedy(aud, tc.k, 0, nil, nil, nil, false); !slices.Equal(got, want) {
						t.Errorf("CELF picked %v, naive greedy %v", got, want)
					}
				}
				opt := bestSubset(aud, tc.k)
				if v := total(r.Picks); v < (1-1/math.E)*float64(opt) {
					t.Errorf("%s: value %v below (1-1/e)·%d", method, v, opt)
				}
			}
		})
	}
}

func total(p []influence.Pick) float64 {
	if len(p) == 0 {
		return 0
	}
	return p[len(p)-1].Total
}

func TestCoverageBudgetIncludeExclude(t *testing.T) {
	for seed := uint64(10); seed < 22; seed++ {
		s := randomSmall(t, seed, 11, 0.15)
		rng := rand.New(rand.NewPCG(seed, 3))
		costs := make([]float64, s.n)
		for i := range costs {
			costs[i] = float64(1 + rng.IntN(5))
		}
		hops := 1 + int(seed%2)
		aud := s.audiences(hops)
		include := []int{int(seed % 11)}
		exclude := []int{int((seed + 3) % 11), int((seed + 5) % 11)}
		budget := 7.0
		o := influence.SelectOptions{K: 0, Budget: budget, Costs: costs, Include: []uint32{uint32(include[0])},
			Exclude: []uint32{uint32(exclude[0]), uint32(exclude[1])}}
		r, err := influence.Coverage(context.Background(), s.g, influence.CoverageOptions{SelectOptions: o, Hops: hops, Method: influence.ReachExact})
		if err != nil {
			t.Fatal(err)
		}
		unit := naiveGreedy(aud, 0, budget, costs, include, exclude, false)
		ratio := naiveGreedy(aud, 0, budget, costs, include, exclude, true)
		want := unit
		if unionSize(aud, ratio) > unionSize(aud, unit) {
			want = ratio
		}
		got := nodesOf(r.Picks)
		if !slices.Equal(got, want) {
			t.Errorf("seed %d: picked %v, naive cost-aware greedy %v (unit %v, ratio %v)", seed, got, want, unit, ratio)
		}
		spent := 0.0
		for _, p := range r.Picks {
			spent += p.Cost
		}
		if spent > budget || !r.Picks[0].Included || r.Picks[0].Node != uint32(include[0]) {
			t.Errorf("seed %d: spent %v of %v, first pick %+v", seed, spent, budget, r.Picks[0])
		}
	}
}

func TestCoverageEqualsReacherUnion(t *testing.T) {
	src, dst, err := synth.Edges(synth.Options{Nodes: 3000, Edges: 20000, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.NewGraph(3000, src, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	exact, err := influence.Coverage(context.Background(), g, influence.CoverageOptions{SelectOptions: influence.SelectOptions{K: 10}, Hops: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !exact.Exact {
		t.Fatalf("work %d should fit the default budget", exact.Work)
	}
	r := influence.NewReacher(g)
	nodes := make([]uint32, len(exact.Picks))
	for i, p := range exact.Picks {
		nodes[i] = p.Node
		r1, r2 := r.Union(nodes[:i+1])
		if p.Total != float64(r2) {
			t.Errorf("pick %d: total %v, Reacher.Union reach2 %d", i, p.Total, r2)
		}
		if i == 0 && p.Gain != float64(r.Reach2(p.Node)) {
			t.Errorf("first gain %v, reach2 %d", p.Gain, r.Reach2(p.Node))
		}
		_ = r1
	}
	// The sketch (forced by a tiny work budget) picks nearly as well, and
	// reports exact values for what it picked.
	sk, err := influence.Coverage(context.Background(), g, influence.CoverageOptions{SelectOptions: influence.SelectOptions{K: 10}, Hops: 2, ExactWork: 1, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if sk.Exact || sk.Samples != influence.DefaultCoverageSamples {
		t.Fatalf("sketch not used: %+v", sk)
	}
	var skNodes []uint32
	for _, p := range sk.Picks {
		skNodes = append(skNodes, p.Node)
	}
	if _, r2 := r.Union(skNodes); float64(r2) != total(sk.Picks) {
		t.Errorf("sketch total %v, exact union %d", total(sk.Picks), r2)
	}
	if total(sk.Picks) < 0.98*total(exact.Picks) {
		t.Errorf("sketch reached %v, exact greedy %v", total(sk.Picks), total(exact.Picks))
	}
	one, err := influence.Coverage(context.Background(), g, influence.CoverageOptions{SelectOptions: influence.SelectOptions{K: 5}, Hops: 1})
	if err != nil {
		t.Fatal(err)
	}
	var oneNodes []uint32
	for _, p := range one.Picks {
		oneNodes = append(oneNodes, p.Node)
	}
	if r1, _ := r.Union(oneNodes); float64(r1) != total(one.Picks) {
		t.Errorf("hops 1 total %v, Reacher.Union reach1 %d", total(one.Picks), r1)
	}
}

func TestCoverageErrors(t *testing.T) {
	s := randomSmall(t, 1, 5, 0.3)
	for _, o := range []influence.CoverageOptions{
		{SelectOptions: influence.SelectOptions{K: 2}, Hops: 3},
		{SelectOptions: influence.SelectOptions{K: 0}, Hops: 1},
		{SelectOptions: influence.SelectOptions{K: 1, Include: []uint32{1, 2}}, Hops: 1},
		{SelectOptions: influence.SelectOptions{K: 2, Include: []uint32{1}, Exclude: []uint32{1}}, Hops: 1},
		{SelectOptions: influence.SelectOptions{Budget: 1, Costs: []float64{2, 2, 2, 2, 2}, Include: []uint32{0}}, Hops: 1},
		{SelectOptions: influence.SelectOptions{K: 2}, Hops: 1, Method: "magic"},
	} {
		if _, err := influence.Coverage(context.Background(), s.g, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := influence.Coverage(ctx, s.g, influence.CoverageOptions{SelectOptions: influence.SelectOptions{K: 2}, Hops: 2}); err == nil {
		t.Error("cancelled context: no error")
	}
}
