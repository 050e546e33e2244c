package crawl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
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
	// MaxWait caps one rate-limit wait (a 429, or a window used up); default
	// 15m. A server asking for longer is asked again after MaxWait.
	MaxWait time.Duration
	// Jitter is the largest random delay added to a rate-limit wait, so
	// that workers do not all return at the same instant; default 2s.
	Jitter time.Duration
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
//
// The policy, per request:
//   - Pacing: a token bucket per host at Rate requests per second (none at
//     0). When the rate-limit headers say less than a tenth of the window is
//     left, the bucket slows down to spread what is left until the reset;
//     when they say nothing is left, every request to the host waits for
//     the reset (+ jitter).
//   - 429: every request to that host waits until max(Retry-After, reset) +
//     random jitter (up to Jitter), at most MaxWait; without either header,
//     Backoff doubled per consecutive 429. 429s do not count as attempts;
//     after MaxRateLimitWaits in a row the request fails (Temporary).
//   - 5xx (but 501), network errors, timeouts (Timeout covers headers and
//     body), truncated bodies and, in GetJSON, bodies that are not JSON are
//     retried after min(MaxBackoff, Backoff·2^(n-1)) scaled by a uniform
//     random factor in [0, 1) ("full jitter"), up to MaxAttempts tries,
//     then fail with Temporary set.
//   - Other statuses fail at once, with the error name and message from a
//     JSON error body ("error"/"message", "title"/"detail", "errors[0]").
//   - A body over MaxBody fails at once.
//
// Errors name the URL with secret-looking query parameters (access_token,
// token, key, …) redacted, and never the request headers.
type Client struct {
	cfg ClientConfig
	hc  *http.Client

	mu    sync.Mutex
	hosts map[string]*host
}

// host is the pacing state shared by all requests to one host.
type host struct {
	lim  *rate.Limiter
	base rate.Limit

	mu         sync.Mutex
	gate       time.Time // no request before this (429 or window used up)
	tightUntil time.Time // the limiter runs below base until then
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
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 15 * time.Minute
	}
	if cfg.Jitter <= 0 {
		cfg.Jitter = 2 * time.Second
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 1
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{cfg: cfg, hc: hc, hosts: map[string]*host{}}
}

func (c *Client) host(name string) *host {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.hosts[name]
	if h == nil {
		base := rate.Inf
		if c.cfg.Rate > 0 {
			base = rate.Limit(c.cfg.Rate)
		}
		h = &host{lim: rate.NewLimiter(base, c.cfg.Burst), base: base}
		c.hosts[name] = h
	}
	return h
}

func (c *Client) logf(format string, args ...any) {
	if c.cfg.Logf != nil {
		c.cfg.Logf(format, args...)
	}
}

func (c *Client) count(f func(*Stats)) {
	if c.cfg.Stats != nil {
		f(c.cfg.Stats)
	}
}

// Get fetches url with the extra header h (may be nil), pacing per host,
// waiting out 429s, retrying 5xx/network errors/timeouts with backoff. It
// returns the 2xx response or an *HTTPError (or ctx's error, wrapped).
func (c *Client) Get(ctx context.Context, url string, h http.Header) (*Response, error) {
	return c.get(ctx, url, h, nil)
}

// GetJSON is Get followed by decoding the body into v. A body that is not
// JSON (an HTML error page from a proxy, a truncated body) is an error naming
// the URL, retried like a 5xx.
func (c *Client) GetJSON(ctx context.Context, url string, h http.Header, v any) (*Response, error) {
	return c.get(ctx, url, h, func(b []byte) error { return json.Unmarshal(b, v) })
}

// IsNotFound reports whether err is an HTTPError with status 404 or 410.
func IsNotFound(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && (he.Status == http.StatusNotFound || he.Status == http.StatusGone)
}

