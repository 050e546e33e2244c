package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph/source/bluesky"
	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/source/mastodon"
	"github.com/clout-cli/clout/graph/source/x"
	"github.com/clout-cli/clout/graph/store"
	"github.com/spf13/cobra"
)

var crawlPlatforms = []string{"bluesky", "mastodon", "x"}

// CrawlOptions are the inputs of `clout crawl`.
type CrawlOptions struct {
	IO          *IOStreams
	DB          string
	Getenv      func(string) string
	Platform    string
	Seeds       []string
	Depth       int
	Follows     bool
	Posts       int
	Engagement  bool
	MaxAccounts int
	Concurrency int
	RetryFailed bool
	Rate        float64
	RateSet     bool
	API         string
	Contact     string
	TokenEnv    string
	TokenFile   string
	Timeout     time.Duration
	BskyAuth    BlueskyAuthOptions
	DepthSet    bool
	// Tag crawls (crawl_tag.go).
	Tags      []string
	Since     string
	Until     string
	MaxPosts  int
	Instances []string
	KeepText  bool
	// Now anchors relative times (--since 24h); tests fix it.
	Now func() time.Time
}

func newCrawlCmd(f *Factory) *cobra.Command {
	opts := &CrawlOptions{}
	cmd := &cobra.Command{
		Use:   "crawl PLATFORM [SEED...] [--tag TAG...]",
		Short: "Collect follower and engagement graphs, or a hashtag's conversation, live from Bluesky, Mastodon or X",
		Long: `Crawl a platform breadth-first from seed accounts into the database, so that
rank, reach and stats work on crawled data exactly as on imported data.

For each account at depth < --depth: its followers (and with --follows whom it
follows), its --posts most recent posts with the reposts, quotes, replies and
mentions they carry, and with --engagement (on by default) the accounts that
reposted, quoted, replied to or liked each of those posts. Accounts found at
depth d are queued at depth d+1. Profiles (handle, name, reported counts) are
filled in for every account seen.

With --tag (no seeds needed): the posts carrying the hashtag ('#' optional,
case-insensitive), within --since/--until and up to --max-posts over all tags,
are stored with their authors, and with --engagement each post's reposts,
quotes, replies and likes, so that the conversation's participants come in
without being known. --depth 0 (the default with --tag) collects the
conversation only; --depth 1 also crawls each participant as an account crawl
would (followers, --posts). Posts are stored in the posts table, their text
only with --keep-text.
  bluesky   post search, which needs a login: $BSKY_HANDLE and an app password
            in $BSKY_APP_PASSWORD (or --bsky-handle, --app-password-file);
            without one, use clout listen bluesky --tag TAG.
  mastodon  the hashtag timeline of each --instance (default: the instance of
            --api, else mastodon.social), anonymously; posts seen on several
            instances are merged by their global uri.
  x         recent search "#TAG" (the last 7 days), with the expansions that
            name referenced authors.

Platforms:
  bluesky   public AppView, no account needed. Seeds: @handle or DID.
  mastodon  each account read from its home instance. Seeds: user@instance.
  x         X API v2; needs a bearer token in $X_BEARER_TOKEN (--token-env) or
            a file (--token-file). Stored as platform "twitter", keyed like
            twarc imports, so both merge.

Every page is committed together with the crawl's position. A crawl stopped at
any moment (Ctrl-C, kill -9, a network fault) continues where it stopped when
the same command is run again. Requests are paced per host, by default at half
of the platform's documented anonymous budget, and slowed further by the
rate-limit headers the server sends; on 429 every worker waits.`,
		Example: `  clout crawl mastodon --tag ciscosmt --instance mastodon.social --instance fosstodon.org \
      --since 2026-03-05T17:00:00Z --until 2026-03-05T18:00:00Z
  X_BEARER_TOKEN=... clout crawl x --tag '#ciscosmt' --since 24h --max-posts 2000
  BSKY_HANDLE=you.bsky.social BSKY_APP_PASSWORD=... clout crawl bluesky --tag ciscosmt --since 24h
  clout crawl mastodon --tag rust --depth 1 --posts 20
  clout crawl bluesky @alice.bsky.social
  clout crawl bluesky did:plc:z72i7hdynmk6r22z27h6tvur --depth 2 --max-accounts 5000
  clout crawl mastodon Gargron@mastodon.social --posts 40 --contact you@example.org
  X_BEARER_TOKEN=... clout crawl x jack --follows --posts 0
  clout crawl status
  clout crawl bluesky @alice.bsky.social --retry-failed`,
		Args: minArgs(1, "PLATFORM (bluesky, mastodon or x), then SEED accounts or --tag"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return crawlPlatforms, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB, opts.Getenv = f.IO, f.DBPath(), f.Getenv
			opts.Platform, opts.Seeds = args[0], args[1:]
			opts.RateSet = cmd.Flags().Changed("rate")
			opts.DepthSet = cmd.Flags().Changed("depth")
			return runCrawl(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Depth, "depth", crawl.DefaultDepth, "walk the lists of accounts up to this many hops from the seeds (with --tag: 0 = the conversation only, the default; 1 = also each participant's lists)")
	fl.BoolVar(&opts.Follows, "follows", false, "also walk whom each account follows")
	fl.IntVar(&opts.Posts, "posts", crawl.DefaultPosts, "read each account's `N` most recent posts (0 = none)")
	fl.BoolVar(&opts.Engagement, "engagement", true, "for each post read, collect who reposted, quoted, replied to or liked it")
	fl.IntVar(&opts.MaxAccounts, "max-accounts", 0, "stop queueing new accounts at `N` (0 = no cap)")
	fl.IntVar(&opts.Concurrency, "concurrency", crawl.DefaultConcurrency, "lists walked at once (pacing is shared)")
	fl.BoolVar(&opts.RetryFailed, "retry-failed", false, "try lists that failed in earlier runs again")
	fl.Float64Var(&opts.Rate, "rate", 0, "requests per second per host (default: half the platform's documented budget; 0 = no pacing)")
	fl.StringVar(&opts.API, "api", "", "base `URL` of the API (a self-hosted AppView, a proxy, a test server); for mastodon every instance's requests go there")
	fl.StringVar(&opts.Contact, "contact", "", "contact (e-mail or URL) sent in the User-Agent, so operators can reach you")
	fl.StringVar(&opts.TokenEnv, "token-env", "X_BEARER_TOKEN", "environment `variable` holding the X bearer token")
	fl.StringVar(&opts.TokenFile, "token-file", "", "read the X bearer token from `FILE` instead")
	fl.DurationVar(&opts.Timeout, "timeout", 30*time.Second, "time limit of one request")
	addBlueskyAuthFlags(fl, &opts.BskyAuth)
	addTagFlags(cmd, opts)
	cmd.AddCommand(newCrawlStatusCmd(f))
	return cmd
}

// userAgent names clout honestly, as protocols.md §5 asks of crawlers.
func userAgent(contact string) string {
	ua := "clout/" + version + " (+https://github.com/clout-cli/clout"
	if contact != "" {
		ua += "; " + contact
	}
	return ua + ")"
}

// crawlToken reads the X bearer token from a file or the environment. It
// never appears in a message.
func crawlToken(opts *CrawlOptions) (string, error) {
	if opts.TokenFile != "" {
		b, err := os.ReadFile(opts.TokenFile)
		if err != nil {
			return "", fmt.Errorf("cannot read the token file %s: %w", opts.TokenFile, errors.Unwrap(err))
		}
		return strings.TrimSpace(string(b)), nil
	}
	return strings.TrimSpace(opts.Getenv(opts.TokenEnv)), nil
}

// newCrawlPlatform builds the platform named by opts.Platform (normalized).
func newCrawlPlatform(opts *CrawlOptions, client *crawl.Client) (crawl.Platform, error) {
	switch opts.Platform {
	case "bluesky":
		return bluesky.New(client, bluesky.Config{API: opts.API})
	case "mastodon":
		return mastodon.New(client, mastodon.Config{API: opts.API})
	case "x":
		tok, err := crawlToken(opts)
		if err != nil {
			return nil, err
		}
		return x.New(client, x.Config{API: opts.API, Token: tok})
	}
	return nil, fmt.Errorf("unknown platform %q", opts.Platform)
}

func runCrawl(ctx context.Context, opts *CrawlOptions) error {
	if opts.Posts < 0 || opts.MaxAccounts < 0 || opts.Concurrency < 1 || opts.Rate < 0 || opts.Timeout <= 0 {
		return usageErrorf("--posts, --max-accounts and --rate must be ≥ 0, --concurrency ≥ 1, --timeout > 0")
	}
	var rate float64
	var headers crawl.RateHeaders
	switch strings.ToLower(opts.Platform) {
	case "bluesky", "bsky":
		opts.Platform, rate, headers = "bluesky", bluesky.DefaultRate, bluesky.RateHeaders
	case "mastodon":
		opts.Platform, rate, headers = "mastodon", mastodon.DefaultRate, mastodon.RateHeaders
	case "x", "twitter":
		opts.Platform, rate, headers = "x", x.DefaultRate, x.RateHeaders
	default:
		return usageErrorf("unknown platform %q: want bluesky, mastodon or x", opts.Platform)
	}
	tc, err := tagOptions(opts)
	if err != nil {
		return err
	}
	if len(tc.Tags) == 0 && opts.Depth < 1 {
		return usageErrorf("--depth must be at least 1, got %d", opts.Depth)
	}
	if opts.RateSet {
		rate = opts.Rate
	}
	stats := &crawl.Stats{}
	logf := func(format string, args ...any) {
		if opts.IO.ErrTTY {
			fmt.Fprint(opts.IO.ErrOut, "\r\033[K")
		}
		fmt.Fprintf(opts.IO.ErrOut, format+"\n", args...)
	}
	client := crawl.NewClient(crawl.ClientConfig{UserAgent: userAgent(opts.Contact), Rate: rate, Timeout: opts.Timeout,
		RateHeaders: headers, Stats: stats, Logf: logf})
	p, err := newCrawlPlatform(opts, client)
	if err == nil && opts.Platform == "bluesky" {
		p, err = newBlueskyPlatform(ctx, client, opts, tc.Tags, logf)
	}
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, opts.DB, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()

	cfg := crawl.Config{Seeds: opts.Seeds, Depth: opts.Depth, Follows: opts.Follows, Posts: opts.Posts,
		Engagement: opts.Engagement, MaxAccounts: opts.MaxAccounts, Concurrency: opts.Concurrency,
		RetryFailed: opts.RetryFailed, Stats: stats, Logf: logf, KeepText: opts.KeepText}
	if len(tc.Tags) > 0 {
		// The tags are the crawl's depth 0, their participants depth 1.
		cfg.Tags, cfg.Instances, cfg.Since, cfg.Until, cfg.MaxPosts = tc.Tags, tc.Instances, tc.Since, tc.Until, tc.MaxPosts
		cfg.Depth = opts.Depth + 1
	}
	if opts.IO.ErrTTY {
		cfg.Progress = func(pr crawl.Progress) {
			line := fmt.Sprintf("crawling %s: %d accounts done, %d queued, %d failed; %d requests (%.1f/s)",
				p.Name(), pr.AccountsDone, pr.AccountsQueued, pr.AccountsFailed, pr.Requests, pr.ReqPerSec)
			if len(cfg.Tags) > 0 {
				line += fmt.Sprintf("; %d posts, %d lists to go", pr.PostsStored, pr.TasksOpen)
			}
			if pr.RateLimitWait > 0 {
				line += fmt.Sprintf("; rate limited, waiting %s", pr.RateLimitWait.Round(time.Second))
			}
			if pr.ETA > 0 {
				line += fmt.Sprintf("; about %s left", pr.ETA.Round(time.Second))
			}
			fmt.Fprintf(opts.IO.ErrOut, "\r\033[K%s", line)
		}
	}
	sum, err := crawl.Run(ctx, s, p, cfg)
	if opts.IO.ErrTTY {
		fmt.Fprint(opts.IO.ErrOut, "\r\033[K")
	}
	if err != nil {
		if ctx.Err() != nil {
			return interrupted(ctx.Err(), "crawl interrupted after %d pages; everything fetched is saved in %s. Run the same command again, with the same flags, to continue",
				sum.Pages, opts.DB)
		}
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "crawl of %s finished in %s: %d accounts done, %d failed, %d still queued; %d lists done, %d hidden, %d failed; %d posts stored; %d requests\n",
		p.Name(), sum.Elapsed.Round(time.Second), sum.AccountsDone, sum.AccountsFailed, sum.AccountsQueued,
		sum.TasksDone, sum.TasksHidden, sum.TasksFailed, sum.PostsStored, sum.Requests)
	if len(cfg.Tags) > 0 && cfg.MaxPosts > 0 && sum.TasksOpen > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "--max-posts %d reached: %d lists not read; run again with a higher --max-posts to read them\n", cfg.MaxPosts, sum.TasksOpen)
	}
	if sum.NewTasksFailed > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "%d lists failed in this run: see clout crawl status; run again with --retry-failed to try them again\n", sum.NewTasksFailed)
	}
	return nil
}

