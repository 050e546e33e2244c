package x

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// searchPage size: recent search takes max_results 10–100.
const searchPageSize = 100

// search reads one page of the recent search for the hashtag t.Subject:
// GET /2/tweets/search/recent?query=%23TAG with the timeline's fields and
// expansions, start_time/end_time from the window (the API's granularity is
// the second: start rounded down, end up; the engine drops what lies
// outside the exact window), next_token paging. Recent search covers the
// last 7 days; an older start_time is the API's 400, passed on.
func (p *Platform) search(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	tag, err := crawl.NormalizeTag(t.Subject)
	if err != nil {
		return nil, fmt.Errorf("x: search: %w", err)
	}
	q := url.Values{}
	q.Set("query", "#"+tag)
	q.Set("max_results", strconv.Itoa(searchPageSize))
	q.Set("tweet.fields", tweetFields)
	q.Set("expansions", expansions)
	q.Set("user.fields", userFields)
	if !t.Since.IsZero() {
		q.Set("start_time", t.Since.UTC().Truncate(time.Second).Format(time.RFC3339))
	}
	if !t.Until.IsZero() {
		u := t.Until.UTC()
		if r := u.Truncate(time.Second); !r.Equal(u) {
			u = r.Add(time.Second)
		}
		q.Set("end_time", u.Format(time.RFC3339))
	}
	if cursor != "" {
		q.Set("next_token", cursor)
	}
	u := p.api + "/2/tweets/search/recent?" + q.Encode()
	var env envelope
	if _, err := p.c.GetJSON(ctx, u, p.auth, &env); err != nil {
		return nil, p.check(err)
	}
	// errors[] on a search page are per item (a referenced post deleted or
	// protected): the page is read as far as it goes.
	pg, err := searchPage(&env)
	if err != nil {
		return nil, p.check(&crawl.HTTPError{URL: u, Status: 200, Msg: "unexpected response: " + err.Error()})
	}
	if cursor != "" && pg.Next == cursor {
		pg.Next = ""
	}
	return pg, nil
}
