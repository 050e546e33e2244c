package main

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/clout-cli/clout/graph/store"
	"github.com/spf13/cobra"
)

// DiffOptions are the inputs of `clout diff`.
type DiffOptions struct {
	IO *IOStreams
	DB string
	// Runs are the two saved runs compared (A then B), unless Window is set.
	Runs []string
	// Window (--since) compares [now-Window, now) with the window before it.
	Window string
	Sel    SelectionFlags
	By     string
	Top    int
	Format string
	All    bool
	Now    func() time.Time
}

func newDiffCmd(f *Factory) *cobra.Command {
	opts := &DiffOptions{}
	cmd := &cobra.Command{
		Use:   "diff RUN_A RUN_B | diff --since AGE",
		Short: "Who rose, fell, entered and left the top between two rankings",
		Long: `Compare two rankings: the accounts that rose, fell, entered and left the top N,
with their rank in each and the change in every measure both hold (B − A).

With two saved runs (clout rank --save NAME; clout runs lists them; a run is
named by name or id), each run's saved rows are its ranking. With --since AGE
nothing is saved: the ranking of the window [now − AGE, now) is compared with
the one of the window before it, [now − 2·AGE, now − AGE), with the selection
flags of rank (--layer, --weights, --platform, --by, ...).

Rows: first the accounts of B's top N in B's order, then those that left
(A's order). change is rose, fell, same, entered or left; rank_change is
rank_a − rank_b (positive: moved up). Accounts unchanged are left out unless
--all.`,
		Example: `  clout rank --top 100 --save week47
  # ... a week of collecting later
  clout rank --top 100 --save week48
  clout diff week47 week48
  clout diff week47 week48 --top 20 --format csv > moves.csv
  clout diff --since 7d --layer engagement`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.Sel.Since != "" && len(args) > 0 {
				return usageErrorf("give either two runs or --since, not both")
			}
			if opts.Sel.Since == "" && len(args) != 2 {
				return usageErrorf("diff compares two saved runs (clout diff RUN_A RUN_B) or two windows (clout diff --since 7d); got %d argument(s)", len(args))
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return completeRuns(cmd.Context(), f), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB, opts.Runs = f.IO, f.DBPath(), args
			return runDiff(cmd.Context(), opts)
		},
	}
	opts.Sel.register(cmd)
	fl := cmd.Flags()
	// --since here is the window length; the selection's own --since and
	// --until do not apply.
	fl.Lookup("since").Usage = "compare the window of this `AGE` before now (7d, 24h) with the one before it, instead of two saved runs"
	fl.Lookup("until").Hidden = true
	fl.StringVar(&opts.By, "by", "pagerank", "measure that ranks the windows (--since only)")
	fl.IntVar(&opts.Top, "top", 20, "compare the top `N` of each ranking (0 = every saved row)")
	fl.StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	fl.BoolVar(&opts.All, "all", false, "also list accounts whose rank did not change")
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	cmd.RegisterFlagCompletionFunc("by", fixedCompletion(measureNames(allMeasures())...))
	return cmd
}

// ranked is one side of a diff: accounts in rank order with their values.
type ranked struct {
	measures []string
	rows     []store.RunRow
}

