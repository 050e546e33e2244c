package main

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/store"
	"github.com/spf13/cobra"
)

// ExplainOptions are the inputs of `clout explain`.
type ExplainOptions struct {
	IO      *IOStreams
	DB      string
	Account string
	Sel     SelectionFlags
	// Top is how many in-neighbours are listed by their PageRank contribution.
	Top int
	// Measures chooses the measures as rank's --measures does.
	Measures string
	Format   string
	Verbose  bool
	Now      func() time.Time
}

func newExplainCmd(f *Factory) *cobra.Command {
	opts := &ExplainOptions{}
	cmd := &cobra.Command{
		Use:   "explain ACCOUNT",
		Short: "Why an account ranks where it does: every measure, who feeds its PageRank",
		Long: `Explain one account's row of rank, for the same selection (layer, weights,
window, platform, PageRank parameters):

  window       the layer ranked, the event window and the kind weights used
  account      key, handle, platform, name
  measure      every measure rank has, with the account's value, its
               percentile (the percentage of accounts with a value at most
               this one: 100 is the top) and its rank (1 + the accounts with a
               higher value) among the accounts that have one
  pagerank_in  the in-neighbours that contribute most to its PageRank: u's
               share is x(u)·w(u,v)/out(u)·d (x = PageRank, w(u,v) the edge
               weight, out(u) u's out-weight, d the damping), the rest being
               teleport and dangling mass; share = part of the account's PageRank
  engagement   the interaction events it received in the window, per kind,
               with each kind's share and weight
  follow       followers and following in the data, their ratio, and the
               counts the platform reported

Coreness, community and the other measures of the list appear under
"measure" as soon as rank has them; --measures chooses as rank's does (the
default leaves out the on-demand ones, "all" takes every one). CSV, TSV and JSON carry the same rows:
  section,item,value,share,percentile,rank,note`,
		Example: `  clout explain dailykos.com
  clout explain @alice.bsky.social --layer engagement --since 30d
  clout explain instapundit.com --top 20 --format json`,
		Args: minArgs(1, "ACCOUNT"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return completeAccounts(cmd.Context(), f, toComplete)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf("explain takes one ACCOUNT, got %d", len(args))
			}
			opts.IO, opts.DB, opts.Account = f.IO, f.DBPath(), args[0]
			return runExplain(cmd.Context(), opts)
		},
	}
	opts.Sel.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&opts.Measures, "measures", "", "measures to show (comma separated names, or all); default every measure but the on-demand ones")
	fl.IntVar(&opts.Top, "top", 10, "list the `N` in-neighbours that contribute most to its PageRank")
	fl.StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print timings to stderr")
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	return cmd
}

// explainRow is one line of the explanation; nil cells are empty.
type explainRow struct {
	section, item                string
	value, share, percentile, rk Cell
	note                         string
}

