package bluesky

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

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
	// Login, when set, gives a session for post search (tag tasks): it is
	// created on the PDS the first time it is needed (or by Login), kept
	// in memory only, and refreshed when it expires. Without it the
	// platform cannot walk tag tasks. Everything else is read anonymously
	// from API, with or without it.
	Login *Credentials
	// PDS is the base URL where Login logs in and post search is asked
	// (the PDS proxies it to the AppView); "" means DefaultPDS.
	PDS string
	// HTTPClient does the session calls (createSession, refreshSession);
	// nil means a client with a 30 s timeout. Searches go through the
	// crawl client like every other request.
	HTTPClient *http.Client
	// UserAgent is sent with the session calls.
	UserAgent string
	// Logf, if not nil, receives notes (search hit counts, session
	// refreshes); never a secret.
	Logf func(format string, args ...any)
}

// Platform is Bluesky's public AppView as a crawl.Platform.
type Platform struct {
	c    *crawl.Client
	base string // scheme://host[/path], no trailing slash
	sess *session
	logf func(format string, args ...any)
}

var _ crawl.Platform = (*Platform)(nil)

// New returns the platform reading through c.
func New(c *crawl.Client, cfg Config) (*Platform, error) {
	if c == nil {
		return nil, fmt.Errorf("bluesky: no HTTP client")
	}
	base, err := baseURL("API", cfg.API, DefaultAPI)
	if err != nil {
		return nil, err
	}
	p := &Platform{c: c, base: base, logf: cfg.Logf}
	if p.logf == nil {
		p.logf = func(string, ...any) {}
	}
	if cfg.Login != nil {
		if strings.TrimSpace(cfg.Login.Identifier) == "" || cfg.Login.Password == "" {
			return nil, fmt.Errorf("bluesky: a login needs a handle and an app password")
		}
		pds, err := baseURL("PDS", cfg.PDS, DefaultPDS)
		if err != nil {
			return nil, err
		}
		hc := cfg.HTTPClient
		if hc == nil {
			hc = &http.Client{Timeout: 30 * time.Second}
		}
		cred := *cfg.Login
		cred.Identifier = strings.TrimPrefix(strings.TrimSpace(cred.Identifier), "@")
		p.sess = &session{base: pds, cred: cred, hc: hc, ua: cfg.UserAgent, logf: p.logf}
	}
	return p, nil
}

// baseURL checks and normalizes a base URL (scheme://host[/path], no
// trailing slash, no query); "" gives def.
func baseURL(what, s, def string) (string, error) {
	base := strings.TrimSpace(s)
	if base == "" {
		base = def
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("bluesky: %s base URL %q: %w", what, base, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("bluesky: %s base URL %q: want http:// or https:// and a host", what, base)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("bluesky: %s base URL %q: must not carry a query, fragment or user", what, base)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// Login creates the session now, if the platform has credentials and no
// session yet, so that a wrong password is reported before a crawl starts.
// Without credentials it returns an error wrapping ErrNoSession.
func (p *Platform) Login(ctx context.Context) error {
	if p.sess == nil {
		return fmt.Errorf("bluesky: %w", ErrNoSession)
	}
	_, err := p.sess.token(ctx)
	return err
}

// Name returns "bluesky".
func (p *Platform) Name() string { return Name }

// Capabilities: the public AppView serves every account and post endpoint
// without a login; tag tasks (post search) need Config.Login.
func (p *Platform) Capabilities() crawl.Capabilities {
	caps := crawl.Capabilities{
		crawl.Followers:  true,
		crawl.Follows:    true,
		crawl.Posts:      true,
		crawl.RepostedBy: true,
		crawl.Quotes:     true,
		crawl.Likes:      true,
		crawl.Replies:    true,
	}
	if p.sess != nil {
		caps[crawl.TagPosts] = true
	}
	return caps
}

// ProfileBatch is getProfiles' limit of 25 actors a call.
func (p *Platform) ProfileBatch() int { return profileBatch }

// xrpc returns the URL of a query method with its parameters (arrays as
// repeated keys, atproto specs/xrpc).
func (p *Platform) xrpc(nsid string, q url.Values) string {
	return p.base + "/xrpc/" + nsid + "?" + q.Encode()
}

// Fetch reads one page of t. An actor or post the AppView no longer knows
// is an error (the engine marks the task failed and goes on). PostRecords
// carry the posts' text; the engine keeps it only with --keep-text.
func (p *Platform) Fetch(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	switch t.Endpoint {
	case crawl.TagPosts:
		return p.tagPosts(ctx, t, cursor)
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