// CrawlStatusOptions are the inputs of `clout crawl status`.
type CrawlStatusOptions struct {
	IO       *IOStreams
	DB       string
	Platform string
	Format   string
}

func newCrawlStatusCmd(f *Factory) *cobra.Command {
	opts := &CrawlStatusOptions{}
	cmd := &cobra.Command{
		Use:   "status [PLATFORM]",
		Short: "Show the state of crawls: queued, done and failed accounts, requests, waits",
		Example: `  clout crawl status
  clout crawl status bluesky --format json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf("%s takes at most one PLATFORM", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			if len(args) == 1 {
				opts.Platform = args[0]
			}
			return runCrawlStatus(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	return cmd
}

func runCrawlStatus(ctx context.Context, opts *CrawlStatusOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	platform := strings.ToLower(opts.Platform)
	if platform == "x" {
		platform = "twitter"
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	sts, err := crawl.Status(ctx, s, platform)
	if err != nil {
		return err
	}
	if len(sts) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "no crawl has run on this database")
		return nil
	}
	rep := &Report{Columns: []Column{{Name: "platform"}, {Name: "accounts_queued", Number: true}, {Name: "accounts_done", Number: true},
		{Name: "accounts_failed", Number: true}, {Name: "lists_pending", Number: true}, {Name: "lists_done", Number: true},
		{Name: "lists_hidden", Number: true}, {Name: "lists_failed", Number: true}, {Name: "requests", Number: true},
		{Name: "rate_limited", Number: true}, {Name: "rate_limit_wait_s", Number: true}}}
	for _, st := range sts {
		rep.Rows = append(rep.Rows, []Cell{st.Platform, st.Queued, st.Done, st.Failed,
			st.Tasks["pending"] + st.Tasks["in_progress"], st.Tasks["done"], st.Tasks["hidden"], st.Tasks["failed"],
			st.Requests, st.RateLimited, int64(st.RateLimitWait.Seconds())})
	}
	if err := rep.Render(opts.IO.Out, format); err != nil {
		return err
	}
	for _, st := range sts {
		notes := append([]string{}, st.Errors...)
		sort.Strings(st.Hidden)
		for _, h := range st.Hidden {
			notes = append(notes, h+": hidden by its owner")
		}
		for _, n := range notes {
			fmt.Fprintf(opts.IO.ErrOut, "%s: %s\n", st.Platform, n)
		}
	}
	return nil
}
