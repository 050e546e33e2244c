package blueskytest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clout-cli/clout/graph"
)

// Chat is a world with a scheduled hashtag chat in it: an hour of posts
// under one tag, as analysts collect them.
type Chat struct {
	*World
	// Tag is the chat's tag as the host writes it ("CloutChat"); posts
	// write it in every case, as a facet, in record.tags or in the text
	// only.
	Tag string
	// Start and End bound the chat hour; some tagged posts lie before and
	// after it.
	Start, End time.Time
	// Host is the DID of the account that asks the questions.
	Host string
}

// NewChat returns a deterministic world of the given number of accounts
// (at least 10) holding a generic network and a chat under "#CloutChat":
// the host (account 1) asks Q1…Q6 ten minutes apart, each answered by two
// to five participants in replies that carry the tag as a facet, in
// record.tags or as a #word of the text, or not at all; some answers get
// tagged replies, some questions tagged and untagged quotes; one tagged post
// quotes a post of the generic network; the guest (account 2) is mentioned.
// Around it: tagged posts two hours before and after the hour, posts with
// look-alike tags (#CloutChatter, #123, the keycap #️⃣), and reposts and likes
// of the chat's posts by anyone.
func NewChat(seed int64, accounts int) *Chat {
	accounts = max(accounts, 10)
	w := NewWorldWith(seed, WorldOptions{Accounts: accounts})
	r := rand.New(rand.NewPCG(uint64(seed), 0xc4a7))
	c := &Chat{World: w, Tag: "CloutChat", Host: w.Accounts[1].DID}
	c.Start = epoch.Add(30 * 24 * time.Hour)
	c.End = c.Start.Add(time.Hour)
	handles := make(map[string]string, len(w.Accounts))
	for _, a := range w.Accounts {
		handles[a.DID] = a.Handle
	}
	rk := 0
	add := func(author int, at time.Time, shape func(p *Post)) string {
		rk++
		p := Post{
			URI:       fmt.Sprintf("at://%s/app.bsky.feed.post/3c%011d", w.Accounts[author].DID, rk),
			Author:    w.Accounts[author].DID,
			CreatedAt: at.Format("2006-01-02T15:04:05.000Z"),
			IndexedAt: at.Add(time.Duration(100+r.IntN(900)) * time.Millisecond),
		}
		shape(&p)
		p.Text = strings.TrimSpace(p.Text + " " + postText(handles, &p, rk))
		w.Posts = append(w.Posts, p)
		return p.URI
	}
	participant := func() int { return 2 + r.IntN(min(accounts, 30)-2) }
	tagged := func(p *Post, how int) {
		switch how % 4 {
		case 0:
			p.Tags = []string{"CloutChat"}
		case 1:
			p.Tags = []string{"cloutchat", "Science"}
		case 2:
			p.RecordTags = []string{"CLOUTCHAT"}
		case 3:
			p.TextTags = []string{"CloutChat"}
		}
	}
	var chatPosts []string
	for q := range 6 {
		at := c.Start.Add(time.Duration(q)*10*time.Minute + time.Minute)
		quri := add(1, at, func(p *Post) {
			p.Text = fmt.Sprintf("Q%d: what drives a conversation?", q+1)
			p.Tags = []string{c.Tag}
			if q == 2 {
				p.Mentions = []string{w.Accounts[2].DID}
			}
			if q == 4 {
				p.Tags, p.TextTags = nil, []string{c.Tag}
			}
			if q == 5 {
				p.CreatedAt = at.Add(3 * time.Hour).Format("2006-01-02T15:04:05.000Z") // a clock in the future
			}
		})
		chatPosts = append(chatPosts, quri)
		for a := range 2 + r.IntN(4) {
			aat := at.Add(time.Duration(1+r.IntN(8))*time.Minute + time.Duration(a)*time.Second)
			how := r.IntN(5)
			auri := add(participant(), aat, func(p *Post) {
				p.Text = fmt.Sprintf("A%d: engagement, not followers", q+1)
				p.Parent, p.Root = quri, quri
				if how < 4 {
					tagged(p, how)
				}
				if r.IntN(4) == 0 {
					p.Mentions = []string{w.Accounts[participant()].DID}
				}
			})
			chatPosts = append(chatPosts, auri)
			if r.IntN(3) == 0 {
				chatPosts = append(chatPosts, add(participant(), aat.Add(30*time.Second), func(p *Post) {
					p.Text = "agreed"
					p.Parent, p.Root = auri, quri
					tagged(p, r.IntN(4))
				}))
			}
		}
		if q%2 == 0 {
			chatPosts = append(chatPosts, add(participant(), at.Add(5*time.Minute), func(p *Post) {
				p.Text = "this one"
				p.Quote, p.WithMedia = quri, q == 2
				if q != 4 {
					tagged(p, q)
				}
			}))
		}
	}
	chatPosts = append(chatPosts, add(3, c.Start.Add(50*time.Minute), func(p *Post) {
		p.Text = "as said before"
		p.Quote = w.Posts[0].URI
		p.Tags = []string{c.Tag}
	}))
	// Outside the hour, and look-alikes inside it.
	chatPosts = append(chatPosts,
		add(4, c.Start.Add(-2*time.Hour), func(p *Post) { p.Text = "warm-up"; p.Tags = []string{c.Tag} }),
		add(5, c.End.Add(2*time.Hour), func(p *Post) { p.Text = "recap"; p.RecordTags = []string{c.Tag} }),
		add(6, c.Start.Add(20*time.Minute), func(p *Post) { p.Text = "#CloutChatter is another chat" }),
		add(7, c.Start.Add(21*time.Minute), func(p *Post) { p.Text = "#123 #️⃣ not tags" }),
	)
	for _, uri := range chatPosts {
		k := slices.IndexFunc(w.Posts, func(p Post) bool { return p.URI == uri })
		base := w.Posts[k].IndexedAt
		by := map[string]bool{}
		for range r.IntN(4) {
			d := w.Accounts[r.IntN(accounts)].DID
			if !by[d] {
				by[d] = true
				w.Reposts = append(w.Reposts, Repost{By: d, Post: uri, At: base.Add(time.Duration(1+r.IntN(3000)) * time.Second)})
			}
		}
		liked := map[string]bool{}
		for range r.IntN(5) {
			d := w.Accounts[r.IntN(accounts)].DID
			if !liked[d] {
				liked[d] = true
				at := base.Add(time.Duration(1+r.IntN(3000)) * time.Second)
				w.Likes = append(w.Likes, Like{By: d, Post: uri, CreatedAt: at, IndexedAt: at.Add(time.Duration(r.IntN(2000)) * time.Millisecond)})
			}
		}
	}
	return c
}

