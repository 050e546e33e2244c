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
	// Events is Σ events.count over the interaction events whose own
	// hashtags (events.hashtags) carry the tag. rank --topic counts these
	// and also the events on the tag's posts, and on replies, quotes and
	// reposts of them, that do not repeat the tag (topic.go): a listing of
	// every tag cannot afford those joins.
	Events int64
	// First and Last are the earliest and latest time of the tag's posts
	// and of those events (zero when none is timed).
	First, Last time.Time
}

// TopicsQuery selects the posts and events Topics looks at.
type TopicsQuery struct {
	Platform     string
	Since, Until time.Time // [Since, Until) on posts.at and events.at; zero is open
}

// tagAgg is what Topics gathers for one hashtags string or one tag.
type tagAgg struct {
	tags        []int32 // for a hashtags string: its tags
	posts       int64
	events      int64
	first, last int64
	timed       bool
	idx         int // for a hashtags string: its index in topicScan.order
}

func (a *tagAgg) widen(at sql.NullInt64) {
	if !at.Valid {
		return
	}
	if !a.timed || at.Int64 < a.first {
		a.first = at.Int64
	}
	if !a.timed || at.Int64 > a.last {
		a.last = at.Int64
	}
	a.timed = true
}

// topicScan is one part of Topics' two scans: the hashtags strings met,
// aggregated, and (tag, author) pairs of posts.
type topicScan struct {
	combos  map[string]*tagAgg
	authors []uint64 // for posts: hashtags-string index << 40 | author, per row
	order   []string // hashtags strings in the order met
	err     error
}

// Topics lists every hashtag of the posts and events in q, sorted by posts
// (most first), ties by tag. It reads posts.hashtags and events.hashtags in
// two parallel scans that return only rows with hashtags, aggregated per
// distinct hashtags string, and splits the strings into tags at the end.
func (s *Store) Topics(ctx context.Context, q TopicsQuery) ([]TopicStat, error) {
	layer := Layer{Platform: q.Platform, Since: q.Since, Until: q.Until}
	var l *Loaded
	if q.Platform != "" {
		var err error
		if l, err = s.nodes(ctx, q.Platform); err != nil {
			return nil, err
		}
	}
	var maxPost, maxEvent int64
	if err := s.db.QueryRowContext(ctx, "SELECT (SELECT coalesce(max(id), 0) FROM posts), (SELECT coalesce(max(id), 0) FROM events)").Scan(&maxPost, &maxEvent); err != nil {
		return nil, s.openError(err)
	}
	cond, wargs := window(layer, "at")
	if cond != "" {
		cond = " AND " + cond
	}
	type job struct {
		posts  bool
		q      string
		args   []any
		lo, hi int64
	}
	var jobs []job
	const parts = 2
	for _, posts := range []bool{true, false} {
		maxID, q := maxEvent, "SELECT hashtags, src, count, at FROM events NOT INDEXED WHERE hashtags IS NOT NULL"+cond
		if posts {
			maxID, q = maxPost, "SELECT hashtags, coalesce(author, 0), 1, at FROM posts NOT INDEXED WHERE hashtags IS NOT NULL"+cond
		}
		for p := range parts {
			lo, hi := 1+int64(p)*maxID/parts, 1+int64(p+1)*maxID/parts
			if p == parts-1 {
				hi = maxID + 1
			}
			jobs = append(jobs, job{posts, q + " AND id >= ? AND id < ?", append(append([]any(nil), wargs...), lo, hi), lo, hi})
		}
	}
	res := make([]topicScan, len(jobs))
	s.parallel(len(jobs), func(i int) {
		res[i] = s.topicScan(ctx, l, jobs[i].posts, q.Platform, jobs[i].q, jobs[i].args)
	})
	// Merge the parts: tags by name, aggregates per tag.
	index := map[string]int32{}
	var names []string
	var aggs []tagAgg
	var pairs []uint64 // tag << 40 | author
	for i, r := range res {
		if r.err != nil {
			return nil, r.err
		}
		for _, hs := range r.order {
			c := r.combos[hs]
			for _, tag := range splitTags(hs) {
				ti, ok := index[tag]
				if !ok {
					ti = int32(len(names))
					index[tag] = ti
					names = append(names, tag)
					aggs = append(aggs, tagAgg{})
				}
				c.tags = append(c.tags, ti)
				a := &aggs[ti]
				a.posts += c.posts
				a.events += c.events
				if c.timed {
					a.widen(sql.NullInt64{Int64: c.first, Valid: true})
					a.widen(sql.NullInt64{Int64: c.last, Valid: true})
				}
			}
		}
		if jobs[i].posts {
			for _, p := range r.authors {
				for _, ti := range r.combos[r.order[p>>40]].tags {
					pairs = append(pairs, uint64(ti)<<40|p&(1<<40-1))
				}
			}
		}
	}
	radixSort(pairs)
	authors := make([]int64, len(names))
	for i, p := range pairs {
		if (i == 0 || p != pairs[i-1]) && p&(1<<40-1) != 0 {
			authors[p>>40]++
		}
	}
	out := make([]TopicStat, len(names))
	for i, n := range names {
		a := &aggs[i]
		out[i] = TopicStat{Tag: n, Posts: a.posts, Authors: authors[i], Events: a.events}
		if a.timed {
			out[i].First, out[i].Last = time.Unix(a.first, 0).UTC(), time.Unix(a.last, 0).UTC()
		}
	}
	slices.SortFunc(out, func(a, b TopicStat) int {
		return cmp.Or(cmp.Compare(b.Posts, a.Posts), strings.Compare(a.Tag, b.Tag))
	})
	return out, nil
}

// topicScan reads rows of (hashtags, account, count, at): posts (account is
// the author) or events (account is the source, checked against l's
// platform).
func (s *Store) topicScan(ctx context.Context, l *Loaded, posts bool, platform, q string, args []any) topicScan {
	r := topicScan{combos: map[string]*tagAgg{}}
	if posts && platform != "" {
		q = strings.Replace(q, "WHERE", "WHERE platform = ? AND", 1)
		args = append([]any{platform}, args...)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		r.err = fmt.Errorf("database %s: topics: %w", s.path, err)
		return r
	}
	defer rows.Close()
	var hashtags sql.RawBytes
	var acct, count int64
	var at sql.NullInt64
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&hashtags, &acct, &count, &at); err != nil {
			r.err = s.openError(err)
			return r
		}
		if i&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				r.err = err
				return r
			}
		}
		if !posts && l != nil {
			if _, ok := l.Node(acct); !ok {
				continue
			}
		}
		c, ok := r.combos[string(hashtags)]
		if !ok {
			key := string(hashtags)
			c = &tagAgg{idx: len(r.order)}
			r.combos[key] = c
			r.order = append(r.order, key)
		}
		if posts {
			c.posts++
			r.authors = append(r.authors, uint64(c.idx)<<40|uint64(acct))
		} else {
			c.events += count
		}
		c.widen(at)
	}
	if err := rows.Err(); err != nil {
		r.err = s.openError(err)
	}
	return r
}

// splitTags splits a hashtags column into distinct tags, lower-cased and
// without '#'.
func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Fields(strings.ToLower(s)) {
		if t = strings.TrimPrefix(t, "#"); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
