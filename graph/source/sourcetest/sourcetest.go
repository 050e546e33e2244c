// Package sourcetest has graph.Sinks for testing and benchmarking importers.
package sourcetest

import (
	"errors"

	"github.com/clout-cli/clout/graph"
)

// ErrSinkFull is what Recorder.Edge returns at FailAt.
var ErrSinkFull = errors.New("sink full")

// Recorder is a graph.Sink and graph.PostSink that keeps everything it is
// sent, in order.
type Recorder struct {
	Accounts []graph.Account
	Edges    []graph.Edge
	Posts    []graph.Post
	// FailAt makes the FailAt-th call to Edge (1-based) return ErrSinkFull
	// and keep nothing; 0 never fails.
	FailAt int
}

// Account records a.
func (r *Recorder) Account(a graph.Account) error {
	r.Accounts = append(r.Accounts, a)
	return nil
}

// Edge records e, or fails at FailAt.
func (r *Recorder) Edge(e graph.Edge) error {
	if r.FailAt > 0 && len(r.Edges)+1 == r.FailAt {
		return ErrSinkFull
	}
	r.Edges = append(r.Edges, e)
	return nil
}

// Post records p.
func (r *Recorder) Post(p graph.Post) error {
	r.Posts = append(r.Posts, p)
	return nil
}

// Discard is a graph.Sink that keeps nothing, for benchmarks.
type Discard struct{}

// Account does nothing.
func (Discard) Account(graph.Account) error { return nil }

// Edge does nothing.
func (Discard) Edge(graph.Edge) error { return nil }

// Post does nothing.
func (Discard) Post(graph.Post) error { return nil }
