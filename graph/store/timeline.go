package store

import (
	"context"
	"strings"

	"github.com/clout-cli/clout/graph"
)

// Timeline is the number of events (by their counts) of each interaction
// kind per time bucket.
type Timeline struct {
	// Bucket is the bucket width in seconds; Starts the Unix start of each
	// bucket, ascending, one per bucket from the first to the last event
	// (empty buckets included).
	Bucket int64
	Starts []int64
	Counts map[graph.Kind][]int64
}

// EventTimeline counts the timed events of layer's window and platform in
// buckets of bucket seconds (aligned to multiples of it).
func (s *Store) EventTimeline(ctx context.Context, layer Layer, bucket int64) (*Timeline, error) {
	if bucket <= 0 {
		bucket = 1
	}
	cond := []string{"e.at IS NOT NULL"}
	args := []any{bucket, bucket}
	join := ""
	if layer.Platform != "" {
		join = " JOIN accounts a ON a.id = e.src"
		cond = append(cond, "a.platform = ?")
		args = append(args, layer.Platform)
	}
	if !layer.Since.IsZero() {
		cond = append(cond, "e.at >= ?")
		args = append(args, layer.Since.Unix())
	}
	if !layer.Until.IsZero() {
		cond = append(cond, "e.at < ?")
		args = append(args, layer.Until.Unix())
	}
	rows, err := s.db.QueryContext(ctx, "SELECT (e.at / ?) * ? AS b, e.kind, sum(e.count) FROM events e"+join+
		" WHERE "+strings.Join(cond, " AND ")+" GROUP BY b, e.kind ORDER BY b", args...)
	if err != nil {
		return nil, s.openError(err)
	}
	defer rows.Close()
	t := &Timeline{Bucket: bucket, Counts: map[graph.Kind][]int64{}}
	type cell struct {
		b    int64
		kind graph.Kind
		n    int64
	}
	var cells []cell
	for rows.Next() {
		var c cell
		var kind string
		if err := rows.Scan(&c.b, &kind, &c.n); err != nil {
			return nil, s.openError(err)
		}
		if c.kind, err = graph.ParseKind(kind); err != nil {
			return nil, err
		}
		cells = append(cells, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.openError(err)
	}
	if len(cells) == 0 {
		return t, nil
	}
	first, last := cells[0].b, cells[len(cells)-1].b
	for b := first; b <= last; b += bucket {
		t.Starts = append(t.Starts, b)
	}
	for _, k := range graph.InteractionKinds() {
		t.Counts[k] = make([]int64, len(t.Starts))
	}
	for _, c := range cells {
		t.Counts[c.kind][(c.b-first)/bucket] += c.n
	}
	return t, nil
}
