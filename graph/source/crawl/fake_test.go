package crawl_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// world is a small synthetic social network for the fake platform.
type world struct {
	accounts  []string
	followers map[string][]string // account → its followers
	follows   map[string][]string // account → whom it follows
	posts     map[string][]string // account → its post ids, newest first
	author    map[string]string   // post → author
	mentions  map[string][]string // post → accounts it mentions
	likes     map[string][]string // post → likers
	reposts   map[string][]string // post → reposters
	replies   map[string][]string // post → repliers
	quotes    map[string][]string // post → quoters
	tags      map[string][]string // post → its hashtags
	at        map[string]time.Time
	tagged    map[string][]string // tag → its posts, newest first
}

// tagBase is the time of the oldest post; post i of the world is i minutes later.
var tagBase = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// worldTags are the hashtags posts carry (some none, some two).
var worldTags = []string{"go", "rust", "zig"}

// newWorld builds n accounts "a0".."a{n-1}", each following about deg
// others, with posts posts each and a few interactions per post.
func newWorld(seed uint64, n, deg, posts int) *world {
	r := rand.New(rand.NewPCG(seed, 1))
	rt := rand.New(rand.NewPCG(seed, 2)) // tags: a stream of their own, so that the rest is as before tags
	w := &world{followers: map[string][]string{}, follows: map[string][]string{}, posts: map[string][]string{},
		author: map[string]string{}, mentions: map[string][]string{}, likes: map[string][]string{},
		reposts: map[string][]string{}, replies: map[string][]string{}, quotes: map[string][]string{},
		tags: map[string][]string{}, at: map[string]time.Time{}, tagged: map[string][]string{}}
	for i := range n {
		w.accounts = append(w.accounts, "a"+strconv.Itoa(i))
	}
	pick := func(k int, not string) []string {
		var out []string
		seen := map[string]bool{not: true}
		for range k {
			a := w.accounts[r.IntN(n)]
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
		return out
	}
	for _, a := range w.accounts {
		for _, b := range pick(r.IntN(2*deg+1), a) {
			w.follows[a] = append(w.follows[a], b)
			w.followers[b] = append(w.followers[b], a)
		}
		for j := range posts {
			p := a + "/p" + strconv.Itoa(j)
			w.posts[a] = append(w.posts[a], p)
			w.author[p] = a
			w.mentions[p] = pick(r.IntN(2), a)
			w.likes[p] = pick(r.IntN(4), a)
			w.reposts[p] = pick(r.IntN(2), a)
			w.replies[p] = pick(r.IntN(2), a)
			w.quotes[p] = pick(r.IntN(2), a)
			w.at[p] = tagBase.Add(time.Duration(len(w.at)) * time.Minute)
			for _, tg := range worldTags {
				if rt.IntN(3) == 0 {
					w.tags[p] = append(w.tags[p], tg)
					w.tagged[tg] = append(w.tagged[tg], p)
				}
			}
		}
	}
	for _, ps := range w.tagged {
		slices.SortFunc(ps, func(a, b string) int { return w.at[b].Compare(w.at[a]) })
	}
	return w
}

// fake is a crawl.Platform over a world, with fault injection.
type fake struct {
	w        *world
	pageSize int
	caps     crawl.Capabilities
	batch    int

	mu       sync.Mutex
	calls    int
	fetches  map[string]int            // "endpoint subject" → fetches
	hook     func(n int) (cancel bool) // called before each call returns
	cancel   context.CancelFunc        // called when hook says so
	failWith map[string]error          // "endpoint subject" → error on every fetch
	failOnce map[string]error          // "endpoint subject" → error on the next fetch
	repeat   map[string]bool           // "endpoint subject" → the cursor never advances
	hidden   map[string]bool           // "endpoint subject" → hidden list
	empty    map[string]bool           // "endpoint subject" → endless empty pages
	errAfter bool                      // when the hook cancels, return the ctx error instead of the page
	refs     bool                      // tag posts quote an old post "POST/ref", given in Page.Refs
	stats    *crawl.Stats              // counts calls as requests, if set
}

func newFake(w *world, pageSize int) *fake {
	return &fake{w: w, pageSize: pageSize, batch: 4, fetches: map[string]int{},
		failWith: map[string]error{}, failOnce: map[string]error{}, repeat: map[string]bool{},
		hidden: map[string]bool{}, empty: map[string]bool{},
		caps: crawl.Capabilities{crawl.Followers: true, crawl.Follows: true, crawl.Posts: true, crawl.TagPosts: true,
			crawl.RepostedBy: true, crawl.Quotes: true, crawl.Likes: true, crawl.Replies: true}}
}

func (f *fake) Name() string                     { return "fake" }
func (f *fake) Capabilities() crawl.Capabilities { return f.caps }
func (f *fake) ProfileBatch() int                { return f.batch }

// call counts a call and runs the hook; it reports whether to fail with
// the context's error.
func (f *fake) call(ctx context.Context) error {
	f.mu.Lock()
	f.calls++
	n := f.calls
	if f.stats != nil {
		f.stats.Requests.Add(1)
	}
	hook, cancel := f.hook, f.cancel
	f.mu.Unlock()
	if hook != nil && hook(n) && cancel != nil {
		cancel()
		if f.errAfter {
			return ctx.Err()
		}
	}
	return nil
}

func (f *fake) Resolve(ctx context.Context, seed string) (graph.Account, error) {
	if err := f.call(ctx); err != nil {
		return graph.Account{}, err
	}
	if !slices.Contains(f.w.accounts, seed) {
		return graph.Account{}, &crawl.HTTPError{URL: "fake://resolve/" + seed, Status: 404, Msg: "no such account"}
	}
	a := graph.NewAccount("fake", seed)
	a.Handle = "h." + seed
	return a, nil
}

func (f *fake) Profiles(ctx context.Context, keys []string) ([]graph.Account, error) {
	if len(keys) > f.batch {
		return nil, fmt.Errorf("batch of %d > %d", len(keys), f.batch)
	}
	if err := f.call(ctx); err != nil {
		return nil, err
	}
	var out []graph.Account
	for _, k := range keys {
		a := graph.NewAccount("fake", k)
		a.Handle = "h." + k
		a.Name = "Name " + k
		a.Followers = int64(len(f.w.followers[k]))
		a.Following = int64(len(f.w.follows[k]))
		a.Posts = int64(len(f.w.posts[k]))
		out = append(out, a)
	}
	return out, nil
}

func (f *fake) Fetch(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	id := string(t.Endpoint) + " " + t.Subject
	f.mu.Lock()
	f.fetches[id]++
	err := f.failOnce[id]
	delete(f.failOnce, id)
	if err == nil {
		err = f.failWith[id]
	}
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := f.call(ctx); err != nil {
		return nil, err
	}
	off := 0
	if cursor != "" {
		var err error
		if off, err = strconv.Atoi(cursor); err != nil {
			return nil, errors.New("bad cursor " + cursor)
		}
	}
	pg := &crawl.Page{}
	if f.hidden[id] {
		pg.Hidden = true
		return pg, nil
	}
	if f.empty[id] {
		pg.Next = strconv.Itoa(off + 1)
		return pg, nil
	}
	var list []string
	switch t.Endpoint {
	case crawl.Followers:
		list = f.w.followers[t.Subject]
	case crawl.Follows:
		list = f.w.follows[t.Subject]
	case crawl.Posts:
		list = f.w.posts[t.Subject]
	case crawl.Likes:
		list = f.w.likes[t.Subject]
	case crawl.RepostedBy:
		list = f.w.reposts[t.Subject]
	case crawl.Replies:
		list = f.w.replies[t.Subject]
	case crawl.Quotes:
		list = f.w.quotes[t.Subject]
	case crawl.TagPosts:
		list = f.tagList(t)
	default:
		return nil, errors.New("unknown endpoint")
	}
	end := min(off+f.pageSize, len(list))
	if off > len(list) {
		off = len(list)
	}
	for _, x := range list[off:end] {
		switch t.Endpoint {
		case crawl.Followers:
			pg.Accounts = append(pg.Accounts, withHandle(x))
			pg.Edges = append(pg.Edges, graph.Edge{Src: x, Dst: t.Subject, Kind: graph.Follow})
			pg.Found = append(pg.Found, x)
		case crawl.Follows:
			pg.Accounts = append(pg.Accounts, withHandle(x))
			pg.Edges = append(pg.Edges, graph.Edge{Src: t.Subject, Dst: x, Kind: graph.Follow})
			pg.Found = append(pg.Found, x)
		case crawl.Posts, crawl.TagPosts:
			a := f.w.author[x]
			pg.Posts = append(pg.Posts, x)
			pg.PostRecords = append(pg.PostRecords, graph.Post{ID: x, Author: a, At: f.w.at[x],
				Hashtags: f.w.tags[x], TextLen: len(x), Text: "text of " + x})
			if t.Endpoint == crawl.TagPosts {
				pg.Found = append(pg.Found, a)
				if f.refs {
					r := &pg.PostRecords[len(pg.PostRecords)-1]
					r.Kind, r.Parent = graph.QuotePost, x+"/ref"
					pg.Refs = append(pg.Refs, graph.Post{ID: x + "/ref", Author: a, At: tagBase.AddDate(-1, 0, 0)})
				}
			}
			for _, m := range f.w.mentions[x] {
				pg.Edges = append(pg.Edges, graph.Edge{Src: a, Dst: m, Kind: graph.Mention, PostID: x})
			}
		default:
			kind := map[crawl.Endpoint]graph.Kind{crawl.Likes: graph.Like, crawl.RepostedBy: graph.Repost,
				crawl.Replies: graph.Reply, crawl.Quotes: graph.Quote}[t.Endpoint]
			post := t.Subject
			if kind == graph.Reply || kind == graph.Quote {
				post = x + "/re/" + t.Subject
			}
			pg.Edges = append(pg.Edges, graph.Edge{Src: x, Dst: t.Owner, Kind: kind, PostID: post})
			pg.Found = append(pg.Found, x)
		}
	}
	if end < len(list) {
		pg.Next = strconv.Itoa(end)
	}
	if f.repeat[id] && cursor != "" {
		pg.Next = cursor
	}
	return pg, nil
}

// tagList is the posts of tag t.Subject, newest first: on instance "even"
// only those of even-numbered authors, on "odd" the odd ones plus every
// third post (seen on both), elsewhere all. The window is not applied: the
// engine drops what lies outside it.
func (f *fake) tagList(t crawl.Task) []string {
	var out []string
	for i, p := range f.w.tagged[t.Subject] {
		n, _ := strconv.Atoi(strings.TrimPrefix(f.w.author[p], "a"))
		switch t.Owner {
		case "even":
			if n%2 != 0 {
				continue
			}
		case "odd":
			if n%2 == 0 && i%3 != 0 {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

func withHandle(k string) graph.Account {
	a := graph.NewAccount("fake", k)
	a.Handle = "h." + k
	return a
}
