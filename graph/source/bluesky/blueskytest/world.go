package blueskytest

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Account is one account of the world.
type Account struct {
	DID    string // did:plc:<24 base32 chars>
	Handle string // "handle.invalid" for an account whose handle does not verify
	Name   string // display name, may be empty
	// Pinned is the URI of the account's pinned post, "" for none.
	Pinned string
}

// Follow is one follow record: Src follows Dst (DIDs).
type Follow struct {
	Src, Dst string
	At       time.Time
}

// Post is one app.bsky.feed.post record.
type Post struct {
	URI    string // at://<author DID>/app.bsky.feed.post/<rkey>
	Author string // DID
	Text   string
	// CreatedAt is the record's createdAt exactly as written; clients
	// write it, so it may be in the future, backdated or oddly formatted.
	CreatedAt string
	IndexedAt time.Time
	// Parent and Root are the URIs of the replied-to post and of the
	// thread root; "" if the post is not a reply.
	Parent, Root string
	// Quote is the URI of the quoted post, "" for none; WithMedia embeds
	// it as app.bsky.embed.recordWithMedia (with an image).
	Quote     string
	WithMedia bool
	// Mentions are the DIDs of #mention facets, in order; one account may
	// be mentioned twice.
	Mentions []string
	// Tags are the #tag facets as written (e.g. "Go"); RecordTags the
	// record's out-of-text tags[]; TextTags are written in the text only,
	// as "#Tag." with no facet (clients that write no facets).
	Tags, RecordTags, TextTags []string
}

// Repost is one app.bsky.feed.repost record: By reposted the post at URI Post.
type Repost struct {
	By, Post string
	At       time.Time // indexedAt of the repost
}

// Like is one app.bsky.feed.like record.
type Like struct {
	By, Post             string
	CreatedAt, IndexedAt time.Time
}

// World is a small social network the fake server serves. Build one with
// NewWorld or by hand; do not change it after NewServer or Expected.
type World struct {
	Accounts []Account
	Follows  []Follow
	Posts    []Post
	Reposts  []Repost
	Likes    []Like
}

// WorldOptions shapes a generated world. Zero fields take the defaults noted.
type WorldOptions struct {
	Accounts int // default 50
	// FollowsPerAccount is the mean number of accounts each follows;
	// default 6. Follow targets are skewed toward low account numbers, and
	// account 0 is also followed by about half of everybody, so it has
	// more than one page of followers from 250 accounts on.
	FollowsPerAccount int
	// PostsPerAccount is the mean number of posts each account writes;
	// default 3. A third of posts are replies, a sixth quote an earlier
	// post, many mention someone.
	PostsPerAccount int
	// RepostsPerPost and LikesPerPost are the means; default 1 and 2.
	RepostsPerPost, LikesPerPost int
}

// epoch is the generated world's first instant.
var epoch = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// NewWorld returns a deterministic world of the given number of accounts with
// the default shape.
func NewWorld(seed int64, accounts int) *World {
	return NewWorldWith(seed, WorldOptions{Accounts: accounts})
}

