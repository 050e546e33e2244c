package main

import (
	"cmp"
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

// defaultWeights are the kind weights of --weights: acting on what an account
// says (repost, quote) counts fully, talking to it half, a like a quarter.
const defaultWeights = "follow=1,repost=1,quote=1,reply=0.5,mention=0.5,like=0.25"

// RankOptions are the inputs of `clout rank`.
type RankOptions struct {
	IO       *IOStreams
	DB       string
	Layer    string
	Weights  string
	Since    string
	Until    string
	Platform string
	By       string
	Top      int
	Damping  float64
	Tol      float64
	MaxIter  int
	Format   string
	Verbose  bool
	// Now anchors relative times (--since 30d); tests fix it.
	Now func() time.Time
}

func newRankCmd(f *Factory) *cobra.Command {
	opts := &RankOptions{}
	cmd := &cobra.Command{
		Use:   "rank",
		Short: "Rank accounts by influence (PageRank, followers, reach)",
		Long: `Rank every account by PageRank over the chosen layer and print the top ones
with their followers (follow in-degree in the data), the follower count the
platform reported, and reach2 (distinct accounts that follow the account or one
of its followers, the account itself excluded).

Layers: follow (who follows whom), engagement (reposts, quotes, replies,
mentions, likes, each event weighted by --weights), or all (both). The default
is engagement when the database holds interaction events, else follow.

PageRank: damping d, teleport uniform over all accounts, transition u → w with
probability weight(u,w)/out-weight(u), the rank of accounts without out-edges
spread uniformly; iterations stop when the L1 change falls below --tol.
Ties are broken by account name, so the same database and flags always print
the same bytes.

CSV columns: rank,account,name,platform,pagerank,followers,reported_followers,reach2`,
		Example: `  clout rank --top 20
  clout rank --format csv --top 0 > ranking.csv
  clout rank --layer engagement --since 2024-01-01 --until 2024-02-01
  clout rank --weights reply=1,like=0 --platform bluesky
  clout rank --by followers --top 50 -v`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			return runRank(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Layer, "layer", "", "edges to rank on: follow, engagement or all (default engagement when events exist, else follow)")
	fl.StringVar(&opts.Weights, "weights", defaultWeights, "per-kind edge `weights`; kinds not named keep their default")
	fl.StringVar(&opts.Since, "since", "", "only events at or after `TIME` (RFC 3339, YYYY-MM-DD, Unix seconds, or an age like 30d or 12h)")
	fl.StringVar(&opts.Until, "until", "", "only events before `TIME` (same forms as --since)")
	fl.StringVar(&opts.Platform, "platform", "", "only accounts of this `platform` (bluesky, mastodon, twitter, local, ...)")
	fl.StringVar(&opts.By, "by", "pagerank", "sort key: pagerank, followers or reach2")
	fl.IntVar(&opts.Top, "top", 20, "print the top `N` accounts (0 = all)")
	fl.Float64Var(&opts.Damping, "damping", 0.85, "PageRank damping factor d, in (0, 1)")
	fl.Float64Var(&opts.Tol, "tol", 1e-10, "stop when the L1 change of an iteration is below this")
	fl.IntVar(&opts.MaxIter, "max-iter", 1000, "stop after this many iterations even if not converged")
	fl.StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print timings, iterations and the final residual to stderr")
	cmd.RegisterFlagCompletionFunc("layer", fixedCompletion("follow", "engagement", "all"))
	cmd.RegisterFlagCompletionFunc("by", fixedCompletion("pagerank", "followers", "reach2"))
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	cmd.RegisterFlagCompletionFunc("platform", fixedCompletion("bluesky", "mastodon", "twitter", "local"))
	return cmd
}

// parseWeights reads "kind=w,kind=w" over the defaults.
func parseWeights(s string) (map[graph.Kind]float64, error) {
	w := map[graph.Kind]float64{}
	for _, part := range strings.Split(defaultWeights+","+s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, usageErrorf("--weights: %q is not kind=weight", part)
		}
		kind, err := graph.ParseKind(k)
		if err != nil {
			return nil, usageErrorf("--weights: %v", err)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f != f || f > 1e9 {
			return nil, usageErrorf("--weights: weight of %s must be a number ≥ 0, got %q", k, v)
		}
		w[kind] = f
	}
	return w, nil
}

// parseTime reads an absolute time (RFC 3339, YYYY-MM-DD, Unix seconds) or
// an age before now (30d, 12h, 90m).
func parseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	if strings.HasSuffix(s, "d") {
		if n, err := strconv.ParseFloat(strings.TrimSuffix(s, "d"), 64); err == nil && n >= 0 {
			return now.Add(-time.Duration(n * 24 * float64(time.Hour))), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: want RFC 3339 (2024-01-31T12:00:00Z), YYYY-MM-DD, Unix seconds, or an age like 30d or 12h", s)
}

// rankRow is one ranked account.
type rankRow struct {
	node      uint32
	info      store.AccountInfo
	pagerank  float64
	followers int
	reach2    int
}

func runRank(ctx context.Context, opts *RankOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	weights, err := parseWeights(opts.Weights)
	if err != nil {
		return err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	since, err := parseTime(opts.Since, now())
	if err != nil {
		return usageErrorf("--since: %v", err)
	}
	until, err := parseTime(opts.Until, now())
	if err != nil {
		return usageErrorf("--until: %v", err)
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return usageErrorf("--since %s is not before --until %s", opts.Since, opts.Until)
	}
	if !(opts.Damping > 0 && opts.Damping < 1) {
		return usageErrorf("--damping must be between 0 and 1 (exclusive), got %v", opts.Damping)
	}
	if !(opts.Tol > 0) {
		return usageErrorf("--tol must be positive, got %v", opts.Tol)
	}
	if opts.MaxIter < 1 {
		return usageErrorf("--max-iter must be at least 1, got %d", opts.MaxIter)
	}
	if opts.Top < 0 {
		return usageErrorf("--top must be 0 (all) or more, got %d", opts.Top)
	}
	by := strings.ToLower(opts.By)
	if by != "pagerank" && by != "followers" && by != "reach2" {
		return usageErrorf("--by %q: want pagerank, followers or reach2", opts.By)
	}

	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()

	layerName := strings.ToLower(opts.Layer)
	if layerName == "" {
		has, err := s.HasEvents(ctx, opts.Platform)
		if err != nil {
			return err
		}
		layerName = "follow"
		if has {
			layerName = "engagement"
		}
	}
	layer := store.Layer{Weights: map[graph.Kind]float64{}, Since: since, Until: until, Platform: opts.Platform}
	switch layerName {
	case "follow":
		layer.Weights[graph.Follow] = 1
	case "engagement", "all":
		for _, k := range graph.InteractionKinds() {
			layer.Weights[k] = weights[k]
		}
		if layerName == "all" {
			layer.Weights[graph.Follow] = weights[graph.Follow]
		}
	default:
		return usageErrorf("--layer %q: want follow, engagement or all", opts.Layer)
	}
	if layerName == "follow" && (!since.IsZero() || !until.IsZero()) {
		fmt.Fprintln(opts.IO.ErrOut, "warning: --since/--until apply to interaction events; follow edges have no time")
	}

	t0 := time.Now()
	loaded, err := s.LoadGraph(ctx, layer)
	if err != nil {
		return err
	}
	// followers and reach2 are always measured on the follow layer.
	follow := loaded
	if layerName != "follow" {
		follow, err = s.LoadGraph(ctx, store.Layer{Weights: map[graph.Kind]float64{graph.Follow: 1}, Platform: opts.Platform})
		if err != nil {
			return err
		}
	}
	loadTime := time.Since(t0)
	g := loaded.Graph
	if g.N() == 0 {
		return fmt.Errorf("database %s holds no accounts%s: import or crawl something first", opts.DB, platformNote(opts.Platform))
	}
	if loaded.SkippedUntimed > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %d events without a time were left out by --since/--until\n", loaded.SkippedUntimed)
	}
	if g.M() == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "warning: the %s layer has no edges%s; every account gets the same PageRank\n", layerName, platformNote(opts.Platform))
	}

	t1 := time.Now()
	pr, err := influence.PageRank(ctx, g, influence.PageRankOptions{Damping: opts.Damping, Tol: opts.Tol, MaxIter: opts.MaxIter})
	if err != nil {
		return err
	}
	prTime := time.Since(t1)
	if !pr.Converged {
		fmt.Fprintf(opts.IO.ErrOut, "warning: PageRank did not converge in %d iterations (L1 change %.3g > --tol %g); raise --max-iter\n",
			pr.Iterations, pr.Residual, opts.Tol)
	}

	fg := follow.Graph
	n := g.N()
	rows := make([]rankRow, n)
	for i := range rows {
		rows[i] = rankRow{node: uint32(i), pagerank: pr.Scores[i], followers: influence.Followers(fg, uint32(i)), reach2: -1}
	}
	var reachAll []int
	if by == "reach2" {
		t2 := time.Now()
		reachAll, err = influence.Reach2All(ctx, fg, 0)
		if err != nil {
			return err
		}
		for i := range rows {
			rows[i].reach2 = reachAll[i]
		}
		if opts.Verbose {
			fmt.Fprintf(opts.IO.ErrOut, "reach2 of %d accounts in %s\n", n, time.Since(t2).Round(time.Millisecond))
		}
	}
	// Sort by the key, then by account id (stable, independent of map or
	// goroutine order); names are broken in a second pass below.
	key := func(r *rankRow) float64 {
		switch by {
		case "followers":
			return float64(r.followers)
		case "reach2":
			return float64(r.reach2)
		}
		return r.pagerank
	}
	slices.SortFunc(rows, func(a, b rankRow) int {
		if c := cmp.Compare(key(&b), key(&a)); c != 0 {
			return c
		}
		return cmp.Compare(loaded.IDs[a.node], loaded.IDs[b.node])
	})
	top := rows
	if opts.Top > 0 && opts.Top < len(rows) {
		// Keep every account tied with the last one shown so that the name
		// tie-break below sees them all.
		end := opts.Top
		for end < len(rows) && key(&rows[end]) == key(&rows[opts.Top-1]) {
			end++
		}
		top = rows[:end]
	}
	ids := make([]int64, len(top))
	for i := range top {
		ids[i] = loaded.IDs[top[i].node]
	}
	infos, err := s.Accounts(ctx, ids)
	if err != nil {
		return err
	}
	for i := range top {
		top[i].info = infos[i]
	}
	slices.SortStableFunc(top, func(a, b rankRow) int {
		if c := cmp.Compare(key(&b), key(&a)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.info.Label(), b.info.Label()); c != 0 {
			return c
		}
		return cmp.Compare(a.info.Platform, b.info.Platform)
	})
	if opts.Top > 0 && opts.Top < len(top) {
		top = top[:opts.Top]
	}
	if reachAll == nil {
		r := influence.NewReacher(fg)
		for i := range top {
			if err := ctx.Err(); err != nil {
				return err
			}
			top[i].reach2 = r.Reach2(top[i].node)
		}
	}
	if opts.Verbose {
		fmt.Fprintf(opts.IO.ErrOut, "layer %s: %d accounts, %d edges; loaded in %s\n", layerName, n, g.M(), loadTime.Round(time.Millisecond))
		fmt.Fprintf(opts.IO.ErrOut, "pagerank: %d iterations, L1 residual %.3g, %s (iterations %s: %.2f ns per edge per iteration)\n",
			pr.Iterations, pr.Residual, prTime.Round(time.Millisecond), pr.IterTime.Round(time.Millisecond), nsPerEdgeIter(pr.IterTime, g.M(), pr.Iterations))
	}

	rep := &Report{Columns: []Column{{Name: "rank", Number: true}, {Name: "account"}, {Name: "name"}, {Name: "platform"},
		{Name: "pagerank", Number: true}, {Name: "followers", Number: true}, {Name: "reported_followers", Number: true},
		{Name: "reach2", Number: true}}}
	for i, r := range top {
		var reported Cell
		if r.info.Followers >= 0 {
			reported = r.info.Followers
		}
		rep.Rows = append(rep.Rows, []Cell{int64(i + 1), r.info.Label(), r.info.Name, r.info.Platform, r.pagerank,
			int64(r.followers), reported, int64(r.reach2)})
	}
	return rep.Render(opts.IO.Out, format)
}

func nsPerEdgeIter(d time.Duration, m, iters int) float64 {
	if m == 0 || iters == 0 {
		return 0
	}
	return float64(d.Nanoseconds()) / float64(m) / float64(iters)
}

func platformNote(p string) string {
	if p == "" {
		return ""
	}
	return " on platform " + p
}
