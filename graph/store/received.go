package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
)

// Received counts the interaction events account id received (it is their
// dst), per kind, each event counting its count column, within [since,
// until) when either is set (events of unknown time are then left out).
// Kinds without events are absent from the map. It scans the events table:
// there is no index on dst, so this is for one account at a time.
func (s *Store) Received(ctx context.Context, id int64, since, until time.Time) (map[graph.Kind]int64, error) {
	cond, args := []string{"dst = ?"}, []any{id}
	if !since.IsZero() {
		cond, args = append(cond, "at >= ?"), append(args, since.Unix())
	}
	if !until.IsZero() {
		cond, args = append(cond, "at < ?"), append(args, until.Unix())
	}
	rows, err := s.db.QueryContext(ctx, "SELECT kind, sum(count) FROM events NOT INDEXED WHERE "+strings.Join(cond, " AND ")+" GROUP BY kind", args...)
	if err != nil {
		return nil, s.openError(err)
	}
	defer rows.Close()
	out := map[graph.Kind]int64{}
	for rows.Next() {
		var kind string
		var n int64
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, s.openError(err)
		}
		k, err := graph.ParseKind(kind)
		if err != nil {
			return nil, fmt.Errorf("%s: events table: %w", s.path, err)
		}
		out[k] = n
	}
	return out, rows.Err()
}
