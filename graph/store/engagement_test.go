package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
)

// engagementData is a random collection over two platforms: posts (some
// tagged, some children of others) and events on them, on missing posts, or
// on none, with their own hashtags or not.
func engagementData(seed uint64) ([]graph.Post, []graph.Edge) {
	rng := rand.New(rand.NewPCG(seed, 1))
	platforms := []string{"x", "y"}
	tags := []string{"chat", "Go", "other"}
	acct := func() string { return fmt.Sprint("a", rng.IntN(7)) }
	when := func() time.Time {
		if rng.IntN(10) == 0 {
			return time.Time{}
		}
		return t0.Add(time.Duration(rng.IntN(100)) * time.Hour)
	}
	pickTags := func() []string {
		var out []string
		for _, t := range tags {
			if rng.IntN(4) == 0 {
				out = append(out, t)
			}
		}
		return out
	}
	var posts []graph.Post
	for i := range 60 {
		p := graph.Post{Platform: platforms[i%2], ID: fmt.Sprint("p", i), Author: acct(), At: when(),
			Kind: graph.PostKind(rng.IntN(4)), Hashtags: pickTags()}
		if p.Kind != graph.Original && i >= 2 {
			// A parent on the same platform, or a post not in the data.
			if j := rng.IntN(i + 5); j < i && j%2 == i%2 {
				p.Parent = fmt.Sprint("p", j)
			} else {
				p.Parent = fmt.Sprint("missing", j)
			}
		}
		posts = append(posts, p)
	}
	var edges []graph.Edge
	for i := range 400 {
		e := graph.Edge{Platform: platforms[rng.IntN(2)], Src: acct(), Dst: acct(),
			Kind: graph.InteractionKinds()[rng.IntN(5)], At: when(), Count: int64(1 + rng.IntN(3))}
		for e.Dst == e.Src {
			e.Dst = acct()
		}
		switch rng.IntN(3) {
		case 0:
			e.PostID = fmt.Sprint("p", rng.IntN(70)) // may be missing, or on the other platform
		case 1:
			e.PostID = fmt.Sprint("e", i) // a post the data does not hold
		}
		if rng.IntN(3) == 0 {
			e.Hashtags = pickTags()
		}
		edges = append(edges, e)
	}
	return posts, edges
}

// expectEngagement counts by the definitions (engagement.go, topic.go),
// directly over the input, keyed by platform/account.
func expectEngagement(posts []graph.Post, edges []graph.Edge, layer Layer) (received map[graph.Kind]map[string]int64,
	engagers map[string]int64, authored map[string]int64, authors map[string]bool) {
	inWindow := func(t time.Time) bool {
		if layer.Since.IsZero() && layer.Until.IsZero() {
			return true
		}
		if t.IsZero() {
			return false
		}
		return (layer.Since.IsZero() || !t.Before(layer.Since)) && (layer.Until.IsZero() || t.Before(layer.Until))
	}
	topic := map[string]bool{}
	for _, t := range layer.Topics {
		topic[strings.ToLower(strings.TrimPrefix(t, "#"))] = true
	}
	carries := func(tags []string) bool {
		for _, t := range tags {
			if topic[strings.ToLower(t)] {
				return true
			}
		}
		return false
	}
	byID := map[string]graph.Post{}
	for _, p := range posts {
		byID[p.Platform+"/"+p.ID] = p
	}
	tagged := func(platform, id string) bool {
		p, ok := byID[platform+"/"+id]
		return ok && id != "" && carries(p.Hashtags)
	}
	onTopic := func(e graph.Edge) bool {
		if len(topic) == 0 {
			return true
		}
		if carries(e.Hashtags) || tagged(e.Platform, e.PostID) {
			return true
		}
		p, ok := byID[e.Platform+"/"+e.PostID]
		return ok && e.PostID != "" && tagged(p.Platform, p.Parent)
	}
	on := func(platform string) bool { return layer.Platform == "" || layer.Platform == platform }
	received = map[graph.Kind]map[string]int64{}
	for _, k := range graph.InteractionKinds() {
		received[k] = map[string]int64{}
	}
	engagers, authored, authors = map[string]int64{}, map[string]int64{}, map[string]bool{}
	seen := map[string]bool{}
	for _, e := range edges {
		if !on(e.Platform) || !inWindow(e.At) || !onTopic(e) {
			continue
		}
		dst := e.Platform + "/" + e.Dst
		received[e.Kind][dst] += e.Count
		if !seen[dst+"<"+e.Src] {
			seen[dst+"<"+e.Src] = true
			engagers[dst]++
		}
		if len(topic) > 0 && carries(e.Hashtags) && e.Kind != graph.Like {
			authors[e.Platform+"/"+e.Src] = true
		}
	}
	for _, p := range posts {
		if !on(p.Platform) || !inWindow(p.At) || (len(topic) > 0 && !carries(p.Hashtags)) {
			continue
		}
		if len(topic) > 0 {
			authors[p.Platform+"/"+p.Author] = true
		}
		if p.Kind != graph.RepostPost {
			authored[p.Platform+"/"+p.Author]++
		}
	}
	return received, engagers, authored, authors
}

