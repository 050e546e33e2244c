package mastodontest

import (
	"slices"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
)

// TagOptions are the tag crawl settings ExpectedTag models.
type TagOptions struct {
	Tags      []string // lower-cased, without '#'
	Instances []string // domains asked, in order
	// Since and Until bound the posts (zero: unbounded); MaxPosts caps them
	// over all tags and instances (0: no cap), counted per instance.
	Since, Until time.Time
	MaxPosts     int
	// Depth as on the command line: 0 the conversation only, 1 also each
	// participant's lists as an account crawl at depth 1 reads them.
	Depth int
	ExpectOptions
}

// ExpectedTag computes, from the World alone, what a tag crawl must store:
//
//   - For each tag, each instance in order (one that refuses anonymous
//     hashtag timelines contributes nothing): the public non-boost statuses
//     carrying the tag (case-insensitively) written by an account of the
//     instance or by an account that one of its accounts follows, newest
//     first; those in [Since, Until); the first MaxPosts of them over all
//     lists (a status seen on two instances counts twice, is stored once).
//   - Each kept status S by A: the post, its reply, mention and quote events
//     as in Expected's posts; A is a participant. With Engagement, S's
//     boosters, favouriters and direct repliers (first 60 descendants) as in
//     Expected, each a participant, each direct reply a post.
//   - Depth 1: every participant crawled as Expected(participants, 1).
//
// Mentioned, replied-to and quoted accounts are met, not participants.
func (w *World) ExpectedTag(o TagOptions) *Expectation {
	followersOf := make([][]int, len(w.Accounts))
	for _, f := range w.Follows {
		followersOf[f.Dst] = append(followersOf[f.Dst], f.Src)
	}
	knows := func(domain string, j int) bool {
		s := w.Statuses[j]
		if w.Accounts[s.Author].Domain == domain {
			return true
		}
		for _, f := range followersOf[s.Author] {
			if w.Accounts[f].Domain == domain {
				return true
			}
		}
		return false
	}
	repliesTo := make([][]int, len(w.Statuses))
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
	lowerTags := func(j int) []string {
		var out []string
		for _, t := range w.Statuses[j].Tags {
			if t = strings.ToLower(t); !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
		return out
	}

	met := map[int]bool{}
	var participants []string
	isPart := map[int]bool{}
	part := func(i int) {
		met[i] = true
		if !isPart[i] {
			isPart[i] = true
			participants = append(participants, w.Accounts[i].Key())
		}
	}
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
	posts := postSet{}
	kept, n := map[int]bool{}, 0
	var order []int
	for _, tag := range o.Tags {
		for _, d := range o.Instances {
			if w.TagAuth[d] != 0 {
				continue
			}
			for j := len(w.Statuses) - 1; j >= 0; j-- {
				s := w.Statuses[j]
				if s.Reblog >= 0 || !knows(d, j) || !slices.ContainsFunc(s.Tags, func(t string) bool { return strings.EqualFold(t, tag) }) {
					continue
				}
				if (!o.Since.IsZero() && s.At.Before(o.Since)) || (!o.Until.IsZero() && !s.At.Before(o.Until)) {
					continue
				}
				if o.MaxPosts > 0 && n >= o.MaxPosts {
					continue
				}
				n++
				if !kept[j] {
					kept[j] = true
					order = append(order, j)
				}
			}
		}
	}
	for _, j := range order {
		s := w.Statuses[j]
		a := s.Author
		uri := w.StatusURI(j)
		part(a)
		posts.add(w.postOf(j, ""))
		tags := lowerTags(j)
		if s.InReplyTo >= 0 {
			event(a, w.Statuses[s.InReplyTo].Author, graph.Reply, uri, s.At, tags)
		}
		for _, m := range s.Mentions {
			event(a, m, graph.Mention, uri, s.At, tags)
		}
		if s.Quote >= 0 && s.QuoteState == "accepted" {
			event(a, w.Statuses[s.Quote].Author, graph.Quote, uri, s.At, tags)
		}
		if !o.Engagement {
			continue
		}
		for _, b := range boostersOf[j] {
			event(b, a, graph.Repost, uri, time.Time{}, nil)
			part(b)
		}
		for _, l := range likersOf[j] {
			event(l, a, graph.Like, uri, time.Time{}, nil)
			part(l)
		}
		for _, r := range firstDescendants(repliesTo, j, 60) {
			if rs := w.Statuses[r]; rs.InReplyTo == j {
				event(rs.Author, a, graph.Reply, w.StatusURI(r), rs.At, lowerTags(r))
				part(rs.Author)
				posts.add(w.postOf(r, uri))
			}
		}
	}

	e := &Expectation{Crawled: map[string]int{}}
	accounts := map[string]graph.Account{}
	follows := map[[2]string]bool{}
	evs := map[string]graph.Edge{}
	if o.Depth >= 1 {
		sub := w.Expected(participants, 1, o.ExpectOptions)
		for _, a := range sub.Accounts {
			accounts[a.Key] = a
		}
		for _, f := range sub.Follows {
			follows[[2]string{f.Src, f.Dst}] = true
		}
		for _, ev := range sub.Events {
			evs[edgeKey(ev)] = ev
		}
		for _, p := range sub.Posts {
			posts.add(p)
		}
		for k, d := range sub.Crawled {
			e.Crawled[k] = d + 1
		}
		e.HiddenFollowers, e.HiddenFollows = sub.HiddenFollowers, sub.HiddenFollows
	}
	statuses := make([]int, len(w.Accounts))
	for _, s := range w.Statuses {
		statuses[s.Author]++
	}
	following := make([]int, len(w.Accounts))
	for _, f := range w.Follows {
		following[f.Src]++
	}
	for i := range met {
		k := w.Accounts[i].Key()
		if _, ok := accounts[k]; !ok {
			c := graph.NewAccount("mastodon", k)
			c.Handle, c.Name = k, w.Accounts[i].DisplayName
			c.Followers, c.Following, c.Posts = int64(len(followersOf[i])), int64(following[i]), int64(statuses[i])
			accounts[k] = c
		}
	}
	for k, tags := range events {
		ev := graph.Edge{Platform: "mastodon", Src: w.Accounts[k.src].Key(), Dst: w.Accounts[k.dst].Key(), Kind: k.kind, PostID: k.post, At: k.at, Hashtags: tags}
		evs[edgeKey(ev)] = ev
	}
	for _, a := range accounts {
		e.Accounts = append(e.Accounts, a)
	}
	slices.SortFunc(e.Accounts, func(x, y graph.Account) int { return strings.Compare(x.Key, y.Key) })
	for f := range follows {
		e.Follows = append(e.Follows, graph.Edge{Platform: "mastodon", Src: f[0], Dst: f[1], Kind: graph.Follow})
	}
	for _, ev := range evs {
		e.Events = append(e.Events, ev)
	}
	SortEdges(e.Follows)
	SortEdges(e.Events)
	e.Posts = posts.sorted()
	return e
}

func edgeKey(e graph.Edge) string {
	return e.Src + "|" + e.Dst + "|" + e.Kind.String() + "|" + e.PostID + "|" + e.At.String()
}
