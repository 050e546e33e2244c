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

// edgeProb returns p(B→A) for the follow edge A → B (index i of the edge
// list) under a model, computed from the edge list alone.
func edgeProbs(s smallGraph, m influence.ICModel) []float64 {
	outdeg := make([]int, s.n)
	for _, a := range s.src {
		outdeg[a]++
	}
	ps := make([]float64, len(s.src))
	for i := range ps {
		switch m.Prob {
		case influence.ProbFixed:
			ps[i] = m.P
		case influence.ProbWC:
			ps[i] = 1 / float64(outdeg[s.src[i]])
		}
	}
	return ps
}

// exactSpread computes σ(S) for every set by enumerating all 2^m live-edge
// worlds: spread(S) = Σ_w P(w)·|accounts reachable from S along live edges
// B → A|. It returns a function of the set.
func exactSpread(s smallGraph, ps []float64) func(set []int) float64 {
	m := len(s.src)
	if m > 18 || s.n > 16 {
		panic("too large to enumerate")
	}
	type world struct {
		p     float64
		reach []uint32 // bitmask reachable from each account
	}
	worlds := make([]world, 0, 1<<m)
	for mask := 0; mask < 1<<m; mask++ {
		p := 1.0
		adj := make([][]int, s.n)
		for i := range m {
			if mask&(1<<i) != 0 {
				p *= ps[i]
				adj[s.dst[i]] = append(adj[s.dst[i]], int(s.src[i]))
			} else {
				p *= 1 - ps[i]
			}
		}
		if p == 0 {
			continue
		}
		reach := make([]uint32, s.n)
		for v := range s.n {
			seen := uint32(1) << v
			stack := []int{v}
			for len(stack) > 0 {
				b := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				for _, a := range adj[b] {
					if seen&(1<<a) == 0 {
						seen |= 1 << a
						stack = append(stack, a)
					}
				}
			}
			reach[v] = seen
		}
		worlds = append(worlds, world{p, reach})
	}
	return func(set []int) float64 {
		var sum float64
		for _, w := range worlds {
			var u uint32
			for _, v := range set {
				u |= w.reach[v]
			}
			sum += w.p * float64(popcount(u))
		}
		return sum
	}
}

func popcount(x uint32) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}

// smallSparse draws a random graph with exactly m edges on n accounts.
func smallSparse(t *testing.T, seed uint64, n, m int) smallGraph {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 11))
	seen := map[[2]uint32]bool{}
	var src, dst []uint32
	for len(src) < m {
		u, v := uint32(rng.IntN(n)), uint32(rng.IntN(n))
		if u == v || seen[[2]uint32{u, v}] {
			continue
		}
		seen[[2]uint32{u, v}] = true
		src, dst = append(src, u), append(dst, v)
	}
	g, err := graph.NewGraph(n, src, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	return smallGraph{n, src, dst, g}
}

func TestIMMNearBruteForceOptimum(t *testing.T) {
	for _, tc := range []struct {
		name  string
		seed  uint64
		n, m  int
		k     int
		model influence.ICModel
	}{
		{"fixed-0.3", 1, 10, 16, 2, influence.ICModel{Prob: influence.ProbFixed, P: 0.3}},
		{"fixed-0.5", 2, 9, 14, 3, influence.ICModel{Prob: influence.ProbFixed, P: 0.5}},
		{"wc", 3, 10, 16, 2, influence.ICModel{Prob: influence.ProbWC}},
		{"fixed-0.1", 4, 12, 16, 3, influence.ICModel{Prob: influence.ProbFixed, P: 0.1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := smallSparse(t, tc.seed, tc.n, tc.m)
			sigma := exactSpread(s, edgeProbs(s, tc.model))
			opt := 0.0
			var rec func(start int, set []int)
			rec = func(start int, set []int) {
				if len(set) == tc.k {
					opt = max(opt, sigma(set))
					return
				}
				for v := start; v < s.n; v++ {
					rec(v+1, append(set, v))
				}
			}
			rec(0, nil)
			r, err := influence.IMM(context.Background(), s.g, influence.IMMOptions{
				SelectOptions: influence.SelectOptions{K: tc.k}, Model: tc.model, Seed: tc.seed})
			if err != nil {
				t.Fatal(err)
			}
			got := sigma(nodesOf(r.Picks))
			if got < (1-1/math.E-influence.DefaultEpsilon)*opt || got < 0.95*opt {
				t.Errorf("IMM set %v spread %.4f, optimum %.4f", nodesOf(r.Picks), got, opt)
			}
			// IMM's own estimate is close to the truth.
			if est := total(r.Picks); math.Abs(est-got) > 0.05*got {
				t.Errorf("IMM estimate %.4f, exact %.4f", est, got)
			}
			// Simulate's 95 % interval covers the exact spread of every prefix
			// (checked at 4 standard errors, 1.96 → 4 below).
			seeds := make([]uint32, len(r.Picks))
			for i, p := range r.Picks {
				seeds[i] = p.Node
			}
			est, err := influence.Simulate(context.Background(), s.g, tc.model, seeds, 20000, 5, 0)
			if err != nil {
				t.Fatal(err)
			}
			for i := range seeds {
				want := sigma(nodesOf(r.Picks[:i+1]))
				half := (est[i].High - est[i].Low) / 2 / 1.96 * 4
				if math.Abs(est[i].Mean-want) > half+1e-9 {
					t.Errorf("prefix %d: simulated %.4f [%.4f, %.4f], exact %.4f", i, est[i].Mean, est[i].Low, est[i].High, want)
				}
			}
		})
	}
}

