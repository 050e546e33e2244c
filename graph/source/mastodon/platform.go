package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// Name is the platform name stored with every account and edge.
const Name = "mastodon"

// Config configures the Mastodon platform.
type Config struct {
	// API, if set, is one base URL (http or https, optionally with a path
	// prefix) that receives every instance's requests: a proxy or a test
	// server. "" sends each account's requests to https://DOMAIN.
	API string
}

// maxCache bounds the id cache; past it, entries are evicted arbitrarily and
// looked up again when needed.
const maxCache = 200_000

// Platform is Mastodon as crawl.Platform. It is safe for concurrent use.
type Platform struct {
	c   *crawl.Client
	api *url.URL // nil: each instance at https://domain

	mu    sync.Mutex
	cache map[string]cached // account key → what its home instance said
	posts map[string]string // status uri → id on its author's home instance
	byID  map[string]string // instance + "\x00" + account id there → account key

	skipped atomic.Int64 // see Skipped
}

// cached is an account as its home instance described it.
type cached struct {
	id      string // id local to the home instance
	hidden  bool   // hide_collections
	account graph.Account
}

var _ crawl.Platform = (*Platform)(nil)

// New returns the Mastodon platform using c for every request.
func New(c *crawl.Client, cfg Config) (*Platform, error) {
	if c == nil {
		return nil, errors.New("mastodon: nil client")
	}
	p := &Platform{c: c, cache: map[string]cached{}, posts: map[string]string{}, byID: map[string]string{}}
	if cfg.API != "" {
		u, err := url.Parse(cfg.API)
		if err != nil {
			return nil, fmt.Errorf("mastodon: --api %q: %w", cfg.API, err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("mastodon: --api %q: want an http:// or https:// base URL", cfg.API)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		u.RawPath = ""
		p.api = u
	}
	return p, nil
}

// Name returns "mastodon".
func (p *Platform) Name() string { return Name }

// Capabilities: everything but Quotes, which needs a user token; TagPosts
// reads hashtag timelines anonymously.
func (p *Platform) Capabilities() crawl.Capabilities {
	return crawl.Capabilities{
		crawl.Followers:  true,
		crawl.Follows:    true,
		crawl.Posts:      true,
		crawl.RepostedBy: true,
		crawl.Likes:      true,
		crawl.Replies:    true,
		crawl.TagPosts:   true,
		crawl.Quotes:     false,
	}
}

// ProfileBatch is 1: accounts are looked up one by one on their home
// instances (GET /api/v1/accounts?id[]= takes instance-local ids, which only
// the home instance of each account gives).
func (p *Platform) ProfileBatch() int { return 1 }

// Skipped is how many items were left out so far: replies whose replied-to
// account the instance no longer knows, and accounts or statuses whose acct,
// author or uri cannot be read.
func (p *Platform) Skipped() int64 { return p.skipped.Load() }

// Resolve looks the seed up on its home instance.
func (p *Platform) Resolve(ctx context.Context, seed string) (graph.Account, error) {
	key, err := seedKey(seed)
	if err != nil {
		return graph.Account{}, fmt.Errorf("mastodon: %w", err)
	}
	c, err := p.lookup(ctx, key)
	if err != nil {
		if crawl.IsNotFound(err) {
			_, domain, _ := splitKey(key)
			return graph.Account{}, fmt.Errorf("mastodon: seed %q: no account %s on %s: %w", seed, key, domain, err)
		}
		return graph.Account{}, fmt.Errorf("mastodon: seed %q: %w", seed, err)
	}
	return c.account, nil
}

// Profiles returns what each account's home instance says of it. Accounts
// already described by their home instance during this run cost nothing.
func (p *Platform) Profiles(ctx context.Context, keys []string) ([]graph.Account, error) {
	out := make([]graph.Account, 0, len(keys))
	for _, k := range keys {
		c, ok := p.cached(k)
		if !ok {
			var err error
			c, err = p.lookup(ctx, k)
			if crawl.IsNotFound(err) {
				continue
			}
			if err != nil {
				return out, fmt.Errorf("mastodon: profile of %s: %w", k, err)
			}
		}
		a := c.account
		a.Key = k // matched by key: keep the caller's spelling
		out = append(out, a)
	}
	return out, nil
}

// lookup asks key's home instance for the account and caches the answer.
func (p *Platform) lookup(ctx context.Context, key string) (cached, error) {
	user, domain, err := splitKey(key)
	if err != nil {
		return cached{}, err
	}
	acct := user
	if p.api != nil {
		// One URL serves every instance: name the instance in the acct.
		acct = user + "@" + domain
	}
	u := p.endpoint(domain, "/api/v1/accounts/lookup", url.Values{"acct": {acct}})
	var a apiAccount
	if _, err := p.c.GetJSON(ctx, u, nil, &a); err != nil {
		return cached{}, err
	}
	c, err := p.remember(&a, domain)
	if err != nil {
		return cached{}, fmt.Errorf("lookup %s on %s: %w", key, domain, err)
	}
	if !strings.EqualFold(c.account.Key, key) {
		return cached{}, fmt.Errorf("lookup %s on %s: got account %s", key, domain, c.account.Key)
	}
	return c, nil
}

// remember turns an account written by the instance of domain home into a
// cache entry, and caches it if the instance is its home.
func (p *Platform) remember(a *apiAccount, home string) (cached, error) {
	key, err := acctKey(a.Acct, home)
	if err != nil {
		return cached{}, err
	}
	c := cached{id: string(a.ID), account: graph.NewAccount(Name, key)}
	c.account.Handle = key
	if !strings.HasSuffix(key, "@"+home) {
		// A remote copy: its id is local to the listing instance, so it is
		// not cached. Its counts are kept when they say anything: the
		// listing instance refreshes them from the home instance (they may
		// lag, and the home instance's own answer replaces them when the
		// account is crawled), and not taking them would cost one lookup
		// request per remote account in a list. A remote copy whose
		// collections were never fetched shows zeros, which mean nothing:
		// such an account is left for a lookup on its home instance.
		// Nor do they replace what the home instance said in this run.
		if _, home := p.cached(key); !home && a.FollowersCount.value() > 0 {
			c.account.Name = a.DisplayName
			c.account.Followers = a.FollowersCount.value()
			c.account.Following = a.FollowingCount.value()
			c.account.Posts = a.StatusesCount.value()
		}
		return c, nil
	}
	c.account.Name = a.DisplayName
	c.account.Followers = a.FollowersCount.value()
	c.account.Following = a.FollowingCount.value()
	c.account.Posts = a.StatusesCount.value()
	if c.id == "" {
		return cached{}, fmt.Errorf("account %s without id", key)
	}
	c.hidden = a.HideCollections != nil && *a.HideCollections
	p.mu.Lock()
	if len(p.cache) >= maxCache {
		for k := range p.cache {
			delete(p.cache, k)
			break
		}
	}
	p.cache[key] = c
	p.mu.Unlock()
	return c, nil
}

func (p *Platform) cached(key string) (cached, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.cache[key]
	return c, ok
}

// home returns key's home-instance entry, from the cache or by lookup. After
// a restart the cache is empty, so resuming costs one lookup per account.
func (p *Platform) home(ctx context.Context, key string) (cached, error) {
	if c, ok := p.cached(key); ok {
		return c, nil
	}
	return p.lookup(ctx, key)
}

// endpoint is the URL of path on the instance of domain.
func (p *Platform) endpoint(domain, path string, q url.Values) string {
	u := url.URL{Scheme: "https", Host: domain, Path: path, RawQuery: q.Encode()}
	if p.api != nil {
		u.Scheme, u.Host, u.Path = p.api.Scheme, p.api.Host, p.api.Path+path
	}
	return u.String()
}

// cursorURL checks a next URL (from a Link header, or stored) before it is
// requested: with Config.API it is moved onto the API base; otherwise it must
// stay on the instance of domain.
func (p *Platform) cursorURL(cursor, domain string) (string, error) {
	u, err := url.Parse(cursor)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("bad next URL %q", cursor)
	}
	if p.api != nil {
		if !strings.HasPrefix(u.Path, p.api.Path+"/") {
			u.Path = p.api.Path + u.Path
			u.RawPath = ""
		}
		u.Scheme, u.Host = p.api.Scheme, p.api.Host
		return u.String(), nil
	}
	if u.Scheme != "https" || !strings.EqualFold(u.Host, domain) {
		return "", fmt.Errorf("next URL %q leaves https://%s", cursor, domain)
	}
	return u.String(), nil
}
