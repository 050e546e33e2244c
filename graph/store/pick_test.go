package store

import (
	"context"
	"slices"
	"testing"

	"github.com/clout-cli/clout/graph"
)

func TestExposures(t *testing.T) {
	s, _ := openTemp(t)
	ev := func(src, dst string, k graph.Kind, post string, count int64) graph.Edge {
		return graph.Edge{Platform: "local", Src: src, Dst: dst, Kind: k, PostID: post, Count: count}
	}
	write(t, s, nil, []graph.Edge{
		{Platform: "local", Src: "a", Dst: "b", Kind: graph.Follow},
		ev("a", "b", graph.Repost, "p1", 1),
		ev("a", "b", graph.Like, "p1", 1), // same post: one action
		ev("a", "b", graph.Like, "p2", 1),
		ev("c", "b", graph.Like, "p3", 1),
		ev("c", "b", graph.Mention, "", 2), // two posts without ids
		ev("a", "c", graph.Reply, "r1", 1),
		{Platform: "other", Src: "x", Dst: "b", Kind: graph.Like, PostID: "p9"},
	})
	l, err := s.LoadGraph(context.Background(), Layer{Weights: map[graph.Kind]float64{graph.Follow: 1}, Platform: "local"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.Exposures(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	// Nodes in id order: a=0, b=1, c=2.
	if want := []int64{0, 5, 1}; !slices.Equal(e.Posts, want) {
		t.Errorf("posts %v, want %v", e.Posts, want)
	}
	if !slices.Equal(e.Src, []uint32{0, 0, 2}) || !slices.Equal(e.Dst, []uint32{1, 2, 1}) || !slices.Equal(e.Acted, []int64{2, 1, 3}) {
		t.Errorf("pairs %v → %v acted %v", e.Src, e.Dst, e.Acted)
	}
}
