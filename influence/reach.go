package influence

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/clout-cli/clout/graph"
)

// Followers returns v's followers as the data holds them: its in-degree in the
// follow graph, where u → v means u follows v.
func Followers(g *graph.Graph, v uint32) int { return g.InDegree(v) }

// Reacher computes audiences (reach) of accounts. It holds scratch space of
// one uint32 per node, reused across calls without clearing, so a Reacher is
// cheap to call repeatedly but must not be used by two goroutines at once.
//
// The audience of v at one hop is In(v), its followers. Its audience at two
// hops is In(v) ∪ In(In(v)) without v itself: the accounts that follow v or
// follow one of its followers. reach1 and reach2 are their sizes; reach1 is
// Followers(g, v) because a graph.Graph has no self-loops.
type Reacher struct {
	g     *graph.Graph
	stamp []uint32 // stamp[u] == gen marks u as seen in the current pass
	gen   uint32
	mark  []uint32 // second stamp array for Union; allocated on first use
	mgen  uint32
}

// NewReacher returns a Reacher for g.
func NewReacher(g *graph.Graph) *Reacher {
	return &Reacher{g: g, stamp: make([]uint32, g.N())}
}

// next starts a new pass over stamp; on wrap-around it clears the array once
// every 2^32-1 passes.
func next(stamp []uint32, gen *uint32) uint32 {
	*gen++
	if *gen == 0 {
		clear(stamp)
		*gen = 1
	}
	return *gen
}

// Reach2 returns |In(v) ∪ In(In(v)) \ {v}|, the number of distinct accounts
// that follow v or follow one of v's followers.
func (r *Reacher) Reach2(v uint32) int {
	gen := next(r.stamp, &r.gen)
	st := r.stamp
	st[v] = gen
	in1, _ := r.g.In(v)
	count := len(in1)
	for _, u := range in1 {
		st[u] = gen
	}
	for _, u := range in1 {
		in2, _ := r.g.In(u)
		for _, x := range in2 {
			if st[x] != gen {
				st[x] = gen
				count++
			}
		}
	}
	return count
}

// Union returns the size of the combined audience of a set of accounts, at one
// and two hops: reach1 = |∪_{a∈S} In(a)| and reach2 = |∪_{a∈S} A2(a)| with
// A2(a) = In(a) ∪ In(In(a)) \ {a}, the audience Reach2 counts. Each account is
// excluded from its own audience only: a member that follows, or follows a
// follower of, another member is part of the combined audience, as it is of
// that member's. Repeated entries in vs count once; vs is not modified.
func (r *Reacher) Union(vs []uint32) (reach1, reach2 int) {
	if r.mark == nil {
		r.mark = make([]uint32, r.g.N())
	}
	set := slices.Clone(vs)
	slices.Sort(set)
	set = slices.Compact(set)

	// One hop: In(a) never contains a, so a plain union suffices.
	mgen := next(r.mark, &r.mgen)
	for _, a := range set {
		in1, _ := r.g.In(a)
		for _, u := range in1 {
			if r.mark[u] != mgen {
				r.mark[u] = mgen
				reach1++
			}
		}
	}

	// Two hops: walk each member's own audience with its own stamp pass
	// (which excludes the member), adding what is new to the union marks.
	mgen = next(r.mark, &r.mgen)
	add := func(x uint32) {
		if r.mark[x] != mgen {
			r.mark[x] = mgen
			reach2++
		}
	}
	for _, a := range set {
		gen := next(r.stamp, &r.gen)
		st := r.stamp
		st[a] = gen
		in1, _ := r.g.In(a)
		for _, u := range in1 {
			st[u] = gen
			add(u)
		}
		for _, u := range in1 {
			in2, _ := r.g.In(u)
			for _, x := range in2 {
				if st[x] != gen {
					st[x] = gen
					add(x)
				}
			}
		}
	}
	return reach1, reach2
}

// Reach2All returns Reach2 of every node, exactly, on workers goroutines (0
// means runtime.GOMAXPROCS(0)). Each result depends only on the graph, so the
// output does not depend on workers. Its cost is Σ_v Σ_{u∈In(v)} indeg(u),
// which on large power-law graphs is far more than the number of edges; ctx
// is checked between blocks of nodes.
func Reach2All(ctx context.Context, g *graph.Graph, workers int) ([]int, error) {
	if workers < 0 {
		return nil, fmt.Errorf("reach: negative worker count %d", workers)
	}
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := g.N()
	const block = 256
	out := make([]int, n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range max(1, min(workers, (n+block-1)/block)) {
		wg.Go(func() {
			r := NewReacher(g)
			for !failed.Load() {
				lo := int(next.Add(block) - block)
				if lo >= n {
					return
				}
				if ctx.Err() != nil {
					failed.Store(true)
					return
				}
				for v := lo; v < min(lo+block, n); v++ {
					out[v] = r.Reach2(uint32(v))
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil && failed.Load() {
		return nil, fmt.Errorf("reach: %w", err)
	}
	return out, nil
}
