package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
	"github.com/clout-cli/clout/graph/source/csvedge"
	"github.com/clout-cli/clout/graph/source/snap"
	"github.com/clout-cli/clout/graph/source/twarc"
	"github.com/clout-cli/clout/graph/store"
	"github.com/spf13/cobra"
)

// importer reads one input format into a sink.
type importer func(ctx context.Context, r io.Reader, o source.Options, sink graph.Sink) error

var importFormats = []string{"csv", "snap", "twarc"}

func importerFor(format string) (importer, error) {
	switch strings.ToLower(format) {
	case "csv":
		return csvedge.Import, nil
	case "snap":
		return snap.Import, nil
	case "twarc":
		return twarc.Import, nil
	}
	return nil, usageErrorf("unknown import format %q: want csv, snap or twarc", format)
}

// ImportOptions are the inputs of `clout import`.
type ImportOptions struct {
	IO       *IOStreams
	DB       string
	Format   string
	Files    []string
	Kind     string
	Platform string
	SkipBad  bool
	KeepText bool
}

func newImportCmd(f *Factory) *cobra.Command {
	opts := &ImportOptions{}
	cmd := &cobra.Command{
		Use:   "import FORMAT FILE...",
		Short: "Import edge lists and tweet collections into the database",
		Long: `Import follower graphs and interaction graphs that you already hold.

Formats:
  csv    a header row, then one edge per row. Our columns: source,target and
         optionally kind (follow|repost|quote|reply|mention|like), weight (a count
         of events), time (RFC 3339, YYYY-MM-DD or Unix seconds), platform, post_id,
         hashtags. Gephi edge tables (Source,Target,Weight,Type,...) and NodeXL edge
         sheets saved as CSV (Vertex 1,Vertex 2,Relationship,...) are read as they
         come. A node table (a header with account or Id and no target column)
         adds accounts without edges.
  snap   whitespace-separated "src dst" lines with # comments (SNAP
         twitter_combined.txt, Higgs social network: A follows B), "A B weight", or
         the Higgs activity file "userA userB unixtime RT|MT|RE".
  twarc  JSON Lines from twarc (v1.1 tweets) and twarc2 (API response pages,
         flattened tweets, stream lines, followers/following pages). Every tweet
         is also stored as a post (posts table), included ones too.

Posts keep their text's length, never the text, unless --keep-text is given.

FILE '-' reads standard input; gzip-compressed input is read transparently.
The whole import is one transaction: it lands whole or not at all, so an
interrupted import leaves the database as it was and can simply be run again.
Importing the same file twice adds nothing the second time.

A malformed line stops the import with FILE:LINE and what was wrong; with
--skip-bad such lines are skipped and counted instead.`,
		Example: `  clout import csv testdata/polblogs/polblogs.csv
  clout import csv nodexl-edges.csv
  clout import csv --kind mention mentions.csv
  clout import snap --kind follow twitter_combined.txt.gz
  clout import snap higgs-activity_time.txt.gz
  clout import twarc --skip-bad tweets-*.jsonl
  clout import twarc --keep-text ciscosmt-chat.jsonl
  zcat tweets.jsonl.gz | clout import twarc -`,
		Args: minArgs(2, "FORMAT and at least one FILE"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return importFormats, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveDefault
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			opts.Format, opts.Files = args[0], args[1:]
			return runImport(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Kind, "kind", "follow", "`kind` of edges in inputs that do not say: follow, repost, quote, reply, mention or like")
	cmd.Flags().StringVar(&opts.Platform, "platform", "", "`platform` of accounts in inputs that do not say (default \"local\"; twarc is always \"twitter\")")
	cmd.Flags().BoolVar(&opts.SkipBad, "skip-bad", false, "skip malformed lines (and report how many) instead of stopping")
	cmd.Flags().BoolVar(&opts.KeepText, "keep-text", false, "store each post's text (posts.text); without it only its length is kept")
	cmd.RegisterFlagCompletionFunc("kind", fixedCompletion("follow", "repost", "quote", "reply", "mention", "like"))
	return cmd
}

// countingSink counts edges for the progress line; the Tx itself is not
// safe to read from another goroutine.
type countingSink struct {
	graph.Sink
	rows *atomic.Int64
}

func (c countingSink) Edge(e graph.Edge) error {
	c.rows.Add(1)
	return c.Sink.Edge(e)
}

// Post passes posts on to a sink that keeps them.
func (c countingSink) Post(p graph.Post) error {
	if ps, ok := c.Sink.(graph.PostSink); ok {
		return ps.Post(p)
	}
	return nil
}

func runImport(ctx context.Context, opts *ImportOptions) error {
	imp, err := importerFor(opts.Format)
	if err != nil {
		return err
	}
	kind, err := graph.ParseKind(opts.Kind)
	if err != nil {
		return usageErrorf("--kind: %v", err)
	}
	stdin := 0
	for _, name := range opts.Files {
		if name == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return usageErrorf("standard input ('-') can be named only once")
	}
	// Check every file before touching the database, so a typo in the
	// third name does not cost the first two files' work.
	for _, name := range opts.Files {
		if name == "-" {
			continue
		}
		st, err := os.Stat(name)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", name, errors.Unwrap(err))
		}
		if st.IsDir() {
			return fmt.Errorf("cannot read %s: it is a directory, not a file", name)
		}
	}
	s, err := store.Open(ctx, opts.DB, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	tx, err := s.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var bytesRead, rows atomic.Int64
	var current atomic.Value
	current.Store("")
	start := time.Now()
	var writingSince atomic.Int64 // unix nanos when reading ended, 0 while reading
	p := startProgress(opts.IO, func(el time.Duration) string {
		b, r := bytesRead.Load(), rows.Load()
		if w := writingSince.Load(); w != 0 {
			return fmt.Sprintf("read %s, %s rows; writing them to %s (%s)", humanBytes(b), humanCount(r), opts.DB,
				time.Since(time.Unix(0, w)).Round(time.Second))
		}
		sec := el.Seconds()
		return fmt.Sprintf("importing %s: %s, %s rows (%s/s, %s rows/s)", current.Load(), humanBytes(b), humanCount(r),
			humanBytes(int64(float64(b)/sec)), humanCount(int64(float64(r)/sec)))
	})
	defer p.Stop()

	sink := countingSink{Sink: tx, rows: &rows}
	bad := &source.BadLines{}
	for _, name := range opts.Files {
		current.Store(name)
		if err := importOne(ctx, imp, name, opts, kind, bad, sink, opts.IO, &bytesRead); err != nil {
			p.Stop()
			if ctx.Err() != nil {
				return interrupted(ctx.Err(), "import interrupted while reading %s: nothing was imported (the database is as it was); run the same command again", name)
			}
			return err
		}
	}
	writingSince.Store(time.Now().UnixNano())
	if err := tx.Commit(); err != nil {
		return err
	}
	p.Stop()
	st := tx.Stats()
	e := opts.IO.ErrOut
	fmt.Fprintf(e, "imported %d file(s) in %s: %d edges read, %d new accounts, %d new follow edges, %d new interaction events",
		len(opts.Files), time.Since(start).Round(time.Millisecond), st.Edges, st.Accounts, st.NewFollows, st.NewEvents)
	if st.Posts > 0 {
		fmt.Fprintf(e, ", %d new posts", st.NewPosts)
	}
	if st.SelfLoops > 0 {
		fmt.Fprintf(e, ", %d self-loops dropped", st.SelfLoops)
	}
	fmt.Fprintln(e)
	if dup := st.SeenFollows - st.NewFollows; dup > 0 {
		fmt.Fprintf(e, "%d follow edges were already present or repeated\n", dup)
	}
	if bad.Count > 0 {
		lines := make([]string, len(bad.First))
		for i, le := range bad.First {
			lines[i] = fmt.Sprintf("%s:%d", le.File, le.Line)
		}
		fmt.Fprintf(e, "warning: skipped %d malformed line(s), first at %s; first error: %s\n",
			bad.Count, strings.Join(lines, ", "), bad.First[0].Msg)
	}
	return nil
}

func importOne(ctx context.Context, imp importer, name string, opts *ImportOptions, kind graph.Kind, bad *source.BadLines,
	sink graph.Sink, streams *IOStreams, counter *atomic.Int64) error {
	var r io.Reader
	display := name
	if name == "-" {
		r, display = streams.In, "stdin"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", name, errors.Unwrap(err))
		}
		defer f.Close()
		r = f
	}
	r = countingReader{r: r, n: counter}
	br := bufio.NewReaderSize(r, 1<<20)
	// gzip is recognised by its magic number, not by the file name, so
	// stdin and misnamed files work too.
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: looks gzip-compressed but cannot be read: %w", display, err)
		}
		defer zr.Close()
		r = bufio.NewReaderSize(zr, 1<<20)
	} else {
		r = br
	}
	o := source.Options{Name: display, Kind: kind, Platform: opts.Platform, SkipBad: opts.SkipBad, Bad: bad, KeepText: opts.KeepText}
	if err := pipeInto(sink, func(s graph.Sink) error { return imp(ctx, r, o, s) }); err != nil {
		var le *source.LineError
		if errors.As(err, &le) || ctx.Err() != nil {
			return err
		}
		if strings.HasPrefix(err.Error(), display) {
			return err
		}
		return fmt.Errorf("%s: %w", display, err)
	}
	return nil
}
