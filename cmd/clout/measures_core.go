package main

import (
	"context"
	"fmt"
	"math"

	"github.com/clout-cli/clout/influence"
)

// coreMeasures are the first columns of `clout rank`, in contract order:
// pagerank, followers, reported_followers, reach2.
func coreMeasures() []Measure {
	return []Measure{
		{
			Name:  "pagerank",
			Doc:   "PageRank on the ranked layer (personalized on --seed or --topic)",
			Needs: NeedRanked,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				pr, err := env.PageRank(ctx)
				return pr.Scores, err
			},
		},
		{
			Name:  "followers",
			Doc:   "accounts in the data that follow the account (follow in-degree)",
			Needs: NeedFollow,
			Int:   true,
			Table: onFollow,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				f, err := env.Follow(ctx)
				if err != nil {
					return nil, err
				}
				out := make([]float64, f.Graph.N())
				for v := range out {
					out[v] = float64(influence.Followers(f.Graph, uint32(v)))
				}
				return out, nil
			},
		},
		{
			Name:  "reported_followers",
			Doc:   "the follower count the platform reported (empty when it reported none)",
			Needs: NeedAccount,
			Int:   true,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				infos, err := env.AllInfos(ctx)
				if err != nil {
					return nil, err
				}
				out := make([]float64, len(infos))
				for i, a := range infos {
					out[i] = reported(a.Followers)
				}
				return out, nil
			},
			Rows: func(ctx context.Context, env *MeasureEnv, nodes []uint32) ([]float64, error) {
				infos, err := env.Infos(ctx, nodes)
				if err != nil {
					return nil, err
				}
				out := make([]float64, len(infos))
				for i, a := range infos {
					out[i] = reported(a.Followers)
				}
				return out, nil
			},
		},
		{
			Name:   "reach2",
			Costly: true,
			Doc:    "distinct accounts that follow the account or one of its followers, itself excluded (--reach)",
			Needs:  NeedFollow,
			Int:    true,
			Table:  onFollow,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				f, err := env.Follow(ctx)
				if err != nil {
					return nil, err
				}
				r, err := influence.Reach2Every(ctx, f.Graph, env.Sel.Reach, influence.Reach2SketchOptions{})
				if err != nil {
					return nil, err
				}
				if env.Verbose {
					fmt.Fprintf(env.ErrOut, "reach2: %s (exact work %d visits, budget %d)", r.Method, r.Work, influence.Reach2ExactBudget)
					if r.Method == influence.Reach2Sketched {
						fmt.Fprintf(env.ErrOut, ", relative standard error %.1f%%", 100*r.RSE)
					}
					fmt.Fprintln(env.ErrOut)
				}
				return intsToFloats(r.Values), nil
			},
			Rows: func(ctx context.Context, env *MeasureEnv, nodes []uint32) ([]float64, error) {
				f, err := env.Follow(ctx)
				if err != nil {
					return nil, err
				}
				r := influence.NewReacher(f.Graph)
				out := make([]float64, len(nodes))
				for i, v := range nodes {
					if err := ctx.Err(); err != nil {
						return nil, err
					}
					out[i] = float64(r.Reach2(v))
				}
				return out, nil
			},
		},
	}
}

// reported turns a reported count into a measure value: NaN when unknown.
func reported(n int64) float64 {
	if n < 0 {
		return math.NaN()
	}
	return float64(n)
}

func intsToFloats(a []int) []float64 {
	out := make([]float64, len(a))
	for i, v := range a {
		out[i] = float64(v)
	}
	return out
}
