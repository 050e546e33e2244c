package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// owner returns the author DID of the task's post: t.Owner, or else the
// authority of the post's AT-URI.
func owner(t crawl.Task) (string, error) {
	if IsDID(t.Owner) {
		return t.Owner, nil
	}
	if d := postDID(t.Subject); d != "" {
		return d, nil
	}
	return "", fmt.Errorf("bluesky %s of %q: not a post AT-URI with a DID and no owner DID given", t.Endpoint, t.Subject)
}

// repostedBy reads app.bsky.feed.getRepostedBy: repost edges reposter →
// author with PostID = the reposted post and no time (the endpoint has none).
func (p *Platform) repostedBy(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	own, err := owner(t)
	if err != nil {
		return nil, err
	}
	var r repostedBy
	if err := p.get(ctx, t, "app.bsky.feed.getRepostedBy", paged("uri", t.Subject, cursor), &r); err != nil {
		return nil, err
	}
	return repostedByPage(t.Subject, own, &r), nil
}

func repostedByPage(post, own string, r *repostedBy) *crawl.Page {
	return listPage(r.RepostedBy, r.Cursor, func(did string) graph.Edge {
		return graph.Edge{Platform: Name, Src: did, Dst: own, Kind: graph.Repost, PostID: post}
	})
}

// quotes reads app.bsky.feed.getQuotes: quote edges quoter → author with
// PostID = the quoting post and At its sortAt.
func (p *Platform) quotes(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	own, err := owner(t)
	if err != nil {
		return nil, err
	}
	var r quotes
	if err := p.get(ctx, t, "app.bsky.feed.getQuotes", paged("uri", t.Subject, cursor), &r); err != nil {
		return nil, err
	}
	return quotesPage(own, &r), nil
}

func quotesPage(own string, r *quotes) *crawl.Page {
	pg := &crawl.Page{Next: r.Cursor}
	for i := range r.Posts {
		pv := &r.Posts[i]
		if !engagerPost(pg, pv) {
			continue
		}
		rec := decodeRecord(pv.Record)
		addPost(pg, pv, &rec)
		at, tags := postTime(pv, &rec)
		pg.Edges = append(pg.Edges, graph.Edge{Platform: Name, Src: pv.Author.DID, Dst: own, Kind: graph.Quote, At: at, PostID: pv.URI, Hashtags: tags})
	}
	return pg
}

// engagerPost records the author of another account's post as a met and
// found account; false if the post has no usable author or URI.
func engagerPost(pg *crawl.Page, pv *postView) bool {
	a, ok := account(&pv.Author)
	if !ok || pv.URI == "" {
		return false
	}
	pg.Accounts = append(pg.Accounts, a)
	pg.Found = append(pg.Found, a.Key)
	return true
}

// likes reads app.bsky.feed.getLikes: like edges liker → author with PostID
// = the liked post and At = the like's sortAt.
func (p *Platform) likes(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	own, err := owner(t)
	if err != nil {
		return nil, err
	}
	var r likes
	if err := p.get(ctx, t, "app.bsky.feed.getLikes", paged("uri", t.Subject, cursor), &r); err != nil {
		return nil, err
	}
	return likesPage(t.Subject, own, &r), nil
}

func likesPage(post, own string, r *likes) *crawl.Page {
	pg := &crawl.Page{Next: r.Cursor}
	for i := range r.Likes {
		l := &r.Likes[i]
		a, ok := account(&l.Actor)
		if !ok {
			continue
		}
		pg.Accounts = append(pg.Accounts, a)
		pg.Found = append(pg.Found, a.Key)
		pg.Edges = append(pg.Edges, graph.Edge{Platform: Name, Src: a.Key, Dst: own, Kind: graph.Like, At: sortAt(l.CreatedAt, l.IndexedAt), PostID: post})
	}
	return pg
}

// replies reads app.bsky.feed.getPostThread with depth=1 and parentHeight=0:
// the post and its direct replies, in one page (the method has no cursor).
// Reply edges replier → author with PostID = the reply and At its sortAt;
// replies not found or blocked are skipped.
func (p *Platform) replies(ctx context.Context, t crawl.Task) (*crawl.Page, error) {
	own, err := owner(t)
	if err != nil {
		return nil, err
	}
	q := url.Values{"uri": {t.Subject}, "depth": {"1"}, "parentHeight": {"0"}}
	var r postThread
	if err := p.get(ctx, t, "app.bsky.feed.getPostThread", q, &r); err != nil {
		return nil, err
	}
	return repliesPage(own, &r), nil
}

func repliesPage(own string, r *postThread) *crawl.Page {
	pg := &crawl.Page{}
	if r.Thread.Type != typeThreadViewPost {
		return pg
	}
	if r.Thread.Post != nil && r.Thread.Post.Author.DID == own {
		rec := decodeRecord(r.Thread.Post.Record)
		addPost(pg, r.Thread.Post, &rec)
	}
	for _, raw := range r.Thread.Replies {
		var n threadNode
		if json.Unmarshal(raw, &n) != nil || n.Type != typeThreadViewPost || n.Post == nil {
			continue
		}
		if !engagerPost(pg, n.Post) {
			continue
		}
		rec := decodeRecord(n.Post.Record)
		addPost(pg, n.Post, &rec)
		at, tags := postTime(n.Post, &rec)
		pg.Edges = append(pg.Edges, graph.Edge{Platform: Name, Src: n.Post.Author.DID, Dst: own, Kind: graph.Reply, At: at, PostID: n.Post.URI, Hashtags: tags})
	}
	return pg
}