// ExpectedTag returns what a complete tag crawl of tag (any case, '#'
// allowed) stores, with no account crawled (--depth 0), from the world's
// own data, each sorted as Expected sorts:
//
//   - the tagged posts: posts carrying the tag (facet, record.tags or a
//     #word of the text) whose sortAt is in [since, until) (zero: open);
//   - events: each tagged post's own reply, quote and distinct mentions,
//     and its engagement: reposts (post = it, no time), quotes and direct
//     replies (post = the quoting / replying post, its sortAt), likes
//     (post = it, the like's sortAt); self-loops dropped, once each;
//   - posts: the tagged posts, their quotes and their direct replies, and
//     the posts these quote (from the embed views), with their text;
//   - accounts: everybody these name, with getProfiles' attributes.
func (w *World) ExpectedTag(tag string, since, until time.Time) (accounts []graph.Account, events []graph.Edge, posts []graph.Post) {
	x := newIndex(w)
	tag = strings.ToLower(strings.TrimPrefix(tag, "#"))
	met := map[string]bool{}
	seen := map[string]bool{}
	add := func(e graph.Edge) {
		met[e.Src], met[e.Dst] = true, true
		if e.Src == e.Dst {
			return
		}
		k := fmt.Sprintf("%s %s %d %s %d", e.Src, e.Dst, e.Kind, e.PostID, e.At.UnixNano())
		if !seen[k] {
			seen[k] = true
			e.Platform = "bluesky"
			events = append(events, e)
		}
	}
	kept := map[string]bool{}
	keep := func(p *Post) {
		if !kept[p.URI] {
			kept[p.URI] = true
			posts = append(posts, expectPost(p))
		}
		met[p.Author] = true
	}
	for i := range w.Posts {
		p := &w.Posts[i]
		if !slices.Contains(hashtags(p), tag) || !inWindow(sortAt(p), since, until) {
			continue
		}
		keep(p)
		at, tags := sortAt(p), hashtags(p)
		if p.Parent != "" {
			add(graph.Edge{Src: p.Author, Dst: authority(p.Parent), Kind: graph.Reply, PostID: p.URI, At: at, Hashtags: tags})
		}
		if p.Quote != "" {
			add(graph.Edge{Src: p.Author, Dst: authority(p.Quote), Kind: graph.Quote, PostID: p.URI, At: at, Hashtags: tags})
		}
		for _, m := range p.Mentions {
			add(graph.Edge{Src: p.Author, Dst: m, Kind: graph.Mention, PostID: p.URI, At: at, Hashtags: tags})
		}
		for _, k := range x.reposts[p.URI] {
			add(graph.Edge{Src: w.Reposts[k].By, Dst: p.Author, Kind: graph.Repost, PostID: p.URI})
		}
		for _, k := range x.quotes[p.URI] {
			q := &w.Posts[k]
			keep(q)
			add(graph.Edge{Src: q.Author, Dst: p.Author, Kind: graph.Quote, PostID: q.URI, At: sortAt(q), Hashtags: hashtags(q)})
		}
		for _, k := range x.likes[p.URI] {
			l := &w.Likes[k]
			add(graph.Edge{Src: l.By, Dst: p.Author, Kind: graph.Like, PostID: p.URI, At: likeAt(l)})
		}
		for _, k := range x.replies[p.URI] {
			rp := &w.Posts[k]
			keep(rp)
			add(graph.Edge{Src: rp.Author, Dst: p.Author, Kind: graph.Reply, PostID: rp.URI, At: sortAt(rp), Hashtags: hashtags(rp)})
		}
	}
	// The posts the kept ones quote, read from their embed views.
	for _, p := range slices.Clone(posts) {
		if p.Kind != graph.QuotePost {
			continue
		}
		if k, ok := x.post[p.Parent]; ok {
			keep(&w.Posts[k])
		}
	}
	SortEdges(events)
	slices.SortFunc(posts, func(a, b graph.Post) int { return strings.Compare(a.ID, b.ID) })
	return w.accountsOf(x, met), events, posts
}

