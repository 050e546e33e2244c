package mastodontest

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Faults are the misbehaviours the server can be told to show. Counts are
// "the next N requests"; they are used up as requests arrive, in the order
// HTML, Burst5xx, Malformed, Truncated, Slow, LoopNext.
type Faults struct {
	// Every429, if > 0, answers every Nth request (counted from the first
	// request the server sees) with a 429 exactly as the paging throttle
	// sends it: X-RateLimit-Remaining 0, X-RateLimit-Reset Reset429 from
	// now, body {"error":"Too many requests"}, no Retry-After.
	Every429 int
	Reset429 time.Duration // default 50ms
	// Burst5xx answers the next N requests 503.
	Burst5xx int
	// HTML answers the next N requests 502 with a proxy's HTML error page.
	HTML int
	// Malformed answers the next N requests 200, application/json, with a
	// body that is not JSON.
	Malformed int
	// Truncated answers the next N requests with a body cut short of its
	// Content-Length: the connection drops mid-body.
	Truncated int
	// Slow delays the next N requests by SlowDelay (or until the client
	// gives up).
	Slow      int
	SlowDelay time.Duration
	// LoopNext makes the next N pages that carry a rel="next" link point
	// it at themselves.
	LoopNext int
}

// Throttle is one of Mastodon's rack-attack throttles: at most Limit
// requests per fixed Window (windows aligned to the epoch, as rack-attack's
// are); Limit 0 disables it.
type Throttle struct {
	Limit  int
	Window time.Duration
}

// Server is fake Mastodon instances for every domain of a World. Requests
// name their instance by Host (when a test routes https://DOMAIN to it) or,
// when they come to Server.URL directly (clout's --api), by the ids in the
// path and the domain in lookup's acct: every id is unique to one instance.
type Server struct {
	URL string

	w  *World
	x  *index
	hs *httptest.Server

	mu          sync.Mutex
	faults      Faults
	paging, api Throttle
	windows     map[string]*window // throttle name → current window
	requests    int
	limited     int
	paths       []string
}

type window struct {
	start time.Time
	count int
}

// NewServer starts the fake instances for w; they stop when the test ends.
// The throttles start at Mastodon's defaults: 300 requests per 5 minutes,
// and 300 paged requests (max_id, min_id, since_id or page) per 15 minutes.
func NewServer(t testing.TB, w *World) *Server {
	t.Helper()
	for _, a := range w.Accounts {
		if w.domainIndex(a.Domain) < 0 {
			t.Fatalf("mastodontest: account %s on a domain not in World.Domains", a.Key())
		}
	}
	if len(w.Domains) > 99 {
		t.Fatalf("mastodontest: at most 99 domains")
	}
	s := &Server{
		w: w, x: newIndex(w),
		paging:  Throttle{300, 15 * time.Minute},
		api:     Throttle{300, 5 * time.Minute},
		windows: map[string]*window{},
	}
	s.hs = httptest.NewServer(s.handler())
	s.URL = s.hs.URL
	t.Cleanup(s.hs.Close)
	return s
}

// World returns the world the server serves.
func (s *Server) World() *World { return s.w }

// SetFaults replaces the fault knobs.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// SetThrottles sets the paging throttle and the general API throttle.
func (s *Server) SetThrottles(paging, api Throttle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paging, s.api = paging, api
	s.windows = map[string]*window{}
}

// Requests is how many requests the server has seen.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// RateLimited is how many requests were answered 429.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// Paths returns the request URIs (path and query) seen so far, in order.
func (s *Server) Paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.paths...)
}

