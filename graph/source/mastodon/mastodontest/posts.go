package mastodontest

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/clout-cli/clout/graph"
)

// postOf is status j as the crawl stores it as a post (the mastodon package
// comment, "Posts"): its uri, author key, time, lower-cased tags, kind, the
// quoted or boosted uri as Parent, or for a reply parent (the parent's uri
// when the reply was read from the parent's context, else ""), and the
// length of its text as the server's HTML renders it: "@user " for each
// mention, the status text, " #Tag" for each tag.
func (w *World) postOf(j int, parent string) graph.Post {
	s := w.Statuses[j]
	p := graph.Post{Platform: "mastodon", ID: w.StatusURI(j), Author: w.Accounts[s.Author].Key(), At: s.At}
	if s.Reblog >= 0 {
		p.Kind, p.Parent = graph.RepostPost, w.StatusURI(s.Reblog)
		return p
	}
	for _, t := range s.Tags {
		if t = strings.ToLower(t); !slices.Contains(p.Hashtags, t) {
			p.Hashtags = append(p.Hashtags, t)
		}
	}
	switch {
	case s.Quote >= 0 && s.QuoteState == "accepted":
		p.Kind, p.Parent = graph.QuotePost, w.StatusURI(s.Quote)
	case s.InReplyTo >= 0:
		p.Kind, p.Parent = graph.ReplyPost, parent
	}
	var text strings.Builder
	for _, m := range s.Mentions {
		text.WriteString("@" + w.Accounts[m].Username + " ")
	}
	text.WriteString(s.Text)
	for _, t := range s.Tags {
		text.WriteString(" #" + t)
	}
	p.TextLen = utf8.RuneCountInString(strings.TrimSpace(text.String()))
	return p
}

// postSet collects posts by id, merged as the store merges them: what a
// later sighting knows fills what an earlier one did not (a reply's parent).
type postSet map[string]graph.Post

func (ps postSet) add(p graph.Post) {
	old, ok := ps[p.ID]
	if !ok {
		ps[p.ID] = p
		return
	}
	if old.Parent == "" {
		old.Parent = p.Parent
	}
	ps[p.ID] = old
}

func (ps postSet) sorted() []graph.Post {
	out := make([]graph.Post, 0, len(ps))
	for _, p := range ps {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b graph.Post) int { return strings.Compare(a.ID, b.ID) })
	return out
}
