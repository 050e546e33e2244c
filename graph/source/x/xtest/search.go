package xtest

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ClassSearch is recent search's rate-limit class: 450 requests per 15
// minutes per app.
const ClassSearch = "search"

var searchParams = []string{"query", "max_results", "next_token", "pagination_token", "start_time", "end_time",
	"since_id", "until_id", "sort_order", "tweet.fields", "post.fields", "expansions", "user.fields",
	"media.fields", "place.fields", "poll.fields"}

// hashtagQuery is the one query form the fake understands: a single
// hashtag (the API accepts much more; clout sends only this).
var hashtagQuery = regexp.MustCompile(`^#([\pL\pN\pM_]+)$`)

// searchRecent is GET /2/tweets/search/recent for query "#tag": the visible
// posts whose text carries the hashtag (case-insensitively; a retweet
// carries its original's, as its text is "RT @author: " and the original's),
// newest first, within start_time (inclusive) and end_time (exclusive),
// max_results 10–100 (default 10), paged by next_token (sent back as
// next_token, or pagination_token as the newer spec allows).
func searchRecent(v *view, r *http.Request, _ string) (int, any) {
	vals := r.URL.Query()
	// The pager reads pagination_token; search's own name is next_token.
	if tok := vals.Get("next_token"); tok != "" {
		vals.Del("next_token")
		vals.Set("pagination_token", tok)
	}
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = vals.Encode()
	q, bad := parseQuery(r, searchParams, tweetExpansions)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	raw := vals.Get("query")
	if raw == "" {
		return http.StatusBadRequest, invalid("query", "", "The `query` query parameter can not be empty")
	}
	m := hashtagQuery.FindStringSubmatch(raw)
	if m == nil {
		return http.StatusBadRequest, invalid("query", raw, "xtest: only a single #hashtag query is served")
	}
	var start, end time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"start_time", &start}, {"end_time", &end}} {
		if s := vals.Get(p.name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return http.StatusBadRequest, invalid(p.name, s, "Invalid '"+p.name+"':'"+s+"'. '"+p.name+"' must be a valid RFC 3339 date")
			}
			*p.t = t
		}
	}
	if !start.IsZero() && !end.IsZero() && !start.Before(end) {
		return http.StatusBadRequest, invalid("start_time", vals.Get("start_time"), "Invalid 'start_time'. 'start_time' must be before 'end_time'")
	}
	pg, bad := q.page(r2, 10, 100, 10)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	return tweetPage(v, q, pg, v.search(m[1], start, end))
}

// search lists the visible posts carrying tag in [start, end), newest first.
func (v *view) search(tag string, start, end time.Time) []*Tweet {
	var out []*Tweet
	for _, t := range v.newest {
		if !v.visible(t) || (!start.IsZero() && t.Created.Before(start)) || (!end.IsZero() && !t.Created.Before(end)) {
			continue
		}
		_, _, hs := v.text(t)
		if slices.ContainsFunc(hs, func(h entity) bool { return strings.EqualFold(h.tag, tag) }) {
			out = append(out, t)
		}
	}
	return out
}
