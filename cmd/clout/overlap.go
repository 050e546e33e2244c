package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/influence"
	"github.com/spf13/cobra"
)

// OverlapOptions are the inputs of `clout overlap`.
type OverlapOptions struct {
	IO       *IOStreams
	DB       string
	Accounts []string
	// Top, when positive and no Accounts are given, compares the top N
	// accounts by the measure By (computed on the follow layer).
	Top      int
	By       string
	Platform string
	// Measure is the matrix cell of the table: jaccard, containment or shared.
	Measure string
	// ExactMax, Exact and SketchSize choose exact or MinHash pairs (see
	// influence.OverlapOptions).
	ExactMax   int
	Exact      bool
	SketchSize int
	Format     string
	Verbose    bool
}

var overlapMeasures = []string{"jaccard", "containment", "shared"}

func newOverlapCmd(f *Factory) *cobra.Command {
	opts := &OverlapOptions{}
	cmd := &cobra.Command{
		Use:   "overlap [ACCOUNT...]",
		Short: "Audience overlap: how many followers accounts share",
		Long: `Compare the follower sets (the accounts in the data that follow each one) of
several accounts, named or the top N by a measure (--top N --by pagerank, on
the follow layer). For accounts a and b with follower sets A and B:

  shared       |A ∩ B|
  jaccard      |A ∩ B| / |A ∪ B|   (empty when both have no followers)
  containment  |A ∩ B| / |A|       the share of a's followers who also follow b
                                   (empty when a has no followers)

A pair is exact when the smaller set has at most --exact-max followers (a
merge of the two sorted follower lists). Beyond that it is estimated with
one-permutation MinHash of --sketch-size bins (Li, Owen, Zhang 2012, with
Shrivastava's 2017 optimal densification), standard error of the Jaccard
index about √(J(1−J)/K): 0.016 at J = 0.5 with K = 1024; shared is then
Ĵ(|A|+|B|)/(1+Ĵ). The method column says which was used; --exact forces exact
counts everywhere.

The table is the matrix of --measure (row a, column b; containment reads "the
share of the row's followers who also follow the column"). CSV, TSV and JSON
are the long form, one row per ordered pair a ≠ b:
  a,b,jaccard,containment,shared,size_a,size_b,method`,
		Example: `  clout overlap dailykos.com atrios.blogspot.com talkingpointsmemo.com
  clout overlap --top 10 --format table
  clout overlap --top 20 --by followers --measure containment
  clout overlap --top 50 --format csv > overlap.csv`,
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return completeAccounts(cmd.Context(), f, toComplete)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB, opts.Accounts = f.IO, f.DBPath(), args
			return runOverlap(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Top, "top", 0, "compare the top `N` accounts by --by instead of named ones")
	fl.StringVar(&opts.By, "by", "pagerank", "measure that picks the --top accounts, on the follow layer ("+strings.Join(measureNames(allMeasures()), ", ")+")")
	fl.StringVar(&opts.Platform, "platform", "", "only accounts and follows of this `platform`")
	fl.StringVar(&opts.Measure, "measure", "jaccard", "table cell: jaccard, containment or shared")
	fl.IntVar(&opts.ExactMax, "exact-max", influence.DefaultExactMax, "count a pair exactly when the smaller follower set has at most `N` members, else estimate by MinHash")
	fl.BoolVar(&opts.Exact, "exact", false, "count every pair exactly, however large")
	fl.IntVar(&opts.SketchSize, "sketch-size", influence.DefaultMinHashK, "MinHash bins `K` for estimated pairs (standard error ≈ √(J(1−J)/K))")
	fl.StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print timings and how many pairs were estimated to stderr")
	cmd.RegisterFlagCompletionFunc("by", fixedCompletion(measureNames(allMeasures())...))
	cmd.RegisterFlagCompletionFunc("measure", fixedCompletion(overlapMeasures...))
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	cmd.RegisterFlagCompletionFunc("platform", fixedCompletion("bluesky", "mastodon", "twitter", "local"))
	return cmd
}

func runOverlap(ctx context.Context, opts *OverlapOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	measure := strings.ToLower(opts.Measure)
	if !slices.Contains(overlapMeasures, measure) {
		return usageErrorf("--measure %q: want jaccard, containment or shared", opts.Measure)
	}
	switch {
	case len(opts.Accounts) > 0 && opts.Top > 0:
		return usageErrorf("give ACCOUNTs or --top N, not both")
	case len(opts.Accounts) == 0 && opts.Top <= 0:
		return usageErrorf("overlap: name at least two ACCOUNTs, or give --top N (N ≥ 2)")
	case opts.Top == 1 || opts.Top < 0:
		return usageErrorf("--top must be at least 2, got %d", opts.Top)
	}
	if opts.SketchSize < 1 || opts.SketchSize > 1<<20 {
		return usageErrorf("--sketch-size must be between 1 and %d, got %d", 1<<20, opts.SketchSize)
	}
	if opts.ExactMax < 0 {
		return usageErrorf("--exact-max must be 0 or more, got %d", opts.ExactMax)
	}
	by, ok := findMeasure(allMeasures(), strings.ToLower(opts.By))
	if !ok {
		return usageErrorf("--by %q: want one of %s", opts.By, strings.Join(measureNames(allMeasures()), ", "))
	}

	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	sf := SelectionFlags{Layer: "follow", Weights: defaultWeights, Platform: opts.Platform, Damping: 0.85, Tol: 1e-10, MaxIter: 1000}
	sel, err := sf.parse(time.Now())
	if err != nil {
		return err
	}
	if err := sel.settle(ctx, s, opts.IO.ErrOut); err != nil {
		return err
	}
	env := newMeasureEnv(s, sel, opts.IO.ErrOut, opts.Verbose)
	t0 := time.Now()
	follow, err := env.Follow(ctx)
	if err != nil {
		return err
	}
	var nodes []uint32
	var infos []store.AccountInfo
	if opts.Top > 0 {
		if nodes, infos, err = rankNodes(ctx, env, by, opts.Top, nil); err != nil {
			return err
		}
	} else {
		seen := map[uint32]bool{}
		for _, name := range opts.Accounts {
			a, err := resolveAccount(ctx, s, name, opts.Platform)
			if err != nil {
				return err
			}
			v, ok := follow.Node(a.ID)
			if !ok {
				return fmt.Errorf("account %s is not in the follow graph%s", a.Label(), platformNote(opts.Platform))
			}
			if !seen[v] {
				seen[v] = true
				nodes, infos = append(nodes, v), append(infos, a)
			}
		}
		if len(nodes) < 2 {
			return usageErrorf("overlap: name at least two different accounts, got %d", len(nodes))
		}
	}
	exactMax := opts.ExactMax
	if opts.Exact {
		exactMax = math.MaxInt
	} else if exactMax == 0 {
		exactMax = -1 // 0 means: estimate every pair of non-empty sets
	}
	t1 := time.Now()
	ov, err := influence.OverlapMatrix(ctx, follow.Graph, nodes, influence.OverlapOptions{ExactMax: exactMax, K: opts.SketchSize})
	if err != nil {
		return err
	}
	estimated := 0
	for i := range ov {
		for j := range ov[i] {
			if i < j && !ov[i][j].Exact {
				estimated++
			}
		}
	}
	if opts.Verbose {
		pairs := len(nodes) * (len(nodes) - 1) / 2
		fmt.Fprintf(opts.IO.ErrOut, "overlap of %d accounts (%d pairs, %d exact, %d MinHash with K=%d) in %s; loading and ranking %s\n",
			len(nodes), pairs, pairs-estimated, estimated, opts.SketchSize, time.Since(t1).Round(time.Millisecond), t1.Sub(t0).Round(time.Millisecond))
	}
	if estimated > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "note: %d pair(s) estimated by MinHash (K=%d, standard error of Jaccard ≈ √(J(1−J)/K) ≤ %.3f); --exact counts them exactly\n",
			estimated, opts.SketchSize, 0.5/math.Sqrt(float64(opts.SketchSize)))
	}
	var rep *Report
	if format == FormatTable {
		rep = overlapMatrixReport(ov, infos, measure)
	} else {
		rep = overlapLongReport(ov, infos)
	}
	return rep.Render(opts.IO.Out, format)
}