// PostOf is the graph.Post clout reads for p, with its text (stored only
// with --keep-text).
func PostOf(p *Post) graph.Post { return expectPost(p) }

func expectPost(p *Post) graph.Post {
	gp := graph.Post{Platform: "bluesky", ID: p.URI, Author: p.Author, At: sortAt(p), Hashtags: hashtags(p),
		TextLen: utf8.RuneCountInString(p.Text), Text: p.Text}
	switch {
	case p.Parent != "":
		gp.Kind, gp.Parent = graph.ReplyPost, p.Parent
	case p.Quote != "":
		gp.Kind, gp.Parent = graph.QuotePost, p.Quote
	}
	return gp
}

// accountsOf returns the met accounts with getProfiles' attributes, by key.
func (w *World) accountsOf(x *index, met map[string]bool) []graph.Account {
	var accounts []graph.Account
	for did := range met {
		a := graph.NewAccount("bluesky", did)
		if i, ok := x.byDID[did]; ok {
			acc := &w.Accounts[i]
			if acc.Handle != "handle.invalid" {
				a.Handle = acc.Handle
			}
			a.Name = acc.Name
			a.Followers = int64(len(x.followers[did]))
			a.Following = int64(len(x.follows[did]))
			a.Posts = int64(len(x.own[did]))
		}
		accounts = append(accounts, a)
	}
	slices.SortFunc(accounts, func(a, b graph.Account) int { return strings.Compare(a.Key, b.Key) })
	return accounts
}
