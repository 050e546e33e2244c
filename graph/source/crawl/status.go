package crawl

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// PlatformStatus is the crawl state of one platform, for `clout crawl status`.
type PlatformStatus struct {
	Platform string
	// Frontier is how many accounts the crawl queued, at any depth.
	Frontier int64
	// Accounts with a list still to walk, with every list walked (done or
	// hidden), and with no list left to walk but one failed.
	Queued, Done, Failed int64
	// Tasks counts lists by status: pending, in_progress, done, failed, hidden.
	Tasks map[string]int64
	// Profiles counts profile lookups by status: pending, done, failed.
	Profiles map[string]int64
	// Requests made, of which retries and 429 responses; pages committed.
	Requests, Retries, RateLimited, Pages int64
	// RateLimitWait is the time spent waiting for rate limits (pacing and 429s).
	RateLimitWait time.Duration
	// Hidden lists ("followers of KEY"), most recent first, at most StatusListMax.
	Hidden []string
	// Errors of failed lists ("followers of KEY: error"), most recent first,
	// at most StatusListMax.
	Errors []string
}

// StatusListMax bounds PlatformStatus.Hidden and Errors.
const StatusListMax = 10

// Status reads the crawl state of platform, or of every platform with crawl
// state when platform is "".
func Status(ctx context.Context, st StatusReader, platform string) ([]PlatformStatus, error) {
	platforms := []string{platform}
	if platform == "" {
		var err error
		if platforms, err = st.CrawlPlatforms(ctx); err != nil {
			return nil, err
		}
	}
	out := make([]PlatformStatus, 0, len(platforms))
	for _, p := range platforms {
		m, err := st.CrawlCounts(ctx, p)
		if err != nil {
			return nil, err
		}
		ps := PlatformStatus{Platform: p, Frontier: m["frontier"], Queued: m["accounts.queued"], Done: m["accounts.done"],
			Failed: m["accounts.failed"], Tasks: map[string]int64{}, Profiles: map[string]int64{},
			Requests: m["requests"], Retries: m["retries"], RateLimited: m["rate_limited"], Pages: m["pages"],
			RateLimitWait: time.Duration(m["wait_ms"]) * time.Millisecond}
		for k, v := range m {
			if s, ok := strings.CutPrefix(k, "tasks."); ok {
				ps.Tasks[s] = v
			} else if s, ok := strings.CutPrefix(k, "profiles."); ok {
				ps.Profiles[s] = v
			}
		}
		if err := st.CrawlTaskList(ctx, p, statusHidden, StatusListMax, func(ep, subject, owner, _ string, _ int64) error {
			ps.Hidden = append(ps.Hidden, describe(ep, subject, owner))
			return nil
		}); err != nil {
			return nil, err
		}
		if err := st.CrawlTaskList(ctx, p, statusFailed, StatusListMax, func(ep, subject, owner, lastErr string, _ int64) error {
			ps.Errors = append(ps.Errors, describe(ep, subject, owner)+": "+lastErr)
			return nil
		}); err != nil {
			return nil, err
		}
		out = append(out, ps)
	}
	return out, nil
}

// describe names a list for a person: "followers of KEY", "likes of POST (by KEY)".
func describe(endpoint, subject, owner string) string {
	if Endpoint(endpoint) == TagPosts {
		return describeTag(subject)
	}
	if subject == owner {
		return fmt.Sprintf("%s of %s", endpoint, subject)
	}
	return fmt.Sprintf("%s of %s (by %s)", endpoint, subject, owner)
}
