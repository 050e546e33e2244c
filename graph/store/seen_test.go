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
