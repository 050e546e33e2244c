package xtest

import (
	"cmp"
	"slices"
	"strings"

	"github.com/clout-cli/clout/graph"
)

// Options describe the crawl whose result Expected predicts, as clout
// crawl's flags do.
type Options struct {
	Follows    bool // --follows: read whom each account follows
	Posts      int  // --posts N: the N most recent own posts; 0 means all
	Engagement bool // --engagement: retweeters and quotes of each post read
}

// Result is what a complete crawl must store.
type Result struct {
	Accounts []string     // every account key, sorted
	Follows  []graph.Edge // follow edges, sorted by Src, Dst
	Events   []graph.Edge // distinct events, sorted (see sortEvents)
	Crawled  []string     // accounts whose lists were read (depth < D), sorted
	Hidden   []string     // crawled accounts whose lists are hidden (protected)
}

// The expansions the x platform requests on timelines, and hence the
// accounts its pages carry.
var clientExpansions = set(expAuthor, expReplyUser, expRefTweets, expRefAuthor, expMentionUser)

// Expected computes, from the world's own data and not through any client
// code, what a breadth-first crawl from seeds (ids, usernames or
// @usernames) to depth D stores on platform "twitter": accounts at depth < D
// have their followers (and with Follows, followings) and posts read; with
// Engagement, the retweeters and quoters of each post read are events
// pointing at the account, and are queued with the followers and followees
// at depth + 1. Mention, reply, quote and retweet targets are recorded but
// not queued. Edge rules are those of the package x doc: a retweet is a
// repost to the original's author with PostID = the original, no time and
// no hashtags; quotes, replies and mentions carry the acting post's id,
// time and lower-cased hashtags; self-loops are left out; a quote of a
// deleted post, or a reply to one without in_reply_to_user_id, yields
// nothing.
//
// With Posts N > 0 the timeline is read up to and including the N-th own
// post; a crawler that stores whole pages may store more, so tests that
// compare exactly should use N ≥ every account's timeline.
func (w *World) Expected(seeds []string, depth int, o Options) Result {
	v := newView(w)
	ex := &expect{
		v:        v,
		accounts: map[string]bool{},
		follows:  map[[2]string]bool{},
		events:   map[eventKey]graph.Edge{},
		depth:    map[string]int{},
	}
	var level []string
	for _, s := range seeds {
		u := ex.resolve(s)
		if u == nil || ex.seen(u.ID) {
			continue
		}
		ex.depth[u.ID] = 0
		level = append(level, u.ID)
	}
	var res Result
	for d := 0; d < depth && len(level) > 0; d++ {
		var next []string
		found := func(id string) {
			ex.accounts[id] = true
			if !ex.seen(id) {
				ex.depth[id] = d + 1
				next = append(next, id)
			}
		}
		for _, a := range level {
			res.Crawled = append(res.Crawled, a)
			if v.users[a].Protected {
				res.Hidden = append(res.Hidden, a)
				continue
			}
			for _, f := range v.followers[a] {
				ex.follows[[2]string{f.ID, a}] = true
				found(f.ID)
			}
			if o.Follows {
				for _, g := range v.following[a] {
					ex.follows[[2]string{a, g.ID}] = true
					found(g.ID)
				}
			}
			for _, p := range ex.timeline(a, o.Posts) {
				if !o.Engagement {
					continue
				}
				for _, r := range v.rtBy[p.ID] {
					found(r.ID)
					ex.event(graph.Edge{Src: r.ID, Dst: a, Kind: graph.Repost, PostID: p.ID})
				}
				for _, q := range v.quotes[p.ID] {
					found(q.Author)
					ex.event(graph.Edge{Src: q.Author, Dst: a, Kind: graph.Quote, PostID: q.ID, At: q.Created.UTC(), Hashtags: tags(q)})
				}
			}
		}
		level = next
	}
	for id := range ex.depth {
		ex.accounts[id] = true
	}
	for k := range ex.follows {
		res.Follows = append(res.Follows, graph.Edge{Platform: "twitter", Src: k[0], Dst: k[1], Kind: graph.Follow})
		ex.accounts[k[0]], ex.accounts[k[1]] = true, true
	}
	for _, e := range ex.events {
		res.Events = append(res.Events, e)
		ex.accounts[e.Src], ex.accounts[e.Dst] = true, true
	}
	for k := range ex.accounts {
		res.Accounts = append(res.Accounts, k)
	}
	slices.Sort(res.Accounts)
	slices.Sort(res.Crawled)
	slices.Sort(res.Hidden)
	slices.SortFunc(res.Follows, func(a, b graph.Edge) int {
		return cmp.Or(strings.Compare(a.Src, b.Src), strings.Compare(a.Dst, b.Dst))
	})
	SortEvents(res.Events)
	return res
}

