package mastodon

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// DefaultRate is the default pace per instance, in requests per second: half
// of Mastodon's anonymous paging budget of 300 requests per 15 minutes, so one
// request every 6 s. See the package comment for what a crawl costs.
const DefaultRate = 300.0 / (15 * 60) / 2

// RateHeaders parses Mastodon's rate-limit headers: X-RateLimit-Limit,
// X-RateLimit-Remaining and X-RateLimit-Reset, the last an ISO 8601 UTC time
// with microseconds ("2025-05-01T12:15:00.000000Z"), not epoch seconds
// (MSRC app/controllers/concerns/rate_limit_headers.rb). Mastodon sends no
// Retry-After; one set by a proxy in front of it is honoured too. An
// epoch-seconds reset from such a proxy is accepted as well.
func RateHeaders(h http.Header, now time.Time) crawl.RateInfo {
	var ri crawl.RateInfo
	if n, ok := headerInt(h, "X-RateLimit-Limit"); ok {
		ri.Known, ri.Limit = true, n
	}
	if n, ok := headerInt(h, "X-RateLimit-Remaining"); ok {
		ri.Known, ri.Remaining = true, n
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if t, ok := parseReset(v); ok {
			ri.Known, ri.Reset = true, t
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
			ri.Known, ri.RetryAfter = true, time.Duration(min(s, 86400))*time.Second
		} else if t, err := http.ParseTime(v); err == nil {
			ri.Known, ri.RetryAfter = true, max(t.Sub(now), 0)
		}
	}
	return ri
}

func headerInt(h http.Header, name string) (int, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, false
	}
	return max(n, 0), true
}

func parseReset(v string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), true
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil && s > 1e9 && s < 1e11 {
		return time.Unix(s, 0).UTC(), true
	}
	return time.Time{}, false
}