func TestEngagementCountedIndependently(t *testing.T) {
	ctx := context.Background()
	layers := []Layer{
		{},
		{Platform: "x"},
		{Since: t0.Add(20 * time.Hour), Until: t0.Add(70 * time.Hour)},
		{Topics: []string{"#Chat"}},
		{Topics: []string{"chat", "GO"}, Platform: "y"},
		{Topics: []string{"go"}, Since: t0.Add(30 * time.Hour)},
		{Topics: []string{"nosuchtag"}},
	}
	for seed := range uint64(3) {
		posts, edges := engagementData(seed)
		s, _ := openTemp(t)
		tx, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Events first, posts after: the order of arrival does not matter.
		for _, e := range edges {
			if err := tx.Edge(e); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range posts {
			if err := tx.Post(p); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		for _, layer := range layers {
			t.Run(fmt.Sprintf("seed %d %+v", seed, layer), func(t *testing.T) {
				layer.Weights = map[graph.Kind]float64{graph.Repost: 1, graph.Quote: 1, graph.Reply: 0.5, graph.Mention: 0.5, graph.Like: 0.25}
				l, err := s.LoadGraph(ctx, layer)
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.Engagement(ctx, l, layer)
				if err != nil {
					t.Fatal(err)
				}
				infos, err := s.Accounts(ctx, l.IDs)
				if err != nil {
					t.Fatal(err)
				}
				received, engagers, authored, authors := expectEngagement(posts, edges, layer)
				var wantW, gotW float64
				for i, a := range infos {
					name := a.Platform + "/" + a.Key
					for _, k := range graph.InteractionKinds() {
						if g, w := got.Received[k][i], received[k][name]; g != w {
							t.Errorf("%s received %d %s, want %d", name, g, k, w)
						}
						wantW += layer.Weights[k] * float64(received[k][name])
					}
					if g, w := got.Engagers[i], engagers[name]; g != w {
						t.Errorf("%s has %d engagers, want %d", name, g, w)
					}
					if g, w := got.Posts[i], authored[name]; g != w {
						t.Errorf("%s authored %d posts, want %d", name, g, w)
					}
				}
				// The topic layer's graph holds exactly the topic's events.
				for u := range l.Graph.N() {
					gotW += l.Graph.OutWeight(uint32(u))
				}
				if diff := gotW - wantW; diff > 1e-6 || diff < -1e-6 {
					t.Errorf("graph weight %g, want %g", gotW, wantW)
				}
				if len(layer.Topics) > 0 {
					seeds, err := s.TopicAuthors(ctx, l, layer)
					if err != nil {
						t.Fatal(err)
					}
					var gotA, wantA []string
					for _, v := range seeds {
						gotA = append(gotA, infos[v].Platform+"/"+infos[v].Key)
					}
					for a := range authors {
						wantA = append(wantA, a)
					}
					slices.Sort(gotA)
					slices.Sort(wantA)
					if !reflect.DeepEqual(gotA, wantA) {
						t.Errorf("topic authors %v, want %v", gotA, wantA)
					}
				}
			})
		}
	}
}
