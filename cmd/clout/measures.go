package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/influence"
)

// Need says which data a measure is computed from.
type Need uint8

// The inputs a measure can need.
const (
	// NeedRanked: the layer being ranked (--layer, --weights, window).
	NeedRanked Need = iota
	// NeedFollow: the follow layer, whatever layer is ranked.
	NeedFollow
	// NeedEvents: the interaction events and posts of the window.
	NeedEvents
	// NeedAccount: what the platform reported of the account.
	NeedAccount
)

func (n Need) String() string {
	return [...]string{"ranked layer", "follow layer", "events", "account"}[n]
}

// Measure is one numeric column of `clout rank`, and of every command that
// shows measures (compare, explain, export, report). The list allMeasures
// returns is the CSV/JSON column contract: append only.
type Measure struct {
	// Name is the column name and the --by value.
	Name string
	// Doc is the definition in one line, for --help.
	Doc string
	// Needs is the data the measure is computed from.
	Needs Need
	// Int prints the value as an integer.
	Int bool
	// Table reports whether the terminal table shows the column when the
	// layer named layerName is ranked; nil means always. CSV and JSON carry
	// every column.
	Table func(layerName string) bool
	// All computes the value of every node, in the env's node order; NaN
	// means empty (unknown, or undefined for that account).
	All func(ctx context.Context, env *MeasureEnv) ([]float64, error)
	// OnDemand measures cost much more than the others (communities on a
	// large graph): rank computes them only when named by --by or
	// --measures; otherwise their column is empty.
	OnDemand bool
	// Costly measures (several passes over the graph) are computed by
	// default only while the ranked layer has at most costlyEdges edges;
	// beyond, only when named, so that a plain rank of a large graph stays
	// as fast as PageRank.
	Costly bool
	// Rows, when set, computes the values of a few nodes only, for when the
	// printed rows are all that is needed and All would cost much more.
	Rows func(ctx context.Context, env *MeasureEnv, nodes []uint32) ([]float64, error)
}

// allMeasures lists every measure in column order. Groups are appended,
// never reordered: the order is the CSV contract of `clout rank`.
func allMeasures() []Measure {
	return slices.Concat(coreMeasures(), engagementMeasures(), structureMeasures(), []Measure{communityMeasure()})
}

// chooseMeasures resolves --measures: "" means every measure but the
// on-demand ones, "all" every measure, else a comma-separated list of names.
// Measures not chosen keep their column, empty. by is always computed.
func chooseMeasures(ms []Measure, list string, by string) ([]bool, error) {
	on := make([]bool, len(ms))
	switch strings.TrimSpace(strings.ToLower(list)) {
	case "":
		for i, m := range ms {
			on[i] = !m.OnDemand
		}
	case "all":
		for i := range ms {
			on[i] = true
		}
	default:
		for _, name := range strings.Split(list, ",") {
			name = strings.TrimSpace(strings.ToLower(name))
			i := slices.IndexFunc(ms, func(m Measure) bool { return m.Name == name })
			if i < 0 {
				return nil, usageErrorf("--measures: unknown measure %q; want all, or some of %s", name, strings.Join(measureNames(ms), ", "))
			}
			on[i] = true
		}
	}
	for i, m := range ms {
		if m.Name == by {
			on[i] = true
		}
	}
	return on, nil
}

// costlyEdges is the layer size up to which the costly measures are
// computed without being asked: a few hundred milliseconds each.
const costlyEdges = 2_000_000

// deferCostly turns off the costly measures the user did not name (list is
// --measures) when the ranked layer is large, and says so once on stderr.
//
// allRows says whether every account's value is needed (export, report);
// otherwise a costly measure that can compute the printed rows alone (Rows)
// is kept.
func deferCostly(ctx context.Context, env *MeasureEnv, ms []Measure, on []bool, list, by string, allRows bool) error {
	if strings.TrimSpace(list) != "" {
		return nil
	}
	l, err := env.Ranked(ctx)
	if err != nil {
		return err
	}
	if l.Graph.M() <= costlyEdges {
		return nil
	}
	var off []string
	for i, m := range ms {
		if m.Costly && on[i] && m.Name != by && (allRows || m.Rows == nil) {
			on[i] = false
			off = append(off, m.Name)
		}
	}
	if len(off) > 0 {
		fmt.Fprintf(env.ErrOut, "note: %s not computed on a layer of %d edges (their columns are empty); name them with --measures, or --measures all\n",
			strings.Join(off, ", "), l.Graph.M())
	}
	return nil
}

