package xtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the bearer token a new Server accepts. It looks like a
// real app token (URL-escaped characters included) so that tests can
// search output and database files for it.
const DefaultToken = "AAAAAAAAAAAAAAAAAAAAAXtestSecret%2Bbearer%3DTokenDoNotLeak0123456789abcdefXYZ"

// Rate-limit classes: every endpoint counts against one, each with its own
// window, as on the real API.
const (
	ClassUsers      = "users"      // /2/users, /2/users/:id, /2/users/by/username/:username
	ClassFollows    = "follows"    // /2/users/:id/followers, /following
	ClassTimeline   = "timeline"   // /2/users/:id/tweets
	ClassEngagement = "engagement" // /2/tweets/:id/retweeted_by, /quote_tweets, /liking_users
)

// defaultLimit is a class's app-token limit per 15-minute window (X API
// docs, fundamentals/rate-limits).
func defaultLimit(class string) int {
	switch class {
	case ClassTimeline:
		return 10000
	case ClassEngagement:
		return 75
	case ClassSearch:
		return 450
	}
	return 300
}

// Knobs are the server's settings and fault injections. "Every Nth" knobs
// count all requests, starting at 1; 0 turns a fault off.
type Knobs struct {
	// Token is the bearer token required (401 problem otherwise).
	Token string
	// PageSize, if > 0, caps every page below max_results: short pages that
	// still carry a next_token.
	PageSize int
	// RepeatCursor makes the last page of a list reached with a
	// pagination_token answer that same token as next_token.
	RepeatCursor bool
	// Window is the rate-limit window (default 15 min); Limits the requests
	// per window per class (missing classes take the real limits). A spent
	// window answers 429 with remaining 0 until it resets.
	Window time.Duration
	Limits map[string]int
	// Fail429: every Nth request is a 429 with x-rate-limit-remaining 0 and
	// x-rate-limit-reset ResetAfter (default 1 s) ahead, and its class stays
	// blocked until then. Every other such 429 has the legacy body
	// {"errors":[{"code":88,...}]}, the rest a problem.
	Fail429    int
	ResetAfter time.Duration
	// Fail429Hidden: every Nth request is a 429 while remaining > 0 (a
	// hidden per-second limit); the class is not blocked.
	Fail429Hidden int
	// Fail5xx: every Nth request (N ≥ 1) starts a burst of Burst5xx
	// (default 1) consecutive 500/502/503/504 responses.
	Fail5xx, Burst5xx int
	// Slow: every Nth request is answered after SlowDelay (default 2 s).
	Slow      int
	SlowDelay time.Duration
	// Truncate: every Nth response declares its full Content-Length but
	// sends half the body, then the connection closes.
	Truncate int
	// HTMLError: every Nth request gets a 503 HTML page from a "proxy".
	HTMLError int
	// Malformed: every Nth response is a 200 whose body is not JSON.
	Malformed int
}

// Server is a fake X API serving a World.
type Server struct {
	// URL is the base URL, to pass as the platform's API.
	URL string

	srv *httptest.Server
	v   *view

	mu      sync.Mutex
	k       Knobs
	n       int
	windows map[string]*window
	log     []string
}

type window struct {
	start   time.Time
	used    int
	blocked time.Time // a Fail429 fault: 429 until then
}

