package main

import (
	"context"
	"fmt"
	"time"

	"github.com/clout-cli/clout/graph/store"
	"github.com/spf13/cobra"
)

// TopicsOptions are the inputs of `clout topics`.
type TopicsOptions struct {
	IO       *IOStreams
	DB       string
	Platform string
	Since    string
	Until    string
	Top      int
	Format   string
	// Now anchors relative times (--since 7d); tests fix it.
	Now func() time.Time
}

func newTopicsCmd(f *Factory) *cobra.Command {
	opts := &TopicsOptions{}
	cmd := &cobra.Command{
		Use:   "topics",
		Short: "List the hashtags (conversations) the database holds",
		Long: `List the hashtags of the collected posts and events: how many posts carry
each, their distinct authors, the engagement events of the tag, and the first
and last time seen. This is how to find the conversations a collection holds
before ranking one with rank --topic.

A tag's events are the interaction events (Σ of their counts) that carry the
tag themselves (the post that carries the event has it: a reply, quote or
repost with the tag, a mention in a tagged post). rank --topic TAG counts these
and also the events on the tag's posts and on their replies, quotes and
reposts that do not repeat the tag, so its totals can be higher. first and last
span the tag's posts and those events. Tags are lower-cased, without '#'.
Sorted by posts, most first, ties by tag.

CSV columns: tag,posts,authors,events,first,last`,
		Example: `  clout topics
  clout topics --top 10 --platform bluesky
  clout topics --since 2025-03-01 --until 2025-03-02 --format csv > topics.csv
  clout topics --format json | jq -r .tag`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			return runTopics(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Platform, "platform", "", "only posts and events of this `platform` (bluesky, mastodon, twitter, local, ...)")
	fl.StringVar(&opts.Since, "since", "", "only posts and events at or after `TIME` (RFC 3339, YYYY-MM-DD, Unix seconds, or an age like 7d)")
	fl.StringVar(&opts.Until, "until", "", "only posts and events before `TIME` (same forms as --since)")
	fl.IntVar(&opts.Top, "top", 50, "print the first `N` tags (0 = all)")
	fl.StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	cmd.RegisterFlagCompletionFunc("platform", fixedCompletion("bluesky", "mastodon", "twitter", "local"))
	return cmd
}

func runTopics(ctx context.Context, opts *TopicsOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	since, err := parseTime(opts.Since, now())
	if err != nil {
		return usageErrorf("--since: %v", err)
	}
	until, err := parseTime(opts.Until, now())
	if err != nil {
		return usageErrorf("--until: %v", err)
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return usageErrorf("--since %s is not before --until %s", opts.Since, opts.Until)
	}
	if opts.Top < 0 {
		return usageErrorf("--top must be 0 (all) or more, got %d", opts.Top)
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	topics, err := s.Topics(ctx, store.TopicsQuery{Platform: opts.Platform, Since: since, Until: until})
	if err != nil {
		return err
	}
	if len(topics) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "no hashtags in %s%s: posts and events carry them when the source gives them (import twarc, crawl --tag, listen)\n",
			opts.DB, platformNote(opts.Platform))
	}
	if opts.Top > 0 && len(topics) > opts.Top {
		topics = topics[:opts.Top]
	}
	r := &Report{Columns: []Column{{Name: "tag"}, {Name: "posts", Number: true}, {Name: "authors", Number: true},
		{Name: "events", Number: true}, {Name: "first"}, {Name: "last"}}}
	for _, t := range topics {
		r.Rows = append(r.Rows, []Cell{t.Tag, t.Posts, t.Authors, t.Events, timeCell(t.First), timeCell(t.Last)})
	}
	return r.Render(opts.IO.Out, format)
}
