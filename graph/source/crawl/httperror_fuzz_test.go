package crawl

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzErrorBody: whatever a server sends as an error body or Retry-After,
// parsing neither panics nor returns control characters or long texts.
func FuzzErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}`,
		`{"error":"Too many requests"}`,
		`{"title":"Not Found Error","detail":"Could not find user","type":"https://api.x.com/2/problems/resource-not-found"}`,
		`{"errors":[{"code":88,"message":"Rate limit exceeded"}]}`,
		`{"errors":[{"code":"x"}]}`, `{"error":{"nested":1}}`, `<html>502</html>`, `null`, `[]`, ``,
		"{\"error\":\"a\\u0000b\\nc\"}",
	} {
		f.Add([]byte(s), "120")
	}
	f.Add([]byte(`{}`), "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add([]byte(`{}`), "-5")
	f.Add([]byte(`{}`), "99999999999999999999")
	f.Fuzz(func(t *testing.T, body []byte, ra string) {
		code, msg := errorBody(body)
		for _, s := range []string{code, msg} {
			if len(s) > 310 {
				t.Errorf("text of %d bytes", len(s))
			}
			if strings.ContainsAny(s, "\x00\n\r\t") {
				t.Errorf("control characters in %q", s)
			}
		}
		if d, ok := retryAfter(ra, time.Unix(1e9, 0)); d < 0 || (!ok && d != 0) {
			t.Errorf("retryAfter(%q) = %v, %v", ra, d, ok)
		}
		h := http.Header{"Content-Type": {string(body)}}
		if k := bodyKind(h); !utf8.ValidString(k) && utf8.Valid(body) {
			t.Errorf("bodyKind %q", k)
		}
		if u, err := url.Parse(string(body)); err == nil {
			u.RawQuery = "access_token=SECRET&" + u.RawQuery
			if strings.Contains(redact(u), "SECRET") {
				t.Errorf("redact(%q) leaks", u)
			}
		}
		if strings.Contains(redactString(string(body)+"?token=SECRET"), "SECRET") {
			t.Errorf("redactString leaks")
		}
	})
}
