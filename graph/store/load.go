package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/clout-cli/clout/graph"
)

// Layer chooses which edges make up a graph.
type Layer struct {
	// Weights gives each kind's weight. The follow layer is included when
	// Weights[graph.Follow] > 0; each interaction kind with a positive weight
	// contributes weight × count for each of its events in the window.
	Weights map[graph.Kind]float64
	// Since and Until bound event times, [Since, Until); zero means open.
	// Events of unknown time are left out when either bound is set. Follow
	// edges have no time and are never filtered.
	Since, Until time.Time
	// Platform restricts the graph to one platform; "" takes all.
	Platform string
	// Topics restricts the interaction events to those of a topic: hashtags
	// (any case, '#' optional; several mean any of them). See topic.go for
	// which events and posts belong to a topic. Follow edges are not
	// restricted.
	Topics []string
}

// Loaded is a graph of accounts built from the store. Node i is the account
// with id IDs[i]; nodes are in (platform, key) order, so two graphs loaded
// with the same Platform share node numbering, and two databases with the
// same accounts number them the same whatever order they were written in.
type Loaded struct {
	Graph *graph.Graph
	IDs   []int64
	// SkippedUntimed counts events left out because their time is unknown
	// and a time window was set.
	SkippedUntimed int64
	// index[id] is the node of account id, or -1.
	index []int32
	// dense: the ids are exactly 1..N, so node = id-1 (the usual case, and
	// no lookup on the hot path of loading).
	dense bool
	// topic holds the topic events of the layer loaded (topic.go).
	topicMu sync.Mutex
	topic   *topicCache
	// events holds the events of the window loaded (eventRows).
	events *eventCache
}

// Node returns the node of account id.
func (l *Loaded) Node(id int64) (uint32, bool) {
	if id <= 0 || id >= int64(len(l.index)) {
		return 0, false
	}
	if l.dense {
		return uint32(id - 1), true
	}
	if l.index[id] < 0 {
		return 0, false
	}
	return uint32(l.index[id]), true
}

// Nodes loads the account numbering for platform ("" = all) without edges.
func (s *Store) nodes(ctx context.Context, platform string) (*Loaded, error) {
	var maxID int64
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM accounts").Scan(&maxID); err != nil {
		return nil, s.openError(err)
	}
	// Nodes are numbered in (platform, key) order, not in the order the
	// accounts arrived (measured: sorting keys by length first, for numeric
	// order, bought no PageRank locality and cost a sort): two databases holding the same data then build the
	// same graph, so every sum over a node's edges is taken in the same
	// order and prints the same digits (the accounts_key index gives the
	// order without sorting).
	q, args := "SELECT id FROM accounts ORDER BY platform, key", []any{}
	if platform != "" {
		q, args = "SELECT id FROM accounts WHERE platform = ? ORDER BY platform, key", []any{platform}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.openError(err)
	}
	defer rows.Close()
	l := &Loaded{index: make([]int32, maxID+1)}
	for i := range l.index {
		l.index[i] = -1
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.openError(err)
		}
		if id > maxID {
			continue // written after we read max(id)
		}
		l.index[id] = int32(len(l.IDs))
		l.IDs = append(l.IDs, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.openError(err)
	}
	// dense: ids 1..N in that order, so node = id-1 without a lookup.
	l.dense = int64(len(l.IDs)) == maxID
	for i, id := range l.IDs {
		if id != int64(i+1) {
			l.dense = false
			break
		}
	}
	return l, nil
}

// LoadGraph builds the graph of layer: every account (of the platform) is a
// node, whether or not it has edges.
func (s *Store) LoadGraph(ctx context.Context, layer Layer) (*Loaded, error) {
	// The follows version is read before anything else: a commit after this
	// point (new accounts, new follows) changes it, so saveSnapshot never
	// stores a load that missed part of that commit under a current version.
	var version string
	if err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'follows_version'").Scan(&version); err != nil {
		return nil, s.openError(err)
	}
	l, err := s.nodes(ctx, layer.Platform)
	if err != nil {
		return nil, err
	}
	var src, dst []uint32
	var w []float32
	followW := layer.Weights[graph.Follow]
	var kinds []string
	for _, k := range graph.InteractionKinds() {
		if layer.Weights[k] > 0 {
			kinds = append(kinds, k.String())
		}
	}
	weighted := len(kinds) > 0 || (followW > 0 && followW != 1)
	if followW > 0 {
		src, dst, err = s.loadSnapshot(ctx, l, src, dst)
		if errors.Is(err, errNoSnapshot) {
			src, dst, err = s.loadFollows(ctx, l, src, dst)
			if err == nil && layer.Platform == "" {
				v, _ := strconv.ParseInt(version, 10, 64)
				s.saveSnapshot(ctx, l, src, dst, v)
			}
		}
		if err != nil {
			return nil, err
		}
		if weighted {
			w = make([]float32, len(src), cap(src))
			for i := range w {
				w[i] = float32(followW)
			}
		}
	}
	if len(kinds) > 0 && len(layer.Topics) > 0 {
		if src, dst, w, err = s.loadTopicEvents(ctx, l, layer, src, dst, w); err != nil {
			return nil, err
		}
	} else if len(kinds) > 0 {
		src, dst, w, err = s.loadEvents(ctx, l, layer, kinds, src, dst, w)
		if err != nil {
			return nil, err
		}
	}
	g, err := graph.NewGraph(len(l.IDs), src, dst, w)
	if err != nil {
		return nil, fmt.Errorf("database %s: build graph: %w", s.path, err)
	}
	l.Graph = g
	return l, nil
}

