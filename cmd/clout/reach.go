package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/influence"
	"github.com/spf13/cobra"
)

// ReachOptions are the inputs of `clout reach`.
type ReachOptions struct {
	IO       *IOStreams
	DB       string
	Accounts []string
	Platform string
	Format   string
}

func newReachCmd(f *Factory) *cobra.Command {
	opts := &ReachOptions{}
	cmd := &cobra.Command{
		Use:   "reach ACCOUNT...",
		Short: "Audience of accounts at one and two hops, and their combined reach",
		Long: `For each account: followers (accounts that follow it in the data), the follower
count its platform reported, and reach2 (distinct accounts that follow it or
follow one of its followers, the account itself excluded). With several
accounts a last row, "(combined)", gives the size of the union of their
audiences: how many distinct accounts a campaign with all of them reaches.

Accounts are named by handle or key: @alice.bsky.social, alice, did:plc:...,
user@mastodon.social, a numeric X id, or an edge-list label. A name that
matches several accounts is an error that lists them; add --platform or use
the key.`,
		Example: `  clout reach dailykos.com
  clout reach dailykos.com atrios.blogspot.com instapundit.com
  clout reach @alice.bsky.social --platform bluesky --format json`,
		Args: minArgs(1, "at least one ACCOUNT"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return completeAccounts(cmd.Context(), f, toComplete)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB, opts.Accounts = f.IO, f.DBPath(), args
			return runReach(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Platform, "platform", "", "look accounts up on this `platform` only")
	cmd.Flags().StringVar(&opts.Format, "format", "", "output `format`: table, csv, tsv or json (default table on a terminal, csv otherwise)")
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion(formatNames...))
	return cmd
}

// resolveAccount finds the one account a user-typed name means.
func resolveAccount(ctx context.Context, s *store.Store, name, platform string) (store.AccountInfo, error) {
	found, err := s.FindAccounts(ctx, name, platform)
	if err != nil {
		return store.AccountInfo{}, err
	}
	switch len(found) {
	case 0:
		return store.AccountInfo{}, fmt.Errorf("no account matches %q%s: give a handle or key as stored (see clout rank)", name, platformNote(platform))
	case 1:
		return found[0], nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%q is ambiguous%s; it matches:", name, platformNote(platform))
	for _, a := range found {
		fmt.Fprintf(&b, "\n  %s (key %s, platform %s)", a.Label(), a.Key, a.Platform)
	}
	b.WriteString("\nname one by its key, or add --platform")
	return store.AccountInfo{}, fmt.Errorf("%s", b.String())
}

func runReach(ctx context.Context, opts *ReachOptions) error {
	format, err := resolveFormat(opts.Format, opts.IO)
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	accounts := make([]store.AccountInfo, len(opts.Accounts))
	for i, name := range opts.Accounts {
		if accounts[i], err = resolveAccount(ctx, s, name, opts.Platform); err != nil {
			return err
		}
	}
	follow, err := s.LoadGraph(ctx, store.Layer{Weights: map[graph.Kind]float64{graph.Follow: 1}, Platform: opts.Platform})
	if err != nil {
		return err
	}
	r := influence.NewReacher(follow.Graph)
	rep := &Report{Columns: []Column{{Name: "account"}, {Name: "name"}, {Name: "platform"},
		{Name: "followers", Number: true}, {Name: "reported_followers", Number: true}, {Name: "reach2", Number: true}}}
	nodes := make([]uint32, 0, len(accounts))
	seen := map[uint32]bool{}
	for _, a := range accounts {
		v, ok := follow.Node(a.ID)
		if !ok {
			return fmt.Errorf("account %s is not in the graph", a.Label())
		}
		if !seen[v] {
			seen[v] = true
			nodes = append(nodes, v)
		}
		var reported Cell
		if a.Followers >= 0 {
			reported = a.Followers
		}
		rep.Rows = append(rep.Rows, []Cell{a.Label(), a.Name, a.Platform, int64(influence.Followers(follow.Graph, v)), reported, int64(r.Reach2(v))})
	}
	if len(opts.Accounts) > 1 {
		r1, r2 := r.Union(nodes)
		rep.Rows = append(rep.Rows, []Cell{"(combined)", fmt.Sprintf("%d accounts", len(nodes)), nil, int64(r1), nil, int64(r2)})
	}
	return rep.Render(opts.IO.Out, format)
}

// completeAccounts offers handles and keys from the database that start with
// what was typed; no database, no suggestions.
func completeAccounts(ctx context.Context, f *Factory, prefix string) ([]string, cobra.ShellCompDirective) {
	s, err := store.Open(ctx, f.DBPath(), store.Options{MustExist: true})
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	defer s.Close()
	names, _ := s.CompleteAccounts(ctx, prefix, 50)
	return names, cobra.ShellCompDirectiveNoFileComp
}
