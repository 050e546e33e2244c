package mastodon

import (
	"net/http"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
)

func TestRateHeaders(t *testing.T) {
	now := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	reset := time.Date(2025, 5, 1, 12, 15, 0, 123456000, time.UTC)
	for _, tc := range []struct {
		name string
		h    map[string]string
		want crawl.RateInfo
	}{
		{"mastodon iso8601(6)", map[string]string{"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299", "X-RateLimit-Reset": "2025-05-01T12:15:00.123456Z"},
			crawl.RateInfo{Known: true, Limit: 300, Remaining: 299, Reset: reset}},
		{"429 from the paging throttle", map[string]string{"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2025-05-01T12:15:00.123456Z"},
			crawl.RateInfo{Known: true, Limit: 300, Remaining: 0, Reset: reset}},
		{"offset time", map[string]string{"X-RateLimit-Reset": "2025-05-01T14:15:00.123456+02:00"},
			crawl.RateInfo{Known: true, Reset: reset}},
		{"epoch seconds from a proxy", map[string]string{"X-RateLimit-Reset": "1746101700"},
			crawl.RateInfo{Known: true, Reset: time.Unix(1746101700, 0).UTC()}},
		{"retry-after from a proxy", map[string]string{"Retry-After": "30"},
			crawl.RateInfo{Known: true, RetryAfter: 30 * time.Second}},
		{"retry-after date", map[string]string{"Retry-After": "Thu, 01 May 2025 12:01:00 GMT"},
			crawl.RateInfo{Known: true, RetryAfter: time.Minute}},
		{"garbage", map[string]string{"X-RateLimit-Limit": "lots", "X-RateLimit-Reset": "soon"}, crawl.RateInfo{}},
		{"negative remaining", map[string]string{"X-RateLimit-Remaining": "-3"}, crawl.RateInfo{Known: true}},
		{"none", nil, crawl.RateInfo{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.h {
				h.Set(k, v)
			}
			got := RateHeaders(h, now)
			if got.Known != tc.want.Known || got.Limit != tc.want.Limit || got.Remaining != tc.want.Remaining ||
				!got.Reset.Equal(tc.want.Reset) || got.RetryAfter != tc.want.RetryAfter {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestDefaultRate(t *testing.T) {
	// Half of 300 paged requests per 15 minutes: one every 6 s.
	if got := 1 / DefaultRate; got < 5.999 || got > 6.001 {
		t.Errorf("1/DefaultRate = %v s, want 6", got)
	}
	// The documented cost: 100,000 followers, 80 a page.
	pages := (100_000 + 79) / 80
	if pages != 1250 {
		t.Fatal(pages)
	}
	if d := time.Duration(float64(pages) / DefaultRate * float64(time.Second)); d != 2*time.Hour+5*time.Minute {
		t.Errorf("1,250 pages take %v at DefaultRate, doc says 2h5m", d)
	}
}
