package crawl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// RateInfo is what a response's rate-limit headers say, in one form for every
// platform. Each platform parses its own header dialect into it.
type RateInfo struct {
	Known      bool          // any rate-limit header was present
	Limit      int           // requests per window, 0 if not given
	Remaining  int           // requests left in the window
	Reset      time.Time     // when the window resets; zero if not given
	RetryAfter time.Duration // from Retry-After, 0 if not given
}

// RateHeaders parses a platform's rate-limit headers.
type RateHeaders func(h http.Header, now time.Time) RateInfo

// ClientConfig configures a Client. Zero values take the defaults noted.
type ClientConfig struct {
	// UserAgent identifies clout honestly: "clout/VERSION (+CONTACT)".
	UserAgent string
	// Rate is the steady request rate per host, in requests per second;
	// 0 means no pacing (tests, --rate 0).
	Rate float64
	// Burst is the token-bucket size; default 1.
	Burst int
	// Timeout bounds one request, headers and body; default 30s.
	Timeout time.Duration
	// MaxBody caps a response body; default 16 MiB. Larger bodies are an error.
	MaxBody int64
	// MaxAttempts bounds tries of one request on 5xx, network errors,
	// timeouts and malformed bodies; default 5. 429s wait and do not count.
	MaxAttempts int
	// MaxRateLimitWaits bounds consecutive 429 waits for one request; default 20.
	MaxRateLimitWaits int
	// Backoff is the first retry delay, doubled each attempt with jitter;
	// default 1s. MaxBackoff caps it; default 2m.
	Backoff, MaxBackoff time.Duration
	// RateHeaders parses the platform's rate-limit headers; nil: none.
	RateHeaders RateHeaders
	// HTTPClient is the transport; default a fresh http.Client.
	HTTPClient *http.Client
	// Stats, if not nil, receives request accounting.
	Stats *Stats
	// Logf, if not nil, receives one line per retry or wait.
	Logf func(format string, args ...any)
}

// Stats counts requests and waiting, for progress and `clout crawl status`.
// Fields are updated atomically by the client.
type Stats struct {
	Requests     atomicInt64
	Retries      atomicInt64
	RateLimited  atomicInt64 // 429 responses
	WaitNanos    atomicInt64 // time spent waiting on rate limits (429 and pacing)
	WaitingUntil atomicInt64 // unix nanos of the current 429 wait's end, 0 if none
}

// Response is a successful (2xx) response, body read in full.
type Response struct {
	URL    string
	Status int
	Header http.Header
	Body   []byte
	Rate   RateInfo
}

// HTTPError is a request that failed for good: a 4xx other than 429, or a
// retryable failure after the last attempt. It names the URL (never a token).
type HTTPError struct {
	URL    string
	Status int    // 0 for network errors and timeouts
	Code   string // the platform's error name when the body had one (e.g. "RateLimitExceeded", "InvalidRequest")
	Msg    string
	// Temporary is true when retrying later may succeed (5xx, network, 429).
	Temporary bool
}

func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s: ", e.URL)
	if e.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.Status)
		if e.Code != "" {
			fmt.Fprintf(&b, " %s", e.Code)
		}
		if e.Msg != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Client does HTTP GETs for a platform with pacing, retries and accounting.
// It is safe for concurrent use by the engine's workers.
type Client struct {
	cfg ClientConfig
	hc  *http.Client
}

// NewClient returns a Client for cfg.
func NewClient(cfg ClientConfig) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 16 << 20
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.MaxRateLimitWaits <= 0 {
		cfg.MaxRateLimitWaits = 20
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 2 * time.Minute
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 1
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{cfg: cfg, hc: hc}
}

// Get fetches url with the extra header h (may be nil), pacing per host,
// waiting out 429s, retrying 5xx/network errors/timeouts with backoff. It
// returns the 2xx response or an *HTTPError.
//
// PLACEHOLDER: the engine's owner replaces this body with the full policy
// (token bucket per host, shared 429 gate, backoff with jitter, body cap);
// the signature stays.
func (c *Client) Get(ctx context.Context, url string, h http.Header) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, &HTTPError{URL: url, Msg: err.Error()}
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, &HTTPError{URL: url, Msg: err.Error(), Temporary: true}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBody))
	if err != nil {
		return nil, &HTTPError{URL: url, Msg: err.Error(), Temporary: true}
	}
	if resp.StatusCode/100 != 2 {
		return nil, &HTTPError{URL: url, Status: resp.StatusCode, Msg: string(body)}
	}
	return &Response{URL: url, Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// GetJSON is Get followed by decoding the body into v. A body that is not
// JSON (an HTML error page from a proxy, a truncated body) is an error naming
// the URL, retried like a 5xx.
func (c *Client) GetJSON(ctx context.Context, url string, h http.Header, v any) (*Response, error) {
	resp, err := c.Get(ctx, url, h)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return nil, &HTTPError{URL: url, Status: resp.Status, Msg: "malformed JSON: " + err.Error(), Temporary: true}
	}
	return resp, nil
}

// IsNotFound reports whether err is an HTTPError with status 404 or 410.
func IsNotFound(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && (he.Status == http.StatusNotFound || he.Status == http.StatusGone)
}
