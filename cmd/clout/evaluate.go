package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/influence"
	"github.com/spf13/cobra"
)

// EvaluateOptions are the inputs of `clout evaluate`.
type EvaluateOptions struct {
	IO  *IOStreams
	DB  string
	Sel SelectionFlags
	// Split is the time that ends training and starts testing; or Train
	// and Test give the two windows' lengths, ending at --until or at the
	// last event.
	Split   string
	Train   string
	Test    string
	K       int
	Format  string
	Verbose bool
	Now     func() time.Time
}

func newEvaluateCmd(f *Factory) *cobra.Command {
	opts := &EvaluateOptions{}
	cmd := &cobra.Command{
		Use:   "evaluate",
		Short: "Which measure predicts the engagement accounts receive next",
		Long: `Rank on the events before a split time with every measure, then check each
ranking against what happened after it: the engagement each account received
in the test window (interaction events weighted by --weights, the same
weighting as the engagement layer). For each measure:

  spearman        Spearman's ρ between the measure (on the training window)
                  and the engagement received in the test window
  kendall         Kendall's τ_b of the same
  precision_at_k  |top_k(measure) ∩ top_k(received)| / k: the share of the k
                  accounts the measure puts first that are among the k that
                  received the most (ties broken by account id)
  n               accounts compared (those with a value for the measure)

Every account of the selection counts, including those that received nothing
(they tie at 0). received_before, the engagement received in the training
window, is the persistence baseline a measure has to beat. Measures of the
follow layer (followers, reach2) do not depend on the window.

Windows: --split TIME trains on [--since, TIME) and tests on [TIME, --until);
--train 30d --test 7d tests on the 7 days before --until (default: just after
the last event) and trains on the 30 days before those.

In the spirit of M. R. DeVerna, R. Aiyappa, D. Pacheco, J. Bryden and
F. Menczer, "Identifying and characterizing superspreaders of low-credibility
content on Twitter" (ICWSM 2024), who ranked accounts on one period and
scored the rankings on the next: evidence for which measure to trust on this
data.

Columns: measure,spearman,kendall,precision_at_k,n,k`,
		Example: `  clout evaluate --split 2024-03-01
  clout evaluate --train 30d --test 7d --k 50
  clout evaluate --split 2024-03-01 --weights like=0 --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			return runEvaluate(cmd.Context(), opts)
		},
	}
	opts.Sel.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&opts.Split, "split", "", "train before `TIME`, test from it on (same forms as --since)")
	fl.StringVar(&opts.Train, "train", "", "training window `length` (30d, 12h), before the test window")
	fl.StringVar(&opts.Test, "test", "", "test window `length` (7d), ending at --until or after the last event")
	fl.IntVar(&opts.K, "k", 100, "`k` of precision at k")
	fl.StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print the windows and timings to stderr")
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	return cmd
}

// parseLength reads a window length: 30d, 12h, 90m.
func parseLength(flag, s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		// At most 100,000 days, well inside time.Duration's range.
		if d, err := strconv.ParseFloat(n, 64); err == nil && d > 0 && d <= 1e5 && time.Duration(d*24*float64(time.Hour)) > 0 {
			return time.Duration(d * 24 * float64(time.Hour)), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, usageErrorf("%s %q: want a positive length like 30d, 12h or 90m", flag, s)
}

// evalWindows settles [trainFrom, split) and [split, testTo); zero bounds
// are open.
func evalWindows(ctx context.Context, s *store.Store, opts *EvaluateOptions, sel Selection, now time.Time) (trainFrom, split, testTo time.Time, err error) {
	switch {
	case opts.Split != "" && (opts.Train != "" || opts.Test != ""):
		return trainFrom, split, testTo, usageErrorf("give --split TIME, or --train and --test lengths, not both")
	case opts.Split != "":
		if split, err = parseTime(opts.Split, now); err != nil {
			return trainFrom, split, testTo, usageErrorf("--split: %v", err)
		}
		trainFrom, testTo = sel.Since, sel.Until
		if !trainFrom.IsZero() && !trainFrom.Before(split) || !testTo.IsZero() && !split.Before(testTo) {
			return trainFrom, split, testTo, usageErrorf("--split %s must fall inside --since/--until", opts.Split)
		}
		return trainFrom, split, testTo, nil
	case opts.Train == "" || opts.Test == "":
		return trainFrom, split, testTo, usageErrorf("evaluate needs --split TIME, or both --train and --test (e.g. --train 30d --test 7d)")
	}
	train, err := parseLength("--train", opts.Train)
	if err != nil {
		return trainFrom, split, testTo, err
	}
	test, err := parseLength("--test", opts.Test)
	if err != nil {
		return trainFrom, split, testTo, err
	}
	testTo = sel.Until
	if testTo.IsZero() {
		st, err := s.Stats(ctx)
		if err != nil {
			return trainFrom, split, testTo, err
		}
		if st.LastEvent.IsZero() {
			return trainFrom, split, testTo, fmt.Errorf("database %s holds no timed events: evaluate needs interaction events with times", s.Path())
		}
		testTo = st.LastEvent.Add(time.Second)
	}
	split = testTo.Add(-test)
	trainFrom = split.Add(-train)
	if !sel.Since.IsZero() && sel.Since.After(trainFrom) {
		trainFrom = sel.Since
	}
	return trainFrom, split, testTo, nil
}

func runEvaluate(ctx context.Context, opts *EvaluateOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	sel, err := opts.Sel.parse(now())
	if err != nil {
		return err
	}
	if opts.K < 1 {
		return usageErrorf("--k must be at least 1, got %d", opts.K)
	}
	if sel.LayerName == "follow" {
		return usageErrorf("--layer follow has no time: evaluate ranks on the events before the split (--layer engagement or all)")
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	trainFrom, split, testTo, err := evalWindows(ctx, s, opts, sel, now())
	if err != nil {
		return err
	}
	if sel.LayerName == "" {
		sel.LayerName = "engagement"
	}
	sel.Since, sel.Until = trainFrom, split
	if err := sel.settle(ctx, s, opts.IO.ErrOut); err != nil {
		return err
	}
	if opts.Verbose {
		fmt.Fprintf(opts.IO.ErrOut, "train [%s, %s), test [%s, %s)\n", fmtBound(trainFrom), fmtBound(split), fmtBound(split), fmtBound(testTo))
	}
	env := newMeasureEnv(s, sel, opts.IO.ErrOut, opts.Verbose)
	ranked, err := env.Ranked(ctx)
	if err != nil {
		return err
	}
	if ranked.Graph.N() == 0 {
		return fmt.Errorf("database %s holds no accounts%s: import or crawl something first", opts.DB, platformNote(sel.Platform))
	}
	received := func(since, until time.Time) ([]float64, error) {
		layer := store.Layer{Weights: map[graph.Kind]float64{}, Since: since, Until: until, Platform: sel.Platform}
		for _, k := range graph.InteractionKinds() {
			layer.Weights[k] = sel.Weights[k]
		}
		l, err := s.LoadGraph(ctx, layer)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(l.IDs, ranked.IDs) {
			return nil, fmt.Errorf("the database changed while it was read (the windows have different accounts); run the command again")
		}
		return inStrength(l.Graph), nil
	}
	target, err := received(split, testTo)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(target, func(v float64) bool { return v > 0 }) {
		return fmt.Errorf("no engagement in the test window [%s, %s)%s: nothing to predict; move --split or widen --test",
			fmtBound(split), fmtBound(testTo), platformNote(sel.Platform))
	}
	before, err := received(trainFrom, split)
	if err != nil {
		return err
	}
	cols := []namedValues{}
	ms := allMeasures()
	for i := range ms {
		vals, err := env.AllOf(ctx, &ms[i])
		if err != nil {
			return fmt.Errorf("%s: %w", ms[i].Name, err)
		}
		cols = append(cols, namedValues{ms[i].Name, vals})
	}
	if _, ok := findMeasure(ms, "received_before"); !ok {
		cols = append(cols, namedValues{"received_before", before})
	}
	tgt := influence.NewScores(target)
	rep := &Report{Columns: []Column{{Name: "measure"}, {Name: "spearman", Number: true}, {Name: "kendall", Number: true},
		{Name: "precision_at_k", Number: true}, {Name: "n", Number: true}, {Name: "k", Number: true}}}
	for _, c := range cols {
		a := influence.NewScores(c.vals).Agree(tgt, opts.K)
		rep.Rows = append(rep.Rows, []Cell{c.name, floatCell(a.Spearman), floatCell(a.Kendall), floatCell(a.TopK), int64(a.N), int64(a.K)})
	}
	return rep.Render(opts.IO.Out, format)
}

// inStrength is each node's weighted in-degree: the engagement it received.
func inStrength(g *graph.Graph) []float64 {
	out := make([]float64, g.N())
	for v := range out {
		nbrs, w := g.In(uint32(v))
		if w == nil {
			out[v] = float64(len(nbrs))
			continue
		}
		var s float64
		for _, x := range w {
			s += float64(x)
		}
		out[v] = s
	}
	return out
}

func fmtBound(t time.Time) string {
	if t.IsZero() {
		return "open"
	}
	return t.UTC().Format(time.RFC3339)
}
