package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
)

// TestTopicsAgreeWithTopicLayers checks every tag Topics lists against the
// topic layer of that tag, and against counts made from the input.
func TestTopicsAgreeWithTopicLayers(t *testing.T) {
	ctx := context.Background()
	posts, edges := engagementData(5)
	s, _ := openTemp(t)
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range posts {
		if err := tx.Post(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range edges {
		if err := tx.Edge(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, q := range []TopicsQuery{{}, {Platform: "y"}, {Since: t0.Add(10 * time.Hour), Until: t0.Add(60 * time.Hour)}} {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			got, err := s.Topics(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, st := range got {
				names = append(names, st.Tag)
			}
			// engagementData's tags, lower-cased.
			sorted := slices.Sorted(slices.Values(names))
			if strings.Join(sorted, ",") != "chat,go,other" {
				t.Fatalf("tags %v", names)
			}
			for i := 1; i < len(got); i++ {
				if a, b := got[i-1], got[i]; a.Posts < b.Posts || (a.Posts == b.Posts && a.Tag > b.Tag) {
					t.Errorf("not sorted by posts, then tag: %v", names)
				}
			}
			for _, st := range got {
				// The topic layer's events include these and more (topic.go's
				// rules (b) and (c)).
				layer := Layer{Platform: q.Platform, Since: q.Since, Until: q.Until, Topics: []string{st.Tag}}
				received, _, _, _ := expectEngagement(posts, edges, layer)
				var inLayer int64
				for _, k := range graph.InteractionKinds() {
					for _, c := range received[k] {
						inLayer += c
					}
				}
				var events int64
				var nposts int64
				authors := map[string]bool{}
				first, last := time.Time{}, time.Time{}
				widen := func(at time.Time) {
					if at.IsZero() {
						return
					}
					if first.IsZero() || at.Before(first) {
						first = at
					}
					if last.IsZero() || at.After(last) {
						last = at
					}
				}
				inWindow := func(at time.Time) bool {
					return (q.Since.IsZero() && q.Until.IsZero()) || (!at.IsZero() && !at.Before(q.Since) && at.Before(q.Until))
				}
				for _, p := range posts {
					if (q.Platform == "" || p.Platform == q.Platform) && inWindow(p.At) && hasTag(p.Hashtags, st.Tag) {
						nposts++
						authors[p.Platform+"/"+p.Author] = true
						widen(p.At)
					}
				}
				for _, e := range edges {
					if (q.Platform == "" || e.Platform == q.Platform) && inWindow(e.At) && hasTag(e.Hashtags, st.Tag) {
						events += e.Count
						widen(e.At)
					}
				}
				if events > inLayer || events == 0 {
					t.Errorf("%s: %d events carry the tag, %d in the topic layer", st.Tag, events, inLayer)
				}
				if st.Events != events || st.Posts != nposts || st.Authors != int64(len(authors)) ||
					!st.First.Equal(first) || !st.Last.Equal(last) {
					t.Errorf("%s: got %+v; want %d posts, %d authors, %d events, %v..%v", st.Tag, st, nposts, len(authors), events, first, last)
				}
			}
		})
	}
}

func hasTag(tags []string, tag string) bool {
	for _, t := range tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}
