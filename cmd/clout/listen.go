package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/bluesky"
	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/source/jetstream"
	"github.com/clout-cli/clout/graph/store"
	"github.com/spf13/cobra"
)

// ListenOptions are the inputs of `clout listen`.
type ListenOptions struct {
	IO       *IOStreams
	DB       string
	Platform string
	Tags     []string
	For      time.Duration
	Until    string
	Since    string
	Compress bool
	Endpoint string
	KeepText bool
	Profiles bool
	API      string
	Rate     float64
	Contact  string
	// Now anchors --for and relative times; tests fix it.
	Now func() time.Time
	// Jetstream tunes the listener (tests: backoff, commit size).
	Jetstream func(*jetstream.Config)
}

func newListenCmd(f *Factory) *cobra.Command {
	opts := &ListenOptions{}
	cmd := &cobra.Command{
		Use:   "listen bluesky --tag TAG...",
		Short: "Capture a hashtag conversation live from Bluesky's Jetstream",
		Long: `Subscribe to Bluesky's public Jetstream (every post, repost and like of the
network, no account needed) and keep the conversation of the hashtags given:
the posts that carry one of them (facet tags, the record's tags, #words in the
text; any case), the replies and quotes of kept posts (kept as posts too, so
their own replies and likes are kept), the reposts and likes of kept posts,
and the mentions in kept posts. Posts already in the database (from a tag
crawl, an earlier capture) count as kept. Profiles of the accounts met are
read from the public AppView, 25 a request.

The stream position (Jetstream's time_us cursor) is committed with every
batch, about once a second. Stopped at any moment (Ctrl-C, kill -9, a lost
connection), the same command resumes from the last committed position minus
5 seconds: nothing is missed, and what is read twice is stored once.
Jetstream keeps about a day, so a capture can be resumed, or started with
--since, up to a day late. Each set of tags has its own position.

Lost connections are retried with exponential backoff and jitter. A message
that is not JSON, of an unknown collection or with a record of an unexpected
shape is counted and skipped.`,
		Example: `  # capture a chat hour as it happens
  clout --db chat.db listen bluesky --tag ciscosmt --for 1h

  # the same chat from its start, although it began 20 minutes ago
  clout --db chat.db listen bluesky --tag ciscosmt --since 20m --for 45m

  # two tags until a fixed time, with compression, keeping the text
  clout listen bluesky --tag '#ciscosmt' --tag smtchat --until 2026-03-05T19:00:00Z --compress --keep-text

  # then: who drives the chat
  clout --db chat.db rank --layer engagement --top 20`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("%s: want one PLATFORM (bluesky)\nRun '%s --help' for usage.", cmd.CommandPath(), cmd.CommandPath())
			}
			return nil
		},
		ValidArgsFunction: fixedCompletion("bluesky"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB, opts.Platform = f.IO, f.DBPath(), args[0]
			return runListen(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&opts.Tags, "tag", nil, "keep the conversation of hashtag `TAG` (with or without '#'; repeat for several)")
	fl.DurationVar(&opts.For, "for", 0, "capture until this long from now (e.g. 1h, 90m), in the stream's time: a resumed capture first catches up")
	fl.StringVar(&opts.Until, "until", "", "stop when the stream reaches `TIME` (RFC 3339, YYYY-MM-DD, Unix seconds, or an age like 2h, that long ago)")
	fl.StringVar(&opts.Since, "since", "", "start a capture of these tags at `TIME` (Jetstream keeps about a day); a resumed capture goes on from where it stopped")
	fl.BoolVar(&opts.Compress, "compress", false, "ask for zstd-compressed frames (about half the bandwidth)")
	fl.StringVar(&opts.Endpoint, "endpoint", jetstream.DefaultEndpoint, "Jetstream /subscribe `URL`")
	fl.BoolVar(&opts.KeepText, "keep-text", false, "store the posts' text (otherwise only its length)")
	fl.BoolVar(&opts.Profiles, "profiles", true, "read the profiles (handle, name, follower counts) of the accounts met")
	fl.StringVar(&opts.API, "api", "", "base `URL` of the AppView profiles are read from (default "+bluesky.DefaultAPI+")")
	fl.Float64Var(&opts.Rate, "rate", bluesky.DefaultRate, "profile requests per second (0 = no pacing)")
	fl.StringVar(&opts.Contact, "contact", "", "contact (e-mail or URL) sent in the User-Agent, so operators can reach you")
	return cmd
}

