package influence

import "slices"

// countDistinct returns the number of distinct ids in comm (ids in [0, len)).
func countDistinct(comm []int32) int {
	seen := make([]bool, len(comm))
	c := 0
	for _, x := range comm {
		if !seen[x] {
			seen[x] = true
			c++
		}
	}
	return c
}

// samePartition reports whether a and b group the nodes alike, whatever
// their ids (both in [0, len)).
func samePartition(a, b []int32) bool {
	ab := make([]int32, len(a))
	ba := make([]int32, len(a))
	for i := range ab {
		ab[i], ba[i] = -1, -1
	}
	for v := range a {
		x, y := a[v], b[v]
		if ab[x] < 0 && ba[y] < 0 {
			ab[x], ba[y] = y, x
		} else if ab[x] != y || ba[y] != x {
			return false
		}
	}
	return true
}

// components splits every community of comm into its connected components
// in h and returns them numbered in order of their smallest node, with their
// count.
func (h *undirected) components(comm []int32) ([]int32, int) {
	out := make([]int32, h.n)
	for i := range out {
		out[i] = -1
	}
	var stack []uint32
	var c int32
	for s := range h.n {
		if out[s] >= 0 {
			continue
		}
		out[s] = c
		stack = append(stack[:0], uint32(s))
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for p := h.off[v]; p < h.off[v+1]; p++ {
				if u := h.idx[p]; out[u] < 0 && comm[u] == comm[s] {
					out[u] = c
					stack = append(stack, u)
				}
			}
		}
		c++
	}
	return out, int(c)
}

// canonical renumbers comm (ids 0..k-1) so that community 0 is the largest,
// ties in order of their smallest node, and returns the sizes.
func canonical(comm []int32, k int) ([]int32, []int) {
	size := make([]int, k)
	first := make([]int, k)
	for v := len(comm) - 1; v >= 0; v-- {
		size[comm[v]]++
		first[comm[v]] = v
	}
	order := make([]int32, k)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if size[a] != size[b] {
			return size[b] - size[a]
		}
		return first[a] - first[b]
	})
	newID := make([]int32, k)
	sizes := make([]int, k)
	for i, c := range order {
		newID[c] = int32(i)
		sizes[i] = size[c]
	}
	out := make([]int32, len(comm))
	for v, c := range comm {
		out[v] = newID[c]
	}
	return out, sizes
}