func runDiff(ctx context.Context, opts *DiffOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	if opts.Top < 0 {
		return usageErrorf("--top must be 0 (all) or more, got %d", opts.Top)
	}
	opts.Window = opts.Sel.Since
	if opts.Window == "" && len(opts.Runs) != 2 {
		return usageErrorf("diff compares two saved runs (clout diff RUN_A RUN_B) or two windows (clout diff --since 7d)")
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	var a, b ranked
	if opts.Window != "" {
		a, b, err = diffWindows(ctx, s, opts)
	} else {
		a, err = savedRanking(ctx, s, opts.Runs[0])
		if err == nil {
			b, err = savedRanking(ctx, s, opts.Runs[1])
		}
	}
	if err != nil {
		return err
	}
	rep, err := diffReport(ctx, s, a, b, opts.Top, opts.All)
	if err != nil {
		return err
	}
	if format == FormatTable {
		rep = readableDiff(rep)
	}
	return rep.Render(opts.IO.Out, format)
}

func savedRanking(ctx context.Context, s *store.Store, name string) (ranked, error) {
	r, err := s.FindRun(ctx, name)
	if err != nil {
		return ranked{}, err
	}
	rows, err := s.RunRows(ctx, r)
	if err != nil {
		return ranked{}, err
	}
	return ranked{measures: r.Measures, rows: rows}, nil
}

// diffWindows ranks the window [now-age, now) and the one before it.
func diffWindows(ctx context.Context, s *store.Store, opts *DiffOptions) (ranked, ranked, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	t := now()
	start, err := parseTime(opts.Window, t)
	if err != nil {
		return ranked{}, ranked{}, usageErrorf("--since: %v", err)
	}
	if !start.Before(t) {
		return ranked{}, ranked{}, usageErrorf("--since %s: want an age such as 7d or 24h", opts.Window)
	}
	age := t.Sub(start)
	measures := allMeasures()
	by, err := measureByName(measures, opts.By)
	if err != nil {
		return ranked{}, ranked{}, err
	}
	on, err := chooseMeasures(measures, "", by.Name)
	if err != nil {
		return ranked{}, ranked{}, err
	}
	side := func(from, to time.Time) (ranked, error) {
		flags := opts.Sel
		flags.Since, flags.Until = from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339)
		sel, err := flags.parse(t)
		if err != nil {
			return ranked{}, err
		}
		if sel.LayerName == "follow" {
			return ranked{}, usageErrorf("diff --since compares windows of interaction events; the follow layer has no time")
		}
		if sel.LayerName == "" {
			sel.LayerName = "engagement"
		}
		if err := sel.settle(ctx, s, opts.IO.ErrOut); err != nil {
			return ranked{}, err
		}
		env := newMeasureEnv(s, sel, opts.IO.ErrOut, false)
		nodes, infos, err := rankNodes(ctx, env, by, 0, nil)
		if err != nil {
			return ranked{}, err
		}
		if opts.Top > 0 && len(nodes) > 4*opts.Top {
			// Ranks beyond the top are only needed to say where an
			// account that entered or left came from.
			nodes, infos = nodes[:4*opts.Top], infos[:4*opts.Top]
		}
		cols, err := measureColumns(ctx, env, measures, on, nodes)
		if err != nil {
			return ranked{}, err
		}
		var r ranked
		r.measures, r.rows = rankingRows(measures, on, infos, cols)
		return r, nil
	}
	a, err := side(start.Add(-age), start)
	if err != nil {
		return ranked{}, ranked{}, err
	}
	b, err := side(start, t)
	return a, b, err
}

