package crawl_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// testHeaders is a rate-limit header dialect for tests with millisecond
// resolution: X-Test-Reset-Ms is the reset as unix milliseconds.
func testHeaders(h http.Header, now time.Time) crawl.RateInfo {
	var ri crawl.RateInfo
	if v := h.Get("X-Test-Limit"); v != "" {
		ri.Known = true
		ri.Limit, _ = strconv.Atoi(v)
		ri.Remaining, _ = strconv.Atoi(h.Get("X-Test-Remaining"))
	}
	if v := h.Get("X-Test-Reset-Ms"); v != "" {
		ms, _ := strconv.ParseInt(v, 10, 64)
		ri.Known = true
		ri.Reset = time.UnixMilli(ms)
	}
	return ri
}

// fastClient has millisecond backoffs and jitter.
func fastClient(st *crawl.Stats, logs *[]string, mods ...func(*crawl.ClientConfig)) *crawl.Client {
	var mu sync.Mutex
	cfg := crawl.ClientConfig{UserAgent: "clout/test (+test@example.org)", Timeout: 300 * time.Millisecond,
		Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Jitter: time.Millisecond,
		RateHeaders: testHeaders, Stats: st, MaxAttempts: 4,
		Logf: func(format string, args ...any) {
			if logs != nil {
				mu.Lock()
				*logs = append(*logs, fmt.Sprintf(format, args...))
				mu.Unlock()
			}
		}}
	for _, m := range mods {
		m(&cfg)
	}
	return crawl.NewClient(cfg)
}

