package xtest

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clout-cli/clout/graph"
)

// TagOptions are the tag crawl settings ExpectedTag models.
type TagOptions struct {
	Tags         []string // lower-cased, without '#'
	Since, Until time.Time
	// Depth as on the command line: 0 the conversation, 1 also each
	// participant's lists (Expected(participants, 1)).
	Depth int
	Options
}

// TagResult is what a complete tag crawl must store.
type TagResult struct {
	Result
	// Posts are the posts stored, by id: the posts the searches returned,
	// the posts they reference (includes.tweets, whatever their time) and
	// with Engagement their quotes,
	// as the x package turns them into posts. At depth 1 the participants' timelines add
	// more; Posts then lists only the conversation's.
	Posts []graph.Post
	// Participants are the accounts a tag crawl queues: the authors of
	// the posts found, their retweeters and quoters.
	Participants []string
}

// ExpectedTag computes, from the world's data and not through client code,
// what `crawl x --tag` stores: for each tag, the visible posts whose text
// carries it (a retweet carries its original's tags) in [Since, Until),
// newest first, with their events as a timeline gives them (package x
// doc) and, with Engagement, the retweeters and quoters of each post that
// is not a retweet, as Expected has them. Accounts are the participants,
// the event endpoints and the users the search expansions name.
func (w *World) ExpectedTag(o TagOptions) TagResult {
	v := newView(w)
	ex := &expect{v: v, accounts: map[string]bool{}, follows: map[[2]string]bool{}, events: map[eventKey]graph.Edge{}, depth: map[string]int{}}
	var res TagResult
	isPart := map[string]bool{}
	part := func(id string) {
		ex.accounts[id] = true
		if !isPart[id] {
			isPart[id] = true
			res.Participants = append(res.Participants, id)
		}
	}
	posts := map[string]graph.Post{}
	in := func(t *Tweet) bool {
		return (o.Since.IsZero() || !t.Created.Before(o.Since)) && (o.Until.IsZero() || t.Created.Before(o.Until))
	}
	var found []*Tweet
	for _, tag := range o.Tags {
		var matched []*Tweet
		for _, t := range w.Tweets {
			src := t
			if t.Retweet != "" {
				src = v.tweets[t.Retweet]
			}
			if !v.visible(t) || src == nil || !in(t) {
				continue
			}
			if slices.ContainsFunc(src.Hashtags, func(h string) bool { return strings.EqualFold(h, tag) }) {
				matched = append(matched, t)
			}
		}
		slices.SortFunc(matched, func(a, b *Tweet) int { return -cmpID(a.ID, b.ID) })
		found = append(found, matched...)
	}
	for _, u := range v.expand(found, clientExpansions).users {
		ex.accounts[u.ID] = true
	}
	for _, t := range found {
		part(t.Author)
		posts[t.ID] = w.postOf(v, t)
		for _, rid := range refIDs(t) {
			if r := v.tweets[rid]; v.visible(r) {
				if _, ok := posts[rid]; !ok {
					posts[rid] = w.postOf(v, r)
				}
			}
		}
		ex.tweetEvents(t.Author, t)
		if !o.Engagement || t.Retweet != "" {
			continue
		}
		for _, r := range v.rtBy[t.ID] {
			part(r.ID)
			ex.event(graph.Edge{Src: r.ID, Dst: t.Author, Kind: graph.Repost, PostID: t.ID})
		}
		for _, q := range v.quotes[t.ID] {
			part(q.Author)
			posts[q.ID] = w.postOf(v, q)
			ex.event(graph.Edge{Src: q.Author, Dst: t.Author, Kind: graph.Quote, PostID: q.ID, At: q.Created.UTC(), Hashtags: tags(q)})
		}
	}
	follows := map[[2]string]bool{}
	if o.Depth >= 1 {
		sub := w.Expected(res.Participants, 1, o.Options)
		for _, a := range sub.Accounts {
			ex.accounts[a] = true
		}
		for _, f := range sub.Follows {
			follows[[2]string{f.Src, f.Dst}] = true
		}
		for _, e := range sub.Events {
			ex.event(e)
		}
		res.Crawled, res.Hidden = sub.Crawled, sub.Hidden
	}
	for k := range follows {
		res.Follows = append(res.Follows, graph.Edge{Platform: "twitter", Src: k[0], Dst: k[1], Kind: graph.Follow})
	}
	slices.SortFunc(res.Follows, func(a, b graph.Edge) int {
		if c := strings.Compare(a.Src, b.Src); c != 0 {
			return c
		}
		return strings.Compare(a.Dst, b.Dst)
	})
	for _, e := range ex.events {
		res.Events = append(res.Events, e)
		ex.accounts[e.Src], ex.accounts[e.Dst] = true, true
	}
	SortEvents(res.Events)
	for k := range ex.accounts {
		res.Accounts = append(res.Accounts, k)
	}
	slices.Sort(res.Accounts)
	for _, p := range posts {
		res.Posts = append(res.Posts, p)
	}
	slices.SortFunc(res.Posts, func(a, b graph.Post) int { return strings.Compare(a.ID, b.ID) })
	return res
}

// postOf is t as the x package stores it: kind and parent from its
// reference (retweet first, then quote, then reply), the text the API
// sends, its hashtags (none for a retweet).
func (w *World) postOf(v *view, t *Tweet) graph.Post {
	text, _, _ := v.text(t)
	p := graph.Post{Platform: "twitter", ID: t.ID, Author: t.Author, At: t.Created.UTC(), Hashtags: tags(t),
		TextLen: utf8.RuneCountInString(text)}
	switch {
	case t.Retweet != "":
		p.Kind, p.Parent, p.Hashtags = graph.RepostPost, t.Retweet, nil
	case t.Quote != "":
		p.Kind, p.Parent = graph.QuotePost, t.Quote
	case t.ReplyTo != "":
		p.Kind, p.Parent = graph.ReplyPost, t.ReplyTo
	}
	return p
}