// findMeasure returns the measure called name.
func findMeasure(ms []Measure, name string) (Measure, bool) {
	for _, m := range ms {
		if m.Name == name {
			return m, true
		}
	}
	return Measure{}, false
}

func measureNames(ms []Measure) []string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return names
}

// values computes m for nodes: through Rows where the measure has it and
// only a few nodes are wanted, else through All (memoized, so a measure that
// sorted the ranking is not computed twice).
func (m *Measure) values(ctx context.Context, env *MeasureEnv, nodes []uint32) ([]float64, error) {
	if m.Rows != nil && !env.HasAll(m.Name) {
		l, err := env.Ranked(ctx)
		if err != nil {
			return nil, err
		}
		// A few rows: computed alone; most of the graph: All is cheaper.
		if len(nodes) <= l.Graph.N()/8 {
			return m.Rows(ctx, env, nodes)
		}
	}
	all, err := env.AllOf(ctx, m)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(nodes))
	for i, v := range nodes {
		out[i] = all[v]
	}
	return out, nil
}

// MeasureEnv is a selection together with its inputs, loaded on first use and
// shared by the measures: the two layers, PageRank, account attributes.
type MeasureEnv struct {
	Store   *store.Store
	Sel     Selection
	ErrOut  io.Writer
	Verbose bool
	memo    map[string]any
}

func newMeasureEnv(s *store.Store, sel Selection, errOut io.Writer, verbose bool) *MeasureEnv {
	return &MeasureEnv{Store: s, Sel: sel, ErrOut: errOut, Verbose: verbose, memo: map[string]any{}}
}

// Memo returns the value stored under key, computing it with f the first
// time. Measures that come from one computation (HITS authority and hub)
// share it through here.
func (e *MeasureEnv) Memo(key string, f func() (any, error)) (any, error) {
	if v, ok := e.memo[key]; ok {
		return v, nil
	}
	v, err := f()
	if err != nil {
		return nil, err
	}
	e.memo[key] = v
	return v, nil
}

// HasAll reports whether m's values for every node are already computed.
func (e *MeasureEnv) HasAll(name string) bool {
	_, ok := e.memo["all:"+name]
	return ok
}

// AllOf returns m's value for every node, computed once.
func (e *MeasureEnv) AllOf(ctx context.Context, m *Measure) ([]float64, error) {
	v, err := e.Memo("all:"+m.Name, func() (any, error) {
		t := time.Now()
		vals, err := m.All(ctx, e)
		if err == nil && e.Verbose && m.Name != "pagerank" {
			fmt.Fprintf(e.ErrOut, "%s of every account in %s\n", m.Name, time.Since(t).Round(time.Millisecond))
		}
		return vals, err
	})
	if err != nil {
		return nil, err
	}
	return v.([]float64), nil
}

