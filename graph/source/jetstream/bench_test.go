package jetstream

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/jetstream/jetstreamtest"
	"github.com/clout-cli/clout/graph/store"
)

// synthetic is the benchmark stream: n events, 20,000 a second of stream
// time, 1 post in 20 tagged #bench, over a million accounts.
func synthetic(n int) *jetstreamtest.Synthetic {
	return &jetstreamtest.Synthetic{N: n, Start: t0, StepUS: 50, Seed: 1, Accounts: 1 << 20, Tag: "bench", TagEvery: 20}
}

// listenSynthetic captures g from a fake Jetstream sending rate messages a
// second (0: as fast as it can) into a fresh database in dir.
func listenSynthetic(tb testing.TB, dir string, g *jetstreamtest.Synthetic, rate float64, compress bool, sample func(*Stats)) benchRun {
	tb.Helper()
	// The stream goes on past the end, like the live one.
	end := time.UnixMicro(g.Message(g.N-1).TimeUS + 1)
	g.N++
	var script jetstreamtest.Script = g
	if compress {
		// Held in memory and compressed ahead: the fake's encoder would
		// otherwise be what is measured.
		msgs := make(jetstreamtest.Messages, g.N)
		for i := range msgs {
			msgs[i] = g.Message(i)
		}
		script = msgs
	}
	srv := jetstreamtest.New(script, Dictionary())
	if compress {
		if err := srv.Precompress(); err != nil {
			tb.Fatal(err)
		}
	}
	srv.Rate = rate
	defer srv.Close()
	s, err := store.Open(context.Background(), filepath.Join(dir, "bench.db"), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	st := &Stats{}
	cfg := Config{Tags: []string{"bench"}, Endpoint: srv.URL, Until: end, Compress: compress, Stats: st}
	if n, err := strconv.Atoi(os.Getenv("CLOUT_LISTEN_RECENT")); err == nil && n > 0 {
		cfg.RecentPosts, cfg.RecentAccounts = n, n
	}
	done := make(chan struct{})
	if sample != nil {
		go func() {
			t := time.NewTicker(5 * time.Second)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					sample(st)
				}
			}
		}()
	}
	start := time.Now()
	cpu0 := cpuTime()
	sum, err := Listen(context.Background(), s, cfg)
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	close(done)
	if err != nil {
		tb.Fatal(err)
	}
	return benchRun{sum, st, elapsed, cpu}
}

// benchRun is what a benchmark capture measured. cpu is the process's CPU
// time, the fake Jetstream's included.
type benchRun struct {
	sum          Summary
	st           *Stats
	elapsed, cpu time.Duration
}

// BenchmarkListen reads 200,000 events of the synthetic network (50,000
// compressed) as fast as the fake Jetstream sends them, keeping the #bench
// conversation in SQLite. cpu-ns/event is the process's CPU time, the fake's
// included: on a shared machine it says more than events/s.
func BenchmarkListen(b *testing.B) {
	for _, compress := range []bool{false, true} {
		b.Run(fmt.Sprintf("compress=%v", compress), func(b *testing.B) {
			n := benchEvents()
			if compress {
				n /= 4 // the fake compresses the stream first, slowly
			}
			var r benchRun
			for range b.N {
				r = listenSynthetic(b, b.TempDir(), synthetic(n), 0, compress, nil)
			}
			seen := float64(r.st.Seen.Load())
			b.ReportMetric(seen/r.elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(r.cpu.Nanoseconds())/seen, "cpu-ns/event")
			b.ReportMetric(float64(r.st.Posts.Load()+r.st.Edges.Load())/seen*100, "%kept")
		})
	}
}

