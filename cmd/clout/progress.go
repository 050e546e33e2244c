package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// progress prints a one-line status to stderr a few times a second, only
// when stderr is a terminal; otherwise it prints nothing at all.
type progress struct {
	w      io.Writer
	status func(elapsed time.Duration) string
	stop   chan struct{}
	done   sync.WaitGroup
	start  time.Time
}

// startProgress begins reporting status() on io.ErrOut if it is a terminal.
// The returned progress must be stopped.
func startProgress(io *IOStreams, status func(elapsed time.Duration) string) *progress {
	p := &progress{w: io.ErrOut, status: status, stop: make(chan struct{}), start: time.Now()}
	if !io.ErrTTY {
		return p
	}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprintf(p.w, "\r\033[K%s", p.status(time.Since(p.start)))
			}
		}
	}()
	return p
}

// Stop ends the status line and clears it.
func (p *progress) Stop() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.done.Wait()
}

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// humanBytes formats a byte count for people: 12.3 MB.
func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// humanCount formats a count for people: 1.2M.
func humanCount(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.0fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
