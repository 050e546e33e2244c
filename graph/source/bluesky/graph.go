package bluesky

import (
	"context"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// followers reads app.bsky.graph.getFollowers: follow edges follower →
// subject; the followers are Found.
func (p *Platform) followers(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	var r followers
	if err := p.get(ctx, t, "app.bsky.graph.getFollowers", paged("actor", t.Subject, cursor), &r); err != nil {
		return nil, err
	}
	return followersPage(t.Subject, &r), nil
}

// follows reads app.bsky.graph.getFollows: follow edges subject → followee;
// the followees are Found.
func (p *Platform) follows(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	var r follows
	if err := p.get(ctx, t, "app.bsky.graph.getFollows", paged("actor", t.Subject, cursor), &r); err != nil {
		return nil, err
	}
	return followsPage(t.Subject, &r), nil
}

func followersPage(subject string, r *followers) *crawl.Page {
	pg := listPage(r.Followers, r.Cursor, func(did string) graph.Edge {
		return graph.Edge{Platform: Name, Src: did, Dst: subject, Kind: graph.Follow}
	})
	addSubject(pg, subject, &r.Subject)
	return pg
}

func followsPage(subject string, r *follows) *crawl.Page {
	pg := listPage(r.Follows, r.Cursor, func(did string) graph.Edge {
		return graph.Edge{Platform: Name, Src: subject, Dst: did, Kind: graph.Follow}
	})
	addSubject(pg, subject, &r.Subject)
	return pg
}

// listPage turns a list of profileViews into accounts, Found keys and one
// edge each. Entries without a valid DID are skipped.
func listPage(list []profile, cursor string, edge func(did string) graph.Edge) *crawl.Page {
	pg := &crawl.Page{Next: cursor}
	for i := range list {
		a, ok := account(&list[i])
		if !ok {
			continue
		}
		pg.Accounts = append(pg.Accounts, a)
		pg.Found = append(pg.Found, a.Key)
		pg.Edges = append(pg.Edges, edge(a.Key))
	}
	return pg
}

// addSubject records the list's subject profile when it is the one asked for.
func addSubject(pg *crawl.Page, subject string, s *profile) {
	if s.DID != subject {
		return
	}
	if a, ok := account(s); ok {
		pg.Accounts = append(pg.Accounts, a)
	}
}

// account converts a profile view. Counts are Unknown unless the view is a
// profileViewDetailed; "handle.invalid" is no handle.
func account(v *profile) (graph.Account, bool) {
	if !IsDID(v.DID) {
		return graph.Account{}, false
	}
	a := graph.NewAccount(Name, v.DID)
	if v.Handle != invalidHandle {
		a.Handle = v.Handle
	}
	a.Name = v.DisplayName
	if v.FollowersCount != nil && *v.FollowersCount >= 0 {
		a.Followers = *v.FollowersCount
	}
	if v.FollowsCount != nil && *v.FollowsCount >= 0 {
		a.Following = *v.FollowsCount
	}
	if v.PostsCount != nil && *v.PostsCount >= 0 {
		a.Posts = *v.PostsCount
	}
	return a, true
}
