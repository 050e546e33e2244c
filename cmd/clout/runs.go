package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph/store"
	"github.com/spf13/cobra"
)

// RunsOptions are the inputs of `clout runs`.
type RunsOptions struct {
	IO     *IOStreams
	DB     string
	Format string
	Delete []string
}

func newRunsCmd(f *Factory) *cobra.Command {
	opts := &RunsOptions{}
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List the rankings saved with rank --save",
		Long: `List the rankings saved with clout rank --save NAME: name, when computed,
how many accounts, the measures kept, the data they were computed on and the
parameters. clout diff compares two of them. They live in the runs and scores
tables of the database (see the README), for sqlite3 or Datasette too.`,
		Example: `  clout rank --top 100 --save week48
  clout runs
  clout runs --format json | jq .params
  clout runs --delete week47`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			return runRuns(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	cmd.Flags().StringArrayVar(&opts.Delete, "delete", nil, "delete the saved run `NAME` (repeatable)")
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	return cmd
}

func runRuns(ctx context.Context, opts *RunsOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	if len(opts.Delete) > 0 {
		for _, name := range opts.Delete {
			if err := s.DeleteRun(ctx, name); err != nil {
				return err
			}
			fmt.Fprintf(opts.IO.ErrOut, "deleted run %s\n", name)
		}
		return nil
	}
	runs, err := s.Runs(ctx)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "database %s has no saved runs: save one with clout rank --save NAME\n", opts.DB)
	}
	rep := &Report{Columns: []Column{{Name: "id", Number: true}, {Name: "name"}, {Name: "created"}, {Name: "accounts", Number: true},
		{Name: "measures"}, {Name: "data_version"}, {Name: "clout_version"}, {Name: "params"}}}
	for _, r := range runs {
		rep.Rows = append(rep.Rows, []Cell{r.ID, r.Name, r.CreatedAt.UTC().Format(time.RFC3339), int64(r.Accounts),
			strings.Join(r.Measures, ","), r.DataVersion, r.Version, r.Params})
	}
	if format == FormatTable {
		// The parameters are for scripts; a table keeps to what a person
		// scans.
		rep = rep.keepColumns([]bool{true, true, true, true, false, true, false, false})
	}
	return rep.Render(opts.IO.Out, format)
}
