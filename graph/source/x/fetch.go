package x

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// Fetch reads one page of t. Subjects are numeric ids: an account for
// followers, follows and posts, a post for retweeted_by and quotes (whose
// Owner must be the post's author).
func (p *Platform) Fetch(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	if t.Endpoint == crawl.TagPosts {
		return p.search(ctx, t, cursor)
	}
	if !validID(t.Subject) {
		return nil, fmt.Errorf("x: %s of %q: subject is not a numeric X id", t.Endpoint, t.Subject)
	}
	q := url.Values{}
	var path string
	switch t.Endpoint {
	case crawl.Followers, crawl.Follows:
		dir := "followers"
		if t.Endpoint == crawl.Follows {
			dir = "following"
		}
		path = "/2/users/" + t.Subject + "/" + dir
		q.Set("max_results", strconv.Itoa(followPage))
		q.Set("user.fields", userFields)
	case crawl.Posts:
		path = "/2/users/" + t.Subject + "/tweets"
		q.Set("max_results", strconv.Itoa(postsPage))
		q.Set("tweet.fields", tweetFields)
		q.Set("expansions", expansions)
		q.Set("user.fields", userFields)
	case crawl.RepostedBy, crawl.Quotes:
		if !validID(t.Owner) {
			return nil, fmt.Errorf("x: %s of post %s: owner %q is not a numeric X id", t.Endpoint, t.Subject, t.Owner)
		}
		q.Set("max_results", strconv.Itoa(engagePage))
		q.Set("user.fields", userFields)
		if t.Endpoint == crawl.RepostedBy {
			path = "/2/tweets/" + t.Subject + "/retweeted_by"
		} else {
			path = "/2/tweets/" + t.Subject + "/quote_tweets"
			q.Set("tweet.fields", tweetFields)
			q.Set("expansions", "author_id")
		}
	default:
		return nil, fmt.Errorf("x: endpoint %q is not available with an app bearer token", t.Endpoint)
	}
	if cursor != "" {
		q.Set("pagination_token", cursor)
	}
	u := p.api + path + "?" + q.Encode()
	var env envelope
	if _, err := p.c.GetJSON(ctx, u, p.auth, &env); err != nil {
		return nil, p.check(err)
	}
	if he := subjectError(&env, t.Subject, u); he != nil {
		if hidden(he) {
			return &crawl.Page{Hidden: true}, nil
		}
		return nil, p.check(he)
	}
	var (
		pg  *crawl.Page
		err error
	)
	switch t.Endpoint {
	case crawl.Followers:
		pg, err = userPage(&env, t.Subject, true)
	case crawl.Follows:
		pg, err = userPage(&env, t.Subject, false)
	case crawl.Posts:
		pg, err = timelinePage(&env, t.Subject)
	case crawl.RepostedBy:
		pg, err = retweetersPage(&env, t.Subject, t.Owner)
	case crawl.Quotes:
		pg, err = quotesPage(&env, t.Owner)
	}
	if err != nil {
		return nil, p.check(&crawl.HTTPError{URL: u, Status: 200, Msg: "unexpected response: " + err.Error()})
	}
	if cursor != "" && pg.Next == cursor {
		// A token that points at its own page would loop forever.
		pg.Next = ""
	}
	return pg, nil
}

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)

// Resolve looks a seed up: a numeric id (GET /2/users/:id), or a username
// with or without "@" or as a profile URL (x.com/NAME, twitter.com/NAME;
// GET /2/users/by/username/:username). "@123" forces the username reading of
// an all-digit name.
func (p *Platform) Resolve(ctx context.Context, seed string) (graph.Account, error) {
	s := strings.TrimSpace(seed)
	s = profileName(s)
	name, forced := strings.CutPrefix(s, "@")
	var path string
	switch {
	case !forced && validID(s):
		path = "/2/users/" + s
	case usernameRE.MatchString(name):
		path = "/2/users/by/username/" + name
	default:
		return graph.Account{}, fmt.Errorf("x: seed %q is neither a numeric id nor a username (1-15 letters, digits, _)", seed)
	}
	u := p.api + path + "?" + url.Values{"user.fields": {userFields}}.Encode()
	var env envelope
	if _, err := p.c.GetJSON(ctx, u, p.auth, &env); err != nil {
		return graph.Account{}, p.check(err)
	}
	if he := subjectError(&env, "", u); he != nil {
		return graph.Account{}, p.check(he)
	}
	var us user
	if hasData(env.Data) {
		if err := json.Unmarshal(env.Data, &us); err != nil {
			return graph.Account{}, p.check(&crawl.HTTPError{URL: u, Status: 200, Msg: "unexpected response: data is not a user: " + err.Error()})
		}
	}
	a, ok := account(&us)
	if !ok {
		return graph.Account{}, p.check(&crawl.HTTPError{URL: u, Status: 404, Code: "resource-not-found", Msg: "no user with a valid id in the response"})
	}
	return a, nil
}

// profileName reduces a profile URL (https://x.com/NAME,
// twitter.com/NAME/status/…) to NAME; anything else is returned as is.
func profileName(s string) string {
	t := s
	for _, pre := range []string{"https://", "http://"} {
		t = strings.TrimPrefix(t, pre)
	}
	t = strings.TrimPrefix(t, "www.")
	t = strings.TrimPrefix(t, "mobile.")
	for _, host := range []string{"x.com/", "twitter.com/"} {
		if rest, ok := strings.CutPrefix(t, host); ok {
			name, _, _ := strings.Cut(rest, "/")
			name, _, _ = strings.Cut(name, "?")
			return name
		}
	}
	return s
}

// Profiles looks accounts up 100 at a time with GET /2/users?ids=. Keys that
// are not numeric ids, and accounts the API reports in errors[] (deleted,
// suspended), are left out.
func (p *Platform) Profiles(ctx context.Context, keys []string) ([]graph.Account, error) {
	seen := make(map[string]bool, len(keys))
	var ids []string
	for _, k := range keys {
		if validID(k) && !seen[k] {
			seen[k] = true
			ids = append(ids, k)
		}
	}
	var out []graph.Account
	for len(ids) > 0 {
		n := min(len(ids), profileBatch)
		batch := ids[:n]
		ids = ids[n:]
		u := p.api + "/2/users?" + url.Values{"ids": {strings.Join(batch, ",")}, "user.fields": {userFields}}.Encode()
		var env envelope
		if _, err := p.c.GetJSON(ctx, u, p.auth, &env); err != nil {
			return nil, p.check(err)
		}
		us, err := users(env.Data)
		if err != nil {
			return nil, p.check(&crawl.HTTPError{URL: u, Status: 200, Msg: "unexpected response: " + err.Error()})
		}
		for i := range us {
			if a, ok := account(&us[i]); ok && seen[a.Key] {
				out = append(out, a)
			}
		}
	}
	return out, nil
}
