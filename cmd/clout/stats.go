package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/store"
	"github.com/spf13/cobra"
)

// StatsOptions are the inputs of `clout stats`.
type StatsOptions struct {
	IO     *IOStreams
	DB     string
	Format string
}

func newStatsCmd(f *Factory) *cobra.Command {
	opts := &StatsOptions{}
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Show what the database holds",
		Long: `Show what the database holds: accounts per platform, follow edges, interaction
events per kind, and the time span of the events.

With --format json it prints one object with the keys accounts, follow, repost,
quote, reply, mention, like (counts of follow edges and of interaction events),
first_event and last_event (RFC 3339, or null), platforms and path.`,
		Example: `  clout stats
  clout stats --format json | jq .follow`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			return runStats(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	return cmd
}

func runStats(ctx context.Context, opts *StatsOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	if format == FormatJSON {
		obj := map[string]any{
			"path":     st.Path,
			"accounts": st.Accounts,
			"follow":   st.Follows,
		}
		for _, k := range graph.InteractionKinds() {
			obj[k.String()] = st.Events[k]
		}
		obj["first_event"], obj["last_event"] = jsonTime(st.FirstEvent), jsonTime(st.LastEvent)
		obj["untimed_events"] = st.UntimedEvents
		obj["platforms"] = st.Platforms
		b, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(opts.IO.Out, "%s\n", b)
		return err
	}
	r := &Report{Columns: []Column{{Name: "what"}, {Name: "count", Number: true}}}
	r.Rows = append(r.Rows, []Cell{"accounts", st.Accounts})
	platforms := make([]string, 0, len(st.Platforms))
	for p := range st.Platforms {
		platforms = append(platforms, p)
	}
	sort.Strings(platforms)
	for _, p := range platforms {
		r.Rows = append(r.Rows, []Cell{"accounts on " + p, st.Platforms[p]})
	}
	r.Rows = append(r.Rows, []Cell{"follow", st.Follows})
	for _, k := range graph.InteractionKinds() {
		r.Rows = append(r.Rows, []Cell{k.String(), st.Events[k]})
	}
	r.Rows = append(r.Rows, []Cell{"events without time", st.UntimedEvents})
	r.Rows = append(r.Rows, []Cell{"first_event", timeCell(st.FirstEvent)}, []Cell{"last_event", timeCell(st.LastEvent)})
	return r.Render(opts.IO.Out, format)
}

func jsonTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func timeCell(t time.Time) Cell {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// fixedCompletion completes a flag or argument from a fixed list.
func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}
