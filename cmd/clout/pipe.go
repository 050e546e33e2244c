package main

import (
	"errors"

	"github.com/clout-cli/clout/graph"
)

// pipeBatch is how many accounts and edges cross between goroutines at once.
const pipeBatch = 4096

// sinkItem is one call to a graph.Sink (or graph.PostSink: post non-nil).
type sinkItem struct {
	edge    graph.Edge
	account graph.Account
	isEdge  bool
	post    *graph.Post
}

// errPipeStopped is what the reading side sees once the writing side failed;
// the writing side's error is the one reported.
var errPipeStopped = errors.New("import stopped")

// pipe is a graph.Sink that hands what a source reads to another goroutine,
// in order, in batches: parsing a file and resolving its accounts in the
// store are about equal work, and this way each gets a core.
type pipe struct {
	ch     chan []sinkItem
	free   chan []sinkItem
	buf    []sinkItem
	failed chan struct{} // closed when the writing side stops on an error
}

// pipeInto runs produce, which reads a source into the sink it is given, on
// this goroutine, and applies everything it sends to dst on another one. It
// returns the first error of either side, preferring dst's.
func pipeInto(dst graph.Sink, produce func(graph.Sink) error) error {
	p := &pipe{ch: make(chan []sinkItem, 4), free: make(chan []sinkItem, 6), failed: make(chan struct{})}
	posts, _ := dst.(graph.PostSink)
	done := make(chan error, 1)
	go func() {
		var err error
		for batch := range p.ch {
			for i := 0; err == nil && i < len(batch); i++ {
				switch it := &batch[i]; {
				case it.isEdge:
					err = dst.Edge(it.edge)
				case it.post != nil:
					if posts != nil {
						err = posts.Post(*it.post)
					}
				default:
					err = dst.Account(it.account)
				}
				if err != nil {
					close(p.failed)
				}
			}
			clear(batch) // drop string references before reuse
			select {
			case p.free <- batch[:0]:
			default:
			}
		}
		done <- err
	}()
	perr := produce(p)
	if perr == nil {
		perr = p.flush()
	}
	close(p.ch)
	if cerr := <-done; cerr != nil {
		return cerr
	}
	return perr
}

func (p *pipe) Account(a graph.Account) error {
	p.buf = append(p.buf, sinkItem{account: a})
	return p.maybeFlush()
}

func (p *pipe) Edge(e graph.Edge) error {
	p.buf = append(p.buf, sinkItem{edge: e, isEdge: true})
	return p.maybeFlush()
}

// Post passes a post on; it is dropped when the destination keeps no posts.
func (p *pipe) Post(post graph.Post) error {
	p.buf = append(p.buf, sinkItem{post: &post})
	return p.maybeFlush()
}

func (p *pipe) maybeFlush() error {
	if len(p.buf) < pipeBatch {
		return nil
	}
	return p.flush()
}

func (p *pipe) flush() error {
	if len(p.buf) == 0 {
		return nil
	}
	select {
	case <-p.failed:
		return errPipeStopped
	case p.ch <- p.buf:
	}
	select {
	case p.buf = <-p.free:
	default:
		p.buf = make([]sinkItem, 0, pipeBatch)
	}
	return nil
}
