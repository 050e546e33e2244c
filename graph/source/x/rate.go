package x

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// HiddenLimitWait is what to wait after a 429 that arrives while
// x-rate-limit-remaining is still above zero: the endpoint's window is not
// spent, so a hidden per-second limit tripped (twarc, decorators2.py,
// sleeps 10 s there), and waiting for x-rate-limit-reset, up to 15 minutes
// away, would be wasted.
const HiddenLimitWait = 5 * time.Second

// RateHeaders parses X's rate-limit headers: x-rate-limit-limit,
// x-rate-limit-remaining and x-rate-limit-reset (Unix epoch seconds), and a
// Retry-After (seconds or HTTP date) should a proxy add one. Malformed
// values are ignored.
//
// RetryAfter is what to wait if the response is a 429: Retry-After when
// given, else HiddenLimitWait when x-rate-limit-remaining is above zero.
// Such a 429 comes from a hidden per-second limit, not from the window, so
// while the window is far from spent (remaining ≥ max(limit/10, 1), or ≥ 10
// when the limit is unknown) Reset is left zero: the client waits
// max(RetryAfter, until Reset) on a 429, and the window's reset may be 15
// minutes away. Pacing loses nothing by it, because the client tightens its
// pace from Reset only once the window is nearly spent, and then Reset is
// given.
func RateHeaders(h http.Header, now time.Time) crawl.RateInfo {
	var ri crawl.RateInfo
	limit, hasLimit := intHeader(h, "X-Rate-Limit-Limit")
	if hasLimit {
		ri.Known, ri.Limit = true, int(limit)
	}
	remaining, hasRemaining := intHeader(h, "X-Rate-Limit-Remaining")
	if hasRemaining {
		ri.Known, ri.Remaining = true, int(remaining)
	}
	reset, hasReset := intHeader(h, "X-Rate-Limit-Reset")
	hasReset = hasReset && reset > 0
	if hasReset {
		ri.Known = true
	}
	hidden := hasRemaining && remaining > 0
	if d, ok := retryAfter(h.Get("Retry-After"), now); ok {
		ri.Known, ri.RetryAfter = true, d
	} else if hidden {
		ri.RetryAfter = HiddenLimitWait
	}
	spent := remaining < 10
	if hasLimit {
		spent = remaining < max(limit/10, 1)
	}
	if hasReset && (!hidden || spent) {
		ri.Reset = time.Unix(reset, 0)
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
