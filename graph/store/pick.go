package store

import (
	"context"
	"fmt"
)

// Exposures are the engagement counts `clout pick --prob engagement` turns
// into cascade probabilities, for the nodes of a Loaded graph.
//
// A post is identified by its platform post id; an event without one (post_id
// ”) stands for count posts of its own. Posts[v] is the number of distinct
// posts among the events pointing at v: v's posts that drew any engagement
// (a reply's or quote's id, the answer's own, stands for the post it
// answers). Acted[i] is the number of distinct posts among the events
// Src[i] → Dst[i], so Acted[i] ≤ Posts[Dst[i]]. Pairs are in (src, dst)
// account-id order; accounts outside l (another platform) are left out.
type Exposures struct {
	Src, Dst []uint32
	Acted    []int64
	Posts    []int64
}

// distinctPosts counts distinct post ids plus the counts of events without one.
const distinctPosts = "count(DISTINCT nullif(post_id, '')) + coalesce(sum(CASE WHEN post_id = '' THEN count ELSE 0 END), 0)"

// Exposures reads the engagement counts of every account of l.
func (s *Store) Exposures(ctx context.Context, l *Loaded) (*Exposures, error) {
	e := &Exposures{Posts: make([]int64, len(l.IDs))}
	rows, err := s.db.QueryContext(ctx, "SELECT dst, "+distinctPosts+" FROM events GROUP BY dst")
	if err != nil {
		return nil, s.openError(err)
	}
	for rows.Next() {
		var dst, n int64
		if err := rows.Scan(&dst, &n); err != nil {
			rows.Close()
			return nil, s.openError(err)
		}
		if v, ok := l.Node(dst); ok {
			e.Posts[v] = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.openError(err)
	}
	rows, err = s.db.QueryContext(ctx, "SELECT src, dst, "+distinctPosts+" FROM events GROUP BY src, dst ORDER BY src, dst")
	if err != nil {
		return nil, s.openError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var src, dst, n int64
		if err := rows.Scan(&src, &dst, &n); err != nil {
			return nil, s.openError(err)
		}
		u, ok1 := l.Node(src)
		v, ok2 := l.Node(dst)
		if !ok1 || !ok2 {
			continue
		}
		if n > e.Posts[v] {
			return nil, fmt.Errorf("database %s: account %d acted on %d posts of account %d, which has %d", s.path, src, n, dst, e.Posts[v])
		}
		e.Src, e.Dst, e.Acted = append(e.Src, u), append(e.Dst, v), append(e.Acted, n)
	}
	if err := rows.Err(); err != nil {
		return nil, s.openError(err)
	}
	return e, nil
}