// Transport returns a RoundTripper that sends every request, whatever its
// host, to the server, keeping the Host: a client using it talks to
// https://DOMAIN as if the instances were real.
func (s *Server) Transport() http.RoundTripper {
	addr := s.hs.Listener.Addr().String()
	base := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		r2 := r.Clone(r.Context())
		r2.URL.Scheme = "http"
		r2.Host = r.URL.Host
		return base.RoundTrip(r2)
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// fault is what the middleware decided for one request.
type fault int

const (
	noFault fault = iota
	fault429
	fault5xx
	faultHTML
	faultMalformed
	faultTruncated
	faultSlow
)

func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/accounts/lookup", s.lookup)
	mux.HandleFunc("GET /api/v1/accounts/{id}", s.accountByID)
	mux.HandleFunc("GET /api/v1/accounts/{id}/followers", s.followers)
	mux.HandleFunc("GET /api/v1/accounts/{id}/following", s.following)
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", s.statuses)
	mux.HandleFunc("GET /api/v1/statuses/{id}", s.statusByID)
	mux.HandleFunc("GET /api/v1/statuses/{id}/reblogged_by", s.rebloggedBy)
	mux.HandleFunc("GET /api/v1/statuses/{id}/favourited_by", s.favouritedBy)
	mux.HandleFunc("GET /api/v1/statuses/{id}/context", s.context)
	mux.HandleFunc("GET /api/v1/timelines/tag/{hashtag}", s.tagTimeline)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, jsonError{"Record not found"})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, hdr, delay, loop := s.admit(r)
		for k, v := range hdr {
			w.Header()[k] = v
		}
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		switch f {
		case fault429:
			writeJSON(w, http.StatusTooManyRequests, jsonError{"Too many requests"})
			return
		case fault5xx:
			writeJSON(w, http.StatusServiceUnavailable, jsonError{"Service Unavailable"})
			return
		case faultHTML:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
			return
		case faultMalformed:
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Write([]byte(`[{"id":"1","username":`))
			return
		}
		rec := &recorder{header: w.Header()}
		mux.ServeHTTP(rec, r)
		body := rec.body.Bytes()
		if loop && rec.status == http.StatusOK {
			if l := w.Header().Get("Link"); strings.Contains(l, `rel="next"`) {
				self := s.linkBase(r) + r.URL.RequestURI()
				w.Header().Set("Link", "<"+self+`>; rel="next"`)
			}
		}
		if f == faultTruncated && len(body) > 1 {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.status)
			w.Write(body[:len(body)/2])
			return
		}
		w.WriteHeader(rec.status)
		w.Write(body)
	})
}

// admit counts the request against the throttles and the fault knobs and
// returns what to do with it and the rate-limit headers to send.
func (s *Server) admit(r *http.Request) (f fault, hdr http.Header, delay time.Duration, loop bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.paths = append(s.paths, r.URL.RequestURI())
	now := time.Now()
	hdr = http.Header{}

	// Rack-attack counts every request, throttled or not, and the headers
	// describe the throttle closest to exhaustion.
	q := r.URL.Query()
	paged := q.Has("max_id") || q.Has("min_id") || q.Has("since_id") || q.Has("page")
	best, throttled := -1, false
	var bestT Throttle
	var bestReset time.Time
	check := func(name string, t Throttle) {
		if t.Limit <= 0 || t.Window <= 0 {
			return
		}
		start := now.Truncate(t.Window)
		win := s.windows[name]
		if win == nil || !win.start.Equal(start) {
			win = &window{start: start}
			s.windows[name] = win
		}
		win.count++
		rem := max(t.Limit-win.count, 0)
		if win.count > t.Limit {
			throttled = true
		}
		if best < 0 || rem < best {
			best, bestT, bestReset = rem, t, start.Add(t.Window)
		}
	}
	check("api", s.api)
	if paged {
		check("paging", s.paging)
	}
	if best >= 0 {
		setRate(hdr, bestT.Limit, best, bestReset)
	}
	fs := &s.faults
	switch {
	case throttled:
		f = fault429
	case fs.Every429 > 0 && s.requests%fs.Every429 == 0:
		reset := fs.Reset429
		if reset <= 0 {
			reset = 50 * time.Millisecond
		}
		lim := s.paging.Limit
		if lim <= 0 {
			lim = 300
		}
		setRate(hdr, lim, 0, now.Add(reset))
		f = fault429
	case fs.HTML > 0:
		fs.HTML--
		f = faultHTML
	case fs.Burst5xx > 0:
		fs.Burst5xx--
		f = fault5xx
	case fs.Malformed > 0:
		fs.Malformed--
		f = faultMalformed
	case fs.Truncated > 0:
		fs.Truncated--
		f = faultTruncated
	case fs.Slow > 0:
		fs.Slow--
		f, delay = faultSlow, fs.SlowDelay
	}
	if f == fault429 {
		s.limited++
	}
	if f == noFault && fs.LoopNext > 0 {
		loop = true
		fs.LoopNext--
	}
	return f, hdr, delay, loop
}

func setRate(h http.Header, limit, remaining int, reset time.Time) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	// iso8601(6), as Mastodon's RateLimitHeaders concern writes it.
	h.Set("X-RateLimit-Reset", reset.UTC().Format("2006-01-02T15:04:05.000000Z"))
}

// recorder buffers a handler's answer so faults can rewrite it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encode"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}