// Ranked returns the layer being ranked. Its node order is the order of
// every measure's values.
func (e *MeasureEnv) Ranked(ctx context.Context) (*store.Loaded, error) {
	v, err := e.Memo("layer:ranked", func() (any, error) {
		t := time.Now()
		l, err := e.Store.LoadGraph(ctx, e.Sel.Layer)
		if err != nil {
			return nil, err
		}
		if e.Verbose {
			fmt.Fprintf(e.ErrOut, "layer %s: %d accounts, %d edges; loaded in %s\n", e.Sel.LayerName, l.Graph.N(), l.Graph.M(), time.Since(t).Round(time.Millisecond))
		}
		if l.SkippedUntimed > 0 {
			fmt.Fprintf(e.ErrOut, "warning: %d events without a time were left out by --since/--until\n", l.SkippedUntimed)
		}
		return l, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*store.Loaded), nil
}

// Follow returns the follow layer, in the same node order as Ranked.
func (e *MeasureEnv) Follow(ctx context.Context) (*store.Loaded, error) {
	if e.Sel.LayerName == "follow" {
		return e.Ranked(ctx)
	}
	v, err := e.Memo("layer:follow", func() (any, error) {
		r, err := e.Ranked(ctx)
		if err != nil {
			return nil, err
		}
		f, err := e.Store.LoadGraph(ctx, e.Sel.followLayer())
		if err != nil {
			return nil, err
		}
		if !slices.Equal(f.IDs, r.IDs) {
			return nil, fmt.Errorf("the database changed while it was read (the two layers have different accounts); run the command again")
		}
		return f, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*store.Loaded), nil
}

// Teleport returns PageRank's personalization vector: nil (uniform) unless
// seeds were chosen.
func (e *MeasureEnv) Teleport(ctx context.Context) ([]float64, error) {
	if len(e.Sel.SeedIDs) == 0 {
		return nil, nil
	}
	l, err := e.Ranked(ctx)
	if err != nil {
		return nil, err
	}
	v := make([]float64, l.Graph.N())
	any := false
	for _, id := range e.Sel.SeedIDs {
		if n, ok := l.Node(id); ok {
			v[n] = 1
			any = true
		}
	}
	if !any {
		return nil, fmt.Errorf("none of the seed accounts is in the ranked graph%s", platformNote(e.Sel.Platform))
	}
	return v, nil
}

// PageRank returns PageRank on the ranked layer.
func (e *MeasureEnv) PageRank(ctx context.Context) (influence.PageRankResult, error) {
	v, err := e.Memo("pagerank", func() (any, error) {
		l, err := e.Ranked(ctx)
		if err != nil {
			return nil, err
		}
		tele, err := e.Teleport(ctx)
		if err != nil {
			return nil, err
		}
		g := l.Graph
		t := time.Now()
		pr, err := influence.PageRank(ctx, g, influence.PageRankOptions{Damping: e.Sel.Damping, Tol: e.Sel.Tol, MaxIter: e.Sel.MaxIter, Teleport: tele})
		if err != nil {
			return nil, err
		}
		if !pr.Converged {
			fmt.Fprintf(e.ErrOut, "warning: PageRank did not converge in %d iterations (L1 change %.3g > --tol %g); raise --max-iter\n",
				pr.Iterations, pr.Residual, e.Sel.Tol)
		}
		if e.Verbose {
			fmt.Fprintf(e.ErrOut, "pagerank: %d iterations, L1 residual %.3g, %s (iterations %s: %.2f ns per edge per iteration)\n",
				pr.Iterations, pr.Residual, time.Since(t).Round(time.Millisecond), pr.IterTime.Round(time.Millisecond), nsPerEdgeIter(pr.IterTime, g.M(), pr.Iterations))
		}
		return pr, nil
	})
	if err != nil {
		return influence.PageRankResult{}, err
	}
	return v.(influence.PageRankResult), nil
}

// Infos returns the account attributes of nodes.
func (e *MeasureEnv) Infos(ctx context.Context, nodes []uint32) ([]store.AccountInfo, error) {
	l, err := e.Ranked(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(nodes))
	for i, n := range nodes {
		ids[i] = l.IDs[n]
	}
	return e.Store.Accounts(ctx, ids)
}

// AllInfos returns every node's account attributes, read once.
func (e *MeasureEnv) AllInfos(ctx context.Context) ([]store.AccountInfo, error) {
	v, err := e.Memo("infos", func() (any, error) {
		l, err := e.Ranked(ctx)
		if err != nil {
			return nil, err
		}
		infos := make([]store.AccountInfo, l.Graph.N())
		err = e.Store.AllAccounts(ctx, e.Sel.Platform, func(a store.AccountInfo) error {
			if n, ok := l.Node(a.ID); ok {
				infos[n] = a
			}
			return nil
		})
		return infos, err
	})
	if err != nil {
		return nil, err
	}
	return v.([]store.AccountInfo), nil
}

// always shows a column in every table; onFollow and onEngagement only when
// the layer holds that kind of edge.
func always(string) bool         { return true }
func onFollow(layer string) bool { return layer == "follow" || layer == "all" }
func onEvents(layer string) bool { return layer == "engagement" || layer == "all" }
func never(string) bool          { return false }

// nodesOf returns 0..n-1.
func allNodes(n int) []uint32 {
	nodes := make([]uint32, n)
	for i := range nodes {
		nodes[i] = uint32(i)
	}
	return nodes
}