// overlapLongReport is one row per ordered pair a ≠ b, in input order.
func overlapLongReport(ov [][]influence.Overlap, infos []store.AccountInfo) *Report {
	rep := &Report{Columns: []Column{{Name: "a"}, {Name: "b"}, {Name: "jaccard", Number: true}, {Name: "containment", Number: true},
		{Name: "shared", Number: true}, {Name: "size_a", Number: true}, {Name: "size_b", Number: true}, {Name: "method"}}}
	for i := range ov {
		for j := range ov[i] {
			if i == j {
				continue
			}
			o := ov[i][j]
			method := "exact"
			if !o.Exact {
				method = "minhash"
			}
			rep.Rows = append(rep.Rows, []Cell{infos[i].Label(), infos[j].Label(), floatCell(o.Jaccard), floatCell(o.ContainmentA),
				int64(math.Round(o.Shared)), int64(o.SizeA), int64(o.SizeB), method})
		}
	}
	return rep
}

// overlapMatrixReport is the matrix of one measure, with each account's
// follower count; estimated cells are marked with ~.
func overlapMatrixReport(ov [][]influence.Overlap, infos []store.AccountInfo, measure string) *Report {
	rep := &Report{Columns: []Column{{Name: measure}, {Name: "followers", Number: true}}, FloatDigits: 3}
	for _, a := range infos {
		rep.Columns = append(rep.Columns, Column{Name: a.Label(), Number: true})
	}
	for i := range ov {
		row := []Cell{infos[i].Label(), int64(ov[i][i].SizeA)}
		for j := range ov[i] {
			o := ov[i][j]
			var v float64
			switch measure {
			case "containment":
				v = o.ContainmentA
			case "shared":
				v = o.Shared
			default:
				v = o.Jaccard
			}
			var c Cell
			switch {
			case math.IsNaN(v):
				c = nil
			case measure == "shared" && o.Exact:
				c = int64(v)
			case measure == "shared":
				c = fmt.Sprintf("~%d", int64(math.Round(v)))
			case o.Exact:
				c = v
			default:
				c = "~" + fmt.Sprintf("%.3g", v)
			}
			row = append(row, c)
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep
}
