package main

import (
	"context"
	"fmt"

	"github.com/clout-cli/clout/influence"
)

// structureMeasures are the measures of the graph's shape beyond PageRank
// (issue 7): LeaderRank, HITS authority and hub, coreness. Appended after
// the engagement columns.
func structureMeasures() []Measure {
	return []Measure{
		{
			Name:   "leaderrank",
			Costly: true,
			Doc:    "LeaderRank (Lü et al. 2011): undamped walk with a ground node linked both ways to every account; mean 1",
			Needs:  NeedRanked,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				l, err := env.Ranked(ctx)
				if err != nil {
					return nil, err
				}
				r, err := influence.LeaderRank(ctx, l.Graph, influence.LeaderRankOptions{Tol: env.Sel.Tol})
				if err != nil {
					return nil, err
				}
				if !r.Converged {
					fmt.Fprintf(env.ErrOut, "warning: LeaderRank did not converge in %d iterations (change %.3g)\n", r.Iterations, r.Residual)
				}
				return r.Scores, nil
			},
		},
		{
			Name:   "authority",
			Costly: true,
			Doc:    "HITS authority (Kleinberg 1999): attention from good hubs; sums to 1",
			Needs:  NeedRanked,
			Table:  never,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				r, err := hits(ctx, env)
				return r.Authority, err
			},
		},
		{
			Name:   "hub",
			Costly: true,
			Doc:    "HITS hub (Kleinberg 1999): attention given to good authorities; sums to 1",
			Needs:  NeedRanked,
			Table:  never,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				r, err := hits(ctx, env)
				return r.Hub, err
			},
		},
		{
			Name:   "coreness",
			Costly: true,
			Doc:    "k-core number on the follow layer, degree = in + out (Kitsak et al. 2010)",
			Needs:  NeedFollow,
			Int:    true,
			Table:  onFollow,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				f, err := env.Follow(ctx)
				if err != nil {
					return nil, err
				}
				c, err := influence.Coreness(ctx, f.Graph)
				if err != nil {
					return nil, err
				}
				return intsToFloats(c), nil
			},
		},
	}
}

// communityMeasure is the Leiden community of every account on the ranked
// layer (as clout communities computes it with the same flags).
func communityMeasure() Measure {
	return Measure{
		Name:     "community",
		Doc:      "Leiden community on the ranked layer, undirected (0 = the largest; on demand: --measures community or --per-community)",
		Needs:    NeedRanked,
		Int:      true,
		OnDemand: true,
		All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
			r, err := leidenOf(ctx, env)
			if err != nil {
				return nil, err
			}
			out := make([]float64, len(r.Membership))
			for i, c := range r.Membership {
				out[i] = float64(c)
			}
			return out, nil
		},
	}
}

// leidenOf runs Leiden on the ranked layer once.
func leidenOf(ctx context.Context, env *MeasureEnv) (influence.LeidenResult, error) {
	v, err := env.Memo("leiden", func() (any, error) {
		l, err := env.Ranked(ctx)
		if err != nil {
			return nil, err
		}
		seed := env.Sel.RandomSeed
		if seed == 0 {
			seed = 1
		}
		return influence.Leiden(ctx, l.Graph, influence.LeidenOptions{Resolution: env.Sel.Resolution, Seed: seed})
	})
	if err != nil {
		return influence.LeidenResult{}, err
	}
	return v.(influence.LeidenResult), nil
}

// hits runs HITS on the ranked layer once for both of its columns.
func hits(ctx context.Context, env *MeasureEnv) (influence.HITSResult, error) {
	v, err := env.Memo("hits", func() (any, error) {
		l, err := env.Ranked(ctx)
		if err != nil {
			return nil, err
		}
		r, err := influence.HITS(ctx, l.Graph, influence.HITSOptions{})
		if err != nil {
			return nil, err
		}
		return r, nil
	})
	if err != nil {
		return influence.HITSResult{}, err
	}
	return v.(influence.HITSResult), nil
}
