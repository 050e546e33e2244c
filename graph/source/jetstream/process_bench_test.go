package jetstream

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// BenchmarkProcess is the listener's work per message without the network
// or the database: parse, decide, keep.
func BenchmarkProcess(b *testing.B) {
	g := synthetic(100000)
	msgs := make([][]byte, g.N)
	for i := range msgs {
		msgs[i] = g.Message(i).Data
	}
	p := &processor{tags: []string{"bench"}, kept: newKeptSet(1<<20, nil, Platform), stats: &Stats{}, known: newRecentSet(1 << 20)}
	ctx := context.Background()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		if err := p.message(ctx, msgs[i%len(msgs)]); err != nil {
			b.Fatal(err)
		}
		if len(p.b.posts)+len(p.b.edges) > 10000 {
			p.b.reset()
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// cpuTime is the CPU time (user and system) the process has used: on a
// machine shared with other work, a figure that wall time is not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
