package main

import (
	"net/url"
	"slices"
	"time"

	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/source/mastodon"
	"github.com/spf13/cobra"
)

// addTagFlags wires the flags of a tag crawl (`clout crawl PLATFORM --tag`).
func addTagFlags(cmd *cobra.Command, opts *CrawlOptions) {
	fl := cmd.Flags()
	fl.StringArrayVar(&opts.Tags, "tag", nil, "collect the conversation of hashtag `TAG` ('#' optional; repeatable); no seeds needed")
	fl.StringVar(&opts.Since, "since", "", "with --tag: only posts at or after `TIME` (RFC 3339, YYYY-MM-DD, Unix seconds, or an age like 2d or 12h)")
	fl.StringVar(&opts.Until, "until", "", "with --tag: only posts before `TIME` (same forms as --since)")
	fl.IntVar(&opts.MaxPosts, "max-posts", 0, "with --tag: stop after `N` posts over all tags and instances (0 = no cap)")
	fl.StringArrayVar(&opts.Instances, "instance", nil, "mastodon --tag: read the hashtag timeline of `HOST` (repeatable; default: the host of --api, else "+mastodon.DefaultInstance+"); with --api the requests go to --api and HOST names the instance behind it")
	fl.BoolVar(&opts.KeepText, "keep-text", false, "store the text of the posts read (by default only its length)")
}

// tagCrawl is a tag crawl's settings, checked.
type tagCrawl struct {
	Tags, Instances []string
	Since, Until    time.Time
	MaxPosts        int
}

// xRecentWindow is how far back X's recent search reaches.
const xRecentWindow = 7 * 24 * time.Hour

// tagOptions checks the tag flags against the seeds and the platform
// (already normalized) and returns what the engine needs.
func tagOptions(opts *CrawlOptions) (tagCrawl, error) {
	var tc tagCrawl
	if len(opts.Tags) == 0 {
		switch {
		case len(opts.Seeds) == 0:
			return tc, usageErrorf("crawl %s needs at least one SEED account, or --tag TAG", opts.Platform)
		case opts.Since != "" || opts.Until != "" || opts.MaxPosts != 0 || len(opts.Instances) > 0:
			return tc, usageErrorf("--since, --until, --max-posts and --instance apply to tag crawls: add --tag TAG")
		}
		return tc, nil
	}
	if len(opts.Seeds) > 0 {
		return tc, usageErrorf("give SEED accounts or --tag, not both: a tag crawl finds its accounts (run the two crawls one after the other into the same database)")
	}
	for _, t := range opts.Tags {
		n, err := crawl.NormalizeTag(t)
		if err != nil {
			return tc, usageErrorf("--tag: %v", err)
		}
		if !slices.Contains(tc.Tags, n) {
			tc.Tags = append(tc.Tags, n)
		}
	}
	if !opts.DepthSet {
		opts.Depth = 0
	}
	if opts.Depth < 0 {
		return tc, usageErrorf("--depth must be 0 or more with --tag, got %d", opts.Depth)
	}
	if opts.MaxPosts < 0 {
		return tc, usageErrorf("--max-posts must be ≥ 0, got %d", opts.MaxPosts)
	}
	tc.MaxPosts = opts.MaxPosts
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	var err error
	if tc.Since, err = parseTime(opts.Since, now); err != nil {
		return tc, usageErrorf("--since: %v", err)
	}
	if tc.Until, err = parseTime(opts.Until, now); err != nil {
		return tc, usageErrorf("--until: %v", err)
	}
	if !tc.Since.IsZero() && !tc.Until.IsZero() && !tc.Since.Before(tc.Until) {
		return tc, usageErrorf("--since %s is not before --until %s", opts.Since, opts.Until)
	}
	switch opts.Platform {
	case "mastodon":
		for _, in := range opts.Instances {
			d, err := mastodon.NormalizeInstance(in)
			if err != nil {
				return tc, usageErrorf("--instance: %v", err)
			}
			if !slices.Contains(tc.Instances, d) {
				tc.Instances = append(tc.Instances, d)
			}
		}
		if len(tc.Instances) == 0 {
			d := mastodon.DefaultInstance
			if u, err := url.Parse(opts.API); opts.API != "" && err == nil && u.Host != "" {
				d = u.Host
			}
			tc.Instances = []string{d}
		}
	case "x":
		if len(opts.Instances) > 0 {
			return tc, usageErrorf("--instance applies to mastodon")
		}
		if !tc.Since.IsZero() && tc.Since.Before(now.Add(-xRecentWindow)) {
			return tc, usageErrorf("--since %s: X's recent search covers only the last 7 days (since %s)", opts.Since,
				now.Add(-xRecentWindow).UTC().Format(time.RFC3339))
		}
	default:
		if len(opts.Instances) > 0 {
			return tc, usageErrorf("--instance applies to mastodon")
		}
	}
	return tc, nil
}
