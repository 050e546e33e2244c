package blueskytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Faults are the fault knobs. "Every Nth" counts all requests the server
// receives, 1-based; 0 turns a knob off. At most one fault hits a request,
// checked in the order of the fields.
type Faults struct {
	// Fail429: every Nth request is 429 RateLimitExceeded with Retry-After
	// (RetryAfter seconds, default 1), RateLimit-Remaining 0 and
	// RateLimit-Reset at the same instant.
	Fail429    int
	RetryAfter int
	// Fail5xx: every Nth request starts a burst of Burst5xx (default 1)
	// consecutive 502 UpstreamFailure responses.
	Fail5xx, Burst5xx int
	// HTMLError: every Nth request is a 502 text/html page, as a proxy in
	// front of the AppView sends.
	HTMLError int
	// Slow: every Nth request waits SlowDelay (default 2s) before answering
	// (or until the client gives up).
	Slow      int
	SlowDelay time.Duration
	// Truncate: every Nth response is a 200 whose JSON body is cut in half.
	Truncate int

	// RepeatCursor: a page asked for with a cursor answers with that same
	// cursor, so the cursor never advances after the first page.
	RepeatCursor bool
	// ShortPage > 0 caps every page of a paged list at that many items,
	// whatever the limit, with a cursor while items remain.
	ShortPage int
	// EmptyPages > 0 serves that many empty pages, each with a cursor,
	// before every non-empty page after the first.
	EmptyPages int
	// TrailingCursor gives the last non-empty page a cursor too; the page
	// after it is empty and has none (the AppView often ends so).
	TrailingCursor bool

	// RateLimit is the points per RateWindow the server grants (RateLimit-*
	// headers; a 429 when spent); default 1,000,000 per 300 s, so that
	// tests and benchmarks are not limited unless they ask. The real
	// AppView grants 3000 per 300 s.
	RateLimit  int
	RateWindow time.Duration
}

// Server is a fake AppView serving a World over HTTP.
type Server struct {
	// URL is the base URL to give the platform (Config.API).
	URL string

	x           *index
	ts          *httptest.Server
	basic, view []json.RawMessage // per account, see encodeProfiles

	mu          sync.Mutex
	f           Faults
	n           int            // requests received
	calls       map[string]int // per NSID
	burstLeft   int
	vanished    map[string]bool
	windowStart time.Time
	windowUsed  int
	now         func() time.Time

	auth authState // the fake PDS's session state, see auth.go
}

// NewServer starts a fake AppView for w, closed when the test ends.
func NewServer(t testing.TB, w *World) *Server {
	t.Helper()
	s := &Server{x: newIndex(w), calls: map[string]int{}, vanished: map[string]bool{}, now: time.Now}
	s.auth.init()
	s.encodeProfiles()
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.ts.URL
	t.Cleanup(s.ts.Close)
	return s
}

// SetFaults replaces the fault knobs; safe while requests are served.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.f = f
	s.burstLeft = 0
}

// Vanish makes an account disappear (deleted or taken down) between two
// requests: its own profile, lists and feed answer 400 as for an unknown
// actor and getProfiles drops it, while other accounts' lists, read from
// the AppView's stale index, still name it.
func (s *Server) Vanish(did string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vanished[did] = true
}

// Requests returns how many requests the server received.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Calls returns how many requests named the method nsid.
func (s *Server) Calls(nsid string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[nsid]
}

type fault int

const (
	noFault fault = iota
	fault429
	fault5xx
	faultHTML
	faultSlow
	faultTruncate
)

// admit counts the request, charges the rate window and picks its fault.
func (s *Server) admit(nsid string) (f Faults, which fault, rl rateState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	s.calls[nsid]++
	f = s.f
	limit, window := f.RateLimit, f.RateWindow
	if limit <= 0 {
		limit = 1_000_000
	}
	if window <= 0 {
		window = 300 * time.Second
	}
	now := s.now()
	if s.windowStart.IsZero() || now.Sub(s.windowStart) >= window {
		s.windowStart, s.windowUsed = now, 0
	}
	s.windowUsed++
	rl = rateState{limit: limit, window: window, remaining: max(0, limit-s.windowUsed), reset: s.windowStart.Add(window)}
	n := s.n
	switch {
	case s.windowUsed > limit:
		rl.retryAfter = max(1, int((rl.reset.Sub(now)+time.Second-1)/time.Second))
		return f, fault429, rl
	case f.Fail429 > 0 && n%f.Fail429 == 0:
		rl.retryAfter = max(1, f.RetryAfter)
		rl.remaining = 0
		rl.reset = now.Add(time.Duration(rl.retryAfter) * time.Second)
		return f, fault429, rl
	case s.burstLeft > 0:
		s.burstLeft--
		return f, fault5xx, rl
	case f.Fail5xx > 0 && n%f.Fail5xx == 0:
		s.burstLeft = max(1, f.Burst5xx) - 1
		return f, fault5xx, rl
	case f.HTMLError > 0 && n%f.HTMLError == 0:
		return f, faultHTML, rl
	case f.Slow > 0 && n%f.Slow == 0:
		return f, faultSlow, rl
	case f.Truncate > 0 && n%f.Truncate == 0:
		return f, faultTruncate, rl
	}
	return f, noFault, rl
}

