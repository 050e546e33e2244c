package twarc

import (
	"errors"
	"sort"

	"github.com/clout-cli/clout/graph"
)

// recorder is a graph.Sink that keeps everything it is sent.
type recorder struct {
	accounts []graph.Account
	edges    []graph.Edge
	posts    []graph.Post
	failAt   int // fail the failAt-th call (1-based) when > 0
	failPost int // fail the failPost-th Post (1-based) when > 0
	calls    int
}

var errSink = errors.New("sink full")

func (r *recorder) fail() error {
	r.calls++
	if r.failAt > 0 && r.calls == r.failAt {
		return errSink
	}
	return nil
}

func (r *recorder) Account(a graph.Account) error {
	if err := r.fail(); err != nil {
		return err
	}
	r.accounts = append(r.accounts, a)
	return nil
}

func (r *recorder) Edge(e graph.Edge) error {
	if err := r.fail(); err != nil {
		return err
	}
	r.edges = append(r.edges, e)
	return nil
}

// Post records p; it does not count towards failAt, so that the failure
// tests written before posts keep their meaning (posts_test.go fails posts).
func (r *recorder) Post(p graph.Post) error {
	if r.failPost > 0 && len(r.posts)+1 == r.failPost {
		return errSink
	}
	r.posts = append(r.posts, p)
	return nil
}

// merged folds the accounts the way the store does: later non-empty
// attributes win, empty strings and Unknown counts never overwrite.
func (r *recorder) merged() map[string]graph.Account {
	m := make(map[string]graph.Account)
	for _, a := range r.accounts {
		old, ok := m[a.Key]
		if !ok {
			m[a.Key] = a
			continue
		}
		if a.Handle != "" {
			old.Handle = a.Handle
		}
		if a.Name != "" {
			old.Name = a.Name
		}
		for _, p := range [...]struct {
			dst *int64
			src int64
		}{
			{&old.Followers, a.Followers}, {&old.Following, a.Following}, {&old.Posts, a.Posts},
		} {
			if p.src != graph.Unknown {
				*p.dst = p.src
			}
		}
		m[a.Key] = old
	}
	return m
}

// distinct returns the distinct accounts sent, sorted by key then handle.
func (r *recorder) distinct() []graph.Account {
	seen := make(map[graph.Account]bool)
	var out []graph.Account
	for _, a := range r.accounts {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].Handle < out[j].Handle
	})
	return out
}
