package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/influence"
	"github.com/spf13/cobra"
)

// SelectionFlags are the flags that choose what is measured: the layer, its
// kind weights, the event window, the platform and PageRank's parameters.
// rank, compare, export and report share them, so one selection means the
// same graph in every command.
type SelectionFlags struct {
	Layer    string
	Weights  string
	Since    string
	Until    string
	Platform string
	Damping  float64
	Tol      float64
	MaxIter  int
	// Reach is --reach: how reach2 of every account is computed.
	Reach string
}

// register adds the selection flags to cmd.
func (f *SelectionFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.Layer, "layer", "", "edges to rank on: follow, engagement or all (default engagement when events exist, else follow)")
	fl.StringVar(&f.Weights, "weights", defaultWeights, "per-kind edge `weights`; kinds not named keep their default")
	fl.StringVar(&f.Since, "since", "", "only events at or after `TIME` (RFC 3339, YYYY-MM-DD, Unix seconds, or an age like 30d or 12h)")
	fl.StringVar(&f.Until, "until", "", "only events before `TIME` (same forms as --since)")
	fl.StringVar(&f.Platform, "platform", "", "only accounts of this `platform` (bluesky, mastodon, twitter, local, ...)")
	fl.Float64Var(&f.Damping, "damping", 0.85, "PageRank damping factor d, in (0, 1)")
	fl.Float64Var(&f.Tol, "tol", 1e-10, "stop PageRank when the L1 change of an iteration is below this")
	fl.IntVar(&f.MaxIter, "max-iter", 1000, "stop PageRank after this many iterations even if not converged")
	fl.StringVar(&f.Reach, "reach", "auto", "reach2 of every account: exact, sketch (HyperLogLog, 6.5% relative error) or auto (exact while it is cheap)")
	cmd.RegisterFlagCompletionFunc("reach", fixedCompletion("auto", "exact", "sketch"))
	cmd.RegisterFlagCompletionFunc("layer", fixedCompletion("follow", "engagement", "all"))
	cmd.RegisterFlagCompletionFunc("platform", fixedCompletion("bluesky", "mastodon", "twitter", "local"))
}

// Selection is the parsed form of SelectionFlags.
type Selection struct {
	// LayerName is follow, engagement or all.
	LayerName string
	// Layer is what store.LoadGraph loads for the ranked layer.
	Layer store.Layer
	// Weights holds every kind's weight from --weights (the engagement
	// measures use them whatever the layer).
	Weights  map[graph.Kind]float64
	Platform string
	Since    time.Time
	Until    time.Time
	Damping  float64
	Tol      float64
	MaxIter  int
	// SeedIDs, when set, personalize PageRank: teleport (and dangling mass)
	// go to these accounts only, uniformly (Haveliwala 2002).
	SeedIDs []int64
	// Reach is how reach2 of every account is computed.
	Reach influence.Reach2Method
	// Resolution and RandomSeed configure the community measure (Leiden);
	// zero means 1.
	Resolution float64
	RandomSeed uint64
}

// parse checks and reads the flags; what needs the database is settled later.
func (f *SelectionFlags) parse(now time.Time) (Selection, error) {
	weights, err := parseWeights(f.Weights)
	if err != nil {
		return Selection{}, err
	}
	since, err := parseTime(f.Since, now)
	if err != nil {
		return Selection{}, usageErrorf("--since: %v", err)
	}
	until, err := parseTime(f.Until, now)
	if err != nil {
		return Selection{}, usageErrorf("--until: %v", err)
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return Selection{}, usageErrorf("--since %s is not before --until %s", f.Since, f.Until)
	}
	if !(f.Damping > 0 && f.Damping < 1) {
		return Selection{}, usageErrorf("--damping must be between 0 and 1 (exclusive), got %v", f.Damping)
	}
	if !(f.Tol > 0) {
		return Selection{}, usageErrorf("--tol must be positive, got %v", f.Tol)
	}
	if f.MaxIter < 1 {
		return Selection{}, usageErrorf("--max-iter must be at least 1, got %d", f.MaxIter)
	}
	reach := influence.Reach2Auto
	if f.Reach != "" {
		if reach, err = influence.ParseReach2Method(strings.ToLower(f.Reach)); err != nil {
			return Selection{}, usageErrorf("--reach: %v", err)
		}
	}
	name := strings.ToLower(f.Layer)
	switch name {
	case "", "follow", "engagement", "all":
	default:
		return Selection{}, usageErrorf("--layer %q: want follow, engagement or all", f.Layer)
	}
	return Selection{LayerName: name, Weights: weights, Platform: f.Platform, Since: since, Until: until,
		Damping: f.Damping, Tol: f.Tol, MaxIter: f.MaxIter, Reach: reach}, nil
}

// settle decides what needs the database: the default layer is engagement
// when the database holds events, else follow.
func (sel *Selection) settle(ctx context.Context, s *store.Store, errOut io.Writer) error {
	if sel.LayerName == "" {
		has, err := s.HasEvents(ctx, sel.Platform)
		if err != nil {
			return err
		}
		sel.LayerName = "follow"
		if has {
			sel.LayerName = "engagement"
		}
	}
	sel.Layer = store.Layer{Weights: map[graph.Kind]float64{}, Since: sel.Since, Until: sel.Until, Platform: sel.Platform}
	switch sel.LayerName {
	case "follow":
		sel.Layer.Weights[graph.Follow] = 1
		if !sel.Since.IsZero() || !sel.Until.IsZero() {
			fmt.Fprintln(errOut, "warning: --since/--until apply to interaction events; follow edges have no time")
		}
	case "engagement", "all":
		for _, k := range graph.InteractionKinds() {
			sel.Layer.Weights[k] = sel.Weights[k]
		}
		if sel.LayerName == "all" {
			sel.Layer.Weights[graph.Follow] = sel.Weights[graph.Follow]
		}
	}
	return nil
}

// followLayer is the follow layer of the selection's platform: followers,
// reach and coreness are measured on it whatever layer is ranked.
func (sel *Selection) followLayer() store.Layer {
	return store.Layer{Weights: map[graph.Kind]float64{graph.Follow: 1}, Platform: sel.Platform}
}

// parseSelection parses the selection flags at the time now gives (nil:
// the clock).
func parseSelection(f *SelectionFlags, now func() time.Time) (Selection, error) {
	if now == nil {
		now = time.Now
	}
	return f.parse(now())
}

// withTopics reads --topic values into the selection's default layer: a
// topic restricts interaction events, so it makes the engagement layer the
// default and refuses the follow layer. It returns the normalized tags;
// Layer.Topics is set by the caller after settle.
func (sel *Selection) withTopics(raw []string) ([]string, error) {
	topics, err := parseTopics(raw)
	if err != nil {
		return nil, err
	}
	if len(topics) > 0 && sel.LayerName == "follow" {
		return nil, usageErrorf("--topic restricts interaction events: use --layer engagement or all, not follow")
	}
	if len(topics) > 0 && sel.LayerName == "" {
		sel.LayerName = "engagement"
	}
	return topics, nil
}

// measureByName finds --by's measure, or says which names it takes.
func measureByName(ms []Measure, name string) (Measure, error) {
	m, ok := findMeasure(ms, strings.ToLower(name))
	if !ok {
		return Measure{}, usageErrorf("--by %q: want one of %s", name, strings.Join(measureNames(ms), ", "))
	}
	return m, nil
}
