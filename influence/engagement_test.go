package influence

import (
	"math"
	"testing"

	"github.com/clout-cli/clout/graph"
)

func TestEngagement(t *testing.T) {
	nan := math.NaN()
	weights := map[graph.Kind]float64{graph.Follow: 7, graph.Repost: 1, graph.Quote: 1, graph.Reply: 0.5, graph.Mention: 0.5, graph.Like: 0.25}
	tests := []struct {
		name                       string
		received                   map[graph.Kind][]int64
		posts, followers           []int64
		weighted, rate, amp, per1k []float64
	}{
		{
			// Node 0: 3 reposts, 1 quote, 2 replies, 4 mentions, 8 likes
			// = 3 + 1 + 1 + 2 + 2 = 9, over 3 posts and 1,500 followers.
			// Node 1: nothing received, 2 posts, followers unknown.
			// Node 2: 1 like, no posts, 0 followers reported.
			name: "hand-counted",
			received: map[graph.Kind][]int64{
				graph.Repost: {3, 0, 0}, graph.Quote: {1, 0, 0}, graph.Reply: {2, 0, 0},
				graph.Mention: {4, 0, 0}, graph.Like: {8, 0, 1},
			},
			posts:     []int64{3, 2, 0},
			followers: []int64{1500, graph.Unknown, 0},
			weighted:  []float64{9, 0, 0.25},
			rate:      []float64{3, 0, nan},
			amp:       []float64{4.0 / 3, 0, nan},
			per1k:     []float64{6, nan, nan},
		},
		{
			name:      "kinds missing from the map count zero",
			received:  map[graph.Kind][]int64{graph.Like: {4}},
			posts:     []int64{1},
			followers: []int64{10},
			weighted:  []float64{1},
			rate:      []float64{1},
			amp:       []float64{0},
			per1k:     []float64{100},
		},
		{name: "no nodes", received: nil, posts: []int64{}, followers: []int64{}},
	}
	same := func(a, b float64) bool { return (math.IsNaN(a) && math.IsNaN(b)) || math.Abs(a-b) < 1e-12 }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Engagement(tt.received, tt.posts, weights, tt.followers)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name      string
				got, want []float64
			}{{"weighted", r.Weighted, tt.weighted}, {"rate", r.Rate, tt.rate}, {"amplification", r.Amplification, tt.amp}, {"per1k", r.Per1kFollowers, tt.per1k}} {
				if len(c.got) != len(c.want) {
					t.Fatalf("%s: %d values, want %d", c.name, len(c.got), len(c.want))
				}
				for i := range c.got {
					if !same(c.got[i], c.want[i]) {
						t.Errorf("%s[%d] = %g, want %g", c.name, i, c.got[i], c.want[i])
					}
				}
			}
		})
	}
}

func TestEngagementErrors(t *testing.T) {
	w := map[graph.Kind]float64{graph.Repost: 1}
	for name, f := range map[string]func() error{
		"followers length": func() error { _, err := Engagement(nil, []int64{1}, w, nil); return err },
		"received length": func() error {
			_, err := Engagement(map[graph.Kind][]int64{graph.Like: {1, 2}}, []int64{1}, w, []int64{1})
			return err
		},
		"follow received": func() error {
			_, err := Engagement(map[graph.Kind][]int64{graph.Follow: {1}}, []int64{1}, w, []int64{1})
			return err
		},
		"negative weight": func() error {
			_, err := Engagement(nil, []int64{1}, map[graph.Kind]float64{graph.Like: -1}, []int64{1})
			return err
		},
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
