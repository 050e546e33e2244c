package main

import (
	"cmp"
	"context"
	"fmt"
	"math"
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
	IO  *IOStreams
	DB  string
	Sel SelectionFlags
	By  string
	Top int
	// Measures is --measures: "" (all but the on-demand ones), "all", or a
	// list of names.
	Measures string
	// Topics (--topic) restrict the engagement layer and measures to the
	// conversation of hashtags and personalize PageRank on who posted them.
	Topics []string
	// Seeds (--seed) and SeedFile (--seed-file) personalize PageRank.
	Seeds    []string
	SeedFile string
	// MinPosts hides accounts that authored fewer posts in the selection.
	MinPosts int
	// PerCommunity keeps the top K of each community (--per-community).
	PerCommunity int
	Resolution   float64
	RandomSeed   uint64
	// Save names the run the printed ranking is saved as (--save).
	Save string
	// Format is table, csv, tsv or json ("" = table on a terminal).
	Format  string
	Verbose bool
	// Now anchors relative times (--since 30d); tests fix it.
	Now func() time.Time
}

func newRankCmd(f *Factory) *cobra.Command {
	opts := &RankOptions{}
	cmd := &cobra.Command{
		Use:   "rank",
		Short: "Rank accounts by influence (PageRank, followers, reach, ...)",
		Long: `Rank every account by PageRank over the chosen layer (or by any other measure
with --by) and print the top ones with every measure clout computes.

Layers: follow (who follows whom), engagement (reposts, quotes, replies,
mentions, likes, each event weighted by --weights), or all (both). The default
is engagement when the database holds interaction events, else follow.

PageRank: damping d, teleport uniform over all accounts, transition u → w with
probability weight(u,w)/out-weight(u), the rank of accounts without out-edges
spread uniformly; iterations stop when the L1 change falls below --tol.
Ties are broken by account name, so the same database and flags always print
the same bytes.

With --seed (or --seed-file) PageRank is personalized: teleport and the rank
of accounts without out-edges go to the seeds only, uniformly (Haveliwala
2002).

--topic '#tag' (repeatable; several tags mean any of them; any case) ranks a
conversation: the interaction events on posts carrying the tag (the event's
own hashtags, the post it is on, or that post's parent carry it), the posts
with the tag, every engagement column within the topic, and PageRank
personalized on the accounts that posted with the tag (unless --seed is
given). Follow edges (--layer all) are not restricted.

The terminal table shows the columns that mean something for the layer ranked
and leaves out columns that are empty for every printed row; CSV and JSON
always carry every column, in this order (later versions append, never
reorder):
  rank,account,name,platform,` + strings.Join(measureNames(allMeasures()), ",") + `

Measures:
` + measureHelp(allMeasures()),
		Example: `  clout rank --top 20
  clout rank --format csv --top 0 > ranking.csv
  clout rank --layer engagement --since 2024-01-01 --until 2024-02-01
  clout rank --weights reply=1,like=0 --platform bluesky
  clout rank --by followers --top 50 -v
  clout rank --topic '#ciscosmt' --top 25
  clout rank --topic ciscosmt --by engagement_rate --min-posts 3
  clout rank --seed @alice.bsky.social --seed did:plc:abc123 --layer follow
  clout rank --seed-file seeds.txt --format csv --top 0 > seeded.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			return runRank(cmd.Context(), opts)
		},
	}
	opts.Sel.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&opts.By, "by", "pagerank", "sort key: any measure ("+strings.Join(measureNames(allMeasures()), ", ")+")")
	fl.IntVar(&opts.Top, "top", 20, "print the top `N` accounts (0 = all)")
	fl.StringVar(&opts.Measures, "measures", "", "measures to compute: `LIST` of names, or all (default: all but the on-demand ones; the others' columns stay empty)")
	fl.StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print timings, iterations and the final residual to stderr")
	fl.StringArrayVar(&opts.Topics, "topic", nil, "rank the conversation of this hashtag (`#tag`; repeatable, any of them)")
	fl.StringArrayVar(&opts.Seeds, "seed", nil, "personalize PageRank on this `ACCOUNT` (handle or key; repeatable)")
	fl.StringVar(&opts.SeedFile, "seed-file", "", "personalize PageRank on the accounts of `FILE`, one handle or key a line ('-' reads stdin)")
	fl.IntVar(&opts.PerCommunity, "per-community", 0, "keep the top `K` accounts of each community (Leiden on the ranked layer) by --by: a shortlist that is not all one cluster")
	fl.Float64Var(&opts.Resolution, "resolution", 1, "community resolution γ > 0 (as clout communities)")
	fl.Uint64Var(&opts.RandomSeed, "random-seed", 1, "seed `N` of the community detection (as clout communities)")
	fl.StringVar(&opts.Save, "save", "", "also save the printed ranking, with every measure computed and the parameters, as run `NAME` (see clout runs, clout diff)")
	fl.IntVar(&opts.MinPosts, "min-posts", 0, "hide accounts that authored fewer than `N` posts in the selection")
	cmd.RegisterFlagCompletionFunc("by", fixedCompletion(measureNames(allMeasures())...))
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	return cmd
}

// measureHelp lists each measure with its definition, for --help.
func measureHelp(ms []Measure) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "  %-20s %s\n", m.Name, m.Doc)
	}
	return strings.TrimRight(b.String(), "\n")
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

