package influence

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync/atomic"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/hugemem"
)

// Reach2 for every account at once, exactly (Reach2All) or estimated with
// HyperLogLog counters (Reach2Sketch), and Reach2Every to choose between them.

// DefaultSketchPrecision is the default p of Reach2Sketch: m = 2^p = 256
// one-byte registers per counter, a relative standard error of 1.04/√256 =
// 6.5%.
const DefaultSketchPrecision = 8

// Reach2ExactBudget is the largest Reach2Work for which Reach2Auto runs the
// exact Reach2All: 5·10⁸ visits of a follower's follower. A visit is a
// random read; on the 1M-account, 10M-edge benchmark graph (Reach2Work
// 1.04·10⁸) the exact pass cost 40 ns of CPU per visit with the 2-core
// machine heavily shared, so the budget is about 10 s of wall time there and
// less on an idle machine, while the sketch's cost does not grow with it.
const Reach2ExactBudget uint64 = 500_000_000

// sketchSeed fixes the hash, so estimates are the same on every run.
const sketchSeed uint64 = 0x636c6f75_7472326b // "cloutr2k"

// SketchRSE returns the relative standard error 1.04/√m of a HyperLogLog
// estimate with m = 2^precision registers (Flajolet et al. 2007).
func SketchRSE(precision int) float64 { return 1.04 / math.Sqrt(float64(uint64(1)<<precision)) }

// Reach2SketchOptions configures Reach2Sketch.
type Reach2SketchOptions struct {
	// Precision p gives m = 2^p registers per counter, in [4, 16]; zero means
	// DefaultSketchPrecision. Memory is m bytes per account with at least
	// m/8 followers (and at least one followee), plus 8 bytes per account for
	// the result.
	Precision int
	// Workers is the number of goroutines; zero means runtime.GOMAXPROCS(0).
	// The result does not depend on it.
	Workers int
}

// Reach2Work returns the cost of the exact Reach2All on g: the number of
// followers' followers it visits, Σ_v Σ_{u∈In(v)} indeg(u), which is
// Σ_u indeg(u)·outdeg(u) (u is visited once for each account it follows).
func Reach2Work(g *graph.Graph) uint64 {
	var w uint64
	for u := range g.N() {
		w += uint64(g.InDegree(uint32(u))) * uint64(g.OutDegree(uint32(u)))
	}
	return w
}