// rateState is what the RateLimit-* headers of one response say.
type rateState struct {
	limit, remaining int
	window           time.Duration
	reset            time.Time
	retryAfter       int // seconds, 429 only
}

// setRate writes the reference server's headers (atproto
// packages/xrpc-server/src/rate-limiter-http.ts).
func setRate(h http.Header, rl rateState) {
	h.Set("RateLimit-Limit", strconv.Itoa(rl.limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(rl.remaining))
	h.Set("RateLimit-Reset", strconv.FormatInt((rl.reset.UnixNano()+int64(time.Second)-1)/int64(time.Second), 10))
	h.Set("RateLimit-Policy", fmt.Sprintf("%d;w=%d", rl.limit, int(rl.window/time.Second)))
	if rl.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(rl.retryAfter))
	}
}

const htmlPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	nsid, ok := strings.CutPrefix(r.URL.Path, "/xrpc/")
	if !ok || r.Method != http.MethodGet && !procedures[nsid] || r.Method == http.MethodGet && procedures[nsid] {
		http.NotFound(w, r)
		return
	}
	f, which, rl := s.admit(nsid)
	setRate(w.Header(), rl)
	switch which {
	case fault429:
		writeError(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		return
	case fault5xx:
		writeError(w, http.StatusBadGateway, "UpstreamFailure", "Upstream Failure")
		return
	case faultHTML:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(htmlPage))
		return
	case faultSlow:
		d := f.SlowDelay
		if d <= 0 {
			d = 2 * time.Second
		}
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	status, body := s.dispatch(nsid, r, f)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fake-pds"`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if which == faultTruncate && status == http.StatusOK {
		body = body[:len(body)/2]
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// xrpcError is an XRPC error response (atproto specs/xrpc "Error Responses").
type xrpcError struct {
	status        int
	name, message string
}

func (e *xrpcError) Error() string { return e.name + ": " + e.message }

func invalid(format string, args ...any) *xrpcError {
	return &xrpcError{http.StatusBadRequest, "InvalidRequest", fmt.Sprintf(format, args...)}
}

func writeError(w http.ResponseWriter, status int, name, message string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(obj{"error": name, "message": message})
}

func (s *Server) dispatch(nsid string, r *http.Request, f Faults) (int, []byte) {
	q := r.URL.Query()
	var out any
	var err *xrpcError
	if nsid != "app.bsky.feed.searchPosts" && !procedures[nsid] && r.Header.Get("Authorization") != "" {
		s.mu.Lock()
		s.auth.leaked[nsid]++
		s.mu.Unlock()
	}
	switch nsid {
	case "com.atproto.server.createSession":
		out, err = s.createSession(r)
	case "com.atproto.server.refreshSession":
		out, err = s.refreshSession(r)
	case "app.bsky.feed.searchPosts":
		if err = s.checkAccess(r); err == nil {
			out, err = s.searchPosts(q, f)
		}
	case "app.bsky.actor.getProfile":
		out, err = s.getProfile(q)
	case "app.bsky.actor.getProfiles":
		out, err = s.getProfiles(q)
	case "app.bsky.graph.getFollowers":
		out, err = s.getFollowList(q, f, true)
	case "app.bsky.graph.getFollows":
		out, err = s.getFollowList(q, f, false)
	case "app.bsky.feed.getAuthorFeed":
		out, err = s.getAuthorFeed(q, f)
	case "app.bsky.feed.getRepostedBy":
		out, err = s.getRepostedBy(q, f)
	case "app.bsky.feed.getLikes":
		out, err = s.getLikes(q, f)
	case "app.bsky.feed.getQuotes":
		out, err = s.getQuotes(q, f)
	case "app.bsky.feed.getPostThread":
		out, err = s.getPostThread(q)
	case "com.atproto.identity.resolveHandle":
		out, err = s.resolveHandle(q)
	default:
		err = &xrpcError{http.StatusNotImplemented, "MethodNotImplemented", "Method Not Implemented"}
	}
	if err != nil {
		b, _ := json.Marshal(obj{"error": err.name, "message": err.message})
		return err.status, b
	}
	b, jerr := json.Marshal(out)
	if jerr != nil {
		b, _ = json.Marshal(obj{"error": "InternalServerError", "message": "Internal Server Error"})
		return http.StatusInternalServerError, b
	}
	return http.StatusOK, b
}