func runRank(ctx context.Context, opts *RankOptions) error {
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
	if opts.Top < 0 {
		return usageErrorf("--top must be 0 (all) or more, got %d", opts.Top)
	}
	if opts.MinPosts < 0 {
		return usageErrorf("--min-posts must be 0 or more, got %d", opts.MinPosts)
	}
	topics, err := sel.withTopics(opts.Topics)
	if err != nil {
		return err
	}
	seeds, err := seedNames(opts.Seeds, opts.SeedFile, opts.IO.In)
	if err != nil {
		return err
	}
	measures := allMeasures()
	by, err := measureByName(measures, opts.By)
	if err != nil {
		return err
	}
	on, err := chooseMeasures(measures, opts.Measures, by.Name)
	if err != nil {
		return err
	}
	if opts.PerCommunity < 0 {
		return usageErrorf("--per-community must be 0 (off) or more, got %d", opts.PerCommunity)
	}
	if !(opts.Resolution > 0) {
		return usageErrorf("--resolution must be positive, got %v", opts.Resolution)
	}
	sel.Resolution, sel.RandomSeed = opts.Resolution, opts.RandomSeed
	if opts.PerCommunity > 0 {
		on[slices.IndexFunc(measures, func(m Measure) bool { return m.Name == "community" })] = true
	}

	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := sel.settle(ctx, s, opts.IO.ErrOut); err != nil {
		return err
	}
	sel.Layer.Topics = topics
	if sel.SeedIDs, err = resolveSeeds(ctx, s, seeds, sel.Platform); err != nil {
		return err
	}
	env := newMeasureEnv(s, sel, opts.IO.ErrOut, opts.Verbose)
	if err := topicSeeds(ctx, env); err != nil {
		return err
	}
	if err := deferCostly(ctx, env, measures, on, opts.Measures, by.Name, false); err != nil {
		return err
	}
	var keep func(uint32) bool
	if opts.MinPosts > 0 {
		posts, err := engagementCounts(ctx, env)
		if err != nil {
			return err
		}
		keep = func(v uint32) bool { return posts.Posts[v] >= int64(opts.MinPosts) }
	}
	if len(topics) > 0 {
		// A topic's ranking lists its participants: accounts with an edge
		// in the topic's layer or a post with the tag.
		l, err := env.Ranked(ctx)
		if err != nil {
			return err
		}
		posts, err := engagementCounts(ctx, env)
		if err != nil {
			return err
		}
		g, more := l.Graph, keep
		keep = func(v uint32) bool {
			return (g.InDegree(v) > 0 || g.OutDegree(v) > 0 || posts.Posts[v] > 0) && (more == nil || more(v))
		}
	}
	if opts.PerCommunity > 0 {
		if keep, err = perCommunity(ctx, env, by, opts.PerCommunity, keep); err != nil {
			return err
		}
	}
	nodes, infos, err := rankNodes(ctx, env, by, opts.Top, keep)
	if err != nil {
		return err
	}
	cols, err := measureColumns(ctx, env, measures, on, nodes)
	if err != nil {
		return err
	}
	if opts.Save != "" {
		p := rankParams{Topics: topics, Seeds: seeds, By: by.Name, Top: opts.Top, MinPosts: opts.MinPosts}
		if err := saveRanking(ctx, env, opts.Save, p, measures, on, infos, cols, now()); err != nil {
			return err
		}
	}
	rep := rankReport(measures, cols, infos, sel.LayerName, format == FormatTable)
	return rep.Render(opts.IO.Out, format)
}