func (c *Client) get(ctx context.Context, raw string, h http.Header, decode func([]byte) error) (*Response, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &HTTPError{URL: redactString(raw), Msg: "not an http(s) URL"}
	}
	shown := redact(u)
	hs := c.host(u.Host)
	attempts, waits := 0, 0
	for {
		if err := c.wait(ctx, hs); err != nil {
			return nil, fmt.Errorf("GET %s: %w", shown, err)
		}
		resp, herr := c.once(ctx, u, raw, shown, h)
		c.count(func(s *Stats) { s.Requests.Add(1) })
		if herr == nil {
			c.observe(hs, resp.Rate)
			switch {
			case resp.Status/100 == 2:
				if decode == nil {
					return resp, nil
				}
				err := decode(resp.Body)
				if err == nil {
					return resp, nil
				}
				herr = &HTTPError{URL: shown, Status: resp.Status, Msg: "malformed JSON: " + err.Error() + bodyKind(resp.Header), Temporary: true}
			case resp.Status == http.StatusTooManyRequests:
				waits++
				c.count(func(s *Stats) { s.RateLimited.Add(1) })
				herr = statusError(shown, resp)
				herr.Temporary = true
				if waits > c.cfg.MaxRateLimitWaits {
					herr.Msg = fmt.Sprintf("still rate limited after %d waits", waits-1)
					return nil, herr
				}
				d := c.rateLimitWait(resp.Rate, waits)
				until := time.Now().Add(d)
				hs.close(until)
				c.logf("GET %s: HTTP 429, rate limited: every request to %s waits %s, until %s", shown, u.Host,
					d.Round(time.Millisecond), until.Format(time.TimeOnly))
				continue
			case resp.Status/100 == 5 && resp.Status != http.StatusNotImplemented:
				herr = statusError(shown, resp)
				herr.Temporary = true
			default:
				return nil, statusError(shown, resp)
			}
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("GET %s: %w", shown, ctx.Err())
		}
		if !herr.Temporary {
			return nil, herr
		}
		attempts++
		if attempts >= c.cfg.MaxAttempts {
			herr.Msg = fmt.Sprintf("%s (gave up after %d attempts)", herr.Msg, attempts)
			return nil, herr
		}
		d := c.backoff(attempts)
		c.count(func(s *Stats) { s.Retries.Add(1) })
		c.logf("%v; retry %d/%d in %s", herr, attempts, c.cfg.MaxAttempts-1, d.Round(time.Millisecond))
		if err := sleep(ctx, d); err != nil {
			return nil, fmt.Errorf("GET %s: %w", shown, err)
		}
	}
}

// once does one request. A non-nil *HTTPError is a failure before a status
// was had (network, timeout, truncated or oversize body).
func (c *Client) once(ctx context.Context, u *url.URL, raw, shown string, h http.Header) (*Response, *HTTPError) {
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &HTTPError{URL: shown, Msg: "bad request: " + err.Error()}
	}
	for k, v := range h {
		req.Header[k] = v
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	fail := func(err error, what string) *HTTPError {
		if ctx.Err() == nil && rctx.Err() != nil {
			return &HTTPError{URL: shown, Msg: fmt.Sprintf("timeout after %s%s", c.cfg.Timeout, what), Temporary: true}
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, unredacted
		}
		msg := err.Error()
		if what != "" {
			msg = strings.TrimSpace(what) + ": " + msg
		}
		return &HTTPError{URL: shown, Msg: msg, Temporary: true}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fail(err, "")
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBody+1))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, &HTTPError{URL: shown, Status: resp.StatusCode, Msg: "truncated body", Temporary: true}
		}
		return nil, fail(err, " reading the body")
	}
	if int64(len(body)) > c.cfg.MaxBody {
		return nil, &HTTPError{URL: shown, Status: resp.StatusCode, Msg: fmt.Sprintf("response body larger than %d bytes", c.cfg.MaxBody)}
	}
	now := time.Now()
	var ri RateInfo
	if c.cfg.RateHeaders != nil {
		ri = c.cfg.RateHeaders(resp.Header, now)
	}
	if ri.RetryAfter == 0 {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), now); ok {
			ri.RetryAfter, ri.Known = d, true
		}
	}
	return &Response{URL: raw, Status: resp.StatusCode, Header: resp.Header, Body: body, Rate: ri}, nil
}