// diffReport lays out the moves between a and b within the top n.
func diffReport(ctx context.Context, s *store.Store, a, b ranked, n int, all bool) (*Report, error) {
	type entry struct {
		rank int
		vals []float64
	}
	index := func(r ranked) map[int64]entry {
		m := make(map[int64]entry, len(r.rows))
		for _, row := range r.rows {
			m[row.Account] = entry{row.Rank, row.Values}
		}
		return m
	}
	ia, ib := index(a), index(b)
	inTop := func(rank int) bool { return n == 0 || rank <= n }
	// The measures both sides hold, in B's order.
	var common []string
	var ja, jb []int
	for j, m := range b.measures {
		if i := slices.Index(a.measures, m); i >= 0 {
			common, ja, jb = append(common, m), append(ja, i), append(jb, j)
		}
	}
	type line struct {
		account      int64
		change       string
		rankA, rankB int // 0 = not ranked
		order        [2]int
	}
	var lines []line
	for _, row := range b.rows {
		if !inTop(row.Rank) {
			continue
		}
		l := line{account: row.Account, rankB: row.Rank, order: [2]int{0, row.Rank}}
		ea, ok := ia[row.Account]
		switch {
		case ok && inTop(ea.rank):
			l.rankA = ea.rank
			l.change = "same"
			if ea.rank > row.Rank {
				l.change = "rose"
			} else if ea.rank < row.Rank {
				l.change = "fell"
			}
		case ok:
			l.rankA, l.change = ea.rank, "entered"
		default:
			l.change = "entered"
		}
		if l.change != "same" || all {
			lines = append(lines, l)
		}
	}
	for _, row := range a.rows {
		if !inTop(row.Rank) {
			continue
		}
		eb, ok := ib[row.Account]
		if ok && inTop(eb.rank) {
			continue
		}
		l := line{account: row.Account, rankA: row.Rank, change: "left", order: [2]int{1, row.Rank}}
		if ok {
			l.rankB = eb.rank
		}
		lines = append(lines, l)
	}
	slices.SortStableFunc(lines, func(x, y line) int {
		if c := cmp.Compare(x.order[0], y.order[0]); c != 0 {
			return c
		}
		return cmp.Compare(x.order[1], y.order[1])
	})
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.account
	}
	infos, err := s.Accounts(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("a saved run names an account the database no longer holds: %w", err)
	}
	rep := &Report{Columns: []Column{{Name: "account"}, {Name: "name"}, {Name: "platform"}, {Name: "change"},
		{Name: "rank_a", Number: true}, {Name: "rank_b", Number: true}, {Name: "rank_change", Number: true}}}
	for _, m := range common {
		rep.Columns = append(rep.Columns, Column{Name: m, Number: true}, Column{Name: m + "_change", Number: true})
	}
	rankCell := func(r int) Cell {
		if r == 0 {
			return nil
		}
		return int64(r)
	}
	for i, l := range lines {
		var delta Cell
		if l.rankA > 0 && l.rankB > 0 {
			delta = int64(l.rankA - l.rankB)
		}
		row := []Cell{infos[i].Label(), infos[i].Name, infos[i].Platform, l.change, rankCell(l.rankA), rankCell(l.rankB), delta}
		for k := range common {
			va, vb := math.NaN(), math.NaN()
			if e, ok := ia[l.account]; ok {
				va = e.vals[ja[k]]
			}
			if e, ok := ib[l.account]; ok {
				vb = e.vals[jb[k]]
			}
			cur := vb
			if math.IsNaN(cur) {
				cur = va
			}
			row = append(row, floatCell(cur), floatCell(vb-va))
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep, nil
}

// readableDiff keeps, for a terminal, the measures that changed for some
// row (a value and its change), and the name column only when some account
// has a name. CSV and JSON keep every column.
func readableDiff(rep *Report) *Report {
	keep := make([]bool, len(rep.Columns))
	for i := range keep {
		keep[i] = i < 7
	}
	keep[1] = slices.ContainsFunc(rep.Rows, func(r []Cell) bool { return r[1] != "" })
	for i := 7; i+1 < len(rep.Columns); i += 2 {
		changed := slices.ContainsFunc(rep.Rows, func(r []Cell) bool {
			v, ok := r[i+1].(float64)
			return ok && v != 0
		})
		keep[i], keep[i+1] = changed, changed
	}
	return rep.keepColumns(keep)
}

// floatCell is a value as a cell, nil when empty.
func floatCell(v float64) Cell {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// completeRuns lists saved run names for shell completion.
func completeRuns(ctx context.Context, f *Factory) []string {
	s, err := store.Open(ctx, f.DBPath(), store.Options{MustExist: true})
	if err != nil {
		return nil
	}
	defer s.Close()
	runs, err := s.Runs(ctx)
	if err != nil {
		return nil
	}
	var names []string
	for _, r := range runs {
		names = append(names, r.Name)
	}
	return names
}
