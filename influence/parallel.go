package influence

import (
	"sync"
	"sync/atomic"
)

// runChunks calls f(c) for every chunk c in 0..chunks-1 on up to workers
// goroutines (the caller's included) and returns when all are done. Workers
// take chunks in any order, so f must write only chunk c's own slots; callers
// that combine per-chunk sums do so in chunk order afterwards, which keeps
// their results independent of the number of workers.
func runChunks(workers, chunks int, f func(c int)) {
	workers = max(1, min(workers, chunks))
	if workers == 1 {
		for c := range chunks {
			f(c)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	work := func() {
		for {
			c := int(next.Add(1) - 1)
			if c >= chunks {
				return
			}
			f(c)
		}
	}
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}
