package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/influence"
	"github.com/spf13/cobra"
)

// PickOptions are the inputs of `clout pick`.
type PickOptions struct {
	IO          *IOStreams
	DB          string
	K           int
	Model       string
	Hops        int
	Reach       string
	P           float64
	Prob        string
	Epsilon     float64
	Ell         float64
	RandomSeed  uint64
	Budget      float64
	CostFile    string
	Include     []string
	Exclude     []string
	Platform    string
	Simulations int
	Format      string
	Verbose     bool
}

func newPickCmd(f *Factory) *cobra.Command {
	opts := &PickOptions{}
	cmd := &cobra.Command{
		Use:   "pick",
		Short: "Choose k accounts that together reach the most people",
		Long: `Choose a set of accounts that together reach the most people: ten accounts
from one cluster reach the same audience ten times, so a shortlist is a
coverage problem, not the top ten of a ranking.

--model coverage (default): greedy maximum coverage of the union of audiences.
The audience of an account is its followers (--hops 1) or its followers and
their followers, the account itself excluded (--hops 2, as reach2). Lazy
greedy (CELF): within 1 − 1/e of the best set of the same size. Exact sets
while the work Σ over accounts of (followers + their followers' followers)
is at most 2^30, else (or with --reach sketch) chosen on a sample of 2^17
accounts, relative standard error √((1−f)/(f·2^17)) for a coverage share f;
the printed reach is always exact.

--model ic: independent cascade. A cascade spreads from an account to its
followers, each follower activated once with probability p; --prob fixed
(p = --p), wc (weighted cascade: 1 / the number of accounts the follower
follows), or engagement (p = (acted + 1) / (posts + 100): of the posts of the
followed account that drew any engagement, the share the follower acted on,
under a Beta(1, 99) prior). Seeds by IMM (Tang, Shi, Xiao 2015): within
1 − 1/e − ε of the best expected spread with probability 1 − 1/n^ℓ. The
spread and its 95% interval are re-estimated by --simulations Monte-Carlo
runs.

--budget B with --cost FILE (CSV lines account,cost): the summed cost stays
within B; the better of the unit-cost and the benefit/cost greedy is kept
(Leskovec et al. 2007). Accounts not in FILE are not candidates.

CSV columns: rank,account,name,platform,marginal_gain,reach,cost (coverage)
or rank,account,name,platform,marginal_gain,spread,ci_low,ci_high,cost (ic)`,
		Example: `  clout pick --k 10
  clout pick --k 5 --hops 1 --exclude dailykos.com --include atrios.blogspot.com
  clout pick --k 50 --model ic --p 0.01 --random-seed 7
  clout pick --model ic --prob wc --k 20 --format json
  clout pick --model ic --prob engagement --k 10 --platform bluesky
  clout pick --budget 10000 --cost prices.csv --k 0`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			return runPick(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.K, "k", 10, "pick at most `N` accounts (0 = as many as --budget allows)")
	fl.StringVar(&opts.Model, "model", "coverage", "what to maximize: coverage (audience union) or ic (independent cascade spread)")
	fl.IntVar(&opts.Hops, "hops", 2, "coverage audience: 1 (followers) or 2 (followers and their followers)")
	fl.StringVar(&opts.Reach, "reach", "auto", "coverage sets: exact, sketch, or auto (exact while the work fits)")
	fl.StringVar(&opts.Prob, "prob", "fixed", "ic edge probabilities: fixed (--p), wc (weighted cascade) or engagement")
	fl.Float64Var(&opts.P, "p", 0.01, "ic probability of every edge with --prob fixed, in (0, 1]")
	fl.Float64Var(&opts.Epsilon, "epsilon", influence.DefaultEpsilon, "IMM accuracy ε: within 1 − 1/e − ε of the optimum")
	fl.Float64Var(&opts.Ell, "ell", influence.DefaultEll, "IMM confidence ℓ: the guarantee holds with probability 1 − 1/n^ℓ")
	fl.Uint64Var(&opts.RandomSeed, "random-seed", 1, "seed of the random sampling (same seed, same picks)")
	fl.Float64Var(&opts.Budget, "budget", 0, "total cost allowed (needs --cost)")
	fl.StringVar(&opts.CostFile, "cost", "", "CSV `FILE` of account,cost lines")
	fl.StringSliceVar(&opts.Include, "include", nil, "`ACCOUNT`s that must be picked (first, in this order)")
	fl.StringSliceVar(&opts.Exclude, "exclude", nil, "`ACCOUNT`s never picked")
	fl.StringVar(&opts.Platform, "platform", "", "only accounts of this `platform`")
	fl.IntVar(&opts.Simulations, "simulations", 1000, "ic Monte-Carlo runs for the spread and its confidence interval")
	fl.StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print the method, sample sizes and timings to stderr")
	cmd.RegisterFlagCompletionFunc("model", fixedCompletion("coverage", "ic"))
	cmd.RegisterFlagCompletionFunc("hops", fixedCompletion("1", "2"))
	cmd.RegisterFlagCompletionFunc("reach", fixedCompletion("auto", "exact", "sketch"))
	cmd.RegisterFlagCompletionFunc("prob", fixedCompletion("fixed", "wc", "engagement"))
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	cmd.RegisterFlagCompletionFunc("platform", fixedCompletion("bluesky", "mastodon", "twitter", "local"))
	for _, name := range []string{"include", "exclude"} {
		cmd.RegisterFlagCompletionFunc(name, func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return completeAccounts(cmd.Context(), f, toComplete)
		})
	}
	return cmd
}