// TestListenSoak is the speed target, run by hand: CLOUT_LISTEN_SOAK=N
// events (millions) at CLOUT_LISTEN_RATE a second (default 20,000; 0 = as
// fast as possible), with heap and RSS sampled every 5 s:
//
//	CLOUT_LISTEN_SOAK=3000000 go test ./graph/source/jetstream -run Soak -v -timeout 1h
//
// CLOUT_LISTEN_TAGEVERY=K tags 1 post in K (default 20: about 9% of the
// stream is kept, far more than a real chat); CLOUT_LISTEN_RECENT=N bounds
// the in-memory sets (default 100,000 each); CLOUT_LISTEN_COMPRESS=1
// compresses (the stream is then held in memory and compressed first).
func TestListenSoak(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("CLOUT_LISTEN_SOAK"))
	if n <= 0 {
		t.Skip("set CLOUT_LISTEN_SOAK=N to run")
	}
	g := synthetic(n)
	if k, err := strconv.Atoi(os.Getenv("CLOUT_LISTEN_TAGEVERY")); err == nil && k > 0 {
		g.TagEvery = k
	}
	rate := 20000.0
	if r := os.Getenv("CLOUT_LISTEN_RATE"); r != "" {
		rate, _ = strconv.ParseFloat(r, 64)
	}
	compress := os.Getenv("CLOUT_LISTEN_COMPRESS") != ""
	start := time.Now()
	var last int64
	var lastAt time.Time = start
	var heaps, rsss []float64
	dir := t.TempDir()
	r := listenSynthetic(t, dir, g, rate, compress, func(st *Stats) {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		now := time.Now()
		seen := st.Seen.Load()
		lag := time.Duration(0)
		if us := st.LastTimeUS.Load(); us > 0 {
			// Stream time runs at 20,000 events a second: the stream's
			// own lag behind the fake's clock.
			lag = now.Sub(start) - time.UnixMicro(us).Sub(t0)
		}
		heap, rss := float64(m.HeapInuse)/1e6, rssMB()
		heaps, rsss = append(heaps, heap), append(rsss, rss)
		t.Logf("%6.0fs %9d events %7.0f/s  kept %7d posts %8d events  heap %6.1f MB  rss %6.1f MB  lag %s",
			now.Sub(start).Seconds(), seen, float64(seen-last)/now.Sub(lastAt).Seconds(),
			st.Posts.Load(), st.Edges.Load(), heap, rss, lag.Round(10*time.Millisecond))
		last, lastAt = seen, now
	})
	st := r.st
	t.Logf("%d events in %s: %.0f events/s, %.1f µs CPU an event (the fake's included); kept %d posts, %d events; %d database lookups; cursor %d",
		st.Seen.Load(), r.elapsed.Round(time.Millisecond), float64(st.Seen.Load())/r.elapsed.Seconds(),
		float64(r.cpu.Microseconds())/float64(st.Seen.Load()), st.Posts.Load(), st.Edges.Load(), st.Lookups.Load(), r.sum.Cursor)
	if len(heaps) >= 4 {
		h := heaps[len(heaps)/2:]
		r := rsss[len(rsss)/2:]
		t.Logf("second half: heap %.1f-%.1f MB, rss %.1f-%.1f MB", minOf(h), maxOf(h), minOf(r), maxOf(r))
	}
	if fi, err := os.Stat(filepath.Join(dir, "bench.db")); err == nil {
		t.Logf("database: %.1f MB", float64(fi.Size())/1e6)
	}
	if int(st.Seen.Load()) != n {
		t.Errorf("read %d events of %d", st.Seen.Load(), n)
	}
}

func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1000
		}
	}
	return 0
}

func minOf(x []float64) float64 {
	m := x[0]
	for _, v := range x {
		m = min(m, v)
	}
	return m
}

func maxOf(x []float64) float64 {
	m := x[0]
	for _, v := range x {
		m = max(m, v)
	}
	return m
}

// benchEvents is BenchmarkListen's stream length: 200,000, or
// CLOUT_BENCH_EVENTS.
func benchEvents() int {
	if n, err := strconv.Atoi(os.Getenv("CLOUT_BENCH_EVENTS")); err == nil && n > 0 {
		return n
	}
	return 200000
}
