package bluesky

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// DefaultRate is the default pace in requests per second: half of the
// AppView's documented unauthenticated budget of 3000 requests per 5 minutes
// per IP (bluesky-social/atproto#1902), i.e. 1500/300 s = 5 req/s.
const DefaultRate = 3000.0 / 300 / 2

// RateHeaders parses the AT Protocol reference server's rate-limit headers
// (atproto packages/xrpc-server/src/rate-limiter-http.ts), names matched
// case-insensitively as HTTP requires:
//
//	RateLimit-Limit      points per window
//	RateLimit-Remaining  points left
//	RateLimit-Reset      Unix epoch seconds when the window resets (a value
//	                     below 10⁹, i.e. before 2001, is read as the IETF
//	                     draft's seconds-from-now instead)
//	RateLimit-Policy     "<limit>;w=<window seconds>"; gives Limit when
//	                     RateLimit-Limit is absent, and Reset (now + window)
//	                     when RateLimit-Reset is absent and nothing remains
//	Retry-After          seconds (sent with 429), or an HTTP date
//
// Unparsable values are ignored. Known is set when any of these was present.
func RateHeaders(h http.Header, now time.Time) crawl.RateInfo {
	var ri crawl.RateInfo
	if v, ok := intHeader(h, "RateLimit-Limit"); ok {
		ri.Known, ri.Limit = true, v
	}
	if v, ok := intHeader(h, "RateLimit-Remaining"); ok {
		ri.Known, ri.Remaining = true, v
	}
	if v, ok := intHeader(h, "RateLimit-Reset"); ok {
		ri.Known = true
		if v < epochFloor {
			// The IETF draft's delta-seconds form, from a proxy that
			// follows the draft rather than the atproto server.
			ri.Reset = now.Add(time.Duration(v) * time.Second)
		} else {
			ri.Reset = time.Unix(int64(v), 0)
		}
	}
	if limit, window, ok := parsePolicy(header(h, "RateLimit-Policy")); ok {
		ri.Known = true
		if ri.Limit == 0 {
			ri.Limit = limit
		}
		if ri.Reset.IsZero() && ri.Remaining == 0 && window > 0 {
			ri.Reset = now.Add(window)
		}
	}
	if s := strings.TrimSpace(header(h, "Retry-After")); s != "" {
		if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 0 && n <= maxRetryAfter {
			ri.Known = true
			ri.RetryAfter = time.Duration(math.Ceil(n)) * time.Second
		} else if t, err := http.ParseTime(s); err == nil {
			ri.Known = true
			if d := t.Sub(now); d > 0 {
				ri.RetryAfter = d
			}
		}
	}
	return ri
}

// epochFloor separates epoch seconds from delta seconds in RateLimit-Reset.
const epochFloor = 1_000_000_000

// maxHeaderInt bounds integer header values: larger ones are garbage, and
// refusing them keeps time arithmetic from overflowing.
const maxHeaderInt = 1 << 40

// maxRetryAfter bounds Retry-After seconds so the Duration cannot overflow.
const maxRetryAfter = 1 << 32

// header returns the first value of the named header, matching the name
// case-insensitively even in a header map built by hand with non-canonical
// keys (net/http canonicalizes the keys it reads off the wire).
func header(h http.Header, name string) string {
	if v := h.Get(name); v != "" {
		return v
	}
	for k, v := range h {
		if len(v) > 0 && strings.EqualFold(k, name) {
			return v[0]
		}
	}
	return ""
}

// intHeader reads a non-negative integer header.
func intHeader(h http.Header, name string) (int, bool) {
	s := strings.TrimSpace(header(h, name))
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > maxHeaderInt {
		return 0, false
	}
	return int(n), true
}

// parsePolicy reads "<limit>;w=<seconds>" (IETF draft-polli-ratelimit-headers
// quota policy). Several comma-separated policies may be given; the first one
// names the limit that applies.
func parsePolicy(s string) (limit int, window time.Duration, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, false
	}
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ";")
	n, err := strconv.Atoi(strings.TrimSpace(parts[0]))
	if err != nil || n < 0 {
		return 0, 0, false
	}
	for _, p := range parts[1:] {
		k, v, found := strings.Cut(strings.TrimSpace(p), "=")
		if !found || strings.TrimSpace(k) != "w" {
			continue
		}
		w, err := strconv.Atoi(strings.TrimSpace(v))
		if err == nil && w > 0 && w < 1<<31 {
			window = time.Duration(w) * time.Second
		}
	}
	return n, window, true
}
