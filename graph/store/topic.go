package store

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clout-cli/clout/graph"
)

// A topic is one or more hashtags (Layer.Topics; several mean any of them).
// The events of a topic are the interaction events e in the layer's window
// for which at least one of these holds:
//
//	(a) e's own hashtags (events.hashtags, the tags of the post that
//	    carries the event, as the source recorded them) hold a topic tag;
//	(b) the post e is on (posts.post_id = events.post_id, on the platform of
//	    e's source) carries a topic tag: the repost, quote, reply or post
//	    with the mention, or the liked post;
//	(c) that post's parent (posts.parent_id: the post it replies to, quotes
//	    or reposts) carries a topic tag, so a reply or a repost of a tagged
//	    post belongs to the conversation even when it does not repeat the
//	    tag, and so does a like of such a reply.
//
// Tags are compared lower-cased, without '#'. Each event counts once however
// many of (a)-(c) hold. The posts of a topic are the posts carrying a topic
// tag; its authors (TopicAuthors) are the authors of those posts in the
// window, and the sources of the events matched by (a) other than likes (the
// account that wrote the post carrying them), for data that holds events and
// hashtags but no posts.

// normTopics lower-cases topic tags, strips '#', and drops empty ones and
// repeats, sorted.
func normTopics(topics []string) []string {
	var out []string
	for _, t := range topics {
		out = append(out, graph.NormalizeHashtags(strings.Fields(t))...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// topicCache is the topic events of one layer, kept on the Loaded that
// LoadGraph built, so that Engagement and TopicAuthors of the same layer do
// not select them again.
type topicCache struct {
	key  string
	rows []evRow
}

func topicKey(layer Layer) string {
	return fmt.Sprint(normTopics(layer.Topics), layer.Platform, layer.Since.Unix(), layer.Since.IsZero(),
		layer.Until.Unix(), layer.Until.IsZero())
}

// topicRows returns the topic events between nodes of l, in event id order.
func (s *Store) topicRows(ctx context.Context, l *Loaded, layer Layer) ([]evRow, error) {
	key := topicKey(layer)
	l.topicMu.Lock()
	defer l.topicMu.Unlock()
	if l.topic != nil && l.topic.key == key {
		return l.topic.rows, nil
	}
	tags := normTopics(layer.Topics)
	if len(tags) == 0 {
		return nil, fmt.Errorf("topic restriction with no tag (got %q)", layer.Topics)
	}
	wcond, wargs := window(layer, "e.at")
	// (b) and (c): the posts carrying a tag and their children, then the
	// events on them through events_post.
	q := `WITH tagged(platform, post_id) AS (
		SELECT platform, post_id FROM posts WHERE id IN (SELECT post FROM post_tags WHERE tag IN (` + placeholders(len(tags)) + `))`
	args := anySlice(tags)
	if layer.Platform != "" {
		q += " AND platform = ?"
		args = append(args, layer.Platform)
	}
	q += `), onpost(platform, post_id) AS (
		SELECT platform, post_id FROM tagged
		UNION
		SELECT c.platform, c.post_id FROM tagged t JOIN posts c ON c.platform = t.platform AND c.parent_id = t.post_id)
	SELECT e.id, e.src << 32 | e.dst, ` + strings.ReplaceAll(kindCode, "kind", "e.kind") + ` | (e.count << 3)
	FROM onpost o JOIN events e ON e.post_id = o.post_id JOIN accounts a ON a.id = e.src
	WHERE a.platform = o.platform`
	if wcond != "" {
		q += " AND " + wcond
	}
	args = append(args, wargs...)
	onPost, err := s.readTopicRows(ctx, l, q, args, false)
	if err != nil {
		return nil, err
	}
	// (a): the events' own hashtags, a scan in id ranges.
	var maxID int64
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM events").Scan(&maxID); err != nil {
		return nil, s.openError(err)
	}
	var match []string
	var margs []any
	for _, t := range tags {
		match = append(match, "instr(' ' || lower(hashtags) || ' ', ?) > 0")
		margs = append(margs, " "+t+" ")
	}
	ownCond, ownArgs := window(layer, "at")
	aq := "SELECT id, src << 32 | dst, " + kindCode + " | (count << 3) FROM events NOT INDEXED WHERE hashtags IS NOT NULL AND (" +
		strings.Join(match, " OR ") + ")"
	if ownCond != "" {
		aq += " AND " + ownCond
	}
	aq += " AND id >= ? AND id < ?"
	parts := 8
	if maxID < 1<<16 {
		parts = 1
	}
	own := make([][]evRow, parts)
	errs := make([]error, parts)
	s.parallel(parts, func(p int) {
		lo, hi := 1+int64(p)*maxID/int64(parts), 1+int64(p+1)*maxID/int64(parts)
		if p == parts-1 {
			hi = maxID + 1
		}
		a := append(append(append([]any(nil), margs...), ownArgs...), lo, hi)
		own[p], errs[p] = s.readTopicRows(ctx, l, aq, a, true)
	})
	rows := onPost
	for p := range parts {
		if errs[p] != nil {
			return nil, errs[p]
		}
		rows = append(rows, own[p]...)
	}
	// Each event once, marked own when (a) matched it.
	slices.SortStableFunc(rows, func(a, b evRow) int { return cmp.Compare(a.id, b.id) })
	out := rows[:0]
	for _, r := range rows {
		if n := len(out); n > 0 && out[n-1].id == r.id {
			out[n-1].own = out[n-1].own || r.own
			continue
		}
		out = append(out, r)
	}
	l.topic = &topicCache{key: key, rows: out}
	return out, nil
}

// readTopicRows reads rows of (id, src<<32|dst, kind | count<<3) between
// nodes of l.
func (s *Store) readTopicRows(ctx context.Context, l *Loaded, q string, args []any, own bool) ([]evRow, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("database %s: topic events: %w", s.path, err)
	}
	defer rows.Close()
	var out []evRow
	var id, pair, kc int64
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&id, &pair, &kc); err != nil {
			return nil, s.openError(err)
		}
		u, uok := l.Node(pair >> 32)
		v, vok := l.Node(pair & (1<<32 - 1))
		if uok && vok {
			out = append(out, evRow{id: id, src: u, dst: v, kind: graph.Kind(kc & 7), count: kc >> 3, own: own})
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

// loadTopicEvents appends the topic events of the layer's weighted kinds
// as edges weighted by kind weight × count.
func (s *Store) loadTopicEvents(ctx context.Context, l *Loaded, layer Layer, src, dst []uint32, w []float32) ([]uint32, []uint32, []float32, error) {
	rows, err := s.topicRows(ctx, l, layer)
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range rows {
		r := &rows[i]
		wk := layer.Weights[r.kind]
		if wk <= 0 {
			continue
		}
		wt := min(wk*float64(r.count), math.MaxFloat32)
		src = append(src, r.src)
		dst = append(dst, r.dst)
		w = append(w, float32(wt))
	}
	return src, dst, w, nil
}

// TopicAuthors returns the nodes of l that posted with one of layer's
// topics in its window (see the comment at the top of this file), sorted:
// the seeds of a topic's personalized PageRank.
func (s *Store) TopicAuthors(ctx context.Context, l *Loaded, layer Layer) ([]uint32, error) {
	tags := normTopics(layer.Topics)
	if len(tags) == 0 {
		return nil, nil
	}
	q := "SELECT author FROM posts WHERE id IN (SELECT post FROM post_tags WHERE tag IN (" + placeholders(len(tags)) +
		")) AND author IS NOT NULL"
	args := anySlice(tags)
	if c, a := window(layer, "at"); c != "" {
		q += " AND " + c
		args = append(args, a...)
	}
	nodes, err := s.readAuthors(ctx, l, q, args)
	if err != nil {
		return nil, err
	}
	rows, err := s.topicRows(ctx, l, layer)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		if r := &rows[i]; r.own && r.kind != graph.Like {
			nodes = append(nodes, r.src)
		}
	}
	slices.Sort(nodes)
	return slices.Compact(nodes), nil
}
