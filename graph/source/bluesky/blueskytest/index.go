package blueskytest

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// index holds the world's lookups, built once.
type index struct {
	w         *World
	byDID     map[string]int   // account index
	byHandle  map[string]int   // lower-cased handle → account index
	post      map[string]int   // post URI → post index
	followers map[string][]int // DID → Follows indices, newest first
	follows   map[string][]int // DID → Follows indices, newest first
	own       map[string][]int // DID → own post indices, newest first by sortAt
	feed      map[string][]feedEntry
	reposts   map[string][]int // post URI → Reposts indices, newest first
	likes     map[string][]int // post URI → Likes indices, newest first
	quotes    map[string][]int // post URI → quoting post indices, newest first
	replies   map[string][]int // post URI → direct reply indices, oldest first
}

// feedEntry is one author-feed item: an own post, or a repost (post is the
// reposted post, repost the Reposts index).
type feedEntry struct {
	post   int
	repost int // -1 for an own post
	at     time.Time
}

func newIndex(w *World) *index {
	x := &index{
		w:         w,
		byDID:     make(map[string]int, len(w.Accounts)),
		byHandle:  make(map[string]int, len(w.Accounts)),
		post:      make(map[string]int, len(w.Posts)),
		followers: map[string][]int{},
		follows:   map[string][]int{},
		own:       map[string][]int{},
		feed:      map[string][]feedEntry{},
		reposts:   map[string][]int{},
		likes:     map[string][]int{},
		quotes:    map[string][]int{},
		replies:   map[string][]int{},
	}
	for i, a := range w.Accounts {
		x.byDID[a.DID] = i
		if a.Handle != "handle.invalid" {
			x.byHandle[strings.ToLower(a.Handle)] = i
		}
	}
	for i, f := range w.Follows {
		x.followers[f.Dst] = append(x.followers[f.Dst], i)
		x.follows[f.Src] = append(x.follows[f.Src], i)
	}
	byFollowTime := func(a, b int) int {
		return cmp.Or(w.Follows[b].At.Compare(w.Follows[a].At), cmp.Compare(a, b))
	}
	for _, l := range x.followers {
		slices.SortFunc(l, byFollowTime)
	}
	for _, l := range x.follows {
		slices.SortFunc(l, byFollowTime)
	}
	for i := range w.Posts {
		p := &w.Posts[i]
		x.post[p.URI] = i
		x.own[p.Author] = append(x.own[p.Author], i)
		x.feed[p.Author] = append(x.feed[p.Author], feedEntry{post: i, repost: -1, at: sortAt(p)})
		if p.Quote != "" {
			x.quotes[p.Quote] = append(x.quotes[p.Quote], i)
		}
		if p.Parent != "" {
			x.replies[p.Parent] = append(x.replies[p.Parent], i)
		}
	}
	for i, r := range w.Reposts {
		x.reposts[r.Post] = append(x.reposts[r.Post], i)
		if j, ok := x.post[r.Post]; ok {
			x.feed[r.By] = append(x.feed[r.By], feedEntry{post: j, repost: i, at: r.At})
		}
	}
	for i, l := range w.Likes {
		x.likes[l.Post] = append(x.likes[l.Post], i)
	}
	postNewest := func(a, b int) int {
		return cmp.Or(sortAt(&w.Posts[b]).Compare(sortAt(&w.Posts[a])), cmp.Compare(b, a))
	}
	for _, l := range x.own {
		slices.SortFunc(l, postNewest)
	}
	for _, l := range x.quotes {
		slices.SortFunc(l, postNewest)
	}
	for _, l := range x.replies {
		slices.SortFunc(l, func(a, b int) int { return -postNewest(a, b) })
	}
	for _, l := range x.feed {
		slices.SortFunc(l, func(a, b feedEntry) int {
			return cmp.Or(b.at.Compare(a.at), cmp.Compare(b.post, a.post), cmp.Compare(b.repost, a.repost))
		})
	}
	for _, l := range x.reposts {
		slices.SortFunc(l, func(a, b int) int {
			return cmp.Or(w.Reposts[b].At.Compare(w.Reposts[a].At), cmp.Compare(a, b))
		})
	}
	for _, l := range x.likes {
		slices.SortFunc(l, func(a, b int) int {
			return cmp.Or(w.Likes[b].IndexedAt.Compare(w.Likes[a].IndexedAt), cmp.Compare(a, b))
		})
	}
	return x
}

// actor finds an account by DID or handle.
func (x *index) actor(s string) (int, bool) {
	if i, ok := x.byDID[s]; ok {
		return i, true
	}
	i, ok := x.byHandle[strings.ToLower(s)]
	return i, ok
}

// sortAt is the post's AppView ordering time: the earlier of createdAt and
// indexedAt. An unparsable createdAt leaves indexedAt.
func sortAt(p *Post) time.Time {
	c, err := time.Parse(time.RFC3339Nano, p.CreatedAt)
	if err != nil || c.After(p.IndexedAt) {
		return p.IndexedAt.UTC()
	}
	return c.UTC()
}

// likeAt is a like's ordering time, by the same rule.
func likeAt(l *Like) time.Time {
	if l.CreatedAt.After(l.IndexedAt) {
		return l.IndexedAt.UTC()
	}
	return l.CreatedAt.UTC()
}
