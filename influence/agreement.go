package influence

import (
	"math"
	"sync"
)

// Agreement measures how far two scorings of the same accounts agree, the
// comparison Cha et al. made of followers, retweets and mentions (M. Cha, H.
// Haddadi, F. Benevenuto, K. Gummadi, "Measuring user influence in Twitter:
// the million follower fallacy", ICWSM 2010).
//
// Empty values: a pair (a[i], b[i]) where either value is NaN is dropped
// before anything is computed; N is the number of pairs kept. Every
// statistic is NaN when it is undefined: fewer than two pairs, or (for the
// correlations) one side constant over the pairs kept.
type Agreement struct {
	// Spearman is Spearman's rank correlation ρ: the Pearson correlation of
	// the ranks, tied values taking the average of the ranks they span (C.
	// Spearman, "The proof and measurement of association between two
	// things", 1904; scipy.stats.spearmanr).
	Spearman float64
	// Kendall is Kendall's τ_b (M. Kendall, "The treatment of ties in ranking
	// problems", Biometrika 1945):
	//
	//	τ_b = (C − D) / √((n₀ − n₁)(n₀ − n₂))
	//
	// with C and D the concordant and discordant pairs, n₀ = N(N−1)/2, n₁ and
	// n₂ the pairs tied in a and in b (scipy.stats.kendalltau, variant "b").
	// Computed in O(N log N) by W. Knight's method ("A computer method for
	// calculating Kendall's tau with ungrouped data", JASA 1966).
	Kendall float64
	// TopK is |top_k(a) ∩ top_k(b)| / k: the share of the k highest-scored
	// accounts by a that are also among the k highest by b, with k lowered to
	// N when fewer pairs are kept. Ties at the cut are broken by index (the
	// lower index ranks higher), the order clout uses for nodes (account id).
	TopK float64
	// K is the k TopK used.
	K int
	// N is the number of pairs kept.
	N int
}

// Agree computes the agreement of a and b (one value per account, the same
// accounts in the same order; when the lengths differ only the common prefix
// is compared), with top-k overlap at k.
func Agree(a, b []float64, k int) Agreement {
	n := min(len(a), len(b))
	return NewScores(a[:n]).Agree(NewScores(b[:n]), k)
}

// Spearman returns Spearman's ρ of a and b (see Agreement) and the number of
// pairs used.
func Spearman(a, b []float64) (float64, int) {
	n := min(len(a), len(b))
	return NewScores(a[:n]).Spearman(NewScores(b[:n]))
}

// KendallTauB returns Kendall's τ_b of a and b (see Agreement) and the number
// of pairs used.
func KendallTauB(a, b []float64) (float64, int) {
	r := Agree(a, b, 0)
	return r.Kendall, r.N
}

// TopKOverlap returns |top_k(a) ∩ top_k(b)| / k (see Agreement) and the k
// used: min(k, pairs kept). It is NaN when no pair is kept or k < 1.
func TopKOverlap(a, b []float64, k int) (float64, int) {
	n := min(len(a), len(b))
	x, y := NewScores(a[:n]), NewScores(b[:n])
	keep, kept := x.common(y)
	k = min(k, kept)
	if k < 1 {
		return math.NaN(), max(k, 0)
	}
	return topKOverlap(x.filter(keep, kept), y.filter(keep, kept), n, k), k
}

// Scores is one measure's values prepared for comparison with others: the
// order of its non-empty values is sorted once, so comparing it with many
// measures costs O(N) per pair plus Knight's O(N log N) merge.
type Scores struct {
	v []float64
	// asc holds the indices of the non-NaN values, ascending by value, ties
	// by descending index (so that reading it backwards gives the highest
	// values first, ties by ascending index: the top-k order).
	asc []int32
	nan bool
	// The ranks over all of asc, computed on first use when no pair is
	// dropped (the common case), and reused by every comparison.
	once   sync.Once
	avg    []float64
	dense  []int32
	tiesNo int64
}

// ranksAll returns ranks(v, asc) computed once.
func (s *Scores) ranksAll() ([]float64, []int32, int64) {
	s.once.Do(func() { s.avg, s.dense, s.tiesNo = ranks(s.v, s.asc, len(s.v)) })
	return s.avg, s.dense, s.tiesNo
}