func runListen(ctx context.Context, opts *ListenOptions) error {
	if p := strings.ToLower(opts.Platform); p != "bluesky" && p != "bsky" {
		return usageErrorf("clout listen: unknown platform %q: only bluesky has a public live stream (Jetstream)", opts.Platform)
	}
	tags := graph.NormalizeHashtags(opts.Tags)
	if len(tags) == 0 {
		return usageErrorf("clout listen: give at least one --tag")
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	start := now()
	var until, since time.Time
	switch {
	case opts.For < 0:
		return usageErrorf("--for must be positive, got %s", opts.For)
	case opts.For > 0 && opts.Until != "":
		return usageErrorf("--for and --until both say when to stop: give one")
	case opts.For > 0:
		until = start.Add(opts.For)
	case opts.Until != "":
		t, err := parseTime(opts.Until, start)
		if err != nil {
			return usageErrorf("--until: %v", err)
		}
		until = t
	}
	if opts.Since != "" {
		t, err := parseTime(opts.Since, start)
		if err != nil {
			return usageErrorf("--since: %v", err)
		}
		since = t
		if !until.IsZero() && !since.Before(until) {
			return usageErrorf("--since %s is not before the end of the capture (%s)", opts.Since, until.UTC().Format(time.RFC3339))
		}
	}
	if opts.Rate < 0 {
		return usageErrorf("--rate must be ≥ 0")
	}
	logf := func(format string, args ...any) {
		if opts.IO.ErrTTY {
			fmt.Fprint(opts.IO.ErrOut, "\r\033[K")
		}
		fmt.Fprintf(opts.IO.ErrOut, format+"\n", args...)
	}
	stats := &jetstream.Stats{}
	cfg := jetstream.Config{Tags: tags, Endpoint: opts.Endpoint, Compress: opts.Compress, KeepText: opts.KeepText,
		Since: since, Until: until, UserAgent: userAgent(opts.Contact), Stats: stats, Logf: logf}
	if opts.Profiles {
		client := crawl.NewClient(crawl.ClientConfig{UserAgent: userAgent(opts.Contact), Rate: opts.Rate,
			RateHeaders: bluesky.RateHeaders, Logf: logf})
		p, err := bluesky.New(client, bluesky.Config{API: opts.API})
		if err != nil {
			return usageErrorf("--api: %v", err)
		}
		cfg.Profiles = p
	}
	if opts.Jetstream != nil {
		opts.Jetstream(&cfg)
	}
	s, err := store.Open(ctx, opts.DB, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()

	posts0, events0 := storedCounts(ctx, s)
	var lastSeen int64
	var lastAt time.Duration
	var rate float64
	prog := startProgress(opts.IO, func(elapsed time.Duration) string {
		seen := stats.Seen.Load()
		if dt := (elapsed - lastAt).Seconds(); dt >= 1 {
			rate, lastSeen, lastAt = float64(seen-lastSeen)/dt, seen, elapsed
		}
		line := fmt.Sprintf("listening for %s: %s events seen (%s/s), kept %s posts and %s events",
			tagList(tags), humanCount(seen), humanCount(int64(rate)), humanCount(stats.Posts.Load()), humanCount(stats.Edges.Load()))
		if us := stats.LastTimeUS.Load(); us > 0 {
			line += fmt.Sprintf("; %s behind", lag(now(), us))
		}
		if r := stats.Reconnects.Load(); r > 0 {
			line += fmt.Sprintf("; %d reconnects", r)
		}
		return line
	})
	sum, err := jetstream.Listen(ctx, s, cfg)
	prog.Stop()
	posts1, events1 := storedCounts(context.WithoutCancel(ctx), s)
	kept := fmt.Sprintf("%d events read, %d posts and %d interaction events kept (%d posts and %d events new to the database), %d messages skipped as malformed or unknown, %d profiles read",
		stats.Seen.Load(), stats.Posts.Load(), stats.Edges.Load(), posts1-posts0, events1-events0, stats.Skipped(), stats.Hydrated.Load())
	if err != nil {
		if ctx.Err() != nil {
			return interrupted(ctx.Err(), "listen interrupted after %s: %s; saved in %s up to %s. Run the same command again to resume from there (Jetstream keeps about a day)",
				now().Sub(start).Round(time.Second), kept, opts.DB, cursorTime(sum.Cursor))
		}
		return fmt.Errorf("listen: %w (%s; saved in %s up to %s: run the same command again to resume)", err, kept, opts.DB, cursorTime(sum.Cursor))
	}
	fmt.Fprintf(opts.IO.ErrOut, "listened for %s for %s: %s; saved in %s up to %s\n",
		tagList(tags), now().Sub(start).Round(time.Second), kept, opts.DB, cursorTime(sum.Cursor))
	return nil
}

// storedCounts is how many posts and events the database holds, for the
// summary: what the stream kept counts events read twice around a
// reconnect, the database holds them once.
func storedCounts(ctx context.Context, s *store.Store) (posts, events int64) {
	s.DB().QueryRowContext(ctx, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM events)").Scan(&posts, &events)
	return posts, events
}

func tagList(tags []string) string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = "#" + t
	}
	return strings.Join(out, " ")
}

// cursorTime shows a time_us cursor for people: UTC, to the second.
func cursorTime(us int64) string {
	if us <= 0 {
		return "no position yet"
	}
	return time.UnixMicro(us).UTC().Format("2006-01-02 15:04:05 UTC")
}

// lag is how far the stream is behind the wall clock, for the progress line.
func lag(now time.Time, us int64) string {
	d := now.Sub(time.UnixMicro(us))
	if d < time.Second {
		return "<1s"
	}
	return d.Round(time.Second).String()
}
