package bluesky

import (
	"context"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// posts reads app.bsky.feed.getAuthorFeed with filter=posts_with_replies
// (posts, replies and reposts) and includePins=false; every parameter with a
// schema default is sent, as specs/xrpc asks for consistent caching.
func (p *Platform) posts(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	q := paged("actor", t.Subject, cursor)
	q.Set("filter", "posts_with_replies")
	q.Set("includePins", "false")
	var r authorFeed
	if err := p.get(ctx, t, "app.bsky.feed.getAuthorFeed", q, &r); err != nil {
		return nil, err
	}
	return feedPage(t.Subject, &r), nil
}

// feedPage turns an author-feed page of subject into events (see the package
// comment). Page.Posts lists the subject's own posts only: a repost item's
// post belongs to someone else and a pin item repeats a post listed in place.
// Items authored by another account without a repost reason (the feed of a
// thread-filtered view) are skipped.
func feedPage(subject string, r *authorFeed) *crawl.Page {
	pg := &crawl.Page{Next: r.Cursor}
	seen := make(map[string]bool)
	addAccount := func(v *profile) {
		if a, ok := account(v); ok && !seen[a.Key] {
			seen[a.Key] = true
			pg.Accounts = append(pg.Accounts, a)
		}
	}
	for i := range r.Feed {
		it := &r.Feed[i]
		author := it.Post.Author.DID
		if !IsDID(author) || it.Post.URI == "" {
			continue
		}
		if it.Reason != nil {
			switch it.Reason.Type {
			case typeReasonPin:
				continue
			case typeReasonRepost:
				by := it.Reason.By.DID
				if !IsDID(by) {
					continue
				}
				addAccount(&it.Reason.By)
				addAccount(&it.Post.Author)
				// PostID = the reposted post and no time, as getRepostedBy
				// sees it: one identity for one repost (package comment).
				pg.Edges = append(pg.Edges, graph.Edge{Platform: Name, Src: by, Dst: author, Kind: graph.Repost, PostID: it.Post.URI})
				rec := decodeRecord(it.Post.Record)
				addPost(pg, &it.Post, &rec)
				if rp, ok := repostOf(it.Reason, it.Post.URI); ok {
					pg.PostRecords = append(pg.PostRecords, rp)
				}
				continue
			}
			// An unknown reason: read the item as a plain post.
		}
		if author != subject {
			continue
		}
		addAccount(&it.Post.Author)
		var parent *refPost
		if it.Reply != nil {
			parent = &it.Reply.Parent
		}
		rec := decodeRecord(it.Post.Record)
		pg.Edges = append(pg.Edges, recordEdges(&it.Post, parent, &rec)...)
		addPost(pg, &it.Post, &rec)
		if it.Reply != nil {
			addParentRef(pg, &it.Reply.Parent)
		}
		pg.Posts = appendDistinct(pg.Posts, it.Post.URI)
	}
	return pg
}