// NewScores prepares v (NaN = empty); v is kept, not copied, and must not be
// modified while the Scores is in use.
func NewScores(v []float64) *Scores {
	s := &Scores{v: v}
	// LSD radix sort of (order-preserving key, index) pairs: stable, fed in
	// descending index order, so ties come out by descending index.
	items := make([]keyed, 0, len(v))
	for i := len(v) - 1; i >= 0; i-- {
		if math.IsNaN(v[i]) {
			s.nan = true
			continue
		}
		items = append(items, keyed{floatKey(v[i]), int32(i)})
	}
	items = radixSortKeyed(items, make([]keyed, len(items)))
	s.asc = make([]int32, len(items))
	for p, it := range items {
		s.asc[p] = it.i
	}
	return s
}

type keyed struct {
	key uint64
	i   int32
}

// floatKey maps a float64 (not NaN) to a uint64 with the same order; −0 and
// +0 get the same key.
func floatKey(x float64) uint64 {
	if x == 0 {
		x = 0
	}
	b := math.Float64bits(x)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// radixSortKeyed sorts a by key, stably, using buf (same length) as
// scratch; it returns whichever of the two holds the result. A byte position
// on which every key agrees is skipped.
func radixSortKeyed(a, buf []keyed) []keyed {
	var count [256]int
	for shift := uint(0); shift < 64; shift += 8 {
		clear(count[:])
		for _, it := range a {
			count[byte(it.key>>shift)]++
		}
		if len(a) == 0 || count[byte(a[0].key>>shift)] == len(a) {
			continue
		}
		pos := 0
		for b, c := range count {
			count[b] = pos
			pos += c
		}
		for _, it := range a {
			d := byte(it.key >> shift)
			buf[count[d]] = it
			count[d]++
		}
		a, buf = buf, a
	}
	return a
}

// common returns the mask of the pairs kept (both values present; nil when
// that is every pair) and their number.
func (s *Scores) common(t *Scores) ([]bool, int) {
	n := min(len(s.v), len(t.v))
	if !s.nan && !t.nan && len(s.v) == len(t.v) {
		return nil, n
	}
	keep := make([]bool, n)
	kept := 0
	for i := range n {
		if !math.IsNaN(s.v[i]) && !math.IsNaN(t.v[i]) {
			keep[i] = true
			kept++
		}
	}
	return keep, kept
}

// filter returns asc restricted to the kept indices (still sorted).
func (s *Scores) filter(keep []bool, kept int) []int32 {
	if keep == nil {
		return s.asc
	}
	out := make([]int32, 0, kept)
	for _, i := range s.asc {
		if int(i) < len(keep) && keep[i] {
			out = append(out, i)
		}
	}
	return out
}

// Agree computes the agreement of s with t (see Agreement), top-k at k.
func (s *Scores) Agree(t *Scores, k int) Agreement {
	return s.agree(t, k, true)
}

// Spearman is Agree's Spearman ρ alone, without the O(n log n) Kendall
// count, and the number of pairs kept.
func (s *Scores) Spearman(t *Scores) (float64, int) {
	r := s.agree(t, 0, false)
	return r.Spearman, r.N
}

func (s *Scores) agree(t *Scores, k int, kendall bool) Agreement {
	keep, kept := s.common(t)
	r := Agreement{Spearman: math.NaN(), Kendall: math.NaN(), TopK: math.NaN(), N: kept}
	if kept < 2 {
		return r
	}
	n := min(len(s.v), len(t.v))
	xs, ys := s.filter(keep, kept), t.filter(keep, kept)
	var rx, ry []float64
	var dx, dy []int32
	var tiesX, tiesY int64
	if keep == nil {
		rx, dx, tiesX = s.ranksAll()
		ry, dy, tiesY = t.ranksAll()
	} else {
		rx, dx, tiesX = ranks(s.v, xs, n)
		ry, dy, tiesY = ranks(t.v, ys, n)
	}
	r.Spearman = spearman(rx, ry, keep)
	if kendall {
		r.Kendall = kendallTauB(dx, dy, keep, kept, tiesX, tiesY)
	}
	r.K = min(k, kept)
	if r.K >= 1 {
		r.TopK = topKOverlap(xs, ys, n, r.K)
	}
	return r
}

// ranks walks the sorted indices asc of values v and returns, per index, the
// average rank (1-based, ties taking the mean of the ranks they span) and the
// dense rank (0, 1, ... per distinct value), and the number of tied pairs
// Σ t(t−1)/2 over runs of t equal values.
func ranks(v []float64, asc []int32, n int) (avg []float64, dense []int32, ties int64) {
	avg, dense = make([]float64, n), make([]int32, n)
	d := int32(0)
	for i := 0; i < len(asc); {
		j := i + 1
		for j < len(asc) && v[asc[j]] == v[asc[i]] {
			j++
		}
		t := int64(j - i)
		ties += t * (t - 1) / 2
		mean := float64(i+j+1) / 2 // mean of ranks i+1 .. j
		for _, o := range asc[i:j] {
			avg[o], dense[o] = mean, d
		}
		d++
		i = j
	}
	return avg, dense, ties
}

// spearman is the Pearson correlation of the average ranks over the kept
// indices (keep nil: all); both rank vectors have mean (N+1)/2.
func spearman(rx, ry []float64, keep []bool) float64 {
	kept := len(rx)
	if keep != nil {
		kept = 0
		for _, k := range keep {
			if k {
				kept++
			}
		}
	}
	m := float64(kept+1) / 2
	var sxy, sxx, syy float64
	for i := range rx {
		if keep != nil && !keep[i] {
			continue
		}
		a, b := rx[i]-m, ry[i]-m
		sxy += a * b
		sxx += a * a
		syy += b * b
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return max(-1, min(1, sxy/math.Sqrt(sxx*syy)))
}

// kendallTauB is Knight's algorithm on dense ranks: order the kept pairs by
// (x, y) with an LSD radix sort of the packed keys x<<32 | y (sequential
// passes, bytes on which every key agrees skipped), count the pairs tied in
// both (n₃), then merge sort the y ranks in that order counting exchanges
// (the discordant pairs). C − D = n₀ − n₁ − n₂ + n₃ − 2·exchanges.
func kendallTauB(dx, dy []int32, keep []bool, kept int, n1, n2 int64) float64 {
	n0 := int64(kept) * int64(kept-1) / 2
	if n0 == n1 || n0 == n2 {
		return math.NaN()
	}
	keys := make([]uint64, 0, kept)
	for i := range dx {
		if keep == nil || keep[i] {
			keys = append(keys, uint64(dx[i])<<32|uint64(uint32(dy[i])))
		}
	}
	keys = radixSortUint64(keys, make([]uint64, len(keys)))
	var n3, run int64
	seq := make([]int32, len(keys))
	for p, k := range keys {
		seq[p] = int32(uint32(k))
		if p > 0 && k == keys[p-1] {
			run++
			n3 += run
		} else {
			run = 0
		}
	}
	swaps := mergeCount(seq, make([]int32, len(seq)))
	t := float64(n0-n1-n2+n3-2*swaps) / math.Sqrt(float64(n0-n1)*float64(n0-n2))
	return max(-1, min(1, t))
}

// radixSortUint64 sorts a (LSD, 8 bits a pass, buf of the same length as
// scratch) and returns whichever slice holds the result.
func radixSortUint64(a, buf []uint64) []uint64 {
	var count [256]int
	for shift := uint(0); shift < 64; shift += 8 {
		clear(count[:])
		for _, k := range a {
			count[byte(k>>shift)]++
		}
		if len(a) == 0 || count[byte(a[0]>>shift)] == len(a) {
			continue
		}
		pos := 0
		for b, c := range count {
			count[b] = pos
			pos += c
		}
		for _, k := range a {
			d := byte(k >> shift)
			buf[count[d]] = k
			count[d]++
		}
		a, buf = buf, a
	}
	return a
}

// mergeCount sorts a ascending (bottom-up merge sort, buf as scratch of the
// same length) and returns the number of pairs i < j with a[i] > a[j].
func mergeCount(a, buf []int32) int64 {
	var swaps int64
	n := len(a)
	// Insertion sort of blocks of 16 (each shift undoes one inversion), then
	// merge passes from width 16.
	const block = 16
	for lo := 0; lo < n; lo += block {
		hi := min(lo+block, n)
		for i := lo + 1; i < hi; i++ {
			x, j := a[i], i
			for j > lo && a[j-1] > x {
				a[j] = a[j-1]
				j--
			}
			a[j] = x
			swaps += int64(i - j)
		}
	}
	src, dst := a, buf
	for width := block; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid, hi := min(lo+width, n), min(lo+2*width, n)
			i, j, k := lo, mid, lo
			for i < mid && j < hi {
				if src[j] < src[i] {
					swaps += int64(mid - i)
					dst[k] = src[j]
					j++
				} else {
					dst[k] = src[i]
					i++
				}
				k++
			}
			k += copy(dst[k:], src[i:mid])
			copy(dst[k:], src[j:hi])
		}
		src, dst = dst, src
	}
	return swaps
}

// topKOverlap counts the indices among the last k of both ascending orders
// (the k highest values, ties by ascending index).
func topKOverlap(xs, ys []int32, n, k int) float64 {
	in := make([]bool, n)
	for _, i := range xs[len(xs)-k:] {
		in[i] = true
	}
	shared := 0
	for _, i := range ys[len(ys)-k:] {
		if in[i] {
			shared++
		}
	}
	return float64(shared) / float64(k)
}
