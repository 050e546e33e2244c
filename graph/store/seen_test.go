package store

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
)

// Of several observations of an account's attributes, each attribute keeps
// its latest (ties, unknown times included, to the larger value), whatever
// order they are written in, in one transaction or in several.
func TestAccountAttributesKeepTheLatestObservationInAnyOrder(t *testing.T) {
	at := func(min int) time.Time {
		if min < 0 {
			return time.Time{}
		}
		return time.Date(2024, 3, 1, 17, min, 0, 0, time.UTC)
	}
	obs := []graph.Account{
		{Handle: "carol", Name: "Carol", Followers: 100, Following: 5, Posts: graph.Unknown, Seen: at(10)},
		{Handle: "carol_new", Name: "", Followers: 120, Following: graph.Unknown, Posts: 7, Seen: at(30)},
		{Handle: "carol_old", Name: "Carol O", Followers: 90, Following: 9, Posts: 3, Seen: at(0)},
		{Handle: "", Name: "Carol C", Followers: graph.Unknown, Following: graph.Unknown, Posts: graph.Unknown, Seen: at(20)},
		{Handle: "zz_untimed", Name: "Zed", Followers: 999, Following: 999, Posts: 999, Seen: at(-1)},
		{Handle: "carol_tie", Name: "", Followers: 119, Following: graph.Unknown, Posts: graph.Unknown, Seen: at(30)},
	}
	for i := range obs {
		obs[i].Platform, obs[i].Key = "bluesky", "did:plc:carol"
	}
	// handle: carol_tie and carol_new at 17:30, larger string wins; name:
	// Carol C at 17:20; followers: 120 beats 119 at 17:30; following: 5 at
	// 17:10; posts: 7 at 17:30.
	const want = "bluesky|did:plc:carol|carol_tie|Carol C|120|5|7"
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 30 {
		s, _ := openTemp(t)
		order := rng.Perm(len(obs))
		cut := rng.IntN(len(obs) + 1) // observations before cut in one Tx, the rest one Tx each
		tx, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for k, i := range order {
			if k == cut {
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			}
			if k >= cut {
				if tx, err = s.Begin(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.Account(obs[i]); err != nil {
				t.Fatal(err)
			}
			if k >= cut {
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if cut == len(obs) {
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		var got string
		err = s.DB().QueryRow(`SELECT platform || '|' || key || '|' || handle || '|' || name || '|' || followers_count || '|' ||
			following_count || '|' || posts_count FROM accounts`).Scan(&got)
		if err != nil || got != want {
			t.Fatalf("trial %d (order %v, cut %d): %q, %v; want %q", trial, order, cut, got, err, want)
		}
		s.Close()
	}
}

// Observations of one post that disagree merge to the same row in any order,
// in one transaction or several: the most specific kind with that
// observation's parent (even none), the earliest time, the smaller author key.
func TestPostObservationsMergeInAnyOrder(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2024, 3, 1, 17, m, 0, 0, time.UTC) }
	obs := []graph.Post{
		{Kind: graph.QuotePost, Parent: "q1", Author: "bob", At: at(5), TextLen: 10},
		{Kind: graph.RepostPost, Author: "carol", At: at(3)},
		{Kind: graph.Original, Author: "alice", TextLen: 12, Hashtags: []string{"go"}},
		{Kind: graph.ReplyPost, Parent: "r1", At: at(9)},
	}
	for i := range obs {
		obs[i].Platform, obs[i].ID = "bluesky", "at://p/1"
	}
	const want = "repost||alice|" + "1709312580" + "|12"
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 24 {
		s, _ := openTemp(t)
		order := rng.Perm(len(obs))
		split := trial%2 == 1
		tx, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range order {
			if err := tx.Post(obs[i]); err != nil {
				t.Fatal(err)
			}
			if split {
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				if tx, err = s.Begin(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		var got string
		err = s.DB().QueryRow(`SELECT p.kind || '|' || coalesce(p.parent_id, '') || '|' || a.key || '|' || p.at || '|' || p.text_len
			FROM posts p JOIN accounts a ON a.id = p.author`).Scan(&got)
		if err != nil || got != want {
			t.Fatalf("trial %d (order %v, split %v): %q, %v; want %q", trial, order, split, got, err, want)
		}
		s.Close()
	}
}
