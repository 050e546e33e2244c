package store

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/clout-cli/clout/graph"
)

// Engagement is, for every node of a Loaded (same order as Loaded.IDs), what
// the account received and authored over a layer's window, platform and
// topics. It does not depend on the layer's weights: every interaction kind
// is counted.
type Engagement struct {
	// Received[k][i] is Σ events.count over the events of interaction kind
	// k pointing at node i (i the target): reposts, quotes, replies,
	// mentions, likes received.
	Received map[graph.Kind][]int64
	// Engagers[i] is the number of distinct accounts that are the source of
	// at least one of those events.
	Engagers []int64
	// Posts[i] is the number of posts node i authored: originals, replies
	// and quotes, not reposts; in the window by posts.at (a post of unknown
	// time counts only when no window is set); with topics, only posts that
	// carry one of them.
	Posts []int64
}

// evRow is one interaction event between two nodes: kind in its low 3 bits
// (graph.Kind), count above; own marks a topic event matched by its own
// hashtags.
type evRow struct {
	id       int64
	src, dst uint32
	kind     graph.Kind
	own      bool
	count    int64
}

// kindCode turns events.kind into the graph.Kind number in SQL, so that rows
// are read as integers (a string per row costs an allocation).
const kindCode = `CASE kind WHEN 'repost' THEN 1 WHEN 'quote' THEN 2 WHEN 'reply' THEN 3 WHEN 'mention' THEN 4 ELSE 5 END`

// window returns the SQL condition and arguments of layer's time window on
// column col, "" when the window is open.
func window(layer Layer, col string) (string, []any) {
	var cond []string
	var args []any
	if !layer.Since.IsZero() {
		cond = append(cond, col+" >= ?")
		args = append(args, layer.Since.Unix())
	}
	if !layer.Until.IsZero() {
		cond = append(cond, col+" < ?")
		args = append(args, layer.Until.Unix())
	}
	return strings.Join(cond, " AND "), args
}

// Engagement counts what every node of l received and authored in layer
// (window, platform, topics; not weights). l must come from LoadGraph of a
// layer with the same Platform, so that node numbering agrees.
func (s *Store) Engagement(ctx context.Context, l *Loaded, layer Layer) (*Engagement, error) {
	n := len(l.IDs)
	e := &Engagement{Received: map[graph.Kind][]int64{}, Engagers: make([]int64, n)}
	for _, k := range graph.InteractionKinds() {
		e.Received[k] = make([]int64, n)
	}
	var pairs []uint64 // dst<<32 | src
	add := func(r *evRow) {
		e.Received[r.kind][r.dst] += r.count
		pairs = append(pairs, uint64(r.dst)<<32|uint64(r.src))
	}
	var err error
	if len(layer.Topics) > 0 {
		var rows []evRow
		if rows, err = s.topicRows(ctx, l, layer); err != nil {
			return nil, err
		}
		pairs = make([]uint64, 0, len(rows))
		for i := range rows {
			add(&rows[i])
		}
	} else if err = s.scanEvents(ctx, l, layer, func(part []evRow) {
		for i := range part {
			add(&part[i])
		}
	}); err != nil {
		return nil, err
	}
	radixSort(pairs)
	for i, p := range pairs {
		if i == 0 || p != pairs[i-1] {
			e.Engagers[p>>32]++
		}
	}
	if e.Posts, err = s.postCounts(ctx, l, layer); err != nil {
		return nil, err
	}
	return e, nil
}

