package bluesky

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// reply is one canned answer of a fixture server.
type reply struct {
	status int    // default 200
	file   string // under testdata/
	body   string // used when file is ""
	header http.Header
}

// fixtures serves canned XRPC answers chosen per request by route, and
// records the queries it saw.
type fixtures struct {
	t     *testing.T
	mu    sync.Mutex
	seen  []*url.URL
	route func(nsid string, q url.Values) reply
}

func newFixtures(t *testing.T, route func(nsid string, q url.Values) reply) (*fixtures, *Platform) {
	t.Helper()
	f := &fixtures{t: t, route: route}
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	return f, newPlatform(t, ts.URL)
}

func (f *fixtures) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.seen = append(f.seen, r.URL)
	f.mu.Unlock()
	nsid := r.URL.Path[len("/xrpc/"):]
	rep := f.route(nsid, r.URL.Query())
	body := []byte(rep.body)
	if rep.file != "" {
		var err error
		body, err = os.ReadFile(filepath.Join("testdata", rep.file))
		if err != nil {
			f.t.Errorf("fixture: %v", err)
		}
	}
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(body)
}

// queries returns the URLs requested so far.
func (f *fixtures) queries() []*url.URL {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*url.URL(nil), f.seen...)
}

// newPlatform builds the platform over the real crawl client with fast
// retries, so that fault tests finish quickly.
func newPlatform(t testing.TB, api string) *Platform {
	t.Helper()
	c := crawl.NewClient(crawl.ClientConfig{
		UserAgent:   "clout/test (+https://example.com/contact)",
		Timeout:     5 * time.Second,
		MaxAttempts: 4,
		Backoff:     time.Millisecond,
		MaxBackoff:  5 * time.Millisecond,
		RateHeaders: RateHeaders,
	})
	p, err := New(c, Config{API: api})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm.UTC()
}
