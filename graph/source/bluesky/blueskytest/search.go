package blueskytest

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// searchPosts is app.bsky.feed.searchPosts (lexicons/app/bsky/feed/
// searchPosts.json) over the world's posts: q is split on white space,
// "#word" terms filter by hashtag and other terms by a case-insensitive
// substring of the text; every tag parameter must match too (AND); since
// (inclusive) and until (exclusive) compare with sortAt and take a datetime
// or YYYY-MM-DD; sort latest (default: sortAt, newest first) or top (most
// liked first). Paging and faults as every list; hitsTotal is the number
// of matches. Only authenticated requests get here (checkAccess).
func (s *Server) searchPosts(q url.Values, f Faults) (any, *xrpcError) {
	query := strings.TrimSpace(q.Get("q"))
	if query == "" {
		return nil, invalid(`Error: Params must have the property "q"`)
	}
	var tags, words []string
	for _, term := range strings.Fields(query) {
		if t, ok := strings.CutPrefix(term, "#"); ok && t != "" {
			tags = append(tags, strings.ToLower(t))
		} else {
			words = append(words, strings.ToLower(term))
		}
	}
	for _, t := range q["tag"] {
		if t == "" || strings.HasPrefix(t, "#") || len(t) > 640 {
			return nil, &xrpcError{http.StatusBadRequest, "BadQueryString", "tag must be given without '#'"}
		}
		tags = append(tags, strings.ToLower(t))
	}
	since, xerr := searchTime(q, "since")
	if xerr != nil {
		return nil, xerr
	}
	until, xerr := searchTime(q, "until")
	if xerr != nil {
		return nil, xerr
	}
	sort := q.Get("sort")
	if sort == "" {
		sort = "latest"
	}
	if sort != "latest" && sort != "top" {
		return nil, invalid("Error: sort must be one of top, latest")
	}
	var hits []int
	for i := range s.x.w.Posts {
		p := &s.x.w.Posts[i]
		if matches(p, tags, words) && inWindow(sortAt(p), since, until) {
			hits = append(hits, i)
		}
	}
	newest := func(a, b int) int {
		return cmp.Or(sortAt(&s.x.w.Posts[b]).Compare(sortAt(&s.x.w.Posts[a])), cmp.Compare(b, a))
	}
	if sort == "top" {
		slices.SortFunc(hits, func(a, b int) int {
			return cmp.Or(cmp.Compare(len(s.x.likes[s.x.w.Posts[b].URI]), len(s.x.likes[s.x.w.Posts[a].URI])), newest(a, b))
		})
	} else {
		slices.SortFunc(hits, newest)
	}
	lo, hi, next, xerr := paginate(q, len(hits), f)
	if xerr != nil {
		return nil, xerr
	}
	items := make([]any, 0, hi-lo)
	for _, k := range hits[lo:hi] {
		items = append(items, s.postView(k))
	}
	return withCursor(obj{"posts": items, "hitsTotal": len(hits)}, next), nil
}

// matches reports whether p carries every tag and contains every word.
func matches(p *Post, tags, words []string) bool {
	have := hashtags(p)
	for _, t := range tags {
		if !slices.Contains(have, t) {
			return false
		}
	}
	text := strings.ToLower(p.Text)
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

func inWindow(t, since, until time.Time) bool {
	return (since.IsZero() || !t.Before(since)) && (until.IsZero() || t.Before(until))
}

// searchTime reads since or until: an RFC 3339 datetime or YYYY-MM-DD.
func searchTime(q url.Values, name string) (time.Time, *xrpcError) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, &xrpcError{http.StatusBadRequest, "BadQueryString", "Invalid " + name + " datetime: " + v}
}