// Reach2Sketch estimates Reach2 of every node, reach2(v) = |In(v) ∪
// In(In(v)) \ {v}|, with HyperLogLog counters propagated as in HyperANF (P.
// Boldi, M. Rosa and S. Vigna, "HyperANF: approximating the neighbourhood
// function of very large graphs on a budget", WWW 2011): each node's counter
// is the union (register-wise maximum) of counters of its in-neighbours,
//
//	c1(u) = {u} ∪ In(u)                 (built from hashes)
//	c2(v) = {v} ∪ ⋃_{u∈In(v)} c1(u)     = {v} ∪ In(v) ∪ In(In(v))
//
// and reach2(v) ≈ |c2(v)| − 1. c2(v) always holds v (it is put in
// explicitly, whether or not v follows one of its followers), so
// |c2(v)| = reach2(v) + 1 exactly and the estimate of reach2 is as unbiased
// as that of |c2(v)|. Counters are HyperLogLog sketches (P. Flajolet, É.
// Fusy, O. Gandouet and F. Meunier, "HyperLogLog: the analysis of a
// near-optimal cardinality estimation algorithm", AofA 2007) with m = 2^p
// one-byte registers and 64-bit hashes (a fixed-seed SplitMix64 finalizer of
// the node index, so the estimates are the same on every run), read with
// Ertl's improved estimator (O. Ertl, "New cardinality estimation algorithms
// for HyperLogLog sketches", arXiv:1702.01284, 2017), which needs no bias
// tables or range switches. The relative standard error is SketchRSE(p) =
// 1.04/√m: 6.5% at the default p = 8. Estimates are rounded to integers.
//
// A node whose exact count is no dearer than one register pass — indeg(v) +
// Σ_{u∈In(v)} indeg(u) ≤ m — is counted exactly instead (as Reach2 does);
// those are the small audiences, where a sketch would be estimating at most
// m + 1 elements anyway. So the error applies to the larger audiences only.
//
// Cost: a follower u with at most m/8 − 1 followers of its own has its c1(u)
// inserted element by element wherever it is needed; a larger one gets a
// stored counter (m bytes, built once) that is merged register-wise, eight
// registers per word operation. So an estimated node v costs
// Σ_{u∈In(v)} min(indeg(u) + 1, m/8) word operations plus m to read its
// counter, and memory is m bytes per stored counter: in all O(N·m + M·m/8)
// time whatever the graph's skew (Reach2All costs Reach2Work). Nodes are
// processed in blocks on Workers goroutines; each result depends only on the
// graph, and ctx is checked between blocks.
func Reach2Sketch(ctx context.Context, g *graph.Graph, o Reach2SketchOptions) ([]int, error) {
	if o.Precision == 0 {
		o.Precision = DefaultSketchPrecision
	}
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Precision < 4 || o.Precision > 16 {
		return nil, fmt.Errorf("reach sketch: precision %d out of range [4, 16]", o.Precision)
	}
	if o.Workers < 0 {
		return nil, fmt.Errorf("reach sketch: negative worker count %d", o.Workers)
	}
	n := g.N()
	s := &sketcher{g: g, p: uint(o.Precision), words: 1 << (o.Precision - 3)}
	s.q = 64 - s.p
	m := s.words * 8
	// Only followers with a large audience get a stored counter; the others'
	// c1 is inserted element by element where it is needed (cheaper than a
	// merge of m registers while it has fewer than m/8 elements).
	s.stored = make([]uint64, n/64+1)
	s.before = make([]uint32, n/64+1)
	rows := 0
	for u := range n {
		if u&63 == 0 {
			s.before[u>>6] = uint32(rows)
		}
		if g.InDegree(uint32(u))+1 > s.words && g.OutDegree(uint32(u)) > 0 {
			s.stored[u>>6] |= 1 << (u & 63)
			rows++
		}
	}
	// Stored counters are read at random, one per in-edge: huge pages.
	regs, mem := hugemem.Slice[uint64](rows * s.words)
	s.c1 = regs
	err := s.blocks(ctx, o.Workers, func(lo, hi int, _ *sketchScratch) {
		for u := lo; u < hi; u++ {
			if k, ok := s.row(uint32(u)); ok {
				s.insertIn(s.c1[k*s.words:(k+1)*s.words], uint32(u))
			}
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([]int, n)
	err = s.blocks(ctx, o.Workers, func(lo, hi int, sc *sketchScratch) {
		for v := lo; v < hi; v++ {
			in, _ := g.In(uint32(v))
			work := len(in)
			for _, u := range in {
				work += g.InDegree(u)
			}
			if work <= m {
				if sc.reacher == nil {
					sc.reacher = NewReacher(g)
				}
				out[v] = sc.reacher.Reach2(uint32(v))
				continue
			}
			buf := sc.buf
			clear(buf)
			s.insert(buf, uint32(v))
			for _, u := range in {
				if k, ok := s.row(u); ok {
					maxBytes(buf, s.c1[k*s.words:(k+1)*s.words])
				} else {
					s.insertIn(buf, u)
				}
			}
			out[v] = max(0, int(math.Round(s.estimate(buf, sc.hist)))-1)
		}
	})
	runtime.KeepAlive(mem)
	if err != nil {
		return nil, err
	}
	return out, nil
}

type sketcher struct {
	g     *graph.Graph
	p, q  uint // precision, and q = 64 − p hash bits for the rank
	words int  // m/8 uint64 words of 8 one-byte registers per counter
	// stored has bit u set when u has a stored counter c1(u); before[w]
	// counts the stored counters of nodes below 64·w. Both are small enough
	// to stay in cache, unlike a table of N row numbers.
	stored []uint64
	before []uint32
	c1     []uint64 // stored counter k is c1[k·words : (k+1)·words]
}

type sketchScratch struct {
	buf     []uint64
	hist    []int
	reacher *Reacher // for the nodes counted exactly; made on first use
}

// blocks runs f over blocks of nodes on workers goroutines, each with its own
// scratch space, and reports ctx's error if it stopped them.
func (s *sketcher) blocks(ctx context.Context, workers int, f func(lo, hi int, sc *sketchScratch)) error {
	n := s.g.N()
	const block = 1024
	nblocks := (n + block - 1) / block
	var next atomic.Int64
	var failed atomic.Bool
	workers = max(1, min(workers, nblocks))
	runChunks(workers, workers, func(int) {
		sc := &sketchScratch{buf: make([]uint64, s.words), hist: make([]int, s.q+2)}
		for !failed.Load() {
			b := int(next.Add(1) - 1)
			if b >= nblocks {
				return
			}
			if ctx.Err() != nil {
				failed.Store(true)
				return
			}
			f(b*block, min((b+1)*block, n), sc)
		}
	})
	if err := ctx.Err(); err != nil && failed.Load() {
		return fmt.Errorf("reach sketch: %w", err)
	}
	return nil
}

// hash is SplitMix64's finalizer of the node index times the golden-ratio
// increment, offset by the seed.
func hash(x uint32) uint64 {
	z := sketchSeed + uint64(x)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// insert adds node x to the counter row: register j (the top p bits of the
// hash) becomes at least the position of the first 1 in the other q bits
// (q + 1 when they are all 0).
func (s *sketcher) insert(row []uint64, x uint32) {
	h := hash(x)
	j := h >> s.q
	r := uint64(min(uint(bits.LeadingZeros64(h<<s.p))+1, s.q+1))
	w, shift := &row[j>>3], (j&7)*8
	if (*w>>shift)&0xff < r {
		*w = *w&^(0xff<<shift) | r<<shift
	}
}

// row returns the index of u's stored counter, if it has one.
func (s *sketcher) row(u uint32) (int, bool) {
	w, b := u>>6, uint64(1)<<(u&63)
	word := s.stored[w]
	if word&b == 0 {
		return 0, false
	}
	return int(s.before[w]) + bits.OnesCount64(word&(b-1)), true
}

// insertIn adds c1(u) = {u} ∪ In(u) to the counter row.
func (s *sketcher) insertIn(row []uint64, u uint32) {
	s.insert(row, u)
	in, _ := s.g.In(u)
	for _, x := range in {
		s.insert(row, x)
	}
}

// maxBytes sets every byte of dst to the larger of it and src's, eight at a
// time: bytes are below 128, so (a|H) − b never borrows across bytes and its
// high bit in a byte says a ≥ b.
func maxBytes(dst, src []uint64) {
	const hi = 0x8080808080808080
	src = src[:len(dst)]
	for i, a := range dst {
		b := src[i]
		ge := (((a | hi) - b) & hi) >> 7 * 0xff
		dst[i] = a&ge | b&^ge
	}
}

// estimate returns Ertl's improved estimate of the counter's cardinality
// (arXiv:1702.01284, Algorithm 6), from the histogram of register values.
func (s *sketcher) estimate(row []uint64, hist []int) float64 {
	clear(hist)
	for _, w := range row {
		for range 8 {
			hist[w&0xff]++
			w >>= 8
		}
	}
	m := float64(len(row) * 8)
	q := int(s.q)
	z := m * ertlTau(1-float64(hist[q+1])/m)
	for k := q; k >= 1; k-- {
		z = 0.5 * (z + float64(hist[k]))
	}
	z += m * ertlSigma(float64(hist[0])/m)
	return m * m / (2 * math.Ln2 * z)
}

// ertlSigma is σ(x) = x + Σ_{k≥1} x^(2^k)·2^(k−1).
func ertlSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		prev := z
		z += x * y
		y += y
		if z == prev {
			return z
		}
	}
}

// ertlTau is τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))²·2^(−k)) / 3.
func ertlTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		prev := z
		y *= 0.5
		z -= (1 - x) * (1 - x) * y
		if z == prev {
			return z / 3
		}
	}
}