// rankNodes orders the accounts by measure by (highest first, empty last)
// and returns the first top of them (0 = all) with their attributes. Ties are
// broken by account label, then platform, so the order depends only on the
// data. keep, when set, leaves out the nodes it is false for (--min-posts).
func rankNodes(ctx context.Context, env *MeasureEnv, by Measure, top int, keep func(uint32) bool) ([]uint32, []store.AccountInfo, error) {
	l, err := env.Ranked(ctx)
	if err != nil {
		return nil, nil, err
	}
	g := l.Graph
	if g.N() == 0 {
		return nil, nil, fmt.Errorf("database %s holds no accounts%s: import or crawl something first", env.Store.Path(), platformNote(env.Sel.Platform))
	}
	if g.M() == 0 && by.Needs == NeedRanked {
		fmt.Fprintf(env.ErrOut, "warning: the %s layer has no edges%s; every account gets the same %s\n", env.Sel.LayerName, platformNote(env.Sel.Platform), by.Name)
	}
	key, err := env.AllOf(ctx, &by)
	if err != nil {
		return nil, nil, err
	}
	cmpKey := byValueDesc(key)
	// Sort by the key, then by node, which is (platform, key) order and so
	// independent of the order the data arrived in; names are broken in a
	// second pass below, on the rows kept only.
	nodes := allNodes(g.N())
	if keep != nil {
		nodes = slices.DeleteFunc(nodes, func(v uint32) bool { return !keep(v) })
	}
	slices.SortFunc(nodes, func(a, b uint32) int {
		if c := cmpKey(a, b); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if top > 0 && top < len(nodes) {
		// Keep every account tied with the last one shown so that the name
		// tie-break below sees them all.
		end := top
		for end < len(nodes) && cmpKey(nodes[end], nodes[top-1]) == 0 {
			end++
		}
		nodes = nodes[:end]
	}
	infos, err := env.Infos(ctx, nodes)
	if err != nil {
		return nil, nil, err
	}
	order := make([]int, len(nodes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmpKey(nodes[a], nodes[b]); c != 0 {
			return c
		}
		if c := cmp.Compare(infos[a].Label(), infos[b].Label()); c != 0 {
			return c
		}
		return cmp.Compare(infos[a].Platform, infos[b].Platform)
	})
	if top > 0 && top < len(order) {
		order = order[:top]
	}
	outNodes := make([]uint32, len(order))
	outInfos := make([]store.AccountInfo, len(order))
	for i, j := range order {
		outNodes[i], outInfos[i] = nodes[j], infos[j]
	}
	return outNodes, outInfos, nil
}

// byValueDesc orders nodes by their value in key, highest first, empty (NaN)
// last; equal values compare 0.
func byValueDesc(key []float64) func(a, b uint32) int {
	return func(a, b uint32) int {
		ka, kb := key[a], key[b]
		switch na, nb := math.IsNaN(ka), math.IsNaN(kb); {
		case na && nb:
			return 0
		case na:
			return 1
		case nb:
			return -1
		}
		return cmp.Compare(kb, ka)
	}
}

// perCommunity returns a filter keeping the first k accounts of each
// community in --by order (the same order rankNodes sorts by), among those
// more already keeps.
func perCommunity(ctx context.Context, env *MeasureEnv, by Measure, k int, more func(uint32) bool) (func(uint32) bool, error) {
	key, err := env.AllOf(ctx, &by)
	if err != nil {
		return nil, err
	}
	r, err := leidenOf(ctx, env)
	if err != nil {
		return nil, err
	}
	order := allNodes(len(key))
	if more != nil {
		order = slices.DeleteFunc(order, func(v uint32) bool { return !more(v) })
	}
	cmpKey := byValueDesc(key)
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Or(cmpKey(a, b), cmp.Compare(a, b)) })
	kept := make(map[uint32]bool)
	for _, v := range influence.TopPerCommunity(order, r.Membership, k) {
		kept[v] = true
	}
	return func(v uint32) bool { return kept[v] }, nil
}

// measureColumns computes the chosen measures for nodes; the others are
// empty (NaN).
func measureColumns(ctx context.Context, env *MeasureEnv, ms []Measure, on []bool, nodes []uint32) ([][]float64, error) {
	cols := make([][]float64, len(ms))
	for i := range ms {
		if !on[i] {
			cols[i] = make([]float64, len(nodes))
			for j := range cols[i] {
				cols[i][j] = math.NaN()
			}
			continue
		}
		var err error
		if cols[i], err = ms[i].values(ctx, env, nodes); err != nil {
			return nil, fmt.Errorf("%s: %w", ms[i].Name, err)
		}
	}
	return cols, nil
}

// rankReport lays out the ranking: rank, account, name, platform, then one
// column per measure. A table (forTable) keeps only the measures that mean
// something for the ranked layer and leaves out columns empty in every row;
// CSV and JSON keep every column, so their layout never depends on the data.
func rankReport(ms []Measure, cols [][]float64, infos []store.AccountInfo, layerName string, forTable bool) *Report {
	rep := &Report{Columns: []Column{{Name: "rank", Number: true}, {Name: "account"}, {Name: "name"}, {Name: "platform"}}}
	keep := []bool{true, true, true, true}
	if forTable {
		keep[2] = slices.ContainsFunc(infos, func(a store.AccountInfo) bool { return a.Name != "" })
	}
	for i, m := range ms {
		rep.Columns = append(rep.Columns, Column{Name: m.Name, Number: true})
		k := true
		if forTable {
			k = (m.Table == nil || m.Table(layerName)) && slices.ContainsFunc(cols[i], func(v float64) bool { return !math.IsNaN(v) })
		}
		keep = append(keep, k)
	}
	for r, a := range infos {
		row := []Cell{int64(r + 1), a.Label(), a.Name, a.Platform}
		for i, m := range ms {
			row = append(row, measureCell(m, cols[i][r]))
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep.keepColumns(keep)
}

// measureCell is a measure's value as a report cell: nil when empty.
func measureCell(m Measure, v float64) Cell {
	switch {
	case math.IsNaN(v):
		return nil
	case m.Int:
		return int64(v)
	}
	return v
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
