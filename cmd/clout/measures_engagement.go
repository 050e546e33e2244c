package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/influence"
)

// engagementMeasures are what each account received and posted over the
// selection's window, platform and topics, and the rates made of them
// (influence/engagement.go), in contract order: reposts, quotes, replies,
// mentions, likes, engagers, posts, engagement_rate, amplification,
// per_1k_followers.
func engagementMeasures() []Measure {
	count := func(name, doc string, f func(e *store.Engagement) []int64) Measure {
		return Measure{Name: name, Doc: doc, Needs: NeedEvents, Int: true, Table: onEvents,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				e, err := engagementCounts(ctx, env)
				if err != nil {
					return nil, err
				}
				return int64sToFloats(f(e)), nil
			}}
	}
	received := func(name string, k graph.Kind, doc string) Measure {
		return count(name, doc, func(e *store.Engagement) []int64 { return e.Received[k] })
	}
	return []Measure{
		received("reposts", graph.Repost, "reposts of the account's posts received (events pointing at it, with their counts)"),
		received("quotes", graph.Quote, "quotes received"),
		received("replies", graph.Reply, "replies received"),
		received("mentions", graph.Mention, "mentions received"),
		received("likes", graph.Like, "likes received"),
		count("engagers", "distinct accounts that reposted, quoted, replied to, mentioned or liked the account",
			func(e *store.Engagement) []int64 { return e.Engagers }),
		count("posts", "posts the account authored in the window: originals, replies, quotes (not reposts)",
			func(e *store.Engagement) []int64 { return e.Posts }),
		{
			Name: "engagement_rate", Doc: "engagement received, weighted by --weights, per post authored (empty without posts)",
			Needs: NeedEvents, Table: onEvents,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				r, err := engagementRates(ctx, env, nil)
				return r.Rate, err
			},
		},
		{
			Name: "amplification", Doc: "reposts and quotes received per post authored (empty without posts)",
			Needs: NeedEvents, Table: onEvents,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				r, err := engagementRates(ctx, env, nil)
				return r.Amplification, err
			},
		},
		{
			Name: "per_1k_followers", Doc: "weighted engagement received per 1,000 reported followers (empty when none reported)",
			Needs: NeedEvents, Table: onEvents,
			All: func(ctx context.Context, env *MeasureEnv) ([]float64, error) {
				infos, err := env.AllInfos(ctx)
				if err != nil {
					return nil, err
				}
				r, err := engagementRates(ctx, env, infos)
				return r.Per1kFollowers, err
			},
			Rows: func(ctx context.Context, env *MeasureEnv, nodes []uint32) ([]float64, error) {
				infos, err := env.Infos(ctx, nodes)
				if err != nil {
					return nil, err
				}
				all, err := engagementRates(ctx, env, nil)
				if err != nil {
					return nil, err
				}
				out := make([]float64, len(nodes))
				for i, v := range nodes {
					out[i] = math.NaN()
					if f := infos[i].Followers; f > 0 {
						out[i] = 1000 * all.Weighted[v] / float64(f)
					}
				}
				return out, nil
			},
		},
	}
}

// engagementCounts is store.Engagement of the selection (window, platform,
// topics) in the ranked layer's node order, computed once.
func engagementCounts(ctx context.Context, env *MeasureEnv) (*store.Engagement, error) {
	v, err := env.Memo("engagement:counts", func() (any, error) {
		l, err := env.Ranked(ctx)
		if err != nil {
			return nil, err
		}
		return env.Store.Engagement(ctx, l, env.Sel.Layer)
	})
	if err != nil {
		return nil, err
	}
	return v.(*store.Engagement), nil
}

// engagementRates computes influence.Engagement of the counts; with infos
// nil the followers are unknown (per_1k_followers empty), which the other
// rates do not use.
func engagementRates(ctx context.Context, env *MeasureEnv, infos []store.AccountInfo) (influence.EngagementRates, error) {
	key := "engagement:rates"
	if infos != nil {
		key += ":followers"
	}
	v, err := env.Memo(key, func() (any, error) {
		c, err := engagementCounts(ctx, env)
		if err != nil {
			return nil, err
		}
		followers := make([]int64, len(c.Posts))
		for i := range followers {
			followers[i] = graph.Unknown
			if infos != nil {
				followers[i] = infos[i].Followers
			}
		}
		return influence.Engagement(c.Received, c.Posts, env.Sel.Weights, followers)
	})
	if err != nil {
		return influence.EngagementRates{}, err
	}
	return v.(influence.EngagementRates), nil
}

func int64sToFloats(a []int64) []float64 {
	out := make([]float64, len(a))
	for i, v := range a {
		out[i] = float64(v)
	}
	return out
}

// topicSeeds personalizes PageRank on the accounts that posted with the
// selection's topics, unless --seed chose seeds already.
func topicSeeds(ctx context.Context, env *MeasureEnv) error {
	if len(env.Sel.Layer.Topics) == 0 || len(env.Sel.SeedIDs) > 0 {
		return nil
	}
	l, err := env.Ranked(ctx)
	if err != nil {
		return err
	}
	nodes, err := env.Store.TopicAuthors(ctx, l, env.Sel.Layer)
	if err != nil {
		return err
	}
	if len(nodes) == 0 {
		fmt.Fprintf(env.ErrOut, "warning: no account posted with %s in the selection; PageRank is not personalized\n", topicNames(env.Sel.Layer.Topics))
		return nil
	}
	for _, v := range nodes {
		env.Sel.SeedIDs = append(env.Sel.SeedIDs, l.IDs[v])
	}
	if env.Verbose {
		fmt.Fprintf(env.ErrOut, "topic %s: PageRank personalized on the %d accounts that posted with it\n", topicNames(env.Sel.Layer.Topics), len(nodes))
	}
	return nil
}

// parseTopics reads --topic values: '#' optional, any case; a value may
// hold several tags separated by commas or spaces.
func parseTopics(values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		tags := graph.NormalizeHashtags(strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }))
		if len(tags) == 0 {
			return nil, usageErrorf("--topic %q names no hashtag: want e.g. --topic '#ciscosmt'", v)
		}
		out = append(out, tags...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func topicNames(tags []string) string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = "#" + t
	}
	return strings.Join(out, " or ")
}

// seedNames reads --seed values and the lines of --seed-file (blank lines
// and '#' comments skipped) into one list of account names.
func seedNames(seeds []string, file string, stdin io.Reader) ([]string, error) {
	names := append([]string(nil), seeds...)
	if file == "" {
		return names, nil
	}
	var r io.Reader = stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("--seed-file: cannot read %s: %w", file, errors.Unwrap(err))
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if line == 1 {
			s = strings.TrimPrefix(s, "\ufeff")
		}
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		names = append(names, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--seed-file %s: %w", file, err)
	}
	if len(names) == 0 {
		return nil, usageErrorf("--seed-file %s names no account (one handle or key a line)", file)
	}
	return names, nil
}

// resolveSeeds finds the accounts --seed and --seed-file name, as reach does.
func resolveSeeds(ctx context.Context, s *store.Store, names []string, platform string) ([]int64, error) {
	ids := make([]int64, 0, len(names))
	for _, n := range names {
		a, err := resolveAccount(ctx, s, n, platform)
		if err != nil {
			return nil, fmt.Errorf("--seed: %w", err)
		}
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
