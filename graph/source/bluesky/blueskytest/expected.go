package blueskytest

import (
	"cmp"
	"slices"
	"strings"

	"github.com/clout-cli/clout/graph"
)

// Crawl says what a crawl collects, as clout crawl's flags do. The zero
// value is the command line's default (followers, posts, engagement).
type Crawl struct {
	Follows      bool // --follows: also whom each account follows
	NoEngagement bool // --engagement=false
}

// Expected returns what a complete crawl from seeds (DIDs or handles, '@'
// allowed) to depth must store: every account met, every follow edge, every
// interaction event, each sorted (accounts by key; edges by src, dst, kind,
// post, time). It follows the crawl's definition, from the world's own data:
//
//   - accounts at depth < depth are crawled: their followers (and follows
//     with c.Follows) and all their posts (Expected assumes --posts ≥
//     w.MaxPosts()); with engagement, each own post's reposters, quoters,
//     likers and direct repliers;
//   - the followers, followees and engagers of an account at depth d are at
//     depth d+1 (the smallest such d wins); targets of the account's own
//     replies, quotes, mentions and reposts are met but not queued;
//   - events: repost by a crawled account (reposter → original author,
//     post = the original, time unknown); its own posts' reply, quote and
//     distinct mentions (author → target, post = its URI, time = sortAt);
//     engagement on its posts: reposted_by (post = the post, time unknown),
//     quotes and replies (post = the quoting/replying post, its sortAt), likes
//     (post = the liked post, the like's sortAt);
//   - self-loops are dropped and an event is stored once per (src, dst, kind,
//     post, time).
//
// Account attributes are what getProfiles reports (handle "" for
// "handle.invalid"). Accounts vanished on a Server are not known here.
func (w *World) Expected(seeds []string, depth int, c Crawl) (accounts []graph.Account, follows, events []graph.Edge) {
	x := newIndex(w)
	level := map[string]int{}
	met := map[string]bool{}
	var queue []string
	find := func(did string, d int) {
		met[did] = true
		if _, ok := level[did]; !ok {
			level[did] = d
			queue = append(queue, did)
		}
	}
	for _, s := range seeds {
		if i, ok := x.actor(strings.TrimPrefix(s, "@")); ok {
			find(w.Accounts[i].DID, 0)
		}
	}
	type key struct {
		src, dst string
		kind     graph.Kind
		post     string
		at       int64
	}
	seen := map[key]bool{}
	add := func(list *[]graph.Edge, e graph.Edge) {
		met[e.Src], met[e.Dst] = true, true
		if e.Src == e.Dst {
			return
		}
		var at int64
		if !e.At.IsZero() {
			at = e.At.UnixNano()
		}
		k := key{e.Src, e.Dst, e.Kind, e.PostID, at}
		if seen[k] {
			return
		}
		seen[k] = true
		e.Platform = "bluesky"
		*list = append(*list, e)
	}
	// BFS: queue is in nondecreasing depth order.
	for len(queue) > 0 {
		did := queue[0]
		queue = queue[1:]
		d := level[did]
		if d >= depth {
			continue
		}
		for _, k := range x.followers[did] {
			f := w.Follows[k]
			add(&follows, graph.Edge{Src: f.Src, Dst: did, Kind: graph.Follow})
			find(f.Src, d+1)
		}
		if c.Follows {
			for _, k := range x.follows[did] {
				f := w.Follows[k]
				add(&follows, graph.Edge{Src: did, Dst: f.Dst, Kind: graph.Follow})
				find(f.Dst, d+1)
			}
		}
		for _, e := range x.feed[did] {
			p := &w.Posts[e.post]
			if e.repost >= 0 {
				add(&events, graph.Edge{Src: did, Dst: p.Author, Kind: graph.Repost, PostID: p.URI})
				continue
			}
			at, tags := sortAt(p), hashtags(p)
			if p.Parent != "" {
				add(&events, graph.Edge{Src: did, Dst: authority(p.Parent), Kind: graph.Reply, PostID: p.URI, At: at, Hashtags: tags})
			}
			if p.Quote != "" {
				add(&events, graph.Edge{Src: did, Dst: authority(p.Quote), Kind: graph.Quote, PostID: p.URI, At: at, Hashtags: tags})
			}
			for _, m := range p.Mentions {
				add(&events, graph.Edge{Src: did, Dst: m, Kind: graph.Mention, PostID: p.URI, At: at, Hashtags: tags})
			}
			if c.NoEngagement {
				continue
			}
			for _, k := range x.reposts[p.URI] {
				by := w.Reposts[k].By
				add(&events, graph.Edge{Src: by, Dst: did, Kind: graph.Repost, PostID: p.URI})
				find(by, d+1)
			}
			for _, k := range x.quotes[p.URI] {
				q := &w.Posts[k]
				add(&events, graph.Edge{Src: q.Author, Dst: did, Kind: graph.Quote, PostID: q.URI, At: sortAt(q), Hashtags: hashtags(q)})
				find(q.Author, d+1)
			}
			for _, k := range x.likes[p.URI] {
				l := &w.Likes[k]
				add(&events, graph.Edge{Src: l.By, Dst: did, Kind: graph.Like, PostID: p.URI, At: likeAt(l)})
				find(l.By, d+1)
			}
			for _, k := range x.replies[p.URI] {
				r := &w.Posts[k]
				add(&events, graph.Edge{Src: r.Author, Dst: did, Kind: graph.Reply, PostID: r.URI, At: sortAt(r), Hashtags: hashtags(r)})
				find(r.Author, d+1)
			}
		}
	}
	accounts = w.accountsOf(x, met)
	SortEdges(follows)
	SortEdges(events)
	return accounts, follows, events
}

// SortEdges sorts edges by src, dst, kind, post id and time, the order
// Expected returns, so a test can compare a store's edges with it.
func SortEdges(es []graph.Edge) {
	slices.SortFunc(es, func(a, b graph.Edge) int {
		return cmp.Or(
			strings.Compare(a.Src, b.Src), strings.Compare(a.Dst, b.Dst),
			cmp.Compare(a.Kind, b.Kind), strings.Compare(a.PostID, b.PostID),
			a.At.Compare(b.At))
	})
}

// authority returns the repository (DID) part of an AT-URI.
func authority(uri string) string {
	s := strings.TrimPrefix(uri, "at://")
	a, _, _ := strings.Cut(s, "/")
	return a
}

// hashtags returns a post's tags as clout stores them: lower-cased, no '#',
// distinct, facet tags first, then record tags, then text-only tags.
func hashtags(p *Post) []string {
	var out []string
	for _, t := range slices.Concat(p.Tags, p.RecordTags, p.TextTags) {
		t = strings.ToLower(strings.TrimLeft(t, "#"))
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