func (o *PickOptions) validate() error {
	o.Model, o.Prob, o.Reach = strings.ToLower(o.Model), strings.ToLower(o.Prob), strings.ToLower(o.Reach)
	switch {
	case o.Model != "coverage" && o.Model != "ic":
		return usageErrorf("--model %q: want coverage or ic", o.Model)
	case o.Hops != 1 && o.Hops != 2:
		return usageErrorf("--hops must be 1 or 2, got %d", o.Hops)
	case o.Reach != "auto" && o.Reach != "exact" && o.Reach != "sketch":
		return usageErrorf("--reach %q: want auto, exact or sketch", o.Reach)
	case o.Prob != "fixed" && o.Prob != "wc" && o.Prob != "engagement":
		return usageErrorf("--prob %q: want fixed, wc or engagement", o.Prob)
	case !(o.P > 0 && o.P <= 1):
		return usageErrorf("--p must be in (0, 1], got %v", o.P)
	case !(o.Epsilon > 0 && o.Epsilon < 1):
		return usageErrorf("--epsilon must be in (0, 1), got %v", o.Epsilon)
	case !(o.Ell > 0) || math.IsInf(o.Ell, 0):
		return usageErrorf("--ell must be a positive number, got %v", o.Ell)
	case o.Simulations < 2:
		return usageErrorf("--simulations must be at least 2, got %d", o.Simulations)
	case o.K < 0:
		return usageErrorf("--k must be 0 or more, got %d", o.K)
	case !(o.Budget >= 0) || math.IsInf(o.Budget, 0):
		return usageErrorf("--budget must be a number ≥ 0, got %v", o.Budget)
	case o.Budget > 0 && o.CostFile == "":
		return usageErrorf("--budget needs --cost FILE (CSV lines account,cost)")
	case o.K == 0 && o.Budget == 0:
		return usageErrorf("--k 0 (no limit) needs --budget")
	}
	return nil
}

// resolveNodes maps account names to nodes of follow.
func resolveNodes(ctx context.Context, s *store.Store, follow *store.Loaded, names []string, platform, flag string) ([]uint32, error) {
	var out []uint32
	for _, name := range names {
		a, err := resolveAccount(ctx, s, name, platform)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flag, err)
		}
		v, ok := follow.Node(a.ID)
		if !ok {
			return nil, fmt.Errorf("%s: account %s is not in the graph%s", flag, a.Label(), platformNote(platform))
		}
		out = append(out, v)
	}
	return out, nil
}