// wait blocks until the host's gate is open and the token bucket gives a
// token, counting the time as rate-limit waiting.
func (c *Client) wait(ctx context.Context, hs *host) error {
	for {
		hs.mu.Lock()
		gate := hs.gate
		if !hs.tightUntil.IsZero() && time.Now().After(hs.tightUntil) {
			hs.tightUntil = time.Time{}
			hs.lim.SetLimit(hs.base)
		}
		hs.mu.Unlock()
		d := time.Until(gate)
		if d <= 0 {
			break
		}
		until := gate.UnixNano()
		c.count(func(s *Stats) {
			if cur := s.WaitingUntil.Load(); cur < until {
				s.WaitingUntil.CompareAndSwap(cur, until)
			}
		})
		start := time.Now()
		err := sleep(ctx, d)
		c.count(func(s *Stats) {
			s.WaitNanos.Add(int64(time.Since(start)))
			s.WaitingUntil.CompareAndSwap(until, 0)
		})
		if err != nil {
			return err
		}
	}
	r := hs.lim.Reserve()
	d := r.Delay()
	if d <= 0 {
		return nil
	}
	start := time.Now()
	err := sleep(ctx, d)
	c.count(func(s *Stats) { s.WaitNanos.Add(int64(time.Since(start))) })
	if err != nil {
		r.Cancel()
	}
	return err
}

// observe tightens the host's pacing from a response's rate-limit headers.
func (c *Client) observe(hs *host, ri RateInfo) {
	if !ri.Known || ri.Reset.IsZero() {
		return
	}
	now := time.Now()
	left := ri.Reset.Sub(now)
	if left <= 0 {
		return
	}
	left = min(left, c.cfg.MaxWait)
	low := ri.Remaining < 10
	if ri.Limit > 0 {
		low = ri.Remaining < max(ri.Limit/10, 1)
	}
	if !low {
		return
	}
	if ri.Remaining <= 0 {
		hs.close(now.Add(left + c.jitter()))
		return
	}
	spread := rate.Limit(float64(ri.Remaining) / left.Seconds())
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if spread < hs.base && spread < hs.lim.Limit() {
		hs.lim.SetLimit(spread)
		hs.tightUntil = now.Add(left)
	}
}

// close makes every request to the host wait until until.
func (hs *host) close(until time.Time) {
	hs.mu.Lock()
	if until.After(hs.gate) {
		hs.gate = until
	}
	hs.mu.Unlock()
}

// rateLimitWait is how long a 429 makes the host wait: until
// max(Retry-After, reset), or Backoff doubled per consecutive 429 when the
// server says neither; at most MaxWait; plus jitter.
//
// A 429 whose headers still show requests left in the window came from
// another limit than the window (X's hidden per-second limits; Mastodon's
// paging throttle beside the general one): the window's reset, which can be
// 15 minutes away, says nothing about it, so only Retry-After or the backoff
// counts.
func (c *Client) rateLimitWait(ri RateInfo, waits int) time.Duration {
	d := ri.RetryAfter
	if !ri.Reset.IsZero() && ri.Remaining == 0 {
		d = max(d, time.Until(ri.Reset))
	}
	if d <= 0 {
		d = c.cfg.Backoff << min(waits-1, 20)
	}
	return min(d, c.cfg.MaxWait) + c.jitter()
}

func (c *Client) jitter() time.Duration { return rand.N(c.cfg.Jitter) }

// backoff is the delay before retry n (1-based): full jitter over an
// exponentially growing cap.
func (c *Client) backoff(n int) time.Duration {
	ceil := c.cfg.MaxBackoff
	if n-1 < 30 {
		ceil = min(c.cfg.Backoff<<(n-1), c.cfg.MaxBackoff)
	}
	if ceil <= 0 {
		return 0
	}
	return rand.N(ceil)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryAfter parses a Retry-After header: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, 1<<31)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