// SortEvents sorts events by kind, source, target, post id and time: the
// order Result.Events is in.
func SortEvents(es []graph.Edge) {
	slices.SortFunc(es, func(a, b graph.Edge) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), strings.Compare(a.Src, b.Src), strings.Compare(a.Dst, b.Dst),
			strings.Compare(a.PostID, b.PostID), a.At.Compare(b.At))
	})
}

type eventKey struct {
	src, dst, post string
	kind           graph.Kind
	at             int64
}

type expect struct {
	v        *view
	accounts map[string]bool
	follows  map[[2]string]bool
	events   map[eventKey]graph.Edge
	depth    map[string]int
}

func (ex *expect) seen(id string) bool {
	_, ok := ex.depth[id]
	return ok
}

func (ex *expect) resolve(seed string) *User {
	s := strings.TrimSpace(seed)
	if name, ok := strings.CutPrefix(s, "@"); ok {
		return ex.v.byName[strings.ToLower(name)]
	}
	if idRE.MatchString(s) {
		return ex.v.users[s]
	}
	return ex.v.byName[strings.ToLower(s)]
}

func (ex *expect) event(e graph.Edge) {
	if e.Src == e.Dst || e.Src == "" || e.Dst == "" || !idRE.MatchString(e.Dst) {
		return
	}
	e.Platform = "twitter"
	var at int64
	if !e.At.IsZero() {
		at = e.At.Unix()
	}
	ex.events[eventKey{e.Src, e.Dst, e.PostID, e.Kind, at}] = e
}

// timeline records the accounts and events of a's timeline, read up to the
// n-th own post (all when n is 0), and returns the own posts read.
func (ex *expect) timeline(a string, n int) []*Tweet {
	v := ex.v
	var read, own []*Tweet
	for _, t := range v.timeline[a] {
		if n > 0 && len(own) == n {
			break
		}
		read = append(read, t)
		if t.Retweet == "" {
			own = append(own, t)
		}
	}
	for _, u := range v.expand(read, clientExpansions).users {
		ex.accounts[u.ID] = true
	}
	for _, t := range read {
		ex.tweetEvents(a, t)
	}
	return own
}

// tweetEvents records the events of a's post t.
func (ex *expect) tweetEvents(a string, t *Tweet) {
	v := ex.v
	{
		if t.Retweet != "" {
			if o := v.tweets[t.Retweet]; o != nil && v.users[o.Author] != nil {
				ex.event(graph.Edge{Src: a, Dst: o.Author, Kind: graph.Repost, PostID: t.Retweet})
			}
			return
		}
		base := graph.Edge{Src: a, PostID: t.ID, At: t.Created.UTC(), Hashtags: tags(t)}
		with := func(k graph.Kind, dst string) {
			e := base
			e.Kind, e.Dst = k, dst
			ex.event(e)
		}
		if q := v.tweets[t.Quote]; v.visible(q) {
			with(graph.Quote, q.Author)
		}
		reply := v.replyUser(t)
		if r := v.tweets[t.ReplyTo]; reply == "" && v.visible(r) {
			reply = r.Author
		}
		if reply != "" {
			with(graph.Reply, reply)
		}
		for _, m := range t.Mentions {
			dst := m.ID
			if dst == "" {
				if u := v.byName[strings.ToLower(m.Username)]; u != nil {
					dst = u.ID
				}
			}
			if dst != "" {
				with(graph.Mention, dst)
			}
		}
	}
}

// tags are t's hashtags as the crawler stores them: lower-cased, without
// '#', distinct, in order; nil when none.
func tags(t *Tweet) []string {
	var out []string
	for _, h := range t.Hashtags {
		h = strings.ToLower(strings.TrimLeft(h, "#"))
		if h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}
