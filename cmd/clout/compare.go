package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/influence"
	"github.com/spf13/cobra"
)

// CompareOptions are the inputs of `clout compare`.
type CompareOptions struct {
	IO  *IOStreams
	DB  string
	Sel SelectionFlags
	// K is the k of the top-k overlap.
	K int
	// Measures, when set, limits the comparison to these measures (comma
	// separated names); empty compares every measure.
	Measures string
	// Stat is the statistic the table's matrix shows.
	Stat    string
	Format  string
	Verbose bool
	Now     func() time.Time
}

var compareStats = []string{"spearman", "kendall", "topk"}

func newCompareCmd(f *Factory) *cobra.Command {
	opts := &CompareOptions{}
	cmd := &cobra.Command{
		Use:   "compare",
		Short: "How far the measures agree: rank correlations and top-k overlap",
		Long: `Compute every measure clout has for every account of the selection (the same
flags as rank) and, for every pair of measures, how far they agree:

  spearman      Spearman's rank correlation ρ (ties take their average rank)
  kendall       Kendall's τ_b (ties corrected; Knight's O(n log n) algorithm)
  topk_overlap  |top_k(a) ∩ top_k(b)| / k, the share of a's top k that are
                also in b's top k (ties at the cut broken by account id)
  n             the accounts compared: those with a value for both measures
                (an account where either measure is empty is left out)

This is the table Cha et al. ("Measuring user influence in Twitter: the
million follower fallacy", ICWSM 2010) reported for followers, retweets and
mentions, for the data at hand. The measures are those of rank (--measures
chooses, as in rank: the default leaves out the on-demand ones, "all" takes
every one). Besides them, the PageRank of
the other layer is compared too when the database holds events
(pagerank_follow when ranking engagement, pagerank_engagement when ranking
follows). A measure empty or equal for every account (it ranks no one above
another) is left out, with a note.

The table is the matrix of --stat; CSV, TSV and JSON are the long form, one
row per pair of measures:
  a,b,spearman,kendall,topk_overlap,n,k`,
		Example: `  clout compare --format table
  clout compare --k 50 --format csv > agreement.csv
  clout compare --layer follow --stat kendall
  clout compare --measures pagerank,followers,reach2 --since 30d`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			return runCompare(cmd.Context(), opts)
		},
	}
	opts.Sel.register(cmd)
	fl := cmd.Flags()
	fl.IntVar(&opts.K, "k", 100, "`k` of the top-k overlap")
	fl.StringVar(&opts.Measures, "measures", "", "compare these `names` (comma separated), or all; default every measure but the on-demand ones")
	fl.StringVar(&opts.Stat, "stat", "spearman", "statistic of the table's matrix: spearman, kendall or topk")
	fl.StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print timings to stderr")
	cmd.RegisterFlagCompletionFunc("stat", fixedCompletion(compareStats...))
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	return cmd
}

// namedValues is one measure's value for every node.
type namedValues struct {
	name string
	vals []float64
}

func runCompare(ctx context.Context, opts *CompareOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	sel, err := parseSelection(&opts.Sel, opts.Now)
	if err != nil {
		return err
	}
	if opts.K < 1 {
		return usageErrorf("--k must be at least 1, got %d", opts.K)
	}
	stat := strings.ToLower(opts.Stat)
	if !slices.Contains(compareStats, stat) {
		return usageErrorf("--stat %q: want spearman, kendall or topk", opts.Stat)
	}
	measures, err := pickMeasures(allMeasures(), opts.Measures)
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := sel.settle(ctx, s, opts.IO.ErrOut); err != nil {
		return err
	}
	env := newMeasureEnv(s, sel, opts.IO.ErrOut, opts.Verbose)
	l, err := env.Ranked(ctx)
	if err != nil {
		return err
	}
	if l.Graph.N() == 0 {
		return fmt.Errorf("database %s holds no accounts%s: import or crawl something first", opts.DB, platformNote(sel.Platform))
	}
	list := strings.ToLower(strings.TrimSpace(opts.Measures))
	cols, err := compareColumns(ctx, env, measures, list == "" || list == "all")
	if err != nil {
		return err
	}
	if len(cols) < 2 {
		return fmt.Errorf("only %d measure(s) have values on this data; nothing to compare", len(cols))
	}
	t := time.Now()
	agree := agreeAll(cols, opts.K)
	if opts.Verbose {
		fmt.Fprintf(opts.IO.ErrOut, "agreement of %d measures (%d pairs) over %d accounts in %s\n",
			len(cols), len(cols)*(len(cols)-1)/2, l.Graph.N(), time.Since(t).Round(time.Millisecond))
	}
	var rep *Report
	if format == FormatTable {
		rep = compareMatrixReport(cols, agree, stat)
	} else {
		rep = compareLongReport(cols, agree)
	}
	return rep.Render(opts.IO.Out, format)
}

// pickMeasures returns the measures --measures chooses, in list order:
// "" every measure but the on-demand ones (as rank), "all" every measure,
// else the comma-separated names.
func pickMeasures(all []Measure, list string) ([]Measure, error) {
	on, err := chooseMeasures(all, list, "")
	if err != nil {
		return nil, err
	}
	var out []Measure
	for i, m := range all {
		if on[i] {
			out = append(out, m)
		}
	}
	return out, nil
}

