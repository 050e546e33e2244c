package x

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// RateHeaders parses X's rate-limit headers: x-rate-limit-limit,
// x-rate-limit-remaining and x-rate-limit-reset (Unix epoch seconds), and a
// Retry-After (seconds or HTTP date) should a proxy add one. Malformed
// values are ignored. A 429 while x-rate-limit-remaining is above zero is a
// hidden per-second limit (twarc, decorators2.py); the client then waits
// Retry-After or its backoff, not the window's reset.
func RateHeaders(h http.Header, now time.Time) crawl.RateInfo {
	var ri crawl.RateInfo
	if limit, ok := intHeader(h, "X-Rate-Limit-Limit"); ok {
		ri.Known, ri.Limit = true, int(limit)
	}
	if remaining, ok := intHeader(h, "X-Rate-Limit-Remaining"); ok {
		ri.Known, ri.Remaining = true, int(remaining)
	}
	if reset, ok := intHeader(h, "X-Rate-Limit-Reset"); ok && reset > 0 {
		ri.Known, ri.Reset = true, time.Unix(reset, 0)
	}
	if d, ok := retryAfter(h.Get("Retry-After"), now); ok {
		ri.Known, ri.RetryAfter = true, d
	}
	return ri
}

// intHeader reads a non-negative decimal header value that fits an int32
// for counts and an int64 for epochs.
func intHeader(h http.Header, name string) (int64, bool) {
	s := strings.TrimSpace(h.Get(name))
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 || v > 1<<40 {
		return 0, false
	}
	return v, true
}

func retryAfter(s string, now time.Time) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > 86400 {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(s)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}
