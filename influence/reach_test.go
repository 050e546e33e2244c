package influence_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/clout-cli/clout/influence"
)

// bruteAudience is the two-hop audience of a as a set, from the raw edge list.
func bruteAudience(e edges, a uint32) (one, two map[uint32]bool) {
	followers := map[uint32]map[uint32]bool{}
	for i := range e.src {
		if e.src[i] == e.dst[i] {
			continue
		}
		if followers[e.dst[i]] == nil {
			followers[e.dst[i]] = map[uint32]bool{}
		}
		followers[e.dst[i]][e.src[i]] = true
	}
	one, two = map[uint32]bool{}, map[uint32]bool{}
	for u := range followers[a] {
		one[u] = true
		two[u] = true
		for x := range followers[u] {
			two[x] = true
		}
	}
	delete(two, a)
	return one, two
}

func TestReachBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 50 {
		n := 2 + rng.IntN(40)
		e := randomEdges(uint64(trial), n, rng.IntN(4*n), false)
		g := e.graph(t)
		r := influence.NewReacher(g)
		all, err := influence.Reach2All(context.Background(), g, 1+trial%3)
		if err != nil {
			t.Fatal(err)
		}
		for v := range uint32(n) {
			one, two := bruteAudience(e, v)
			if got := influence.Followers(g, v); got != len(one) {
				t.Fatalf("trial %d: followers of %d = %d, want %d", trial, v, got, len(one))
			}
			if got := r.Reach2(v); got != len(two) {
				t.Fatalf("trial %d: reach2 of %d = %d, want %d", trial, v, got, len(two))
			}
			if all[v] != len(two) {
				t.Fatalf("trial %d: Reach2All[%d] = %d, want %d", trial, v, all[v], len(two))
			}
		}
		for range 10 {
			set := make([]uint32, rng.IntN(5))
			for i := range set {
				set[i] = uint32(rng.IntN(n))
			}
			u1, u2 := map[uint32]bool{}, map[uint32]bool{}
			for _, a := range set {
				one, two := bruteAudience(e, a)
				for x := range one {
					u1[x] = true
				}
				for x := range two {
					u2[x] = true
				}
			}
			if r1, r2 := r.Union(set); r1 != len(u1) || r2 != len(u2) {
				t.Fatalf("trial %d: Union(%v) = %d, %d, want %d, %d", trial, set, r1, r2, len(u1), len(u2))
			}
		}
	}
}

// TestReachUnionMembers pins down the rule for members of the set: member 1
// follows member 0, so it is in 0's audience and counts; member 0 follows
// nobody, so it is in no audience and does not count.
func TestReachUnionMembers(t *testing.T) {
	// 1 → 0 (b=1 follows a=0), 2 → 1, 3 → 2.
	g := edges{n: 4, src: []uint32{1, 2, 3}, dst: []uint32{0, 1, 2}}.graph(t)
	r := influence.NewReacher(g)
	if r1, r2 := r.Union([]uint32{0, 1, 0}); r1 != 2 || r2 != 3 {
		// reach1: {1} ∪ {2}; reach2: {1, 2} ∪ {2, 3}.
		t.Errorf("Union({0, 1}) = %d, %d, want 2, 3", r1, r2)
	}
	if r1, r2 := r.Union(nil); r1 != 0 || r2 != 0 {
		t.Errorf("Union(nil) = %d, %d", r1, r2)
	}
}

func TestReach2AllCancel(t *testing.T) {
	g := randomEdges(1, 5000, 20000, false).graph(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := influence.Reach2All(ctx, g, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if _, err := influence.Reach2All(context.Background(), g, -1); err == nil {
		t.Error("negative workers accepted")
	}
}
