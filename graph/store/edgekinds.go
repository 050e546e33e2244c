package store

import (
	"context"
	"strings"

	"github.com/clout-cli/clout/graph"
)

// KindCount is the events of one kind from one account to another in a
// layer's window: how many (the sum of their counts) and when the first of
// them happened (Unix seconds; 0 when none has a known time).
type KindCount struct {
	Src, Dst int64
	Kind     graph.Kind
	Count    int64
	First    int64
}

// EdgeKinds calls fn for every (source, target, kind) of the interaction
// kinds layer weighs above zero, within its window, in (src, dst, kind)
// order. Exports use it to give each edge its per-kind counts; the
// account-platform filter is the caller's (through Loaded.Node), as in
// LoadGraph.
func (s *Store) EdgeKinds(ctx context.Context, layer Layer, fn func(KindCount) error) error {
	var kinds []string
	var args []any
	for _, k := range graph.InteractionKinds() {
		if layer.Weights[k] > 0 {
			kinds = append(kinds, "?")
			args = append(args, k.String())
		}
	}
	if len(kinds) == 0 {
		return nil
	}
	cond := []string{"kind IN (" + strings.Join(kinds, ",") + ")"}
	if !layer.Since.IsZero() {
		cond = append(cond, "at >= ?")
		args = append(args, layer.Since.Unix())
	}
	if !layer.Until.IsZero() {
		cond = append(cond, "at < ?")
		args = append(args, layer.Until.Unix())
	}
	rows, err := s.db.QueryContext(ctx, "SELECT src, dst, kind, sum(count), coalesce(min(at), 0) FROM events WHERE "+
		strings.Join(cond, " AND ")+" GROUP BY src, dst, kind ORDER BY src, dst, kind", args...)
	if err != nil {
		return s.openError(err)
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		var c KindCount
		var kind string
		if err := rows.Scan(&c.Src, &c.Dst, &kind, &c.Count, &c.First); err != nil {
			return s.openError(err)
		}
		if c.Src == c.Dst {
			continue
		}
		if c.Kind, err = graph.ParseKind(kind); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		if i&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return s.openError(err)
	}
	return nil
}