// script serves the responses of fns in turn, the last one forever.
func script(t *testing.T, fns ...http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		fns[min(i, len(fns)-1)](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func ok(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"ok":true}`)
}

func status(code int, ct, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

func TestClientRetries(t *testing.T) {
	html := status(502, "text/html; charset=utf-8", "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>")
	truncated := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		fmt.Fprint(w, `{"ok":`)
	}
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}
	slowBody := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "20")
		w.WriteHeader(200)
		fmt.Fprint(w, `{"ok":`)
		w.(http.Flusher).Flush()
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}
	for _, tc := range []struct {
		name     string
		fns      []http.HandlerFunc
		json     bool
		requests int64
		wantErr  string // "" means success
		status   int
		temp     bool
	}{
		{"5xx burst then success", []http.HandlerFunc{status(503, "text/plain", "busy"), status(500, "text/plain", ""), status(504, "", ""), ok}, true, 4, "", 0, false},
		{"5xx forever", []http.HandlerFunc{status(503, "application/json", `{"error":"Unavailable","message":"try later"}`)}, true, 4, "HTTP 503 Unavailable: try later (gave up after 4 attempts)", 503, true},
		{"HTML error page", []http.HandlerFunc{html}, true, 4, "HTTP 502: Bad Gateway (body is text/html) (gave up after 4 attempts)", 502, true},
		{"HTML error page then success", []http.HandlerFunc{html, ok}, true, 2, "", 0, false},
		{"HTML 200 page in GetJSON", []http.HandlerFunc{status(200, "text/html", "<html>hi</html>"), ok}, true, 2, "", 0, false},
		{"malformed JSON forever", []http.HandlerFunc{status(200, "application/json", `{"ok":tru`)}, true, 4, "malformed JSON", 200, true},
		{"truncated body then success", []http.HandlerFunc{truncated, ok}, true, 2, "", 0, false},
		{"truncated body forever", []http.HandlerFunc{truncated}, false, 4, "truncated body", 200, true},
		{"timeout then success", []http.HandlerFunc{slow, ok}, true, 2, "", 0, false},
		{"timeout in the body then success", []http.HandlerFunc{slowBody, ok}, true, 2, "", 0, false},
		{"timeout forever", []http.HandlerFunc{slow}, true, 4, "timeout after 300ms", 0, true},
		{"404 at once", []http.HandlerFunc{status(404, "application/json", `{"error":"NotFound","message":"Profile not found"}`), ok}, true, 1, "HTTP 404 NotFound: Profile not found", 404, false},
		{"400 problem JSON", []http.HandlerFunc{status(400, "application/problem+json", `{"title":"Invalid Request","detail":"bad id","type":"https://api.x.com/2/problems/invalid-request"}`)}, true, 1, "HTTP 400 Invalid Request: bad id", 400, false},
		{"403 mastodon", []http.HandlerFunc{status(403, "application/json", `{"error":"This action is not allowed"}`)}, true, 1, "HTTP 403 This action is not allowed", 403, false},
		{"401 legacy twitter", []http.HandlerFunc{status(401, "application/json", `{"errors":[{"code":89,"message":"Invalid or expired token."}]}`)}, true, 1, "HTTP 401 89: Invalid or expired token.", 401, false},
		{"501 not retried", []http.HandlerFunc{status(501, "text/plain", "no"), ok}, true, 1, "HTTP 501: Not Implemented (body is text/plain)", 501, false},
		{"oversize body", []http.HandlerFunc{status(200, "application/json", `"`+strings.Repeat("x", 5000)+`"`), ok}, true, 1, "larger than 1024 bytes", 200, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, n := script(t, tc.fns...)
			st := &crawl.Stats{}
			c := fastClient(st, nil, func(c *crawl.ClientConfig) { c.MaxBody = 1024 })
			var v struct{ OK bool }
			var err error
			var resp *crawl.Response
			if tc.json {
				resp, err = c.GetJSON(context.Background(), srv.URL+"/x", nil, &v)
			} else {
				resp, err = c.Get(context.Background(), srv.URL+"/x", nil)
			}
			if got := n.Load(); got != tc.requests {
				t.Errorf("server saw %d requests, want %d", got, tc.requests)
			}
			if st.Requests.Load() != tc.requests {
				t.Errorf("Stats.Requests %d, want %d", st.Requests.Load(), tc.requests)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if tc.json && !v.OK || resp.Status != 200 {
					t.Errorf("response %+v, decoded %+v", resp, v)
				}
				if st.Retries.Load() != tc.requests-1 {
					t.Errorf("Stats.Retries %d", st.Retries.Load())
				}
				return
			}
			var he *crawl.HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v (%T), want *HTTPError", err, err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) || he.Status != tc.status || he.Temporary != tc.temp {
				t.Errorf("err = %q (status %d, temporary %v), want %q (status %d, temporary %v)", err, he.Status, he.Temporary, tc.wantErr, tc.status, tc.temp)
			}
			if strings.Contains(err.Error(), "<html") || strings.Contains(err.Error(), "nginx") {
				t.Errorf("error quotes the HTML page: %q", err)
			}
		})
	}
}

func TestClientIsNotFound(t *testing.T) {
	srv, _ := script(t, status(410, "application/json", `{"error":"Gone"}`))
	_, err := fastClient(nil, nil).Get(context.Background(), srv.URL, nil)
	if !crawl.IsNotFound(err) {
		t.Errorf("IsNotFound(%v) = false", err)
	}
}

func TestClient429RetryAfter(t *testing.T) {
	// Retry-After has a resolution of seconds: this test waits one.
	tooMany := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(429)
		fmt.Fprint(w, `{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`)
	}
	srv, n := script(t, tooMany, ok)
	st := &crawl.Stats{}
	var logs []string
	c := fastClient(st, &logs, func(c *crawl.ClientConfig) { c.MaxAttempts = 1 })
	start := time.Now()
	if _, err := c.GetJSON(context.Background(), srv.URL, nil, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("429 with Retry-After: 1 waited only %v", el)
	}
	if n.Load() != 2 || st.RateLimited.Load() != 1 || st.Retries.Load() != 0 {
		t.Errorf("requests %d, rate limited %d, retries %d", n.Load(), st.RateLimited.Load(), st.Retries.Load())
	}
	if w := time.Duration(st.WaitNanos.Load()); w < 900*time.Millisecond {
		t.Errorf("WaitNanos %v", w)
	}
	if st.WaitingUntil.Load() != 0 {
		t.Error("WaitingUntil not cleared")
	}
	if len(logs) != 1 || !strings.Contains(logs[0], "429") {
		t.Errorf("logs %q", logs)
	}
}

// TestClient429OtherLimit: a 429 whose headers show requests left in the
// window came from another limit; the client backs off instead of waiting
// for the window's reset, which here is an hour away.
func TestClient429OtherLimit(t *testing.T) {
	tooMany := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Test-Limit", "300")
		w.Header().Set("X-Test-Remaining", "120")
		w.Header().Set("X-Test-Reset-Ms", strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10))
		w.WriteHeader(429)
	}
	srv, n := script(t, tooMany, ok)
	st := &crawl.Stats{}
	c := fastClient(st, nil)
	start := time.Now()
	if _, err := c.GetJSON(context.Background(), srv.URL, nil, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("waited %v: the window's reset was used for a 429 from another limit", el)
	}
	if n.Load() != 2 || st.RateLimited.Load() != 1 {
		t.Errorf("requests %d, rate limited %d", n.Load(), st.RateLimited.Load())
	}
}

// TestClient429GateShared: a 429 with only a reset time makes every
// goroutine using the host wait until the reset; none of them hammers the
// server meanwhile, and the 429s do not use up attempts.
func TestClient429GateShared(t *testing.T) {
	reset := time.Now().Add(300 * time.Millisecond)
	var mu sync.Mutex
	var early []time.Duration
	var first time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		if now.Before(reset) {
			mu.Lock()
			if first.IsZero() {
				first = now
			} else if now.Sub(first) > 50*time.Millisecond {
				early = append(early, now.Sub(first))
			}
			mu.Unlock()
			w.Header().Set("X-Test-Limit", "100")
			w.Header().Set("X-Test-Remaining", "0")
			w.Header().Set("X-Test-Reset-Ms", strconv.FormatInt(reset.UnixMilli(), 10))
			w.WriteHeader(429)
			return
		}
		ok(w, r)
	}))
	defer srv.Close()
	st := &crawl.Stats{}
	c := fastClient(st, nil, func(c *crawl.ClientConfig) { c.MaxAttempts = 1 })
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	var sawWaiting atomic.Bool
	for i := range 6 {
		wg.Go(func() {
			time.Sleep(time.Duration(i) * 30 * time.Millisecond) // later goroutines start during the wait
			if st.WaitingUntil.Load() != 0 {
				sawWaiting.Store(true)
			}
			_, err := c.GetJSON(context.Background(), srv.URL+"/p/"+strconv.Itoa(i), nil, &struct{}{})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if len(early) > 0 {
		t.Errorf("requests reached the server during the 429 wait, %v after the first", early)
	}
	if rl := st.RateLimited.Load(); rl < 1 || rl > 2 {
		t.Errorf("RateLimited %d", rl)
	}
	if !sawWaiting.Load() {
		t.Error("Stats.WaitingUntil never set during the wait")
	}
}

func TestClientTooMany429s(t *testing.T) {
	srv, n := script(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Test-Reset-Ms", strconv.FormatInt(time.Now().Add(2*time.Millisecond).UnixMilli(), 10))
		w.WriteHeader(429)
	})
	c := fastClient(nil, nil, func(c *crawl.ClientConfig) { c.MaxRateLimitWaits = 3 })
	_, err := c.Get(context.Background(), srv.URL, nil)
	var he *crawl.HTTPError
	if !errors.As(err, &he) || he.Status != 429 || !he.Temporary || n.Load() != 4 {
		t.Errorf("err = %v after %d requests", err, n.Load())
	}
}

func TestClientCancelDuringWait(t *testing.T) {
	srv, _ := script(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(429)
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := fastClient(nil, nil).Get(ctx, srv.URL, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("cancel took %v", el)
	}
	// Cancelled during a backoff sleep.
	srv2, _ := script(t, status(503, "", ""))
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	c := fastClient(nil, nil, func(c *crawl.ClientConfig) {
		c.Backoff, c.MaxBackoff, c.MaxAttempts = time.Minute, time.Minute, 3
	})
	start = time.Now()
	if _, err := c.Get(ctx, srv2.URL, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("cancel took %v", el)
	}
}

func TestClientPacing(t *testing.T) {
	srv, n := script(t, ok)
	st := &crawl.Stats{}
	c := fastClient(st, nil, func(c *crawl.ClientConfig) { c.Rate = 100 })
	start := time.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for range 7 {
				if _, err := c.Get(context.Background(), srv.URL, nil); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	// 21 requests at 100/s with a burst of 1: at least 200ms.
	if el := time.Since(start); el < 190*time.Millisecond || el > 2*time.Second {
		t.Errorf("21 requests at 100/s took %v", el)
	}
	if n.Load() != 21 || st.WaitNanos.Load() == 0 {
		t.Errorf("requests %d, wait %v", n.Load(), time.Duration(st.WaitNanos.Load()))
	}
	// Another host is paced separately.
	srv2, _ := script(t, ok)
	start = time.Now()
	if _, err := c.Get(context.Background(), srv2.URL, nil); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 50*time.Millisecond {
		t.Errorf("first request to a new host waited %v", el)
	}
}

// TestClientTightens: when the headers say little is left of the window,
// the client spreads what is left until the reset; when nothing is left,
// it waits for the reset.
func TestClientTightens(t *testing.T) {
	for _, tc := range []struct {
		remaining int
		min       time.Duration
	}{
		{3, 250 * time.Millisecond}, // 3 left in 400ms: about one per 133ms, after the token in the bucket
		{0, 350 * time.Millisecond}, // wait for the reset
		{50, 0},                     // plenty left: no pacing
	} {
		reset := time.Now().Add(400 * time.Millisecond)
		srv, _ := script(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Test-Limit", "100")
			w.Header().Set("X-Test-Remaining", strconv.Itoa(tc.remaining))
			w.Header().Set("X-Test-Reset-Ms", strconv.FormatInt(reset.UnixMilli(), 10))
			ok(w, r)
		})
		c := fastClient(nil, nil)
		start := time.Now()
		for range 4 {
			if _, err := c.Get(context.Background(), srv.URL, nil); err != nil {
				t.Fatal(err)
			}
		}
		el := time.Since(start)
		if el < tc.min || (tc.min == 0 && el > 100*time.Millisecond) {
			t.Errorf("remaining %d: 4 requests took %v, want at least %v", tc.remaining, el, tc.min)
		}
	}
}

func TestClientNeverLeaksSecrets(t *testing.T) {
	srv, _ := script(t, status(503, "application/json", `{"error":"x"}`), status(401, "application/json", `{"error":"Unauthorized"}`))
	var logs []string
	c := fastClient(nil, &logs)
	h := http.Header{"Authorization": {"Bearer SECRET-TOKEN-1"}}
	u := strings.Replace(srv.URL, "http://", "http://user:SECRET-PASS-3@", 1) + "/x?access_token=SECRET-TOKEN-2&cursor=abc"
	_, err := c.Get(context.Background(), u, h)
	if err == nil {
		t.Fatal("no error")
	}
	all := err.Error() + strings.Join(logs, "\n")
	for _, s := range []string{"SECRET-TOKEN-1", "SECRET-TOKEN-2", "SECRET-PASS-3"} {
		if strings.Contains(all, s) {
			t.Errorf("%s leaked: %s", s, all)
		}
	}
	if !strings.Contains(all, "cursor=abc") {
		t.Errorf("the URL's harmless parameters are gone: %s", all)
	}
	// The header reached the server, and the User-Agent is clout's.
	var auth, ua string
	srv2, _ := script(t, func(w http.ResponseWriter, r *http.Request) {
		auth, ua = r.Header.Get("Authorization"), r.Header.Get("User-Agent")
		ok(w, r)
	})
	if _, err := c.Get(context.Background(), srv2.URL, h); err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer SECRET-TOKEN-1" || ua != "clout/test (+test@example.org)" {
		t.Errorf("Authorization %q, User-Agent %q", auth, ua)
	}
}

func TestClientBadURL(t *testing.T) {
	for _, u := range []string{"ftp://x/y", "::", "http:///nohost", "/relative?token=SECRET"} {
		_, err := fastClient(nil, nil).Get(context.Background(), u, nil)
		var he *crawl.HTTPError
		if !errors.As(err, &he) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%q: err = %v", u, err)
		}
	}
}