// compareColumns computes each measure for every node, leaving out (with a
// note) those empty everywhere. With otherLayer, the PageRank of the layer
// not being ranked follows pagerank when the database holds events.
func compareColumns(ctx context.Context, env *MeasureEnv, measures []Measure, otherLayer bool) ([]namedValues, error) {
	var cols []namedValues
	for i := range measures {
		m := &measures[i]
		vals, err := env.AllOf(ctx, m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Name, err)
		}
		first := slices.IndexFunc(vals, func(v float64) bool { return !math.IsNaN(v) })
		if first < 0 {
			fmt.Fprintf(env.ErrOut, "note: %s is empty for every account; left out\n", m.Name)
			continue
		}
		if !slices.ContainsFunc(vals, func(v float64) bool { return !math.IsNaN(v) && v != vals[first] }) {
			fmt.Fprintf(env.ErrOut, "note: %s is %g for every account (it ranks no one above another); left out\n", m.Name, vals[first])
			continue
		}
		cols = append(cols, namedValues{m.Name, vals})
		if m.Name == "pagerank" && otherLayer {
			other, err := otherLayerPageRank(ctx, env)
			if err != nil {
				return nil, err
			}
			if other.vals != nil {
				cols = append(cols, other)
			}
		}
	}
	return cols, nil
}

// otherLayerPageRank is PageRank on the follow layer when the engagement
// layer is ranked, and on the engagement layer when follows are ranked and
// the database holds events; nil values when there is no other layer.
func otherLayerPageRank(ctx context.Context, env *MeasureEnv) (namedValues, error) {
	sel := env.Sel
	switch sel.LayerName {
	case "follow":
		has, err := env.Store.HasEvents(ctx, sel.Platform)
		if err != nil || !has {
			return namedValues{}, err
		}
		sel.LayerName = "engagement"
	case "engagement", "all":
		sel.LayerName = "follow"
	}
	// The warnings of this second settle were printed by the first.
	if err := sel.settle(ctx, env.Store, io.Discard); err != nil {
		return namedValues{}, err
	}
	other := newMeasureEnv(env.Store, sel, env.ErrOut, env.Verbose)
	if sel.LayerName == "follow" {
		// The follow layer is already loaded for followers and reach2:
		// share it rather than read it again (same key as Ranked's memo).
		if _, err := other.Memo("layer:ranked", func() (any, error) { return env.Follow(ctx) }); err != nil {
			return namedValues{}, err
		}
	}
	ranked, err := env.Ranked(ctx)
	if err != nil {
		return namedValues{}, err
	}
	ol, err := other.Ranked(ctx)
	if err != nil {
		return namedValues{}, err
	}
	if !slices.Equal(ol.IDs, ranked.IDs) {
		return namedValues{}, fmt.Errorf("the database changed while it was read (the two layers have different accounts); run the command again")
	}
	pr, err := other.PageRank(ctx)
	if err != nil {
		return namedValues{}, err
	}
	return namedValues{"pagerank_" + sel.LayerName, pr.Scores}, nil
}

// agreeAll compares every pair i < j of cols on both cores; out[i][j] is the
// agreement of cols[i] with cols[j] (symmetric).
func agreeAll(cols []namedValues, k int) [][]influence.Agreement {
	scores := make([]*influence.Scores, len(cols))
	out := make([][]influence.Agreement, len(cols))
	for i, c := range cols {
		scores[i] = influence.NewScores(c.vals)
		out[i] = make([]influence.Agreement, len(cols))
	}
	type pair struct{ i, j int }
	work := make(chan pair)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for p := range work {
				a := scores[p.i].Agree(scores[p.j], k)
				out[p.i][p.j], out[p.j][p.i] = a, a
			}
		})
	}
	for i := range cols {
		for j := i + 1; j < len(cols); j++ {
			work <- pair{i, j}
		}
	}
	close(work)
	wg.Wait()
	return out
}

func compareLongReport(cols []namedValues, agree [][]influence.Agreement) *Report {
	rep := &Report{Columns: []Column{{Name: "a"}, {Name: "b"}, {Name: "spearman", Number: true}, {Name: "kendall", Number: true},
		{Name: "topk_overlap", Number: true}, {Name: "n", Number: true}, {Name: "k", Number: true}}}
	for i := range cols {
		for j := i + 1; j < len(cols); j++ {
			a := agree[i][j]
			rep.Rows = append(rep.Rows, []Cell{cols[i].name, cols[j].name, floatCell(a.Spearman), floatCell(a.Kendall),
				floatCell(a.TopK), int64(a.N), int64(a.K)})
		}
	}
	return rep
}

func compareMatrixReport(cols []namedValues, agree [][]influence.Agreement, stat string) *Report {
	rep := &Report{Columns: []Column{{Name: stat}}, FloatDigits: 3}
	for _, c := range cols {
		rep.Columns = append(rep.Columns, Column{Name: c.name, Number: true})
	}
	for i := range cols {
		row := []Cell{cols[i].name}
		for j := range cols {
			if i == j {
				row = append(row, 1.0)
				continue
			}
			a := agree[i][j]
			v := a.Spearman
			switch stat {
			case "kendall":
				v = a.Kendall
			case "topk":
				v = a.TopK
			}
			row = append(row, floatCell(v))
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep
}
