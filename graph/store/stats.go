package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/clout-cli/clout/graph"
)

// Stats is what the database holds.
type Stats struct {
	Path      string
	Accounts  int64
	Platforms map[string]int64 // accounts per platform
	// Follows counts follow edges; Events counts interaction events per kind
	// (rows; Weighted sums their counts).
	Follows    int64
	Events     map[graph.Kind]int64
	EventCount map[graph.Kind]int64
	// FirstEvent and LastEvent bound the known event times (zero if none).
	FirstEvent, LastEvent time.Time
	UntimedEvents         int64
	SchemaVersion         int
}

// Stats counts what the database holds.
func (s *Store) Stats(ctx context.Context) (*Stats, error) {
	st := &Stats{Path: s.path, Platforms: map[string]int64{}, Events: map[graph.Kind]int64{},
		EventCount: map[graph.Kind]int64{}, SchemaVersion: SchemaVersion}
	for _, k := range graph.InteractionKinds() {
		st.Events[k] = 0
		st.EventCount[k] = 0
	}
	rows, err := s.db.QueryContext(ctx, "SELECT platform, count(*) FROM accounts GROUP BY platform ORDER BY platform")
	if err != nil {
		return nil, s.openError(err)
	}
	for rows.Next() {
		var p string
		var n int64
		if err := rows.Scan(&p, &n); err != nil {
			rows.Close()
			return nil, s.openError(err)
		}
		st.Platforms[p] = n
		st.Accounts += n
	}
	rows.Close()
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM follows").Scan(&st.Follows); err != nil {
		return nil, s.openError(err)
	}
	rows, err = s.db.QueryContext(ctx, "SELECT kind, count(*), sum(count) FROM events GROUP BY kind")
	if err != nil {
		return nil, s.openError(err)
	}
	for rows.Next() {
		var k string
		var n, c int64
		if err := rows.Scan(&k, &n, &c); err != nil {
			rows.Close()
			return nil, s.openError(err)
		}
		if kind, err := graph.ParseKind(k); err == nil {
			st.Events[kind] = n
			st.EventCount[kind] = c
		}
	}
	rows.Close()
	var first, last sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT min(at), max(at), count(*) - count(at) FROM events").Scan(&first, &last, &st.UntimedEvents); err != nil {
		return nil, s.openError(err)
	}
	if first.Valid {
		st.FirstEvent = time.Unix(first.Int64, 0).UTC()
		st.LastEvent = time.Unix(last.Int64, 0).UTC()
	}
	return st, nil
}

// HasEvents reports whether any interaction event is stored (for platform, "" = any).
func (s *Store) HasEvents(ctx context.Context, platform string) (bool, error) {
	q, args := "SELECT EXISTS (SELECT 1 FROM events)", []any{}
	if platform != "" {
		q, args = "SELECT EXISTS (SELECT 1 FROM events e JOIN accounts a ON a.id = e.src WHERE a.platform = ?)", []any{platform}
	}
	var b bool
	if err := s.db.QueryRowContext(ctx, q, args...).Scan(&b); err != nil {
		return false, s.openError(err)
	}
	return b, nil
}
