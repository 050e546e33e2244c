package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// TopicStat is one hashtag of the database (`clout topics`).
type TopicStat struct {
	Tag string
	// Posts carrying the tag, and their distinct authors.
	Posts, Authors int64
	// Events is Σ events.count over the tag's events, as topic.go defines
	// them: what `rank --topic TAG` counts as engagement received.
	Events int64
	// First and Last are the earliest and latest time of the tag's posts
	// and events (zero when none is timed).
	First, Last time.Time
}

// TopicsQuery selects the posts and events Topics looks at.
type TopicsQuery struct {
	Platform     string
	Since, Until time.Time // [Since, Until) on posts.at and events.at; zero is open
}

// Topics lists every hashtag of the posts and events in q, sorted by posts
// (most first), ties by tag.
func (s *Store) Topics(ctx context.Context, q TopicsQuery) ([]TopicStat, error) {
	layer := Layer{Platform: q.Platform, Since: q.Since, Until: q.Until}
	byTag := map[string]*TopicStat{}
	stat := func(tag string) *TopicStat {
		st := byTag[tag]
		if st == nil {
			st = &TopicStat{Tag: tag}
			byTag[tag] = st
		}
		return st
	}
	widen := func(st *TopicStat, at sql.NullInt64) {
		if !at.Valid {
			return
		}
		t := time.Unix(at.Int64, 0).UTC()
		if st.First.IsZero() || t.Before(st.First) {
			st.First = t
		}
		if st.Last.IsZero() || t.After(st.Last) {
			st.Last = t
		}
	}
	// Posts, authors and their times, per tag.
	pq := "SELECT t.tag, count(*), count(DISTINCT p.author), min(p.at), max(p.at) FROM post_tags t JOIN posts p ON p.id = t.post WHERE 1"
	var pargs []any
	if q.Platform != "" {
		pq += " AND p.platform = ?"
		pargs = append(pargs, q.Platform)
	}
	if c, a := window(layer, "p.at"); c != "" {
		pq += " AND " + c
		pargs = append(pargs, a...)
	}
	rows, err := s.db.QueryContext(ctx, pq+" GROUP BY t.tag", pargs...)
	if err != nil {
		return nil, fmt.Errorf("database %s: topics: %w", s.path, err)
	}
	for rows.Next() {
		var tag string
		var posts, authors int64
		var first, last sql.NullInt64
		if err := rows.Scan(&tag, &posts, &authors, &first, &last); err != nil {
			rows.Close()
			return nil, s.openError(err)
		}
		st := stat(tag)
		st.Posts, st.Authors = posts, authors
		widen(st, first)
		widen(st, last)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.openError(err)
	}
	tags := make([]string, 0, len(byTag))
	for t := range byTag {
		tags = append(tags, t)
	}
	events, err := s.topicEventsByTag(ctx, layer, &tags)
	if err != nil {
		return nil, err
	}
	for i := range events {
		e := &events[i]
		if i > 0 && events[i-1].tag == e.tag && events[i-1].id == e.id {
			continue
		}
		st := stat(tags[e.tag])
		st.Events += e.count
		widen(st, sql.NullInt64{Int64: e.at, Valid: e.hasAt})
	}
	out := make([]TopicStat, 0, len(byTag))
	for _, st := range byTag {
		out = append(out, *st)
	}
	slices.SortFunc(out, func(a, b TopicStat) int {
		return cmp.Or(cmp.Compare(b.Posts, a.Posts), strings.Compare(a.Tag, b.Tag))
	})
	return out, nil
}

// tagEvent is one (tag, event) pair of a topic; tag indexes the tags slice.
type tagEvent struct {
	tag   int32
	hasAt bool
	id    int64
	count int64
	at    int64
}

// topicEventsByTag returns the (tag, event) pairs of every tag's topic
// events, sorted by tag and event id (a pair may repeat: one per rule that
// matched). Tags met only in events.hashtags are appended to tags.
func (s *Store) topicEventsByTag(ctx context.Context, layer Layer, tags *[]string) ([]tagEvent, error) {
	var l *Loaded
	if layer.Platform != "" {
		var err error
		if l, err = s.nodes(ctx, layer.Platform); err != nil {
			return nil, err
		}
	}
	index := map[string]int32{}
	for i, t := range *tags {
		index[t] = int32(i)
	}
	tagOf := func(t string) int32 {
		if i, ok := index[t]; ok {
			return i
		}
		i := int32(len(*tags))
		*tags = append(*tags, t)
		index[t] = i
		return i
	}
	var out []tagEvent
	// (b) and (c): events on a tagged post or on a child of one.
	wcond, wargs := window(layer, "e.at")
	pcond, pargs := "", []any(nil)
	if layer.Platform != "" {
		pcond, pargs = " AND p.platform = ?", []any{layer.Platform}
	}
	for _, onPost := range []string{
		`SELECT t.tag, e.id, e.count, e.at FROM post_tags t JOIN posts p ON p.id = t.post
		 JOIN events e ON e.post_id = p.post_id JOIN accounts a ON a.id = e.src
		 WHERE a.platform = p.platform`,
		`SELECT t.tag, e.id, e.count, e.at FROM post_tags t JOIN posts p ON p.id = t.post
		 JOIN posts c ON c.platform = p.platform AND c.parent_id = p.post_id
		 JOIN events e ON e.post_id = c.post_id JOIN accounts a ON a.id = e.src
		 WHERE a.platform = p.platform`,
	} {
		q := onPost + pcond
		args := append([]any(nil), pargs...)
		if wcond != "" {
			q += " AND " + wcond
			args = append(args, wargs...)
		}
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("database %s: topic events: %w", s.path, err)
		}
		var tag string
		var at sql.NullInt64
		for i := 0; rows.Next(); i++ {
			var e tagEvent
			if err := rows.Scan(&tag, &e.id, &e.count, &at); err != nil {
				rows.Close()
				return nil, s.openError(err)
			}
			e.tag, e.at, e.hasAt = tagOf(tag), at.Int64, at.Valid
			out = append(out, e)
			if i&0xffff == 0 && ctx.Err() != nil {
				rows.Close()
				return nil, ctx.Err()
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.openError(err)
		}
	}
	// (a): the events' own hashtags.
	cond, args := window(layer, "at")
	q := "SELECT id, src, hashtags, count, at FROM events WHERE hashtags IS NOT NULL"
	if cond != "" {
		q += " AND " + cond
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("database %s: topic events: %w", s.path, err)
	}
	defer rows.Close()
	var hashtags []byte
	var src int64
	var at sql.NullInt64
	for i := 0; rows.Next(); i++ {
		var e tagEvent
		if err := rows.Scan(&e.id, &src, &hashtags, &e.count, &at); err != nil {
			return nil, s.openError(err)
		}
		if i&0xffff == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if l != nil {
			if _, ok := l.Node(src); !ok {
				continue
			}
		}
		e.at, e.hasAt = at.Int64, at.Valid
		for _, t := range strings.Fields(strings.ToLower(string(hashtags))) {
			e.tag = tagOf(strings.TrimPrefix(t, "#"))
			out = append(out, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.openError(err)
	}
	slices.SortFunc(out, func(a, b tagEvent) int { return cmp.Or(cmp.Compare(a.tag, b.tag), cmp.Compare(a.id, b.id)) })
	return out, nil
}
