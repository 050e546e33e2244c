package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/spf13/cobra"
)

// Factory carries what every command needs from its surroundings, so tests
// can run commands with their own streams and environment.
type Factory struct {
	IO     *IOStreams
	Getenv func(string) string
	// dbFlag is the value of --db.
	dbFlag string

	cpuProfile  string
	stopProfile func()
}

// DBPath is the database file: --db, else $CLOUT_DB, else ./clout.db.
func (f *Factory) DBPath() string {
	if f.dbFlag != "" {
		return f.dbFlag
	}
	if p := f.Getenv("CLOUT_DB"); p != "" {
		return p
	}
	return "clout.db"
}

func newRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "clout",
		Short: "Find the accounts that actually move a conversation",
		Long: `clout collects follower graphs and interaction graphs (reposts, quotes, replies,
mentions, likes) into one SQLite file, scores every account with PageRank and
reach, and prints ranked influencer lists: a table in the terminal, CSV, TSV or
JSON in a pipe.

Data goes to stdout; progress, warnings and logs to stderr.`,
		Example: `  # rank the bundled political-blogs network
  clout --db polblogs.db import csv testdata/polblogs/polblogs.csv
  clout --db polblogs.db rank --top 10

  # rank by engagement from a twarc2 collection, as CSV for a spreadsheet
  clout import twarc tweets.jsonl.gz
  clout rank --layer engagement --top 100 --format csv > top.csv

  # crawl the followers of a Bluesky account and rank them
  clout crawl bluesky @alice.bsky.social --depth 1
  clout rank --platform bluesky`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       versionString(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().StringVar(&f.dbFlag, "db", "", "database `FILE` (default $CLOUT_DB, else ./clout.db)")
	// --cpuprofile is for clout's own performance work; hidden from --help.
	root.PersistentFlags().StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile to `FILE`")
	root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if f.cpuProfile == "" {
			return nil
		}
		pf, err := os.Create(f.cpuProfile)
		if err != nil {
			return err
		}
		f.stopProfile = func() { pprof.StopCPUProfile(); pf.Close() }
		return pprof.StartCPUProfile(pf)
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	root.AddCommand(
		newImportCmd(f),
		newRankCmd(f),
		newReachCmd(f),
		newOverlapCmd(f),
		newCompareCmd(f),
		newExplainCmd(f),
		newEvaluateCmd(f),
		newPickCmd(f),
		newCommunitiesCmd(f),
		newStatsCmd(f),
		newTopicsCmd(f),
		newCrawlCmd(f),
		newListenCmd(f),
		newExportCmd(f),
		newRunsCmd(f),
		newDiffCmd(f),
		newReportCmd(f),
		newVersionCmd(f),
	)
	root.CompletionOptions.HiddenDefaultCmd = false
	return root
}

// execute runs clout with args and returns the process exit code.
func execute(ctx context.Context, args []string, io *IOStreams, getenv func(string) string) int {
	f := &Factory{IO: io, Getenv: getenv}
	root := newRootCmd(f)
	root.SetArgs(args)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	root.SetIn(io.In)
	err := root.ExecuteContext(ctx)
	if f.stopProfile != nil {
		f.stopProfile()
	}
	if err == nil {
		return 0
	}
	// cobra reports unknown commands and bad arguments with plain errors.
	msg := err.Error()
	if strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag") || strings.HasPrefix(msg, "accepts ") ||
		strings.HasPrefix(msg, "requires at least") || strings.HasPrefix(msg, "invalid argument") {
		err = &usageError{err}
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		// Interrupted (Ctrl-C, SIGTERM): the command's message says what
		// was kept and how to go on; the exit code is the shell's 128+SIGINT.
		fmt.Fprintf(io.ErrOut, "clout: %v\n", err)
		return 130
	}
	fmt.Fprintf(io.ErrOut, "clout: %v\n", err)
	return exitCode(err)
}

// minArgs is cobra.MinimumNArgs with a usage error that says what is missing.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageErrorf("%s: missing %s\nRun '%s --help' for usage.", cmd.CommandPath(), what, cmd.CommandPath())
		}
		return nil
	}
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments, got %q\nRun '%s --help' for usage.", cmd.CommandPath(), args[0], cmd.CommandPath())
	}
	return nil
}