func runPick(ctx context.Context, opts *PickOptions) error {
	if err := opts.validate(); err != nil {
		return err
	}
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	t0 := time.Now()
	follow, err := s.LoadGraph(ctx, store.Layer{Weights: map[graph.Kind]float64{graph.Follow: 1}, Platform: opts.Platform})
	if err != nil {
		return err
	}
	g := follow.Graph
	if g.N() == 0 {
		return fmt.Errorf("database %s holds no accounts%s: import or crawl something first", opts.DB, platformNote(opts.Platform))
	}
	sel := influence.SelectOptions{K: opts.K, Budget: opts.Budget}
	if sel.Include, err = resolveNodes(ctx, s, follow, opts.Include, opts.Platform, "--include"); err != nil {
		return err
	}
	if sel.Exclude, err = resolveNodes(ctx, s, follow, opts.Exclude, opts.Platform, "--exclude"); err != nil {
		return err
	}
	for _, v := range sel.Include {
		for _, x := range sel.Exclude {
			if v == x {
				return usageErrorf("account %s is both --include and --exclude", labelOf(ctx, s, follow, v))
			}
		}
	}
	if opts.K > 0 && len(sel.Include) > opts.K {
		return usageErrorf("%d --include accounts but --k %d", len(sel.Include), opts.K)
	}
	var costs []float64
	if opts.CostFile != "" {
		if costs, err = loadCosts(ctx, s, follow, opts.CostFile, opts.Platform); err != nil {
			return err
		}
		if opts.Budget > 0 {
			sel.Costs = costs
			spent := 0.0
			for _, v := range sel.Include {
				if math.IsNaN(costs[v]) {
					return fmt.Errorf("--include %s has no cost in %s", labelOf(ctx, s, follow, v), opts.CostFile)
				}
				spent += costs[v]
			}
			if spent > opts.Budget {
				return fmt.Errorf("the --include accounts cost %v, more than --budget %v", spent, opts.Budget)
			}
		}
	}
	loadTime := time.Since(t0)
	if opts.Verbose {
		fmt.Fprintf(opts.IO.ErrOut, "follow graph: %d accounts, %d edges; loaded in %s\n", g.N(), g.M(), loadTime.Round(time.Millisecond))
	}
	t1 := time.Now()
	if opts.Model == "coverage" {
		res, err := influence.Coverage(ctx, g, influence.CoverageOptions{SelectOptions: sel, Hops: opts.Hops, Method: opts.Reach, Seed: opts.RandomSeed})
		if err != nil {
			return err
		}
		if opts.Verbose {
			method := "exact sets"
			if !res.Exact {
				method = fmt.Sprintf("sketch of %d sampled accounts", res.Samples)
			}
			fmt.Fprintf(opts.IO.ErrOut, "coverage, %d hop(s): %s (work %d, exact budget %d); %d picks in %s\n",
				opts.Hops, method, res.Work, int64(influence.DefaultExactWork), len(res.Picks), time.Since(t1).Round(time.Millisecond))
		}
		return renderPicks(ctx, s, follow, opts, format, res.Picks, nil, costs)
	}
	model := influence.ICModel{Prob: opts.Prob, P: opts.P}
	switch opts.Prob {
	case "engagement":
		model.Prob = influence.ProbEdge
		ex, err := s.Exposures(ctx, follow)
		if err != nil {
			return err
		}
		if model.Edge, err = influence.EngagementProbs(g, ex.Src, ex.Dst, ex.Acted, ex.Posts, influence.EngagementAlpha, influence.EngagementBeta); err != nil {
			return err
		}
	case "wc":
		model.Prob = influence.ProbWC
	}
	res, err := influence.IMM(ctx, g, influence.IMMOptions{SelectOptions: sel, Model: model, Epsilon: opts.Epsilon, Ell: opts.Ell, Seed: opts.RandomSeed})
	if err != nil {
		return err
	}
	immTime := time.Since(t1)
	seeds := make([]uint32, len(res.Picks))
	for i, p := range res.Picks {
		seeds[i] = p.Node
	}
	t2 := time.Now()
	var est []influence.SpreadEstimate
	if len(seeds) > 0 {
		// Its own stream of coins, independent of the RR sets.
		if est, err = influence.Simulate(ctx, g, model, seeds, opts.Simulations, opts.RandomSeed^0x73696d756c617465, 0); err != nil {
			return err
		}
	}
	if opts.Verbose {
		var rr float64
		if len(res.Picks) > 0 {
			rr = res.Picks[len(res.Picks)-1].Total
		}
		fmt.Fprintf(opts.IO.ErrOut, "ic, %s probabilities: IMM ε=%g ℓ=%g, %d RR sets (lower bound %.4g), RR estimate %.6g; %s; %d simulations in %s\n",
			opts.Prob, opts.Epsilon, opts.Ell, res.Theta, res.LB, rr, immTime.Round(time.Millisecond), opts.Simulations, time.Since(t2).Round(time.Millisecond))
	}
	return renderPicks(ctx, s, follow, opts, format, res.Picks, est, costs)
}

func labelOf(ctx context.Context, s *store.Store, l *store.Loaded, v uint32) string {
	a, err := s.Accounts(ctx, []int64{l.IDs[v]})
	if err != nil {
		return fmt.Sprintf("id %d", l.IDs[v])
	}
	return a[0].Label()
}

// renderPicks prints one row per pick; est (ic) holds the simulated spread
// of every prefix and the marginal gains.
func renderPicks(ctx context.Context, s *store.Store, l *store.Loaded, opts *PickOptions, format Format, picks []influence.Pick, est []influence.SpreadEstimate, costs []float64) error {
	ids := make([]int64, len(picks))
	for i, p := range picks {
		ids[i] = l.IDs[p.Node]
	}
	infos, err := s.Accounts(ctx, ids)
	if err != nil {
		return err
	}
	cols := []Column{{Name: "rank", Number: true}, {Name: "account"}, {Name: "name"}, {Name: "platform"}, {Name: "marginal_gain", Number: true}}
	if est == nil {
		cols = append(cols, Column{Name: "reach", Number: true})
	} else {
		cols = append(cols, Column{Name: "spread", Number: true}, Column{Name: "ci_low", Number: true}, Column{Name: "ci_high", Number: true})
	}
	rep := &Report{Columns: append(cols, Column{Name: "cost", Number: true})}
	for i, p := range picks {
		var cost Cell = 1.0
		if costs != nil {
			cost = nil
			if c := costs[p.Node]; !math.IsNaN(c) {
				cost = c
			}
		}
		row := []Cell{int64(i + 1), infos[i].Label(), infos[i].Name, infos[i].Platform}
		if est == nil {
			row = append(row, int64(p.Gain), int64(p.Total))
		} else {
			row = append(row, est[i].Gain, est[i].Mean, est[i].Low, est[i].High)
		}
		rep.Rows = append(rep.Rows, append(row, cost))
	}
	if len(picks) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "warning: no account adds anyone to the audience (no follow edges, or everything excluded or over budget)")
	}
	return rep.Render(opts.IO.Out, format)
}