func runExplain(ctx context.Context, opts *ExplainOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	sel, err := parseSelection(&opts.Sel, opts.Now)
	if err != nil {
		return err
	}
	if opts.Top < 0 {
		return usageErrorf("--top must be 0 or more, got %d", opts.Top)
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := sel.settle(ctx, s, opts.IO.ErrOut); err != nil {
		return err
	}
	acc, err := resolveAccount(ctx, s, opts.Account, sel.Platform)
	if err != nil {
		return err
	}
	env := newMeasureEnv(s, sel, opts.IO.ErrOut, opts.Verbose)
	l, err := env.Ranked(ctx)
	if err != nil {
		return err
	}
	v, ok := l.Node(acc.ID)
	if !ok {
		return fmt.Errorf("account %s is not in the %s layer%s", acc.Label(), sel.LayerName, platformNote(sel.Platform))
	}

	rows := windowRows(sel)
	rows = append(rows,
		explainRow{section: "account", item: "account", value: acc.Label()},
		explainRow{section: "account", item: "key", value: acc.Key},
		explainRow{section: "account", item: "platform", value: acc.Platform})
	if acc.Name != "" {
		rows = append(rows, explainRow{section: "account", item: "name", value: acc.Name})
	}
	ms, err := pickMeasures(allMeasures(), opts.Measures)
	if err != nil {
		return err
	}
	for i := range ms {
		vals, err := env.AllOf(ctx, &ms[i])
		if err != nil {
			return fmt.Errorf("%s: %w", ms[i].Name, err)
		}
		rows = append(rows, measureRow(ms[i], vals, v))
	}
	contrib, err := pagerankContributions(ctx, env, v, opts.Top)
	if err != nil {
		return err
	}
	rows = append(rows, contrib...)
	eng, err := engagementRows(ctx, s, sel, acc.ID)
	if err != nil {
		return err
	}
	rows = append(rows, eng...)
	fol, err := followRows(ctx, env, v, acc)
	if err != nil {
		return err
	}
	rows = append(rows, fol...)

	rep := &Report{Columns: []Column{{Name: "section"}, {Name: "item"}, {Name: "value", Number: true}, {Name: "share", Number: true},
		{Name: "percentile", Number: true}, {Name: "rank", Number: true}, {Name: "note"}}}
	for _, r := range rows {
		rep.Rows = append(rep.Rows, []Cell{r.section, r.item, r.value, r.share, r.percentile, r.rk, r.note})
	}
	return rep.Render(opts.IO.Out, format)
}

func windowRows(sel Selection) []explainRow {
	timeCell := func(t time.Time) Cell {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format(time.RFC3339)
	}
	var w []string
	for _, k := range graph.Kinds() {
		if sel.Layer.Weights[k] > 0 {
			w = append(w, fmt.Sprintf("%s=%g", k, sel.Layer.Weights[k]))
		}
	}
	rows := []explainRow{
		{section: "window", item: "layer", value: sel.LayerName, note: strings.Join(w, ",")},
		{section: "window", item: "since", value: timeCell(sel.Since), note: "events at or after (empty: no bound)"},
		{section: "window", item: "until", value: timeCell(sel.Until), note: "events before (empty: no bound)"},
		{section: "window", item: "damping", value: sel.Damping},
	}
	if sel.Platform != "" {
		rows = append(rows, explainRow{section: "window", item: "platform", value: sel.Platform})
	}
	return rows
}

// measureRow is v's value of m with its percentile and rank among the
// accounts that have a value.
func measureRow(m Measure, vals []float64, v uint32) explainRow {
	r := explainRow{section: "measure", item: m.Name, note: m.Doc}
	x := vals[v]
	if math.IsNaN(x) {
		return r
	}
	var n, atMost, higher int
	for _, y := range vals {
		if math.IsNaN(y) {
			continue
		}
		n++
		if y <= x {
			atMost++
		} else {
			higher++
		}
	}
	r.value = measureCell(m, x)
	r.percentile = 100 * float64(atMost) / float64(n)
	r.rk = int64(higher + 1)
	r.note = fmt.Sprintf("of %d accounts with a value", n)
	return r
}

// pagerankContributions lists the top in-neighbours u of v by their share
// of v's PageRank, x(u)·w(u,v)/out(u)·d, and the remainder (teleport and
// dangling mass).
func pagerankContributions(ctx context.Context, env *MeasureEnv, v uint32, top int) ([]explainRow, error) {
	l, err := env.Ranked(ctx)
	if err != nil {
		return nil, err
	}
	pr, err := env.PageRank(ctx)
	if err != nil {
		return nil, err
	}
	g := l.Graph
	d := env.Sel.Damping
	nbrs, w := g.In(v)
	type part struct {
		u      uint32
		weight float64
		c      float64
	}
	parts := make([]part, len(nbrs))
	var sum float64
	for i, u := range nbrs {
		wt := 1.0
		if w != nil {
			wt = float64(w[i])
		}
		c := pr.Scores[u] * wt / g.OutWeight(u) * d
		parts[i] = part{u, wt, c}
		sum += c
	}
	slices.SortFunc(parts, func(a, b part) int {
		if c := cmp.Compare(b.c, a.c); c != 0 {
			return c
		}
		return cmp.Compare(l.IDs[a.u], l.IDs[b.u])
	})
	parts = parts[:min(top, len(parts))]
	nodes := make([]uint32, len(parts))
	for i, p := range parts {
		nodes[i] = p.u
	}
	infos, err := env.Infos(ctx, nodes)
	if err != nil {
		return nil, err
	}
	x := pr.Scores[v]
	var rows []explainRow
	for i, p := range parts {
		rows = append(rows, explainRow{section: "pagerank_in", item: infos[i].Label(), value: p.c, share: p.c / x,
			note: fmt.Sprintf("weight %g of out-weight %g; its pagerank %.4g", p.weight, g.OutWeight(p.u), pr.Scores[p.u])})
	}
	rows = append(rows,
		explainRow{section: "pagerank_in", item: "(all in-neighbours)", value: sum, share: sum / x, note: fmt.Sprintf("%d in-neighbours", len(nbrs))},
		explainRow{section: "pagerank_in", item: "(teleport and dangling)", value: x - sum, share: (x - sum) / x, note: "(1−d)·v(w) plus the dangling mass d·Σ x(dangling)·v(w)"})
	return rows, nil
}

// engagementRows are the events received in the window, per kind.
func engagementRows(ctx context.Context, s *store.Store, sel Selection, id int64) ([]explainRow, error) {
	got, err := s.Received(ctx, id, sel.Since, sel.Until)
	if err != nil {
		return nil, err
	}
	var total int64
	var weighted float64
	for k, n := range got {
		total += n
		weighted += float64(n) * sel.Weights[k]
	}
	var rows []explainRow
	for _, k := range graph.InteractionKinds() {
		n := got[k]
		r := explainRow{section: "engagement", item: k.String(), value: n, note: fmt.Sprintf("weight %g", sel.Weights[k])}
		if total > 0 {
			r.share = float64(n) / float64(total)
		}
		rows = append(rows, r)
	}
	rows = append(rows, explainRow{section: "engagement", item: "(total)", value: total, note: fmt.Sprintf("weighted %g", weighted)})
	return rows, nil
}

// followRows are follower and following counts in the data and as reported.
func followRows(ctx context.Context, env *MeasureEnv, v uint32, a store.AccountInfo) ([]explainRow, error) {
	f, err := env.Follow(ctx)
	if err != nil {
		return nil, err
	}
	followers, following := f.Graph.InDegree(v), f.Graph.OutDegree(v)
	ratio := explainRow{section: "follow", item: "followers/following", note: "in the data; empty when it follows no one"}
	if following > 0 {
		ratio.value = float64(followers) / float64(following)
	}
	rows := []explainRow{
		{section: "follow", item: "followers", value: int64(followers), note: "accounts in the data that follow it"},
		{section: "follow", item: "following", value: int64(following), note: "accounts in the data it follows"},
		ratio,
	}
	rep := func(item string, n int64) explainRow {
		r := explainRow{section: "follow", item: item, note: "as the platform reported (empty: not reported)"}
		if n >= 0 {
			r.value = n
		}
		return r
	}
	return append(rows, rep("reported_followers", a.Followers), rep("reported_following", a.Following)), nil
}
