package influence

import (
	"math"
	"slices"
)

// refine is phase 2: it splits each community of comm into well-connected
// subcommunities and returns them as ids in [0, h.n).
func (l *leiden) refine(h *undirected, comm []int32) ([]int32, error) {
	n := h.n
	commK := make([]float64, n)
	for v, c := range comm {
		commK[c] += h.k[v]
	}
	ref := make([]int32, n)
	refK := slices.Clone(h.k)
	ext := make([]float64, n) // weight from subcommunity C to S−C
	size := make([]int32, n)
	for v := range n {
		ref[v], size[v] = int32(v), 1
		for p := h.off[v]; p < h.off[v+1]; p++ {
			if comm[h.idx[p]] == comm[v] {
				ext[v] += h.w[p]
			}
		}
	}
	scale := l.gamma / h.total
	var cand []int32
	var prob []float64
	for _, v := range l.perm(n) {
		if err := l.tick(); err != nil {
			return nil, err
		}
		if size[ref[v]] != 1 {
			continue // v is no longer a singleton
		}
		s, kv := comm[v], h.k[v]
		if ext[v] < scale*kv*(commK[s]-kv) {
			continue // v is not well connected to its community
		}
		l.gather(h, v, ref, func(u uint32) bool { return comm[u] == s })
		cand, prob = cand[:0], prob[:0]
		maxGain := 0.0 // staying alone
		for _, c := range l.touched {
			if ext[c] >= scale*refK[c]*(commK[s]-refK[c]) {
				if gain := l.neighW[c] - scale*kv*refK[c]; gain >= 0 {
					cand, prob = append(cand, c), append(prob, gain)
					maxGain = max(maxGain, gain)
				}
			}
		}
		if len(cand) > 0 {
			sum := math.Exp(-maxGain / l.theta) // staying alone
			for i, g := range prob {
				prob[i] = math.Exp((g - maxGain) / l.theta)
				sum += prob[i]
			}
			if r := l.rng.Float64()*sum - math.Exp(-maxGain/l.theta); r >= 0 {
				c := cand[len(cand)-1]
				for i := range cand {
					if r -= prob[i]; r < 0 {
						c = cand[i]
						break
					}
				}
				ref[v] = c
				size[c]++
				size[v] = 0
				refK[c] += kv
				ext[c] += ext[v] - 2*l.neighW[c]
			}
		}
		l.clear()
	}
	return ref, nil
}

// aggregate is phase 3: the graph of the subcommunities ref, the map from
// h's nodes to its nodes, and its starting partition (the communities of
// comm, renumbered in order of first appearance).
func (l *leiden) aggregate(h *undirected, ref, comm []int32) (*undirected, []int32, []int32, error) {
	n := h.n
	id := make([]int32, n)
	for i := range id {
		id[i] = -1
	}
	agg := make([]int32, n)
	var r int32
	for v := range n {
		if id[ref[v]] < 0 {
			id[ref[v]] = r
			r++
		}
		agg[v] = id[ref[v]]
	}
	start := make([]int, r+1)
	for _, a := range agg {
		start[a+1]++
	}
	for a := range r {
		start[a+1] += start[a]
	}
	members := make([]uint32, n)
	pos := slices.Clone(start[:r])
	for v, a := range agg {
		members[pos[a]] = uint32(v)
		pos[a]++
	}
	h2 := &undirected{n: int(r), off: make([]int, r+1), self: make([]float64, r), k: make([]float64, r), total: h.total}
	h2.idx = make([]uint32, 0, len(h.idx)/2)
	h2.w = make([]float64, 0, len(h.idx)/2)
	pcomm := id // reuse: P community → its new id
	for i := range pcomm {
		pcomm[i] = -1
	}
	comm2 := make([]int32, r)
	var np int32
	for a := range r {
		l.touched = l.touched[:0]
		for _, v := range members[start[a]:start[a+1]] {
			if err := l.tick(); err != nil {
				return nil, nil, nil, err
			}
			h2.self[a] += h.self[v]
			h2.k[a] += h.k[v]
			for p := h.off[v]; p < h.off[v+1]; p++ {
				b := agg[h.idx[p]]
				if b == a {
					h2.self[a] += h.w[p]
					continue
				}
				if l.neighW[b] == 0 {
					l.touched = append(l.touched, b)
				}
				l.neighW[b] += h.w[p]
			}
		}
		for _, b := range l.touched {
			h2.idx = append(h2.idx, uint32(b))
			h2.w = append(h2.w, l.neighW[b])
		}
		l.clear()
		h2.off[a+1] = len(h2.idx)
		c := comm[members[start[a]]]
		if pcomm[c] < 0 {
			pcomm[c] = np
			np++
		}
		comm2[a] = pcomm[c]
	}
	return h2, agg, comm2, nil
}
