package mastodon

import (
	"context"
	"fmt"
	"net/url"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// Page sizes: the maxima Mastodon accepts (twice the defaults).
const (
	accountsLimit = "80"
	statusesLimit = "40"
)

// Fetch reads one page of t from the home instance of t.Owner (or of
// t.Subject for the account lists).
func (p *Platform) Fetch(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	var (
		pg  *crawl.Page
		err error
	)
	switch t.Endpoint {
	case crawl.Followers:
		pg, err = p.accountList(ctx, t.Subject, cursor, "followers", true)
	case crawl.Follows:
		pg, err = p.accountList(ctx, t.Subject, cursor, "following", false)
	case crawl.Posts:
		pg, err = p.statuses(ctx, t.Subject, cursor)
	case crawl.RepostedBy:
		pg, err = p.engagers(ctx, t, cursor, "reblogged_by", graph.Repost)
	case crawl.Likes:
		pg, err = p.engagers(ctx, t, cursor, "favourited_by", graph.Like)
	case crawl.Replies:
		pg, err = p.replies(ctx, t)
	case crawl.TagPosts:
		pg, err = p.tagPosts(ctx, t, cursor)
	default:
		return nil, fmt.Errorf("mastodon: endpoint %q not supported", t.Endpoint)
	}
	if err != nil {
		return nil, fmt.Errorf("mastodon: %s of %s: %w", t.Endpoint, t.Subject, err)
	}
	return pg, nil
}

// get fetches one page into v and returns the checked rel="next" URL, "" at
// the end of the list.
func (p *Platform) get(ctx context.Context, u, domain string, v any) (string, error) {
	resp, err := p.c.GetJSON(ctx, u, nil, v)
	if err != nil {
		return "", err
	}
	links, err := parseLinks(resp.Header.Values("Link"))
	if err != nil {
		return "", err
	}
	for _, l := range links {
		if !l.hasRel("next") {
			continue
		}
		base, err := url.Parse(u)
		if err != nil {
			return "", err
		}
		ref, err := url.Parse(l.Target)
		if err != nil {
			return "", fmt.Errorf("bad next URL %q: %w", l.Target, err)
		}
		next, err := p.cursorURL(base.ResolveReference(ref).String(), domain)
		if err != nil {
			return "", err
		}
		if next == u {
			return "", nil // a page that links to itself would loop forever
		}
		return next, nil
	}
	return "", nil
}

// firstOrNext returns the URL to read: the cursor, or the first page of
// path under /api/v1/accounts/:id/ on key's home instance.
func (p *Platform) firstOrNext(ctx context.Context, key, cursor, path, limit string) (string, cached, error) {
	_, domain, err := splitKey(key)
	if err != nil {
		return "", cached{}, err
	}
	if cursor != "" {
		u, err := p.cursorURL(cursor, domain)
		return u, cached{}, err
	}
	c, err := p.home(ctx, key)
	if err != nil {
		return "", cached{}, err
	}
	u := p.endpoint(domain, "/api/v1/accounts/"+url.PathEscape(c.id)+"/"+path, url.Values{"limit": {limit}})
	return u, c, nil
}

// accountList reads followers (edges item → subject) or following (subject
// → item) of the account key.
func (p *Platform) accountList(ctx context.Context, key, cursor, path string, incoming bool) (*crawl.Page, error) {
	u, c, err := p.firstOrNext(ctx, key, cursor, path, accountsLimit)
	if err != nil {
		return nil, err
	}
	if cursor == "" && c.hidden {
		return &crawl.Page{Accounts: []graph.Account{c.account}, Hidden: true}, nil
	}
	_, domain, _ := splitKey(key)
	var items []apiAccount
	next, err := p.get(ctx, u, domain, &items)
	if err != nil {
		return nil, err
	}
	if cursor == "" && len(items) == 0 {
		// hide_collections is 4.3+; older servers, suspended or blocking
		// owners answer [] with 200 too. A count says the list is not empty.
		n := c.account.Following
		if incoming {
			n = c.account.Followers
		}
		if n > 0 {
			return &crawl.Page{Accounts: []graph.Account{c.account}, Hidden: true}, nil
		}
	}
	pg := &crawl.Page{Next: next}
	for i := range items {
		it, err := p.remember(&items[i], domain)
		if err != nil {
			p.skipped.Add(1)
			continue
		}
		k := it.account.Key
		pg.Accounts = append(pg.Accounts, it.account)
		pg.Found = append(pg.Found, k)
		e := graph.Edge{Platform: Name, Src: k, Dst: key, Kind: graph.Follow}
		if !incoming {
			e.Src, e.Dst = key, k
		}
		pg.Edges = append(pg.Edges, e)
	}
	return pg, nil
}

// statuses reads the posts feed of key: the events its statuses carry, and
// its own statuses as engagement subjects.
func (p *Platform) statuses(ctx context.Context, key, cursor string) (*crawl.Page, error) {
	u, _, err := p.firstOrNext(ctx, key, cursor, "statuses", statusesLimit)
	if err != nil {
		return nil, err
	}
	_, domain, _ := splitKey(key)
	var items []apiStatus
	next, err := p.get(ctx, u, domain, &items)
	if err != nil {
		return nil, err
	}
	pg := &crawl.Page{Next: next}
	r := statusReader{ctx: ctx, p: p, home: domain, pg: pg}
	for i := range items {
		if err := r.read(&items[i]); err != nil {
			return nil, err
		}
	}
	return pg, nil
}

// engagers reads reblogged_by or favourited_by of the post t.Subject: events
// engager → t.Owner.
func (p *Platform) engagers(ctx context.Context, t crawl.Task, cursor, path string, kind graph.Kind) (*crawl.Page, error) {
	uri := t.Subject
	_, domain, err := splitKey(t.Owner)
	if err != nil {
		return nil, err
	}
	if cursor != "" {
		u, err := p.cursorURL(cursor, domain)
		if err != nil {
			return nil, err
		}
		return p.engagerPage(ctx, t, u, domain, uri, kind)
	}
	id, err := p.statusID(ctx, t.Owner, uri)
	if err != nil || id == "" {
		return &crawl.Page{}, err // gone from the timeline: nothing to read
	}
	u := p.endpoint(domain, "/api/v1/statuses/"+url.PathEscape(id)+"/"+path, url.Values{"limit": {accountsLimit}})
	return p.engagerPage(ctx, t, u, domain, uri, kind)
}

func (p *Platform) engagerPage(ctx context.Context, t crawl.Task, u, domain, uri string, kind graph.Kind) (*crawl.Page, error) {
	var items []apiAccount
	next, err := p.get(ctx, u, domain, &items)
	if err != nil {
		return nil, err
	}
	pg := &crawl.Page{Next: next}
	for i := range items {
		it, err := p.remember(&items[i], domain)
		if err != nil {
			p.skipped.Add(1)
			continue
		}
		k := it.account.Key
		pg.Accounts = append(pg.Accounts, it.account)
		pg.Found = append(pg.Found, k)
		if k != t.Owner {
			pg.Edges = append(pg.Edges, graph.Edge{Platform: Name, Src: k, Dst: t.Owner, Kind: kind, PostID: uri})
		}
	}
	return pg, nil
}

// replies reads the direct replies to the post t.Subject from its context:
// events replier → t.Owner, one page (anonymous context is capped by the
// server at 60 descendants).
func (p *Platform) replies(ctx context.Context, t crawl.Task) (*crawl.Page, error) {
	_, domain, err := splitKey(t.Owner)
	if err != nil {
		return nil, err
	}
	id, err := p.statusID(ctx, t.Owner, t.Subject)
	if err != nil || id == "" {
		return &crawl.Page{}, err
	}
	u := p.endpoint(domain, "/api/v1/statuses/"+url.PathEscape(id)+"/context", nil)
	var cx apiContext
	if _, err := p.c.GetJSON(ctx, u, nil, &cx); err != nil {
		return nil, err
	}
	pg := &crawl.Page{}
	seen := map[string]bool{}
	for i := range cx.Descendants {
		d := &cx.Descendants[i]
		if string(d.InReplyToID) != id || d.Account == nil {
			continue
		}
		it, err := p.remember(d.Account, domain)
		if err != nil {
			p.skipped.Add(1)
			continue
		}
		k := it.account.Key
		if !seen[k] {
			seen[k] = true
			pg.Accounts = append(pg.Accounts, it.account)
			pg.Found = append(pg.Found, k)
		}
		tags := hashtags(d)
		if d.URI != "" {
			rec := postRecord(d, k, tags)
			if rec.Kind != graph.QuotePost { // a quote names what it quotes, as its author's feed says
				rec.Kind, rec.Parent = graph.ReplyPost, t.Subject
			}
			pg.PostRecords = append(pg.PostRecords, rec)
		}
		if k == t.Owner {
			continue // a self-reply: a post, but no event
		}
		pg.Edges = append(pg.Edges, graph.Edge{
			Platform: Name, Src: k, Dst: t.Owner, Kind: graph.Reply,
			At: parseTime(d.CreatedAt), PostID: d.URI, Hashtags: tags,
		})
	}
	return pg, nil
}
