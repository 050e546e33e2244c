package graph

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
)

// NewGraph builds the graph on nodes 0..n-1 from the parallel edge arrays
// src[i] → dst[i] with weights w[i]; w == nil means every edge has weight 1 and
// the graph is unweighted. Self-loops are dropped. Repeated (src, dst) pairs are
// merged into one edge whose weight is the sum of theirs (accumulated in
// float64, stored as float32); in an unweighted graph a repeated pair stays one
// edge of weight 1. Zero weights are kept as edges. The input need not be
// sorted and is not modified.
//
// NewGraph returns an error if the arrays differ in length, n is negative or at
// least 2^32, an index is >= n, a weight (or the sum of a repeated pair's
// weights) is negative, NaN or not representable as a finite float32, or
// there are more than MaxEdges input edges.
//
// The build is two stable counting sorts (by target, then by source), so each
// out-row comes out sorted, repeats are adjacent and merged in one sweep, and
// the in-rows are the transpose of the merged out-rows: O(n + m) time, no
// comparisons, maps or per-node allocations. Each pass splits its input into
// contiguous parts on up to GOMAXPROCS goroutines with one counter array per
// part, which keeps the sorts stable, so the result does not depend on the
// number of goroutines.
func NewGraph(n int, src, dst []uint32, w []float32) (*Graph, error) {
	if n < 0 || uint64(n) > math.MaxUint32 {
		return nil, fmt.Errorf("graph: %d nodes out of range [0, 2^32-1]", n)
	}
	if len(src) != len(dst) {
		return nil, fmt.Errorf("graph: %d sources but %d targets", len(src), len(dst))
	}
	if w != nil && len(w) != len(src) {
		return nil, fmt.Errorf("graph: %d edges but %d weights", len(src), len(w))
	}
	if uint64(len(src)) > MaxEdges {
		return nil, fmt.Errorf("graph: %d edges, more than the %d a Graph holds", len(src), uint64(MaxEdges))
	}
	weighted := w != nil
	parts := 1
	if len(src) >= 1<<16 {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	hist := make([][]uint32, parts)
	for k := range hist {
		hist[k] = make([]uint32, n)
	}

	// Pass 1: validate, and count in-degrees (repeats included) per input part.
	in := splitEven(len(src), parts)
	errs := make([]error, parts)
	parallel(parts, func(k int) {
		h := hist[k]
		for i := in[k]; i < in[k+1]; i++ {
			u, v := src[i], dst[i]
			if uint64(u) >= uint64(n) || uint64(v) >= uint64(n) {
				errs[k] = fmt.Errorf("graph: edge %d (%d → %d): node index out of range [0, %d)", i, u, v, n)
				return
			}
			if weighted {
				if x := w[i]; !(x >= 0 && x <= math.MaxFloat32) {
					errs[k] = fmt.Errorf("graph: edge %d (%d → %d): weight %v is not a finite non-negative number", i, u, v, x)
					return
				}
			}
			if u != v {
				h[v]++
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	byDst := make([]uint32, n+1)
	combine(hist, byDst)
	m0 := byDst[n]

	// Sort 1: group the edges by target, stably, keeping their sources (and
	// weights). These buffers are reused for the in-rows at the end.
	bySrc := make([]uint32, m0)
	var byW []float32
	if weighted {
		byW = make([]float32, m0)
	}
	parallel(parts, func(k int) {
		h := hist[k]
		for i := in[k]; i < in[k+1]; i++ {
			u, v := src[i], dst[i]
			if u == v {
				continue
			}
			p := h[v]
			h[v] = p + 1
			bySrc[p] = u
			if weighted {
				byW[p] = w[i]
			}
		}
	})

	// Sort 2: walk the targets in ascending ranges and scatter each edge into
	// its source's row, so every out-row is sorted by target.
	tgt := splitRows(byDst, parts)
	parallel(parts, func(k int) {
		h := hist[k]
		clear(h)
		for _, u := range bySrc[byDst[tgt[k]]:byDst[tgt[k+1]]] {
			h[u]++
		}
	})
	outOff := make([]uint32, n+1)
	combine(hist, outOff)
	outIdx := make([]uint32, m0)
	var outW []float32
	if weighted {
		outW = make([]float32, m0)
	}
	parallel(parts, func(k int) {
		h := hist[k]
		for v := tgt[k]; v < tgt[k+1]; v++ {
			for p := byDst[v]; p < byDst[v+1]; p++ {
				u := bySrc[p]
				q := h[u]
				h[u] = q + 1
				outIdx[q] = uint32(v)
				if weighted {
					outW[q] = byW[p]
				}
			}
		}
	})

	// Merge repeats within each row, in place at the row's start, recording
	// the merged out-degree and counting in-degrees per part for the transpose.
	deg := byDst[:n] // sort 1's offsets are no longer needed
	srcRows := splitRows(outOff, parts)
	overflow := make([]bool, parts)
	parallel(parts, func(k int) {
		h := hist[k]
		clear(h)
		for u := srcRows[k]; u < srcRows[k+1]; u++ {
			lo, hi := outOff[u], outOff[u+1]
			j := lo
			for p := lo; p < hi; {
				v := outIdx[p]
				q := p + 1
				for q < hi && outIdx[q] == v {
					q++
				}
				outIdx[j] = v
				if weighted {
					s := float64(outW[p])
					for _, x := range outW[p+1 : q] {
						s += float64(x)
					}
					if s > math.MaxFloat32 {
						overflow[k] = true
					}
					outW[j] = float32(s)
				}
				h[v]++
				j++
				p = q
			}
			deg[u] = j - lo
		}
	})
	for _, o := range overflow {
		if o {
			return nil, fmt.Errorf("graph: the summed weight of a repeated edge exceeds the float32 range")
		}
	}
	var m uint32
	for u := range n {
		m += deg[u]
	}
	if m != m0 {
		// Compact the rows leftwards; ascending order never overwrites a row
		// before it has moved.
		var at uint32
		for u := range n {
			lo, d := outOff[u], deg[u]
			outOff[u] = at
			copy(outIdx[at:at+d], outIdx[lo:lo+d])
			if weighted {
				copy(outW[at:at+d], outW[lo:lo+d])
			}
			at += d
		}
		outOff[n] = at
	}

	// Transpose the merged rows: each part walks its sources in ascending
	// order, so the in-rows come out sorted.
	inOff := byDst
	combine(hist, inOff)
	inIdx := bySrc[:m]
	var inW []float32
	if weighted {
		inW = byW[:m]
	}
	parallel(parts, func(k int) {
		h := hist[k]
		for u := srcRows[k]; u < srcRows[k+1]; u++ {
			for p := outOff[u]; p < outOff[u+1]; p++ {
				v := outIdx[p]
				q := h[v]
				h[v] = q + 1
				inIdx[q] = uint32(u)
				if weighted {
					inW[q] = outW[p]
				}
			}
		}
	})
	return &Graph{
		n:   n,
		out: csr{off: outOff, idx: shrink(outIdx, m), w: shrink(outW, m)},
		in:  csr{off: inOff, idx: shrink(inIdx, m), w: shrink(inW, m)},
	}, nil
}

// combine turns per-part counts hist[k][v] into per-part write cursors, parts
// in order within each row, and writes the row offsets into off (len n+1).
func combine(hist [][]uint32, off []uint32) {
	var base uint32
	off[0] = 0
	for v := range len(off) - 1 {
		for _, h := range hist {
			c := h[v]
			h[v] = base
			base += c
		}
		off[v+1] = base
	}
}

// splitEven returns parts+1 boundaries splitting [0, m) into near-equal parts.
func splitEven(m, parts int) []int {
	b := make([]int, parts+1)
	for k := range b {
		b[k] = int(uint64(m) * uint64(k) / uint64(parts))
	}
	return b
}

// splitRows returns parts+1 row boundaries splitting the rows of off into
// ranges holding near-equal numbers of entries.
func splitRows(off []uint32, parts int) []int {
	n := len(off) - 1
	b := make([]int, parts+1)
	b[parts] = n
	for k := 1; k < parts; k++ {
		target := uint32(uint64(off[n]) * uint64(k) / uint64(parts))
		b[k] = max(b[k-1], sort.Search(n, func(i int) bool { return off[i] >= target }))
	}
	return b
}

// parallel runs f(0..parts-1) concurrently and waits for all of them.
func parallel(parts int, f func(k int)) {
	if parts == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() { f(k) })
	}
	wg.Wait()
}

// shrink returns s[:m], copied into a right-sized slice when merging freed
// more than a quarter of the capacity, so a graph with many repeated edges does
// not pin its unmerged buffers. A nil s stays nil.
func shrink[T any](s []T, m uint32) []T {
	if s == nil {
		return nil
	}
	if uint64(m) >= uint64(cap(s))*3/4 {
		return s[:m:m]
	}
	return append([]T(nil), s[:m]...)
}