// loadFollows appends the follow edges between nodes of l.
//
// Loading is scanning: a cgo call per row dominates. So the id range is
// split into parts read on separate connections, one per core.
// Parts are concatenated in id order, so the result does not depend on
// timing.
func (s *Store) loadFollows(ctx context.Context, l *Loaded, src, dst []uint32) ([]uint32, []uint32, error) {
	maxID := int64(len(l.index) - 1)
	parts := 8
	if maxID < 1<<16 {
		parts = 1
	}
	type part struct {
		src, dst []uint32
		err      error
	}
	res := make([]part, parts)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := 1+int64(p)*maxID/int64(parts), 1+int64(p+1)*maxID/int64(parts)
		if p == parts-1 {
			hi = maxID + 1
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			res[p].src, res[p].dst, res[p].err = s.loadFollowRange(ctx, l, lo, hi)
		}()
	}
	wg.Wait()
	n := 0
	for _, r := range res {
		if r.err != nil {
			return nil, nil, r.err
		}
		n += len(r.src)
	}
	src, dst = grow(src, n), grow(dst, n)
	for _, r := range res {
		src = append(src, r.src...)
		dst = append(dst, r.dst...)
	}
	return src, dst, nil
}

// loadFollowRange reads the follows with lo <= src < hi, one packed
// integer per row. (Not group_concat: its string building allocates, and
// go-sqlite3's SQLite counts allocations under a global mutex, which
// serialises parallel readers.)
func (s *Store) loadFollowRange(ctx context.Context, l *Loaded, lo, hi int64) (src, dst []uint32, err error) {
	rows, err := s.db.QueryContext(ctx, "SELECT src << 32 | dst FROM follows WHERE src >= ? AND src < ?", lo, hi)
	if err != nil {
		return nil, nil, s.openError(err)
	}
	defer rows.Close()
	var p int64
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&p); err != nil {
			return nil, nil, s.openError(err)
		}
		u, uok := l.Node(p >> 32)
		v, vok := l.Node(p & (1<<32 - 1))
		if uok && vok {
			src = append(src, u)
			dst = append(dst, v)
		}
		if i&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, s.openError(err)
	}
	return src, dst, nil
}

func grow(s []uint32, n int) []uint32 {
	if cap(s)-len(s) < n {
		t := make([]uint32, len(s), len(s)+n)
		copy(t, s)
		return t
	}
	return s
}

// loadEvents appends the interaction events of layer between nodes of l,
// one edge per event row weighted by kind weight × count (NewGraph sums
// repeated pairs). The rows are read once by eventRows, which keeps them on
// l for Engagement of the same window.
func (s *Store) loadEvents(ctx context.Context, l *Loaded, layer Layer, kinds []string, src, dst []uint32, w []float32) ([]uint32, []uint32, []float32, error) {
	rows, err := s.eventRows(ctx, l, layer)
	if err != nil {
		return nil, nil, nil, err
	}
	var weightOf [8]float64
	for _, k := range graph.InteractionKinds() {
		weightOf[k] = layer.Weights[k]
	}
	n := 0
	for i := range rows {
		if weightOf[rows[i].kind()] > 0 {
			n++
		}
	}
	src, dst = grow(src, n), grow(dst, n)
	if cap(w)-len(w) < n {
		w2 := make([]float32, len(w), len(w)+n)
		copy(w2, w)
		w = w2
	}
	for i := range rows {
		r := &rows[i]
		wk := weightOf[r.kind()]
		if wk <= 0 {
			continue
		}
		src = append(src, r.src)
		dst = append(dst, r.dst)
		w = append(w, float32(min(wk*float64(r.count()), math.MaxFloat32)))
	}
	if !layer.Since.IsZero() || !layer.Until.IsZero() {
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM events WHERE at IS NULL AND kind IN ("+
			placeholders(len(kinds))+")", anySlice(kinds)...).Scan(&l.SkippedUntimed); err != nil {
			return nil, nil, nil, s.openError(err)
		}
	}
	return src, dst, w, nil
}
