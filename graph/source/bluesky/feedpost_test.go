package bluesky

import (
	"context"
	"fmt"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/bluesky/blueskytest"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// The author feed's pages carry every own post, every repost record (and
// the reposted post), and the posts quoted, as PostRecords and Refs.
func TestFeedPostRecords(t *testing.T) {
	w := blueskytest.NewWorld(11, 60)
	srv := blueskytest.NewServer(t, w)
	p := newPlatform(t, srv.URL)
	byURI := map[string]*blueskytest.Post{}
	for i := range w.Posts {
		byURI[w.Posts[i].URI] = &w.Posts[i]
	}
	checked := 0
	for _, a := range w.Accounts[:20] {
		got, refs := map[string]graph.Post{}, map[string]graph.Post{}
		cursor := ""
		for {
			pg, err := p.Fetch(context.Background(), crawl.Task{Endpoint: crawl.Posts, Subject: a.DID}, cursor)
			if err != nil {
				t.Fatal(err)
			}
			for _, po := range pg.PostRecords {
				got[po.ID] = po
			}
			for _, po := range pg.Refs {
				refs[po.ID] = po
			}
			if cursor = pg.Next; cursor == "" {
				break
			}
		}
		want := map[string]graph.Post{}
		wantRefs := map[string]graph.Post{}
		for i := range w.Posts {
			if po := &w.Posts[i]; po.Author == a.DID {
				want[po.URI] = blueskytest.PostOf(po)
				if q, ok := byURI[po.Quote]; ok {
					wantRefs[q.URI] = blueskytest.PostOf(q)
				}
				if r, ok := byURI[po.Parent]; ok {
					wantRefs[r.URI] = blueskytest.PostOf(r)
				}
			}
		}
		for i := range w.Reposts {
			r := &w.Reposts[i]
			if r.By != a.DID {
				continue
			}
			orig := byURI[r.Post]
			want[orig.URI] = blueskytest.PostOf(orig)
			if q, ok := byURI[orig.Quote]; ok {
				wantRefs[q.URI] = blueskytest.PostOf(q)
			}
			want[blueskytest.RepostURI(r)] = graph.Post{Platform: Name, ID: blueskytest.RepostURI(r), Author: a.DID,
				At: r.At.UTC(), Kind: graph.RepostPost, Parent: r.Post}
		}
		for id, wp := range want {
			if gp, ok := got[id]; !ok || fmt.Sprintf("%+v", gp) != fmt.Sprintf("%+v", wp) {
				t.Errorf("%s: post %s = %+v, want %+v", a.Handle, id, gp, wp)
			}
			checked++
		}
		for id, wp := range wantRefs {
			if gp, ok := refs[id]; !ok || fmt.Sprintf("%+v", gp) != fmt.Sprintf("%+v", wp) {
				t.Errorf("%s: ref %s = %+v, want %+v", a.Handle, id, gp, wp)
			}
		}
		if len(got) != len(want) || len(refs) != len(wantRefs) {
			t.Errorf("%s: %d posts and %d refs, want %d and %d", a.Handle, len(got), len(refs), len(want), len(wantRefs))
		}
	}
	if checked < 50 {
		t.Errorf("only %d posts checked", checked)
	}
}