// NewWorldWith returns a deterministic world shaped by o.
func NewWorldWith(seed int64, o WorldOptions) *World {
	if o.Accounts <= 0 {
		o.Accounts = 50
	}
	if o.FollowsPerAccount <= 0 {
		o.FollowsPerAccount = 6
	}
	if o.PostsPerAccount <= 0 {
		o.PostsPerAccount = 3
	}
	if o.RepostsPerPost <= 0 {
		o.RepostsPerPost = 1
	}
	if o.LikesPerPost <= 0 {
		o.LikesPerPost = 2
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x636c6f7574))
	n := o.Accounts
	w := &World{Accounts: make([]Account, n)}
	for i := range w.Accounts {
		a := &w.Accounts[i]
		a.DID = DID(seed, i)
		a.Handle = fmt.Sprintf("user%d.test", i)
		switch i % 7 {
		case 3:
			// no display name
		case 5:
			a.Name = fmt.Sprintf("Ünïcødé %d 🦋", i)
		default:
			a.Name = fmt.Sprintf("User %d", i)
		}
		if i%23 == 22 {
			a.Handle = "handle.invalid"
		}
	}
	handles := make(map[string]string, n)
	for _, a := range w.Accounts {
		handles[a.DID] = a.Handle
	}
	skewed := func() int { return r.IntN(r.IntN(n) + 1) }

	// Follows: each account follows a skewed random set, plus account 0
	// with probability ½.
	for i := range n {
		k := r.IntN(2*o.FollowsPerAccount + 1)
		seen := map[int]bool{i: true}
		if n > 1 && i != 0 && r.IntN(2) == 0 {
			seen[0] = true
			w.Follows = append(w.Follows, Follow{Src: w.Accounts[i].DID, Dst: w.Accounts[0].DID, At: epoch.Add(time.Duration(r.IntN(1e6)) * time.Second)})
		}
		for range k {
			j := skewed()
			if seen[j] {
				continue
			}
			seen[j] = true
			w.Follows = append(w.Follows, Follow{Src: w.Accounts[i].DID, Dst: w.Accounts[j].DID, At: epoch.Add(time.Duration(r.IntN(1e6)) * time.Second)})
		}
	}

	// Posts in time order, so replies and quotes point back.
	total := n * o.PostsPerAccount
	rkey := 0
	for p := range total {
		author := r.IntN(n)
		a := w.Accounts[author]
		rkey++
		indexed := epoch.Add(time.Duration(p)*time.Minute + time.Duration(r.IntN(60000))*time.Millisecond)
		post := Post{
			URI:       fmt.Sprintf("at://%s/app.bsky.feed.post/3l%011d", a.DID, rkey),
			Author:    a.DID,
			IndexedAt: indexed,
		}
		switch r.IntN(10) {
		case 0: // written in the future: sortAt is indexedAt
			post.CreatedAt = indexed.Add(3 * time.Hour).Format("2006-01-02T15:04:05.000Z")
		case 1: // backdated, with a zone offset
			post.CreatedAt = indexed.Add(-48 * time.Hour).In(time.FixedZone("", 2*3600)).Format(time.RFC3339)
		case 2: // microseconds, as some clients write
			post.CreatedAt = indexed.Add(-2 * time.Second).Format("2006-01-02T15:04:05.000000Z07:00")
		default:
			post.CreatedAt = indexed.Add(-time.Duration(r.IntN(900)) * time.Millisecond).Format("2006-01-02T15:04:05.000Z")
		}
		if p > 0 && r.IntN(3) == 0 {
			parent := &w.Posts[r.IntN(p)]
			post.Parent = parent.URI
			post.Root = parent.Root
			if post.Root == "" {
				post.Root = parent.URI
			}
		}
		if p > 0 && r.IntN(6) == 0 {
			post.Quote = w.Posts[r.IntN(p)].URI
			post.WithMedia = r.IntN(2) == 0
		}
		for range max(0, r.IntN(4)-1) {
			post.Mentions = append(post.Mentions, w.Accounts[skewed()].DID)
		}
		if len(post.Mentions) > 0 && r.IntN(8) == 0 {
			post.Mentions = append(post.Mentions, post.Mentions[0]) // mentioned twice
		}
		tags := []string{"Go", "bluesky", "graphs", "Science", "art"}
		for range r.IntN(3) {
			post.Tags = append(post.Tags, tags[r.IntN(len(tags))])
		}
		if r.IntN(5) == 0 {
			post.RecordTags = append(post.RecordTags, tags[r.IntN(len(tags))])
		}
		post.Text = postText(handles, &post, p)
		w.Posts = append(w.Posts, post)
	}

	for p := range w.Posts {
		post := &w.Posts[p]
		by := map[string]bool{}
		for range r.IntN(2*o.RepostsPerPost + 1) {
			d := w.Accounts[r.IntN(n)].DID
			if by[d] {
				continue
			}
			by[d] = true
			w.Reposts = append(w.Reposts, Repost{By: d, Post: post.URI, At: post.IndexedAt.Add(time.Duration(1+r.IntN(5000)) * time.Second)})
		}
		liked := map[string]bool{}
		for range r.IntN(2*o.LikesPerPost + 1) {
			d := w.Accounts[r.IntN(n)].DID
			if liked[d] {
				continue
			}
			liked[d] = true
			at := post.IndexedAt.Add(time.Duration(1+r.IntN(5000)) * time.Second)
			l := Like{By: d, Post: post.URI, CreatedAt: at, IndexedAt: at.Add(time.Duration(r.IntN(3000)) * time.Millisecond)}
			if r.IntN(10) == 0 {
				l.CreatedAt = l.IndexedAt.Add(time.Hour) // a clock in the future
			}
			w.Likes = append(w.Likes, l)
		}
	}
	for i := range w.Accounts {
		if i%4 != 1 {
			continue
		}
		for p := range w.Posts {
			if w.Posts[p].Author == w.Accounts[i].DID {
				w.Accounts[i].Pinned = w.Posts[p].URI
				break
			}
		}
	}
	return w
}

// postText writes a post's text so that every mention and tag facet has a
// real byte range in it.
func postText(handles map[string]string, p *Post, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "post %d — ünïcødé text", n)
	for _, m := range p.Mentions {
		b.WriteString(" @" + handles[m])
	}
	for _, t := range p.Tags {
		b.WriteString(" #" + t)
	}
	for _, t := range p.TextTags {
		b.WriteString(" #" + t + ".")
	}
	return b.String()
}

// DID returns the generated world's DID of account i: "did:plc:" and 24
// base32 characters, as did:plc identifiers are.
func DID(seed int64, i int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "clout-world %d %d", seed, i))
	s := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:]))
	return "did:plc:" + s[:24]
}

// MaxPosts returns the largest number of posts one account wrote: a crawl
// with --posts at least this reads every post, as Expected assumes.
func (w *World) MaxPosts() int {
	count := map[string]int{}
	for i := range w.Posts {
		count[w.Posts[i].Author]++
	}
	m := 0
	for _, c := range count {
		m = max(m, c)
	}
	return m
}

// Account returns the account with the given DID or handle (case-insensitive,
// '@' allowed), and whether there is one.
func (w *World) Account(actor string) (Account, bool) {
	actor = strings.TrimPrefix(actor, "@")
	i := slices.IndexFunc(w.Accounts, func(a Account) bool {
		return a.DID == actor || a.Handle != "handle.invalid" && strings.EqualFold(a.Handle, actor)
	})
	if i < 0 {
		return Account{}, false
	}
	return w.Accounts[i], true
}
