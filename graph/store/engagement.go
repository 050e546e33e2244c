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

// evRow is one topic event between two nodes (topic.go): own marks one
// matched by its own hashtags.
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
	add := func(src, dst uint32, k graph.Kind, count int64) {
		e.Received[k][dst] += count
		pairs = append(pairs, uint64(dst)<<32|uint64(src))
	}
	if len(layer.Topics) > 0 {
		rows, err := s.topicRows(ctx, l, layer)
		if err != nil {
			return nil, err
		}
		pairs = make([]uint64, 0, len(rows))
		for i := range rows {
			r := &rows[i]
			add(r.src, r.dst, r.kind, r.count)
		}
	} else {
		rows, err := s.eventRows(ctx, l, layer)
		if err != nil {
			return nil, err
		}
		pairs = make([]uint64, 0, len(rows))
		for i := range rows {
			r := &rows[i]
			add(r.src, r.dst, r.kind(), r.count())
		}
	}
	radixSort(pairs)
	for i, p := range pairs {
		if i == 0 || p != pairs[i-1] {
			e.Engagers[p>>32]++
		}
	}
	var err error
	if e.Posts, err = s.postCounts(ctx, l, layer); err != nil {
		return nil, err
	}
	return e, nil
}

// evPacked is one interaction event between two nodes as eventRows keeps
// it: kind (graph.Kind) in the low 3 bits of kc, count above.
type evPacked struct {
	src, dst uint32
	kc       int64
}

func (r *evPacked) kind() graph.Kind { return graph.Kind(r.kc & 7) }
func (r *evPacked) count() int64     { return r.kc >> 3 }

// eventCache is the events of one window and platform, kept on the Loaded
// that read them.
type eventCache struct {
	key  string
	rows []evPacked
}

// eventRows returns every interaction event (all kinds) between nodes of l
// in layer's window, in id order, read once per Loaded and window: the
// graph and the engagement counts share one pass over the table.
//
// Rows are read as two integers (no string per row) in id ranges on
// separate connections, one per core. With a time window the events_at
// index is used only when the window holds under a tenth of the events:
// fetching most rows through an index costs more than reading the whole
// table (13 s vs 6 s for 5M events).
func (s *Store) eventRows(ctx context.Context, l *Loaded, layer Layer) ([]evPacked, error) {
	key := fmt.Sprint(layer.Platform, layer.Since.Unix(), layer.Since.IsZero(), layer.Until.Unix(), layer.Until.IsZero())
	l.topicMu.Lock()
	defer l.topicMu.Unlock()
	if l.events != nil && l.events.key == key {
		return l.events.rows, nil
	}
	cond, args := window(layer, "at")
	var maxID int64
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM events").Scan(&maxID); err != nil {
		return nil, s.openError(err)
	}
	from, parts := "events NOT INDEXED", 8 // the id ranges still use the rowid
	if maxID < 1<<16 {
		parts = 1
	}
	if cond != "" {
		var inWindow int64
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM events WHERE "+cond, args...).Scan(&inWindow); err != nil {
			return nil, s.openError(err)
		}
		if inWindow*10 < maxID {
			from, parts = "events", 1
		}
	} else {
		cond = "1"
	}
	q := "SELECT src << 32 | dst, " + kindCode + " | (count << 3) FROM " + from + " WHERE " + cond
	res := make([][]evPacked, parts)
	errs := make([]error, parts)
	s.parallel(parts, func(p int) {
		qp, a := q, args
		if parts > 1 {
			lo, hi := 1+int64(p)*maxID/int64(parts), 1+int64(p+1)*maxID/int64(parts)
			if p == parts-1 {
				hi = maxID + 1
			}
			qp += " AND id >= ? AND id < ?"
			a = append(append([]any(nil), args...), lo, hi)
		}
		res[p], errs[p] = s.readEventRows(ctx, l, qp, a)
	})
	n := 0
	for p := range parts {
		if errs[p] != nil {
			return nil, errs[p]
		}
		n += len(res[p])
	}
	rows := make([]evPacked, 0, n)
	for p := range parts {
		rows = append(rows, res[p]...)
		res[p] = nil
	}
	l.events = &eventCache{key: key, rows: rows}
	return rows, nil
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
func (s *Store) readEventRows(ctx context.Context, l *Loaded, q string, args []any) ([]evPacked, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.openError(err)
	}
	defer rows.Close()
	var out []evPacked
	var pair, kc int64
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&pair, &kc); err != nil {
			return nil, s.openError(err)
		}
		u, uok := l.Node(pair >> 32)
		v, vok := l.Node(pair & (1<<32 - 1))
		if uok && vok {
			out = append(out, evPacked{src: u, dst: v, kc: kc})
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
// reposts; in the window; with topics, carrying one of them. Without topics
// the count is a GROUP BY over the covering index posts_author.
func (s *Store) postCounts(ctx context.Context, l *Loaded, layer Layer) ([]int64, error) {
	counts := make([]int64, len(l.IDs))
	cond, args := window(layer, "at")
	where := "author IS NOT NULL AND kind <> 'repost'"
	if cond != "" {
		where += " AND " + cond
	}
	var q string
	if len(layer.Topics) > 0 {
		tags := normTopics(layer.Topics)
		q = "SELECT author, 1 FROM posts WHERE id IN (SELECT post FROM post_tags WHERE tag IN (" +
			placeholders(len(tags)) + ")) AND " + where
		args = append(anySlice(tags), args...)
	} else {
		q = "SELECT author, count(*) FROM posts INDEXED BY posts_author WHERE " + where + " GROUP BY author"
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("database %s: posts: %w", s.path, err)
	}
	defer rows.Close()
	var id, n int64
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&id, &n); err != nil {
			return nil, s.openError(err)
		}
		if v, ok := l.Node(id); ok {
			counts[v] += n
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
