package influence

import (
	"fmt"
	"math"

	"github.com/clout-cli/clout/graph"
)

// EngagementRates are the rates of the engagement measures, one value per
// node; NaN means empty (the denominator is zero or unknown).
type EngagementRates struct {
	// Weighted is the weighted engagement received:
	//
	//	weighted(i) = Σ_k w_k · received_k(i)
	//
	// over the interaction kinds k (repost, quote, reply, mention, like),
	// with w_k the kind weights (rank's --weights) and received_k(i) the
	// events of kind k pointing at i, counted with their multiplicity.
	Weighted []float64
	// Rate is engagement_rate(i) = weighted(i) / posts(i): the weighted
	// engagement received per post authored (originals, replies, quotes;
	// not reposts). NaN when posts(i) = 0: the data holds no post of i.
	Rate []float64
	// Amplification is (reposts(i) + quotes(i)) / posts(i): how often what
	// i posts is passed on, per post. NaN when posts(i) = 0.
	Amplification []float64
	// Per1kFollowers is 1000 · weighted(i) / followers(i), followers being
	// the count the platform reported: engagement relative to audience, the
	// "influence" that does not reward a big audience for being big. NaN
	// when the platform reported none (unknown, or 0).
	Per1kFollowers []float64
}

// Engagement computes the engagement rates of n nodes from what they
// received (received[k][i] for each interaction kind k; a kind missing from
// the map counts 0), the posts they authored and the follower counts their
// platform reported (graph.Unknown when not given). weights gives each
// kind's weight; a kind missing from it weighs 0, and follow is ignored.
//
// Counting received engagement against output and audience, rather than
// ranking by audience size alone, follows M. Cha, H. Haddadi, F. Benevenuto
// and K. P. Gummadi, "Measuring user influence in Twitter: the million
// follower fallacy", ICWSM 2010, which found that follower counts say little
// about the retweets and mentions an account draws.
func Engagement(received map[graph.Kind][]int64, posts []int64, weights map[graph.Kind]float64, followers []int64) (EngagementRates, error) {
	n := len(posts)
	if len(followers) != n {
		return EngagementRates{}, fmt.Errorf("engagement: %d follower counts for %d nodes", len(followers), n)
	}
	for k, r := range received {
		if !k.IsInteraction() {
			return EngagementRates{}, fmt.Errorf("engagement: %s is not an interaction kind", k)
		}
		if len(r) != n {
			return EngagementRates{}, fmt.Errorf("engagement: %d %s counts for %d nodes", len(r), k, n)
		}
	}
	for k, w := range weights {
		if k.IsInteraction() && (w < 0 || math.IsNaN(w) || math.IsInf(w, 0)) {
			return EngagementRates{}, fmt.Errorf("engagement: weight of %s is %g, want a finite number ≥ 0", k, w)
		}
	}
	r := EngagementRates{Weighted: make([]float64, n), Rate: make([]float64, n),
		Amplification: make([]float64, n), Per1kFollowers: make([]float64, n)}
	at := func(k graph.Kind, i int) float64 {
		if c := received[k]; c != nil {
			return float64(c[i])
		}
		return 0
	}
	for i := range n {
		var w float64
		for _, k := range graph.InteractionKinds() {
			w += weights[k] * at(k, i)
		}
		r.Weighted[i] = w
		r.Rate[i], r.Amplification[i], r.Per1kFollowers[i] = math.NaN(), math.NaN(), math.NaN()
		if p := posts[i]; p > 0 {
			r.Rate[i] = w / float64(p)
			r.Amplification[i] = (at(graph.Repost, i) + at(graph.Quote, i)) / float64(p)
		}
		if f := followers[i]; f > 0 {
			r.Per1kFollowers[i] = 1000 * w / float64(f)
		}
	}
	return r, nil
}
