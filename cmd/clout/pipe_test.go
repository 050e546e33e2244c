package main

import (
	"errors"
	"strconv"
	"testing"

	"github.com/clout-cli/clout/graph"
)

type recordSink struct {
	got    []string
	failAt int
}

var errFull = errors.New("sink full")

func (r *recordSink) Account(a graph.Account) error { r.got = append(r.got, "a"+a.Key); return nil }
func (r *recordSink) Edge(e graph.Edge) error {
	if r.failAt > 0 && len(r.got) == r.failAt {
		return errFull
	}
	r.got = append(r.got, e.Src+">"+e.Dst)
	return nil
}

func TestPipeKeepsOrderAndErrors(t *testing.T) {
	const n = 20*pipeBatch + 17 // more than the pipe buffers, so the source must see a failure
	produce := func(sent *int) func(graph.Sink) error {
		return func(s graph.Sink) error {
			for i := range n {
				if i%100 == 0 {
					if err := s.Account(graph.NewAccount("p", strconv.Itoa(i))); err != nil {
						return err
					}
				}
				if err := s.Edge(graph.Edge{Src: strconv.Itoa(i), Dst: "x"}); err != nil {
					return err
				}
				*sent = i
			}
			return nil
		}
	}
	var sent int
	r := &recordSink{}
	if err := pipeInto(r, produce(&sent)); err != nil {
		t.Fatal(err)
	}
	k := 0
	for i := range n {
		if i%100 == 0 {
			if r.got[k] != "a"+strconv.Itoa(i) {
				t.Fatalf("item %d = %s", k, r.got[k])
			}
			k++
		}
		if r.got[k] != strconv.Itoa(i)+">x" {
			t.Fatalf("item %d = %s, want edge %d", k, r.got[k], i)
		}
		k++
	}
	// The sink fails: its error is reported and the source is stopped.
	r = &recordSink{failAt: 5000}
	err := pipeInto(r, produce(&sent))
	if !errors.Is(err, errFull) || sent >= n-1 {
		t.Fatalf("err = %v after %d edges sent", err, sent)
	}
	// The source fails: its error comes through.
	errBad := errors.New("bad line")
	if err := pipeInto(&recordSink{}, func(s graph.Sink) error { s.Edge(graph.Edge{}); return errBad }); !errors.Is(err, errBad) {
		t.Fatalf("err = %v", err)
	}
}
