// Package synth generates synthetic directed follow graphs with power-law
// degree distributions, for benchmarks and scale tests.
//
// The model is the directed Chung–Lu model (F. Chung and L. Lu, "Connected
// components in random graphs with given expected degree sequences", Annals of
// Combinatorics 6, 2002; directed form as in W. Aiello, F. Chung and L. Lu, "A
// random graph model for power law graphs", Experimental Mathematics 10, 2001):
// every edge independently draws its source with probability proportional to
// an out-weight and its target with probability proportional to an in-weight.
// The node of in-rank i (0-based) has in-weight (i+1)^(-1/(GammaIn-1)), which
// gives an in-degree distribution with tail P(k) ∝ k^(-GammaIn); out-weights
// use GammaOut the same way. In-ranks and out-ranks are assigned to node labels
// by two independent seeded shuffles, so hubs are not nodes 0, 1, 2 and a
// node's in- and out-degree are independent (celebrities are followed by many
// and follow few).
package synth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// Options configures Generate.
type Options struct {
	// Nodes is the number of nodes, labelled 0..Nodes-1.
	Nodes int
	// Edges is the number of edges emitted.
	Edges int
	// Seed selects the graph: the same Options give the same edges in the same
	// order.
	Seed uint64
	// GammaIn and GammaOut are the exponents of the in- and out-degree tails;
	// both must be > 1. Zero means 2.1 (in) and 2.5 (out), typical of follow
	// graphs.
	GammaIn, GammaOut float64
}

// Validate reports whether o is usable, with its zero exponents defaulted.
func (o Options) Validate() error {
	_, err := o.withDefaults()
	return err
}

func (o Options) withDefaults() (Options, error) {
	if o.GammaIn == 0 {
		o.GammaIn = 2.1
	}
	if o.GammaOut == 0 {
		o.GammaOut = 2.5
	}
	switch {
	case o.Nodes < 0 || uint64(o.Nodes) > math.MaxUint32:
		return o, fmt.Errorf("synth: %d nodes out of range [0, 2^32-1]", o.Nodes)
	case o.Edges < 0:
		return o, fmt.Errorf("synth: negative edge count %d", o.Edges)
	case o.Edges > 0 && o.Nodes < 2:
		return o, fmt.Errorf("synth: %d edges need at least 2 nodes (self-loops are not generated), have %d", o.Edges, o.Nodes)
	case !(o.GammaIn > 1) || math.IsInf(o.GammaIn, 0):
		return o, fmt.Errorf("synth: GammaIn %v must be a finite number > 1", o.GammaIn)
	case !(o.GammaOut > 1) || math.IsInf(o.GammaOut, 0):
		return o, fmt.Errorf("synth: GammaOut %v must be a finite number > 1", o.GammaOut)
	}
	return o, nil
}

// seedStream is the second PCG word; fixed so that Seed alone picks the graph.
const seedStream = 0x636c6f7574 // "clout"

// Generate emits o.Edges edges src → dst of the graph described in the package
// comment, in a deterministic order fixed by o. Self-loops are never emitted (a
// drawn self-loop is redrawn); repeated pairs may occur, as in any Chung–Lu
// sample, and are left for the importer or graph.NewGraph to merge. An error
// from emit stops generation and is returned. ctx is checked every 64Ki edges.
func Generate(ctx context.Context, o Options, emit func(src, dst uint32) error) error {
	o, err := o.withDefaults()
	if err != nil {
		return err
	}
	if o.Edges == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(o.Seed, seedStream))
	outT := newAlias(o.Nodes, o.GammaOut, rng)
	inT := newAlias(o.Nodes, o.GammaIn, rng)
	for i := range o.Edges {
		if i&(1<<16-1) == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("synth: stopped after %d edges: %w", i, err)
			}
		}
		var u, v uint32
		for {
			u, v = outT.sample(rng), inT.sample(rng)
			if u != v {
				break
			}
		}
		if err := emit(u, v); err != nil {
			return err
		}
	}
	return nil
}

// Edges returns the edges Generate emits, as parallel arrays.
func Edges(o Options) (src, dst []uint32, err error) {
	if o.Edges > 0 {
		src = make([]uint32, 0, o.Edges)
		dst = make([]uint32, 0, o.Edges)
	}
	err = Generate(context.Background(), o, func(u, v uint32) error {
		src = append(src, u)
		dst = append(dst, v)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return src, dst, nil
}

// alias is Walker's alias table (Vose's construction) over node labels: a
// sample costs one random number and at most two table reads.
type alias struct {
	prob  []float64 // acceptance threshold of slot i, in [0, 1]
	alias []uint32  // label taken when slot i rejects
	label []uint32  // label of slot i
}

// newAlias builds the table for weights (i+1)^(-1/(gamma-1)) on ranks
// i = 0..n-1, with ranks assigned to labels by a shuffle drawn from rng.
func newAlias(n int, gamma float64, rng *rand.Rand) *alias {
	a := &alias{
		prob:  make([]float64, n),
		alias: make([]uint32, n),
		label: make([]uint32, n),
	}
	for i := range a.label {
		a.label[i] = uint32(i)
	}
	rng.Shuffle(n, func(i, j int) { a.label[i], a.label[j] = a.label[j], a.label[i] })

	exp := -1 / (gamma - 1)
	var total float64
	for i := range a.prob {
		p := math.Pow(float64(i+1), exp)
		a.prob[i] = p
		total += p
	}
	// Scale so the mean slot holds 1; split slots into small (< 1) and large.
	scale := float64(n) / total
	small := make([]uint32, 0, n)
	large := make([]uint32, 0, n)
	for i := range a.prob {
		a.prob[i] = float64(a.prob[i] * scale)
		if a.prob[i] < 1 {
			small = append(small, uint32(i))
		} else {
			large = append(large, uint32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s := small[len(small)-1]
		small = small[:len(small)-1]
		l := large[len(large)-1]
		a.alias[s] = a.label[l]
		a.prob[l] = float64(a.prob[l] + a.prob[s] - 1)
		if a.prob[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// Leftovers are 1 up to rounding.
	for _, i := range large {
		a.prob[i] = 1
	}
	for _, i := range small {
		a.prob[i] = 1
	}
	return a
}

// sample draws one label. The top bits of one 64-bit draw pick the slot (by
// multiply-shift, bias < n/2^32) and the low 32 bits decide accept or alias.
func (a *alias) sample(rng *rand.Rand) uint32 {
	r := rng.Uint64()
	slot := (r >> 32) * uint64(len(a.prob)) >> 32
	if float64(uint32(r))*(1.0/(1<<32)) < a.prob[slot] {
		return a.label[slot]
	}
	return a.alias[slot]
}
