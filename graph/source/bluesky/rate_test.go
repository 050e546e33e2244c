package bluesky

import (
	"net/http"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
)

func TestRateHeaders(t *testing.T) {
	now := time.Unix(1744582800, 0)
	tests := []struct {
		name string
		h    http.Header
		want crawl.RateInfo
	}{
		{"none", http.Header{}, crawl.RateInfo{}},
		{
			// The observed 429 (Gorcenski/skeeter-deleter#5), lower-cased as
			// HTTP/2 delivers them.
			"observed 429",
			http.Header{
				"ratelimit-limit":     {"3000"},
				"ratelimit-remaining": {"0"},
				"ratelimit-reset":     {"1744582868"},
				"ratelimit-policy":    {"3000;w=300"},
				"retry-after":         {"68"},
			},
			crawl.RateInfo{Known: true, Limit: 3000, Remaining: 0, Reset: time.Unix(1744582868, 0), RetryAfter: 68 * time.Second},
		},
		{
			"canonical names",
			http.Header{"Ratelimit-Limit": {"3000"}, "Ratelimit-Remaining": {"2999"}, "Ratelimit-Reset": {"1744583100"}, "Ratelimit-Policy": {"3000;w=300"}},
			crawl.RateInfo{Known: true, Limit: 3000, Remaining: 2999, Reset: time.Unix(1744583100, 0)},
		},
		{
			"policy only, exhausted: reset a window from now",
			http.Header{"Ratelimit-Policy": {" 100 ; w=60 , 1000;w=3600"}},
			crawl.RateInfo{Known: true, Limit: 100, Reset: now.Add(time.Minute)},
		},
		{
			"delta-seconds reset (IETF draft form)",
			http.Header{"Ratelimit-Remaining": {"5"}, "Ratelimit-Reset": {"30"}},
			crawl.RateInfo{Known: true, Remaining: 5, Reset: now.Add(30 * time.Second)},
		},
		{
			"fractional Retry-After rounds up",
			http.Header{"Retry-After": {"1.2"}},
			crawl.RateInfo{Known: true, RetryAfter: 2 * time.Second},
		},
		{
			"HTTP-date Retry-After",
			http.Header{"Retry-After": {now.Add(90 * time.Second).UTC().Format(http.TimeFormat)}},
			crawl.RateInfo{Known: true, RetryAfter: 90 * time.Second},
		},
		{
			"garbage ignored",
			http.Header{"Ratelimit-Limit": {"lots"}, "Ratelimit-Remaining": {"-1"}, "Ratelimit-Reset": {"99999999999999999999"}, "Ratelimit-Policy": {"x;w=y"}, "Retry-After": {"soon"}},
			crawl.RateInfo{},
		},
		{
			"huge Retry-After ignored",
			http.Header{"Retry-After": {"1e300"}},
			crawl.RateInfo{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := RateHeaders(tc.h, now)
			if got.Known != tc.want.Known || got.Limit != tc.want.Limit || got.Remaining != tc.want.Remaining ||
				!got.Reset.Equal(tc.want.Reset) || got.RetryAfter != tc.want.RetryAfter {
				t.Errorf("RateHeaders = %+v, want %+v", got, tc.want)
			}
		})
	}
	if DefaultRate != 5 {
		t.Errorf("DefaultRate = %v, want 5 (half of 3000 per 300 s)", DefaultRate)
	}
}