// NewServer starts a server for w, closed when the test ends. opts adjust
// the knobs before the first request.
func NewServer(t testing.TB, w *World, opts ...func(*Knobs)) *Server {
	s := &Server{
		v:       newView(w),
		k:       Knobs{Token: DefaultToken},
		windows: make(map[string]*window),
	}
	for _, o := range opts {
		o(&s.k)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Set changes the knobs; safe while requests are served.
func (s *Server) Set(f func(*Knobs)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.k)
}

// Requests returns how many requests the server has received.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Log returns the request URIs (path and query) received, in order.
func (s *Server) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

func every(n, k int) bool { return k > 0 && n%k == 0 }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.n++
	n := s.n
	k := s.k
	s.log = append(s.log, r.URL.RequestURI())
	s.mu.Unlock()
	if k.SlowDelay <= 0 {
		k.SlowDelay = 2 * time.Second
	}
	if k.ResetAfter <= 0 {
		k.ResetAfter = time.Second
	}
	if k.Window <= 0 {
		k.Window = 15 * time.Minute
	}

	if every(n, k.Slow) {
		select {
		case <-time.After(k.SlowDelay):
		case <-r.Context().Done():
			return
		}
	}
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, problemJSON{Title: "Method Not Allowed", Type: "about:blank", Status: 405, Detail: "Method Not Allowed"})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+k.Token {
		writeJSON(w, http.StatusUnauthorized, problemJSON{Title: "Unauthorized", Type: "about:blank", Status: 401, Detail: "Unauthorized"})
		return
	}
	rt := route(r.URL.Path)
	now := time.Now()
	limit, remaining, reset, over := s.charge(rt.class, k, now)
	h := w.Header()
	setRate := func(remaining int, reset time.Time) {
		h.Set("x-rate-limit-limit", strconv.Itoa(limit))
		h.Set("x-rate-limit-remaining", strconv.Itoa(remaining))
		h.Set("x-rate-limit-reset", strconv.FormatInt(ceilUnix(reset), 10))
	}
	setRate(remaining, reset)

	burst := max(k.Burst5xx, 1)
	switch {
	case over:
		setRate(0, reset)
		writeTooMany(w, n)
		return
	case k.Fail5xx > 0 && n >= k.Fail5xx && n%k.Fail5xx < burst:
		codes := []int{500, 502, 503, 504}
		c := codes[n%len(codes)]
		writeJSON(w, c, problemJSON{Title: http.StatusText(c), Type: "about:blank", Status: c, Detail: http.StatusText(c)})
		return
	case every(n, k.HTMLError):
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n")
		return
	case every(n, k.Fail429):
		until := now.Add(k.ResetAfter)
		s.block(rt.class, time.Unix(ceilUnix(until), 0))
		setRate(0, until)
		writeTooMany(w, n/k.Fail429)
		return
	case every(n, k.Fail429Hidden):
		setRate(max(remaining, 1), reset)
		writeTooMany(w, 0)
		return
	}

	r = r.WithContext(context.WithValue(r.Context(), knobsKey{}, &k))
	status, resp := rt.serve(s.v, r)
	body, err := json.Marshal(resp)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	switch {
	case every(n, k.Truncate):
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body[:len(body)/2])
		return
	case every(n, k.Malformed):
		body = []byte(`{"data": [{"id": "1", "username": oops}]`)
	}
	w.WriteHeader(status)
	w.Write(body)
}

// writeTooMany writes a 429: a problem, or every other time (odd i) the
// legacy v1.1 body.
func writeTooMany(w http.ResponseWriter, i int) {
	if i%2 == 1 {
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"errors": []map[string]any{{"code": 88, "message": "Rate limit exceeded"}}})
		return
	}
	writeJSON(w, http.StatusTooManyRequests, problemJSON{Title: "Too Many Requests", Detail: "Too Many Requests", Type: problemBase + "rate-limit-exceeded", Status: 429})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

func ceilUnix(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

// charge counts a request against its class's window.
func (s *Server) charge(class string, k Knobs, now time.Time) (limit, remaining int, reset time.Time, over bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	limit, ok := k.Limits[class]
	if !ok {
		limit = defaultLimit(class)
	}
	win := s.windows[class]
	if win == nil || !now.Before(win.start.Add(k.Window)) {
		win = &window{start: now, blocked: blockedOf(win)}
		s.windows[class] = win
	}
	win.used++
	reset = win.start.Add(k.Window)
	if now.Before(win.blocked) {
		return limit, 0, win.blocked, true
	}
	return limit, max(limit-win.used, 0), reset, win.used > limit
}

func blockedOf(w *window) time.Time {
	if w == nil {
		return time.Time{}
	}
	return w.blocked
}

func (s *Server) block(class string, until time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if win := s.windows[class]; win != nil && until.After(win.blocked) {
		win.blocked = until
	}
}

type knobsKey struct{}

// knobsOf returns the knobs in effect for r.
func knobsOf(r *http.Request) *Knobs {
	k, _ := r.Context().Value(knobsKey{}).(*Knobs)
	return k
}
