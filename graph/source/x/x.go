package x

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// Name is the platform name stored with every account and edge: "twitter",
// the name twarc imports use, so that both merge on the same numeric ids.
const Name = "twitter"

// DefaultAPI is the X API base URL.
const DefaultAPI = "https://api.x.com"

// DefaultRate is the default pace in requests per second per host: half of
// the followers/following budget of 300 requests per 15 minutes, the
// strictest limit a crawl depends on, i.e. one request every 6 seconds.
const DefaultRate = 300.0 / (15 * 60) / 2

// Page sizes: the maximum max_results of each endpoint.
const (
	followPage   = 1000 // followers, following: 1–1000
	postsPage    = 100  // user tweets: 5–100
	engagePage   = 100  // retweeted_by 1–100, quote_tweets 10–100
	profileBatch = 100  // users?ids=: at most 100 ids
)

// Field sets, the subset of twarc2's defaults that the edge recipe and the
// account attributes need.
const (
	userFields  = "created_at,description,name,username,public_metrics,protected,verified"
	tweetFields = "author_id,conversation_id,created_at,entities,in_reply_to_user_id,public_metrics,referenced_tweets,text,lang"
	expansions  = "author_id,in_reply_to_user_id,referenced_tweets.id,referenced_tweets.id.author_id,entities.mentions.username"
)

// ErrNoToken is returned by New when Config.Token is empty.
var ErrNoToken = errors.New("the X API needs a bearer token: set X_BEARER_TOKEN (or the variable named by --token-env) to an app bearer token, or name a file that holds it")

// Config configures the X platform.
type Config struct {
	// API is the base URL; "" means DefaultAPI. http:// is allowed (a local
	// proxy or test server).
	API string
	// Token is the app-only bearer token. It is sent only in the
	// Authorization header.
	Token string
}

// String describes c without its token, so that printing a Config never
// leaks it.
func (c Config) String() string {
	t := "unset"
	if c.Token != "" {
		t = "set"
	}
	return fmt.Sprintf("x.Config{API: %q, Token: %s}", c.API, t)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// Platform is the X API v2 as a crawl.Platform.
type Platform struct {
	c     *crawl.Client
	api   string
	auth  http.Header
	token string // kept only to scrub it from error text
}

var _ crawl.Platform = (*Platform)(nil)

// New returns the X platform doing its requests through c. It fails when
// the token is empty or cannot be sent in a header, or API is not an
// http(s) URL; no error names the token.
func New(c *crawl.Client, cfg Config) (*Platform, error) {
	if c == nil {
		return nil, errors.New("x: nil crawl client")
	}
	tok := strings.TrimSpace(cfg.Token)
	if tok == "" {
		return nil, ErrNoToken
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] <= ' ' || tok[i] >= 0x7f {
			return nil, errors.New("the X bearer token contains a space, control or non-ASCII character and cannot be sent in an HTTP header; check the variable or file it came from")
		}
	}
	api := cfg.API
	if api == "" {
		api = DefaultAPI
	}
	u, err := url.Parse(api)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("x: API base URL %q is not an http(s) URL", api)
	}
	return &Platform{
		c:     c,
		api:   strings.TrimRight(api, "/"),
		auth:  http.Header{"Authorization": {"Bearer " + tok}},
		token: tok,
	}, nil
}

// String names the platform and its base URL, never the token.
func (p *Platform) String() string { return "x platform at " + p.api }

// GoString is String, for %#v.
func (p *Platform) GoString() string { return p.String() }

// Name returns "twitter".
func (p *Platform) Name() string { return Name }

// Capabilities: followers, follows, posts, retweeters, quotes and hashtag
// search (recent search, the last 7 days). Likes
// need a user-context token (liking_users rejects app tokens) and replies a
// conversation_id search, so both are off.
func (p *Platform) Capabilities() crawl.Capabilities {
	return crawl.Capabilities{
		crawl.Followers:  true,
		crawl.Follows:    true,
		crawl.Posts:      true,
		crawl.RepostedBy: true,
		crawl.Quotes:     true,
		crawl.TagPosts:   true,
		crawl.Likes:      false,
		crawl.Replies:    false,
	}
}

// ProfileBatch is 100, the most ids GET /2/users accepts.
func (p *Platform) ProfileBatch() int { return profileBatch }
