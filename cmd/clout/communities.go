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
	"github.com/clout-cli/clout/influence"
	"github.com/spf13/cobra"
)

// CommunitiesOptions are the inputs of `clout communities`.
type CommunitiesOptions struct {
	IO          *IOStreams
	DB          string
	Layer       string
	Weights     string
	Since       string
	Until       string
	Platform    string
	Resolution  float64
	RandomSeed  uint64
	TopAccounts int
	Members     bool
	MinSize     int
	Format      string
	Verbose     bool
	// Now anchors relative times (--since 30d); tests fix it.
	Now func() time.Time
}

func newCommunitiesCmd(f *Factory) *cobra.Command {
	opts := &CommunitiesOptions{}
	cmd := &cobra.Command{
		Use:   "communities",
		Short: "Find communities (Leiden) and their top accounts",
		Long: `Split the accounts into communities with the Leiden algorithm (Traag, Waltman
and van Eck 2019), which maximises modularity and guarantees that every
community is connected, and print one row per community: its id (0 is the
largest), size, the edges and their weight inside it, and its top accounts by
PageRank on the same layer (ties broken by account name).

The layer (--layer, --weights, --since, --until, --platform as in rank) is
treated as undirected and weighted: w{u,v} = w(u→v) + w(v→u), so a mutual
follow weighs 2; self-loops are dropped. Modularity with resolution γ:
Q = Σ_c [W_c/m − γ (K_c/2m)²], m the total weight, W_c the weight inside c,
K_c the summed weighted degree of c. A larger --resolution gives more,
smaller communities. Leiden runs two iterations (as igraph does), the second
starting from the first's result. The same data and --random-seed give the
same communities, byte for byte. The modularity reached is printed on stderr.

--members prints the assignment instead: one row per account.

CSV columns: community,size,internal_edges,internal_weight,top_accounts
(top_accounts joined with ";"); with --members: account,platform,community`,
		Example: `  clout communities
  clout communities --layer follow --top-accounts 3 --min-size 10
  clout communities --resolution 2 --random-seed 7 -v
  clout communities --members --format csv > communities.csv
  clout communities --layer engagement --since 30d --platform bluesky`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			return runCommunities(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Layer, "layer", "", "edges to use: follow, engagement or all (default engagement when events exist, else follow)")
	fl.StringVar(&opts.Weights, "weights", defaultWeights, "per-kind edge `weights`; kinds not named keep their default")
	fl.StringVar(&opts.Since, "since", "", "only events at or after `TIME` (RFC 3339, YYYY-MM-DD, Unix seconds, or an age like 30d or 12h)")
	fl.StringVar(&opts.Until, "until", "", "only events before `TIME` (same forms as --since)")
	fl.StringVar(&opts.Platform, "platform", "", "only accounts of this `platform` (bluesky, mastodon, twitter, local, ...)")
	fl.Float64Var(&opts.Resolution, "resolution", 1, "modularity resolution `γ` > 0; larger gives more, smaller communities")
	fl.Uint64Var(&opts.RandomSeed, "random-seed", 1, "seed `N` of the random visiting order; the same seed gives the same communities")
	fl.IntVar(&opts.TopAccounts, "top-accounts", 5, "list the top `K` accounts of each community by PageRank (0 = none)")
	fl.BoolVar(&opts.Members, "members", false, "print every account with its community instead of one row per community")
	fl.IntVar(&opts.MinSize, "min-size", 1, "leave out communities of fewer than `N` accounts")
	fl.StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print timings and details of the run to stderr")
	cmd.RegisterFlagCompletionFunc("layer", fixedCompletion("follow", "engagement", "all"))
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	cmd.RegisterFlagCompletionFunc("platform", fixedCompletion("bluesky", "mastodon", "twitter", "local"))
	return cmd
}

// communityLayer turns the selection flags shared with rank into a layer,
// defaulting to engagement when the database holds events.
func communityLayer(ctx context.Context, s *store.Store, opts *CommunitiesOptions, errOut func(string)) (string, store.Layer, error) {
	weights, err := parseWeights(opts.Weights)
	if err != nil {
		return "", store.Layer{}, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	since, err := parseTime(opts.Since, now())
	if err != nil {
		return "", store.Layer{}, usageErrorf("--since: %v", err)
	}
	until, err := parseTime(opts.Until, now())
	if err != nil {
		return "", store.Layer{}, usageErrorf("--until: %v", err)
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return "", store.Layer{}, usageErrorf("--since %s is not before --until %s", opts.Since, opts.Until)
	}
	layer := store.Layer{Weights: map[graph.Kind]float64{}, Since: since, Until: until, Platform: opts.Platform}
	name := strings.ToLower(opts.Layer)
	switch name {
	case "", "follow", "engagement", "all":
	default:
		return "", store.Layer{}, usageErrorf("--layer %q: want follow, engagement or all", opts.Layer)
	}
	if name == "" {
		has, err := s.HasEvents(ctx, opts.Platform)
		if err != nil {
			return "", store.Layer{}, err
		}
		name = "follow"
		if has {
			name = "engagement"
		}
	}
	switch name {
	case "follow":
		layer.Weights[graph.Follow] = 1
		if !since.IsZero() || !until.IsZero() {
			errOut("warning: --since/--until apply to interaction events; follow edges have no time")
		}
	default:
		for _, k := range graph.InteractionKinds() {
			layer.Weights[k] = weights[k]
		}
		if name == "all" {
			layer.Weights[graph.Follow] = weights[graph.Follow]
		}
	}
	return name, layer, nil
}

func runCommunities(ctx context.Context, opts *CommunitiesOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	if !(opts.Resolution > 0) || math.IsInf(opts.Resolution, 0) {
		return usageErrorf("--resolution must be a number > 0, got %v", opts.Resolution)
	}
	if opts.TopAccounts < 0 {
		return usageErrorf("--top-accounts must be 0 (none) or more, got %d", opts.TopAccounts)
	}
	if opts.MinSize < 1 {
		return usageErrorf("--min-size must be at least 1, got %d", opts.MinSize)
	}
	if _, err := parseWeights(opts.Weights); err != nil {
		return err
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	warn := func(msg string) { fmt.Fprintln(opts.IO.ErrOut, msg) }
	layerName, layer, err := communityLayer(ctx, s, opts, warn)
	if err != nil {
		return err
	}

	t0 := time.Now()
	loaded, err := s.LoadGraph(ctx, layer)
	if err != nil {
		return err
	}
	loadTime := time.Since(t0)
	g := loaded.Graph
	if g.N() == 0 {
		return fmt.Errorf("database %s holds no accounts%s: import or crawl something first", opts.DB, platformNote(opts.Platform))
	}
	if loaded.SkippedUntimed > 0 {
		warn(fmt.Sprintf("warning: %d events without a time were left out by --since/--until", loaded.SkippedUntimed))
	}
	if g.M() == 0 {
		warn(fmt.Sprintf("warning: the %s layer has no edges%s; every account is a community of its own", layerName, platformNote(opts.Platform)))
	}

	t1 := time.Now()
	p := startProgress(opts.IO, func(el time.Duration) string {
		return fmt.Sprintf("finding communities in %s accounts, %s edges… %s", humanCount(int64(g.N())), humanCount(int64(g.M())), el.Round(time.Second))
	})
	res, err := influence.Leiden(ctx, g, influence.LeidenOptions{Resolution: opts.Resolution, Seed: opts.RandomSeed})
	p.Stop()
	if err != nil {
		return err
	}
	leidenTime := time.Since(t1)
	fmt.Fprintf(opts.IO.ErrOut, "modularity %.6f at resolution %g: %d communities of %d accounts (%s layer); %d iterations, %d levels, %s\n",
		res.Modularity, opts.Resolution, len(res.Sizes), g.N(), layerName, res.Iterations, res.Levels, leidenTime.Round(time.Millisecond))
	if opts.Verbose {
		fmt.Fprintf(opts.IO.ErrOut, "layer %s: %d accounts, %d edges; loaded in %s\n", layerName, g.N(), g.M(), loadTime.Round(time.Millisecond))
		fmt.Fprintf(opts.IO.ErrOut, "leiden: random seed %d, converged %v, largest community %d accounts (%.1f%%), %d of size 1, %d split by the connectivity check\n",
			opts.RandomSeed, res.Converged, res.Sizes[0], 100*float64(res.Sizes[0])/float64(g.N()), countSize1(res.Sizes), res.Split)
	}

	var pagerank []float64
	if opts.TopAccounts > 0 || opts.Members {
		t2 := time.Now()
		pr, err := influence.PageRank(ctx, g, influence.PageRankOptions{})
		if err != nil {
			return err
		}
		pagerank = pr.Scores
		if opts.Verbose {
			fmt.Fprintf(opts.IO.ErrOut, "pagerank for the top accounts: %d iterations, %s\n", pr.Iterations, time.Since(t2).Round(time.Millisecond))
		}
	}
	if opts.Members {
		return renderMembers(ctx, s, opts, format, loaded, res, pagerank)
	}
	return renderCommunities(ctx, s, opts, format, loaded, res, pagerank)
}

func countSize1(sizes []int) int {
	// sizes are non-increasing
	i, _ := slices.BinarySearchFunc(sizes, 1, func(a, b int) int { return cmp.Compare(b, a) })
	return len(sizes) - i
}

func renderCommunities(ctx context.Context, s *store.Store, opts *CommunitiesOptions, format Format, loaded *store.Loaded, res influence.LeidenResult, pagerank []float64) error {
	g := loaded.Graph
	k := len(res.Sizes)
	shown := k
	for shown > 0 && res.Sizes[shown-1] < opts.MinSize {
		shown--
	}
	edges, weight, err := influence.CommunityEdges(g, res.Membership, k)
	if err != nil {
		return err
	}
	// Candidates for each community's top accounts: the best K by PageRank
	// (then account id) and everyone tied with the K-th, so that the name
	// tie-break below sees them all.
	members := make([][]uint32, shown)
	for v, c := range res.Membership {
		if int(c) < shown && opts.TopAccounts > 0 {
			members[c] = append(members[c], uint32(v))
		}
	}
	var ids []int64
	for c := range members {
		m := members[c]
		slices.SortFunc(m, func(a, b uint32) int {
			if x := cmp.Compare(pagerank[b], pagerank[a]); x != 0 {
				return x
			}
			return cmp.Compare(loaded.IDs[a], loaded.IDs[b])
		})
		end := min(opts.TopAccounts, len(m))
		for end > 0 && end < len(m) && pagerank[m[end]] == pagerank[m[end-1]] {
			end++
		}
		members[c] = m[:end]
		for _, v := range members[c] {
			ids = append(ids, loaded.IDs[v])
		}
	}
	infos, err := s.Accounts(ctx, ids)
	if err != nil {
		return err
	}
	sep := ";"
	if format == FormatTable {
		sep = ", "
	}
	rep := &Report{Columns: []Column{{Name: "community", Number: true}, {Name: "size", Number: true},
		{Name: "internal_edges", Number: true}, {Name: "internal_weight", Number: true}, {Name: "top_accounts"}},
		FloatDigits: 10}
	at := 0
	for c := range shown {
		type acct struct {
			pr    float64
			label string
			plat  string
		}
		top := make([]acct, len(members[c]))
		for i, v := range members[c] {
			top[i] = acct{pagerank[v], infos[at].Label(), infos[at].Platform}
			at++
		}
		slices.SortStableFunc(top, func(a, b acct) int {
			if x := cmp.Compare(b.pr, a.pr); x != 0 {
				return x
			}
			if x := cmp.Compare(a.label, b.label); x != 0 {
				return x
			}
			return cmp.Compare(a.plat, b.plat)
		})
		names := make([]string, 0, opts.TopAccounts)
		for i := 0; i < len(top) && i < opts.TopAccounts; i++ {
			names = append(names, top[i].label)
		}
		rep.Rows = append(rep.Rows, []Cell{int64(c), int64(res.Sizes[c]), edges[c], weight[c], strings.Join(names, sep)})
	}
	if opts.Verbose && shown < k {
		fmt.Fprintf(opts.IO.ErrOut, "%d communities smaller than --min-size %d left out\n", k-shown, opts.MinSize)
	}
	return rep.Render(opts.IO.Out, format)
}

func renderMembers(ctx context.Context, s *store.Store, opts *CommunitiesOptions, format Format, loaded *store.Loaded, res influence.LeidenResult, pagerank []float64) error {
	n := loaded.Graph.N()
	label := make([]string, n)
	plat := make([]string, n)
	err := s.AllAccounts(ctx, opts.Platform, func(a store.AccountInfo) error {
		if v, ok := loaded.Node(a.ID); ok {
			label[v], plat[v] = a.Label(), a.Platform
		}
		return nil
	})
	if err != nil {
		return err
	}
	var nodes []uint32
	for v, c := range res.Membership {
		if res.Sizes[c] >= opts.MinSize {
			nodes = append(nodes, uint32(v))
		}
	}
	// By community, then PageRank (highest first), then name.
	slices.SortFunc(nodes, func(a, b uint32) int {
		if x := cmp.Compare(res.Membership[a], res.Membership[b]); x != 0 {
			return x
		}
		if x := cmp.Compare(pagerank[b], pagerank[a]); x != 0 {
			return x
		}
		if x := cmp.Compare(label[a], label[b]); x != 0 {
			return x
		}
		return cmp.Compare(plat[a], plat[b])
	})
	rep := &Report{Columns: []Column{{Name: "account"}, {Name: "platform"}, {Name: "community", Number: true}}}
	rep.Rows = make([][]Cell, len(nodes))
	for i, v := range nodes {
		rep.Rows[i] = []Cell{label[v], plat[v], int64(res.Membership[v])}
	}
	return rep.Render(opts.IO.Out, format)
}
