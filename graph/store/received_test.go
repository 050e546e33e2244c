package store

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
)

func TestReceivedPerKindAndWindow(t *testing.T) {
	s, _ := openTemp(t)
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	write(t, s, nil, []graph.Edge{
		{Platform: "local", Src: "a", Dst: "c", Kind: graph.Repost, At: day(1), PostID: "p1"},
		{Platform: "local", Src: "a", Dst: "c", Kind: graph.Repost, At: day(5), PostID: "p2", Count: 3},
		{Platform: "local", Src: "b", Dst: "c", Kind: graph.Reply, At: day(3), PostID: "p3"},
		{Platform: "local", Src: "b", Dst: "c", Kind: graph.Like},
		{Platform: "local", Src: "c", Dst: "a", Kind: graph.Like, At: day(2)},
		{Platform: "local", Src: "a", Dst: "c", Kind: graph.Follow},
	})
	var id int64
	s.DB().QueryRow("SELECT id FROM accounts WHERE key = 'c'").Scan(&id)
	ctx := context.Background()
	for _, tc := range []struct {
		name         string
		since, until time.Time
		want         map[graph.Kind]int64
	}{
		{"all time", time.Time{}, time.Time{}, map[graph.Kind]int64{graph.Repost: 4, graph.Reply: 1, graph.Like: 1}},
		{"window drops untimed", day(2), day(6), map[graph.Kind]int64{graph.Repost: 3, graph.Reply: 1}},
		{"until only", time.Time{}, day(2), map[graph.Kind]int64{graph.Repost: 1}},
		{"empty window", day(10), time.Time{}, map[graph.Kind]int64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Received(ctx, id, tc.since, tc.until)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("Received = %v, want %v", got, tc.want)
			}
		})
	}
}
