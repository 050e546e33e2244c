// Package hugemem allocates large pointer-free slices on transparent huge
// pages where the kernel allows it.
//
// clout's hot loops read big arrays at random: PageRank gathers rank
// contributions of in-neighbours, a bulk import probes a key table of
// millions of accounts. With 4 KiB pages nearly every such read also misses
// the TLB; measured on these machines, 2 MiB pages cut the cost of a random
// read in an 80 MB array from ~20 ns to ~12 ns. Linux's THP mode is often
// "madvise", so the Go heap does not get huge pages unless asked; this
// package asks (mmap + MADV_HUGEPAGE) and falls back to the Go heap
// elsewhere or on any error.
package hugemem

import "runtime"

// minSize is the smallest allocation worth a mapping of its own.
const minSize = 4 << 20

// Slice returns n zeroed elements of T, which must hold no pointers. The
// memory is released when the returned owner becomes unreachable, and the
// garbage collector does not see the slice keep it alive: store owner beside
// the slice, and when replacing both, keep the old owner alive
// (runtime.KeepAlive) until the old slice is no longer read.
func Slice[T any](n int) (s []T, owner *Memory) {
	m := &Memory{}
	s, m.free = alloc[T](n)
	runtime.AddCleanup(m, func(free func()) { free() }, m.free)
	return s, m
}

// Memory owns memory returned by Slice.
type Memory struct{ free func() }
