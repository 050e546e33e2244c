package influence

import (
	"context"
	"fmt"
	"math"
)

// This file holds the lazy greedy (CELF) engine shared by coverage.go and
// imm.go: both choose accounts by greedy maximum coverage of a monotone
// submodular function, the union of audiences (coverage) or of reverse
// reachable sets (IMM's node selection).

// Pick is one chosen account.
type Pick struct {
	// Node is the chosen account.
	Node uint32
	// Gain is its marginal gain when chosen: the number of accounts
	// (coverage) or the expected number of activations (ic) it adds to the
	// accounts chosen before it.
	Gain float64
	// Total is the value of the set up to and including this pick.
	Total float64
	// Cost is its cost (1 without costs).
	Cost float64
	// Included marks a forced member (SelectOptions.Include).
	Included bool
}

// SelectOptions are the constraints of a seed-set selection, common to
// coverage and ic.
type SelectOptions struct {
	// K is the largest number of picks, forced members included; 0 means no
	// limit (only with Budget).
	K int
	// Budget, when > 0, bounds the summed cost of the picks; Costs gives
	// each node's cost (Costs[v] ≤ 0, NaN or +Inf: v is never picked). With
	// Budget 0 every pick costs 1 and Costs is ignored.
	Budget float64
	Costs  []float64
	// Include are forced members, taken first in the order given; Exclude
	// are never picked. A node in both is an error.
	Include, Exclude []uint32
}

// setSystem is a monotone submodular coverage function over candidate nodes,
// with a mutable covered state.
type setSystem interface {
	// bound is an upper bound on v's gain with nothing covered.
	bound(v uint32) float64
	// gain is v's marginal gain given what is covered now.
	gain(v uint32) float64
	// add covers v's elements and returns its marginal gain.
	add(v uint32) float64
	// reset uncovers everything.
	reset()
}

// validate checks o against a graph of n nodes.
func (o *SelectOptions) validate(n int) error {
	if o.K < 0 {
		return fmt.Errorf("select: negative k %d", o.K)
	}
	if o.Budget < 0 || math.IsNaN(o.Budget) || math.IsInf(o.Budget, 0) {
		return fmt.Errorf("select: budget %v must be a finite number ≥ 0", o.Budget)
	}
	if o.K == 0 && o.Budget == 0 {
		return fmt.Errorf("select: need k > 0 or a budget")
	}
	if o.Budget > 0 && len(o.Costs) != n {
		return fmt.Errorf("select: %d costs for %d nodes", len(o.Costs), n)
	}
	if o.K > 0 && len(o.Include) > o.K {
		return fmt.Errorf("select: %d forced members exceed k = %d", len(o.Include), o.K)
	}
	ex := map[uint32]bool{}
	for _, v := range o.Exclude {
		if int(v) >= n {
			return fmt.Errorf("select: excluded node %d out of range", v)
		}
		ex[v] = true
	}
	seen := map[uint32]bool{}
	spent := 0.0
	for _, v := range o.Include {
		if int(v) >= n {
			return fmt.Errorf("select: included node %d out of range", v)
		}
		if ex[v] {
			return fmt.Errorf("select: node %d is both included and excluded", v)
		}
		if seen[v] {
			return fmt.Errorf("select: node %d included twice", v)
		}
		seen[v] = true
		if o.Budget > 0 {
			c := o.Costs[v]
			if !(c > 0) || math.IsInf(c, 0) {
				return fmt.Errorf("select: included node %d has no valid cost", v)
			}
			spent += c
		}
	}
	if o.Budget > 0 && spent > o.Budget {
		return fmt.Errorf("select: forced members cost %v, more than the budget %v", spent, o.Budget)
	}
	return nil
}

func (o *SelectOptions) cost(v uint32) float64 {
	if o.Budget == 0 {
		return 1
	}
	return o.Costs[v]
}

