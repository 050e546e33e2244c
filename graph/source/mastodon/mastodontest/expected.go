package mastodontest

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
)

// ExpectOptions are the crawl settings Expected models.
type ExpectOptions struct {
	Follows    bool // --follows: also walk whom each account follows
	Posts      int  // --posts N; 0 reads no posts (crawl.Config.Posts)
	Engagement bool // --engagement: reblogged_by, favourited_by, context of each post
}

// Expectation is what a complete crawl must store.
type Expectation struct {
	// Accounts are every account the crawl meets, by key, with the
	// attributes their home instance reports (Handle is the key).
	Accounts []graph.Account
	// Follows and Events are sorted by Src, Dst, Kind, PostID, At; self-loops
	// are left out (the store drops them).
	Follows []graph.Edge
	Events  []graph.Edge
	// HiddenFollowers and HiddenFollows are the crawled accounts whose
	// lists were recorded as hidden.
	HiddenFollowers, HiddenFollows []string
	// Crawled maps each account whose lists were walked (depth < D) to its
	// depth.
	Crawled map[string]int
	// Posts are the posts the crawl stores, by ID (see posts.go).
	Posts []graph.Post
}

// statusesPage is the page size clout asks for on the statuses endpoint.
const statusesPage = 40

// Expected computes, from the World alone, what crawling seeds (account
// keys) to depth D must store, under these rules (protocols.md §2.6 and the
// mastodon package comment):
//
//   - Breadth-first: seeds at depth 0; every account listed as a follower,
//     followee (with Follows), booster, favouriter or direct replier of an
//     account at depth d < D is met at depth d+1; accounts at depth < D are
//     walked. Mentioned, replied-to, boosted and quoted accounts are met
//     (recorded) but not queued.
//   - Followers: F → A for every follower, unless A hides its collections
//     (then the list is recorded as hidden; with LegacyHidden only when the
//     reported count is not 0, else it is an empty list). Follows likewise,
//     A → G.
//   - Posts (when Posts > 0): A's statuses newest first, 40 a page, pages
//     read until Posts own statuses (non-boosts) have been seen. Every boost
//     on those pages yields repost A → original author (PostID = the
//     original's uri, no time). Each of the first Posts own statuses S
//     (PostID = S's uri, At = S's time, its tags lower-cased) yields a reply
//     to the parent's author (found among S's mentions, or else by looking
//     the in_reply_to_account_id up on the instance that served S), a
//     mention of each mentioned account, and a quote of the quoted author
//     when the quote is accepted; own statuses beyond Posts on the last page
//     yield nothing (the engine drops edges whose PostID is a post past the
//     limit).
//   - Engagement, for the first Posts own statuses S of A: each booster B →
//     A (repost, PostID = S's uri, no time), each favouriter L → A (like,
//     same), and each direct reply R among the first 60 descendants of S in
//     depth-first order → A (reply, PostID = R's uri, At = R's time, R's tags).
func (w *World) Expected(seeds []string, depth int, o ExpectOptions) *Expectation {
	n := len(w.Accounts)
	key := func(i int) string { return w.Accounts[i].Key() }
	uri := func(j int) string { return w.StatusURI(j) }
	lowerTags := func(j int) []string {
		var out []string
		for _, t := range w.Statuses[j].Tags {
			if t = strings.ToLower(t); !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
		return out
	}
	// A list is recorded hidden when hide_collections says so, or, on a
	// pre-4.3 account, when it comes back empty while the count is not 0.
	hidden := func(i int, list [][]int) bool {
		a := w.Accounts[i]
		return a.HideCollections || (a.LegacyHidden && len(list[i]) > 0)
	}
	legacyEmpty := func(i int) bool { return w.Accounts[i].LegacyHidden }

	// The World's lists, independent of the server's index.
	followersOf := make([][]int, n)
	followsOf := make([][]int, n)
	for _, f := range w.Follows {
		followersOf[f.Dst] = append(followersOf[f.Dst], f.Src)
		followsOf[f.Src] = append(followsOf[f.Src], f.Dst)
	}
	statusesOf := make([][]int, n) // newest first
	repliesTo := make([][]int, len(w.Statuses))
	for j := len(w.Statuses) - 1; j >= 0; j-- {
		statusesOf[w.Statuses[j].Author] = append(statusesOf[w.Statuses[j].Author], j)
	}
	boostersOf := make([][]int, len(w.Statuses))
	likersOf := make([][]int, len(w.Statuses))
	for j, s := range w.Statuses {
		if s.InReplyTo >= 0 {
			repliesTo[s.InReplyTo] = append(repliesTo[s.InReplyTo], j)
		}
		if s.Reblog >= 0 {
			boostersOf[s.Reblog] = append(boostersOf[s.Reblog], s.Author)
		}
	}
	for _, f := range w.Favourites {
		likersOf[f.Status] = append(likersOf[f.Status], f.Account)
	}

	e := &Expectation{Crawled: map[string]int{}}
	posts := postSet{}
	met := map[int]bool{}
	depthOf := map[int]int{}
	var queue []int
	meet := func(i, d int) {
		met[i] = true
		if _, ok := depthOf[i]; !ok {
			depthOf[i] = d
			queue = append(queue, i)
		}
	}
	follows := map[[2]int]bool{}
	type eventKey struct {
		src, dst int
		kind     graph.Kind
		post     string
		at       time.Time
	}
	events := map[eventKey][]string{}
	event := func(src, dst int, kind graph.Kind, post string, at time.Time, tags []string) {
		met[src], met[dst] = true, true
		if src != dst {
			events[eventKey{src, dst, kind, post, at}] = tags
		}
	}
	for _, sk := range seeds {
		if i, ok := w.AccountIndex(sk); ok {
			meet(i, 0)
		}
	}
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		d := depthOf[a]
		if d >= depth {
			continue
		}
		e.Crawled[key(a)] = d
		switch {
		case hidden(a, followersOf):
			e.HiddenFollowers = append(e.HiddenFollowers, key(a))
		case legacyEmpty(a): // hidden, but it says 0: an empty list
		default:
			for _, f := range followersOf[a] {
				follows[[2]int{f, a}] = true
				meet(f, d+1)
			}
		}
		if o.Follows {
			switch {
			case hidden(a, followsOf):
				e.HiddenFollows = append(e.HiddenFollows, key(a))
			case legacyEmpty(a):
			default:
				for _, g := range followsOf[a] {
					follows[[2]int{a, g}] = true
					meet(g, d+1)
				}
			}
		}
		var own []int
		for p := 0; o.Posts > 0 && p < len(statusesOf[a]) && len(own) < o.Posts; p += statusesPage {
			for _, j := range statusesOf[a][p:min(p+statusesPage, len(statusesOf[a]))] {
				s := w.Statuses[j]
				if s.Reblog >= 0 {
					event(a, w.Statuses[s.Reblog].Author, graph.Repost, uri(s.Reblog), time.Time{}, nil)
					posts.add(w.postOf(j, ""))
					continue
				}
				if len(own) == o.Posts {
					continue
				}
				own = append(own, j)
				posts.add(w.postOf(j, ""))
				tags := lowerTags(j)
				if s.InReplyTo >= 0 {
					event(a, w.Statuses[s.InReplyTo].Author, graph.Reply, uri(j), s.At, tags)
				}
				for _, m := range s.Mentions {
					event(a, m, graph.Mention, uri(j), s.At, tags)
				}
				if s.Quote >= 0 && s.QuoteState == "accepted" {
					event(a, w.Statuses[s.Quote].Author, graph.Quote, uri(j), s.At, tags)
				}
			}
		}
		if !o.Engagement {
			continue
		}
		for _, j := range own {
			for _, b := range boostersOf[j] {
				event(b, a, graph.Repost, uri(j), time.Time{}, nil)
				meet(b, d+1)
			}
			for _, l := range likersOf[j] {
				event(l, a, graph.Like, uri(j), time.Time{}, nil)
				meet(l, d+1)
			}
			for _, r := range firstDescendants(repliesTo, j, 60) {
				if s := w.Statuses[r]; s.InReplyTo == j {
					event(s.Author, a, graph.Reply, uri(r), s.At, lowerTags(r))
					meet(s.Author, d+1)
					posts.add(w.postOf(r, uri(j)))
				}
			}
		}
	}

	for i := range met {
		c := graph.NewAccount("mastodon", key(i))
		c.Handle, c.Name = key(i), w.Accounts[i].DisplayName
		c.Followers, c.Following, c.Posts = int64(len(followersOf[i])), int64(len(followsOf[i])), int64(len(statusesOf[i]))
		e.Accounts = append(e.Accounts, c)
	}
	slices.SortFunc(e.Accounts, func(x, y graph.Account) int { return strings.Compare(x.Key, y.Key) })
	for f := range follows {
		if f[0] != f[1] {
			e.Follows = append(e.Follows, graph.Edge{Platform: "mastodon", Src: key(f[0]), Dst: key(f[1]), Kind: graph.Follow})
		}
	}
	for k, tags := range events {
		e.Events = append(e.Events, graph.Edge{Platform: "mastodon", Src: key(k.src), Dst: key(k.dst), Kind: k.kind, PostID: k.post, At: k.at, Hashtags: tags})
	}
	e.Posts = posts.sorted()
	SortEdges(e.Follows)
	SortEdges(e.Events)
	slices.Sort(e.HiddenFollowers)
	slices.Sort(e.HiddenFollows)
	return e
}

// firstDescendants lists the replies below j depth-first, at most max.
func firstDescendants(repliesTo [][]int, j, max int) []int {
	var out []int
	var visit func(p int)
	visit = func(p int) {
		for _, c := range repliesTo[p] {
			if len(out) >= max {
				return
			}
			out = append(out, c)
			visit(c)
		}
	}
	visit(j)
	return out
}

// SortEdges orders edges by Src, Dst, Kind, PostID, At, for comparisons.
func SortEdges(es []graph.Edge) {
	slices.SortFunc(es, func(x, y graph.Edge) int {
		return cmp.Or(
			strings.Compare(x.Src, y.Src), strings.Compare(x.Dst, y.Dst),
			cmp.Compare(x.Kind, y.Kind), strings.Compare(x.PostID, y.PostID),
			x.At.Compare(y.At))
	})
}
