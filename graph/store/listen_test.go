package store

import (
	"context"
	"slices"
	"testing"

	"github.com/clout-cli/clout/graph"
)

func TestListenCursorLandsWithItsBatch(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	if _, ok, err := s.ListenCursor(ctx, "listen:bluesky:a"); ok || err != nil {
		t.Fatalf("cursor of an empty database: ok=%v err=%v", ok, err)
	}
	write := func(cursor int64, commit bool) {
		sink, err := s.ListenBegin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx := sink.(*Tx)
		if err := tx.Post(graph.Post{Platform: "bluesky", ID: "at://did:plc:a/app.bsky.feed.post/1", Author: "did:plc:a"}); err != nil {
			t.Fatal(err)
		}
		if err := tx.SetListenCursor("listen:bluesky:a", cursor); err != nil {
			t.Fatal(err)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	write(1000, false)
	if _, ok, _ := s.ListenCursor(ctx, "listen:bluesky:a"); ok {
		t.Error("a rolled back cursor was stored")
	}
	if ok, _ := s.HasPost(ctx, "bluesky", "at://did:plc:a/app.bsky.feed.post/1"); ok {
		t.Error("a rolled back post was stored")
	}
	write(1000, true)
	write(2000, true)
	if c, ok, err := s.ListenCursor(ctx, "listen:bluesky:a"); c != 2000 || !ok || err != nil {
		t.Errorf("cursor = %d %v %v, want 2000", c, ok, err)
	}
	if _, ok, _ := s.ListenCursor(ctx, "listen:bluesky:b"); ok {
		t.Error("another tag set shares the cursor")
	}
	if ok, err := s.HasPost(ctx, "bluesky", "at://did:plc:a/app.bsky.feed.post/1"); !ok || err != nil {
		t.Errorf("HasPost = %v %v", ok, err)
	}
	if ok, _ := s.HasPost(ctx, "mastodon", "at://did:plc:a/app.bsky.feed.post/1"); ok {
		t.Error("HasPost ignores the platform")
	}
	var ids []string
	if err := s.EachPostID(ctx, "bluesky", func(id string) error { ids = append(ids, id); return nil }); err != nil || len(ids) != 1 {
		t.Errorf("EachPostID = %q %v", ids, err)
	}
}

func TestUnprofiled(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	named := graph.NewAccount("bluesky", "did:plc:named")
	named.Handle = "named.bsky.social"
	counted := graph.NewAccount("bluesky", "did:plc:counted")
	counted.Followers = 3
	for _, a := range []graph.Account{named, counted, graph.NewAccount("bluesky", "did:plc:bare"), graph.NewAccount("x", "did:plc:other")} {
		if err := tx.Account(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := s.Unprofiled(ctx, "bluesky", []string{"did:plc:named", "did:plc:new", "did:plc:bare", "did:plc:counted"}, 0)
	if want := []string{"did:plc:new", "did:plc:bare"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("Unprofiled(keys) = %q %v, want %q", got, err, want)
	}
	got, err = s.Unprofiled(ctx, "bluesky", nil, 10)
	if want := []string{"did:plc:bare"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("Unprofiled(all) = %q %v, want %q", got, err, want)
	}
}
