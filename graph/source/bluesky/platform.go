package bluesky

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// Name is the platform name stored with every Bluesky account and edge.
const Name = "bluesky"

// DefaultAPI is the Bluesky-run cached public AppView, the host Bluesky asks
// public-web readers to use (bsky-docs docs/advanced-guides/api-directory.mdx).
const DefaultAPI = "https://public.api.bsky.app"

// pageLimit is the page size asked of every paged endpoint: the lexicons'
// maximum, so a list costs as few requests as possible.
const pageLimit = "100"

// profileBatch is getProfiles' maximum number of actors per call.
const profileBatch = 25

// Config configures the platform.
type Config struct {
	// API is the AppView base URL; "" means DefaultAPI. http:// is allowed
	// (a local AppView or test server).
	API string
}

// Platform is Bluesky's public AppView as a crawl.Platform.
type Platform struct {
	c    *crawl.Client
	base string // scheme://host[/path], no trailing slash
}

var _ crawl.Platform = (*Platform)(nil)

// New returns the platform reading through c.
func New(c *crawl.Client, cfg Config) (*Platform, error) {
	if c == nil {
		return nil, fmt.Errorf("bluesky: no HTTP client")
	}
	base := strings.TrimSpace(cfg.API)
	if base == "" {
		base = DefaultAPI
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("bluesky: API base URL %q: %w", base, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("bluesky: API base URL %q: want http:// or https:// and a host", base)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("bluesky: API base URL %q: must not carry a query or fragment", base)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return &Platform{c: c, base: u.String()}, nil
}

// Name returns "bluesky".
func (p *Platform) Name() string { return Name }

// Capabilities: the public AppView serves every endpoint without a login.
func (p *Platform) Capabilities() crawl.Capabilities {
	return crawl.Capabilities{
		crawl.Followers:  true,
		crawl.Follows:    true,
		crawl.Posts:      true,
		crawl.RepostedBy: true,
		crawl.Quotes:     true,
		crawl.Likes:      true,
		crawl.Replies:    true,
	}
}

// ProfileBatch is getProfiles' limit of 25 actors a call.
func (p *Platform) ProfileBatch() int { return profileBatch }

// xrpc returns the URL of a query method with its parameters (arrays as
// repeated keys, atproto specs/xrpc).
func (p *Platform) xrpc(nsid string, q url.Values) string {
	return p.base + "/xrpc/" + nsid + "?" + q.Encode()
}

// Fetch reads one page of t. An actor or post the AppView no longer knows
// is an error (the engine marks the task failed and goes on).
func (p *Platform) Fetch(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	switch t.Endpoint {
	case crawl.Followers:
		return p.followers(ctx, t, cursor)
	case crawl.Follows:
		return p.follows(ctx, t, cursor)
	case crawl.Posts:
		return p.posts(ctx, t, cursor)
	case crawl.RepostedBy:
		return p.repostedBy(ctx, t, cursor)
	case crawl.Quotes:
		return p.quotes(ctx, t, cursor)
	case crawl.Likes:
		return p.likes(ctx, t, cursor)
	case crawl.Replies:
		return p.replies(ctx, t)
	}
	return nil, fmt.Errorf("bluesky: endpoint %q not supported", t.Endpoint)
}

// paged returns the query of a paged list: subject parameter, the maximum
// limit and the cursor when there is one.
func paged(param, subject, cursor string) url.Values {
	q := url.Values{param: {subject}, "limit": {pageLimit}}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	return q
}

// get fetches and decodes one XRPC query, naming the task in errors.
func (p *Platform) get(ctx context.Context, t crawl.Task, nsid string, q url.Values, v any) error {
	if _, err := p.c.GetJSON(ctx, p.xrpc(nsid, q), nil, v); err != nil {
		return fmt.Errorf("bluesky %s of %s: %w", t.Endpoint, t.Subject, describe(err))
	}
	return nil
}