// naiveSpread is an independent Monte-Carlo estimate: every round flips a
// coin for every follower edge of every newly active account.
func naiveSpread(g *graph.Graph, p float64, seeds []uint32, runs int, seed uint64) (mean, se float64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	var sum, sq float64
	for range runs {
		active := map[uint32]bool{}
		frontier := []uint32{}
		for _, s := range seeds {
			if !active[s] {
				active[s] = true
				frontier = append(frontier, s)
			}
		}
		for len(frontier) > 0 {
			var nextF []uint32
			for _, b := range frontier {
				fol, _ := g.In(b)
				for _, a := range fol {
					if rng.Float64() < p && !active[a] {
						active[a] = true
						nextF = append(nextF, a)
					}
				}
			}
			frontier = nextF
		}
		c := float64(len(active))
		sum += c
		sq += c * c
	}
	mean = sum / float64(runs)
	return mean, math.Sqrt((sq/float64(runs) - mean*mean) / float64(runs))
}

func TestIMMSpreadReestimatedIndependently(t *testing.T) {
	src, dst, err := synth.Edges(synth.Options{Nodes: 5000, Edges: 40000, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.NewGraph(5000, src, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := influence.ICModel{Prob: influence.ProbFixed, P: 0.05}
	r, err := influence.IMM(context.Background(), g, influence.IMMOptions{SelectOptions: influence.SelectOptions{K: 10}, Model: m, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	seeds := make([]uint32, len(r.Picks))
	for i, p := range r.Picks {
		seeds[i] = p.Node
	}
	mean, se := naiveSpread(g, m.P, seeds, 3000, 8)
	est, err := influence.Simulate(context.Background(), g, m, seeds, 3000, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	last := est[len(est)-1]
	seSim := (last.High - last.Low) / 2 / 1.96
	if d := math.Abs(last.Mean - mean); d > 4*math.Hypot(se, seSim) {
		t.Errorf("Simulate %.2f ± %.2f, independent simulation %.2f ± %.2f", last.Mean, seSim, mean, se)
	}
	if d := math.Abs(total(r.Picks) - mean); d > 0.1*mean {
		t.Errorf("IMM estimate %.2f, independent simulation %.2f", total(r.Picks), mean)
	}
	// The greedy set beats the ten accounts with most followers, or ties.
	byFollowers := make([]uint32, g.N())
	for i := range byFollowers {
		byFollowers[i] = uint32(i)
	}
	slices.SortStableFunc(byFollowers, func(a, b uint32) int { return g.InDegree(b) - g.InDegree(a) })
	top, _ := naiveSpread(g, m.P, byFollowers[:10], 3000, 8)
	if mean < top-4*se {
		t.Errorf("IMM set spread %.2f below the top-10 by followers %.2f", mean, top)
	}
	// Reproducible: same seed, same picks, whatever the workers.
	r2, err := influence.IMM(context.Background(), g, influence.IMMOptions{SelectOptions: influence.SelectOptions{K: 10}, Model: m, Seed: 3, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(nodesOf(r.Picks), nodesOf(r2.Picks)) || total(r.Picks) != total(r2.Picks) || r.Theta != r2.Theta {
		t.Errorf("workers changed the result: %v vs %v", nodesOf(r.Picks), nodesOf(r2.Picks))
	}
	est1, _ := influence.Simulate(context.Background(), g, m, seeds, 3000, 1, 1)
	if !slices.Equal(est, est1) {
		t.Error("Simulate depends on workers")
	}
}

func TestIMMEdgeModelBudgetAndErrors(t *testing.T) {
	s := smallSparse(t, 7, 10, 15)
	rng := rand.New(rand.NewPCG(1, 2))
	// Edge probabilities follow the out-rows: edge i of the CSR.
	off, idx, _ := s.g.OutCSR()
	edge := make([]float32, s.g.M())
	ps := make([]float64, len(s.src))
	byPair := map[[2]uint32]float32{}
	for a := range s.n {
		for j := off[a]; j < off[a+1]; j++ {
			edge[j] = float32(rng.Float64() * 0.8)
			byPair[[2]uint32{uint32(a), idx[j]}] = edge[j]
		}
	}
	for i := range s.src {
		ps[i] = float64(byPair[[2]uint32{s.src[i], s.dst[i]}])
	}
	sigma := exactSpread(s, ps)
	m := influence.ICModel{Prob: influence.ProbEdge, Edge: edge}
	costs := []float64{1, 2, 3, 1, 2, 3, 1, 2, 3, 1}
	r, err := influence.IMM(context.Background(), s.g, influence.IMMOptions{
		SelectOptions: influence.SelectOptions{Budget: 4, Costs: costs, Include: []uint32{4}, Exclude: []uint32{0}}, Model: m, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	spent := 0.0
	for _, p := range r.Picks {
		spent += p.Cost
		if p.Node == 0 {
			t.Error("excluded account picked")
		}
	}
	if spent > 4 || r.Picks[0].Node != 4 || !r.Picks[0].Included {
		t.Errorf("picks %+v", r.Picks)
	}
	if got, est := sigma(nodesOf(r.Picks)), total(r.Picks); math.Abs(got-est) > 0.05*got {
		t.Errorf("estimate %.4f, exact %.4f", est, got)
	}
	for _, o := range []influence.IMMOptions{
		{SelectOptions: influence.SelectOptions{K: 2}, Model: influence.ICModel{Prob: influence.ProbFixed, P: 0}},
		{SelectOptions: influence.SelectOptions{K: 2}, Model: influence.ICModel{Prob: influence.ProbFixed, P: 1.5}},
		{SelectOptions: influence.SelectOptions{K: 2}, Model: influence.ICModel{Prob: "x"}},
		{SelectOptions: influence.SelectOptions{K: 2}, Model: influence.ICModel{Prob: influence.ProbEdge, Edge: edge[:3]}},
		{SelectOptions: influence.SelectOptions{K: 2}, Model: influence.ICModel{Prob: influence.ProbWC}, Epsilon: 1.5},
		{SelectOptions: influence.SelectOptions{K: 2}, Model: influence.ICModel{Prob: influence.ProbWC}, Epsilon: 0.01, MaxRRSets: 1000},
	} {
		if _, err := influence.IMM(context.Background(), s.g, o); err == nil {
			t.Errorf("%+v: no error", o.Model)
		}
	}
}

func TestEngagementProbs(t *testing.T) {
	// 0 follows 1 and 2; 3 follows 1; 3 → 2 engagement without a follow.
	g, _ := graph.NewGraph(4, []uint32{0, 0, 3}, []uint32{1, 2, 1}, nil)
	posts := []int64{0, 10, 4, 0}
	got, err := influence.EngagementProbs(g, []uint32{0, 3, 3}, []uint32{1, 1, 2}, []int64{5, 20, 1}, posts, 1, 99)
	if err != nil {
		t.Fatal(err)
	}
	// Out-rows: 0 → {1, 2}, 3 → {1}.
	want := []float32{float32(6.0 / 110), float32(1.0 / 104), float32(11.0 / 110)}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