// selectSeeds runs lazy greedy on sys under o. Without a budget it is the
// unit-cost greedy of Nemhauser, Wolsey and Fisher (1978), (1 − 1/e) of the
// optimum; with a budget it runs both the unit-cost greedy (skipping what no
// longer fits) and the benefit/cost greedy and returns the better, which is
// within ½(1 − 1/e) of the optimum (Leskovec et al. 2007, CELF). Ties go to
// the lower node index. It stops early when no candidate adds anything.
func selectSeeds(ctx context.Context, n int, sys setSystem, o SelectOptions) ([]Pick, error) {
	if err := o.validate(n); err != nil {
		return nil, err
	}
	unit, err := lazyGreedy(ctx, n, sys, &o, false)
	if err != nil || o.Budget == 0 {
		return unit, err
	}
	ratio, err := lazyGreedy(ctx, n, sys, &o, true)
	if err != nil {
		return nil, err
	}
	if total(ratio) > total(unit) {
		return ratio, nil
	}
	return unit, nil
}

func total(p []Pick) float64 {
	if len(p) == 0 {
		return 0
	}
	return p[len(p)-1].Total
}

// celfItem is a heap entry: key is v's (possibly stale) gain, or gain/cost,
// computed in round.
type celfItem struct {
	key   float64
	v     uint32
	round int32
}

// before orders the heap: larger key first, then lower node index.
func (a celfItem) before(b celfItem) bool {
	return a.key > b.key || (a.key == b.key && a.v < b.v)
}

// celfHeap is a binary max-heap of celfItems.
type celfHeap []celfItem

func (h celfHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && h[r].before(h[l]) {
			j = r
		}
		if !h[j].before(h[i]) {
			return
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
}

func (h *celfHeap) push(x celfItem) {
	*h = append(*h, x)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[i].before(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *celfHeap) pop() celfItem {
	s := *h
	top := s[0]
	s[0] = s[len(s)-1]
	*h = s[:len(s)-1]
	(*h).down(0)
	return top
}

// lazyGreedy is one greedy pass (unit-cost, or benefit/cost when ratio).
// Heap keys are upper bounds on current gains (submodularity: gains only
// shrink), so the first entry that is fresh (evaluated in this round) is the
// best candidate, and among equals the lowest index: any equal entry of lower
// index would sort before it.
func lazyGreedy(ctx context.Context, n int, sys setSystem, o *SelectOptions, ratio bool) ([]Pick, error) {
	sys.reset()
	var picks []Pick
	var tot, spent float64
	taken := make([]bool, n)
	for _, v := range o.Exclude {
		taken[v] = true
	}
	for _, v := range o.Include {
		g := sys.add(v)
		tot += g
		c := o.cost(v)
		spent += c
		taken[v] = true
		picks = append(picks, Pick{Node: v, Gain: g, Total: tot, Cost: c, Included: true})
	}
	key := func(g float64, v uint32) float64 {
		if ratio {
			return g / o.cost(v)
		}
		return g
	}
	h := make(celfHeap, 0, n)
	for v := range n {
		u := uint32(v)
		if taken[u] {
			continue
		}
		if o.Budget > 0 {
			if c := o.Costs[u]; !(c > 0) || math.IsInf(c, 0) || spent+c > o.Budget {
				continue
			}
		}
		if b := sys.bound(u); b > 0 {
			h = append(h, celfItem{key: key(b, u), v: u, round: -1})
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
	round := int32(0)
	for evals := 0; len(h) > 0 && (o.K == 0 || len(picks) < o.K); evals++ {
		if evals&255 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("select: %w", err)
			}
		}
		top := h.pop()
		c := o.cost(top.v)
		if o.Budget > 0 && spent+c > o.Budget {
			continue // it will never fit again: spent only grows
		}
		if top.round != round {
			if g := sys.gain(top.v); g > 0 {
				h.push(celfItem{key: key(g, top.v), v: top.v, round: round})
			}
			continue
		}
		g := sys.add(top.v)
		tot += g
		spent += c
		picks = append(picks, Pick{Node: top.v, Gain: g, Total: tot, Cost: c})
		round++
	}
	return picks, nil
}