// Reach2Method selects how Reach2Auto counts: exactly, with sketches, or
// exactly while the work fits Reach2ExactBudget.
type Reach2Method string

// The methods, as the --reach flag spells them.
const (
	Reach2Exact    Reach2Method = "exact"
	Reach2Sketched Reach2Method = "sketch"
	Reach2Auto     Reach2Method = "auto"
)

// ParseReach2Method parses "exact", "sketch" or "auto".
func ParseReach2Method(s string) (Reach2Method, error) {
	switch m := Reach2Method(s); m {
	case Reach2Exact, Reach2Sketched, Reach2Auto:
		return m, nil
	}
	return "", fmt.Errorf("unknown reach method %q (want exact, sketch or auto)", s)
}

// Reach2Result is the outcome of Reach2Every.
type Reach2Result struct {
	// Values holds reach2 of every node.
	Values []int
	// Method is the one that ran: Reach2Exact or Reach2Sketched.
	Method Reach2Method
	// Work is Reach2Work of the graph, the cost of the exact method.
	Work uint64
	// RSE is the sketch's relative standard error, 0 when exact.
	RSE float64
}

// Reach2Every computes reach2 of every node by method: Reach2Exact runs
// Reach2All, Reach2Sketched runs Reach2Sketch with o, and Reach2Auto runs
// the exact method while Reach2Work(g) ≤ Reach2ExactBudget and the sketch
// beyond. The result says which ran.
func Reach2Every(ctx context.Context, g *graph.Graph, method Reach2Method, o Reach2SketchOptions) (Reach2Result, error) {
	r := Reach2Result{Work: Reach2Work(g), Method: method}
	switch method {
	case Reach2Exact, Reach2Sketched:
	case Reach2Auto:
		r.Method = Reach2Exact
		if r.Work > Reach2ExactBudget {
			r.Method = Reach2Sketched
		}
	default:
		return Reach2Result{}, fmt.Errorf("reach: unknown method %q (want exact, sketch or auto)", method)
	}
	var err error
	if r.Method == Reach2Exact {
		r.Values, err = Reach2All(ctx, g, o.Workers)
	} else {
		p := o.Precision
		if p == 0 {
			p = DefaultSketchPrecision
		}
		r.RSE = SketchRSE(p)
		r.Values, err = Reach2Sketch(ctx, g, o)
	}
	if err != nil {
		return Reach2Result{}, err
	}
	return r, nil
}