// scanEvents reads every interaction event between nodes of l in layer's
// window, in id ranges on parallel connections, and hands each range's rows
// to fn, one range at a time, in id order.
func (s *Store) scanEvents(ctx context.Context, l *Loaded, layer Layer, fn func([]evRow)) error {
	cond, args := window(layer, "at")
	if cond == "" {
		cond = "1"
	}
	var maxID int64
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM events").Scan(&maxID); err != nil {
		return s.openError(err)
	}
	q := "SELECT src << 32 | dst, " + kindCode + " | (count << 3) FROM events NOT INDEXED WHERE " + cond + " AND id >= ? AND id < ?"
	parts := 8
	if maxID < 1<<16 {
		parts = 1
	}
	res := make([][]evRow, parts)
	errs := make([]error, parts)
	s.parallel(parts, func(p int) {
		lo, hi := 1+int64(p)*maxID/int64(parts), 1+int64(p+1)*maxID/int64(parts)
		if p == parts-1 {
			hi = maxID + 1
		}
		res[p], errs[p] = s.readEventRows(ctx, l, q, append(append([]any(nil), args...), lo, hi))
	})
	for p := range parts {
		if errs[p] != nil {
			return errs[p]
		}
		fn(res[p])
		res[p] = nil
	}
	return nil
}

// parallel runs f(0..parts-1), as many at once as there are cores.
func (s *Store) parallel(parts int, f func(p int)) {
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			f(p)
		}()
	}
	wg.Wait()
}

// readEventRows reads rows of (src<<32|dst, kind | count<<3) between nodes of l.
func (s *Store) readEventRows(ctx context.Context, l *Loaded, q string, args []any) ([]evRow, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.openError(err)
	}
	defer rows.Close()
	var out []evRow
	var pair, kc int64
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&pair, &kc); err != nil {
			return nil, s.openError(err)
		}
		u, uok := l.Node(pair >> 32)
		v, vok := l.Node(pair & (1<<32 - 1))
		if uok && vok {
			out = append(out, evRow{src: u, dst: v, kind: graph.Kind(kc & 7), count: kc >> 3})
		}
		if i&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.openError(err)
	}
	return out, nil
}

// postCounts counts the posts each node of l authored in layer: not
// reposts; in the window; with topics, carrying one of them.
func (s *Store) postCounts(ctx context.Context, l *Loaded, layer Layer) ([]int64, error) {
	counts := make([]int64, len(l.IDs))
	cond, args := window(layer, "at")
	where := "author IS NOT NULL AND kind <> 'repost'"
	if cond != "" {
		where += " AND " + cond
	}
	var qs []string
	var qargs [][]any
	if len(layer.Topics) > 0 {
		tags := normTopics(layer.Topics)
		qs = append(qs, "SELECT author FROM posts WHERE id IN (SELECT post FROM post_tags WHERE tag IN ("+
			placeholders(len(tags))+")) AND "+where)
		qargs = append(qargs, append(anySlice(tags), args...))
	} else {
		var maxID int64
		if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM posts").Scan(&maxID); err != nil {
			return nil, s.openError(err)
		}
		parts := 4
		if maxID < 1<<16 {
			parts = 1
		}
		for p := range parts {
			lo, hi := 1+int64(p)*maxID/int64(parts), 1+int64(p+1)*maxID/int64(parts)
			if p == parts-1 {
				hi = maxID + 1
			}
			qs = append(qs, "SELECT author FROM posts NOT INDEXED WHERE "+where+" AND id >= ? AND id < ?")
			qargs = append(qargs, append(append([]any(nil), args...), lo, hi))
		}
	}
	res := make([][]uint32, len(qs))
	errs := make([]error, len(qs))
	s.parallel(len(qs), func(p int) {
		res[p], errs[p] = s.readAuthors(ctx, l, qs[p], qargs[p])
	})
	for p := range qs {
		if errs[p] != nil {
			return nil, errs[p]
		}
		for _, v := range res[p] {
			counts[v]++
		}
	}
	return counts, nil
}

// readAuthors reads a column of account ids as nodes of l.
func (s *Store) readAuthors(ctx context.Context, l *Loaded, q string, args []any) ([]uint32, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("database %s: posts: %w", s.path, err)
	}
	defer rows.Close()
	var out []uint32
	var id int64
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&id); err != nil {
			return nil, s.openError(err)
		}
		if v, ok := l.Node(id); ok {
			out = append(out, v)
		}
		if i&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.openError(err)
	}
	return out, nil
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
