package x

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// account converts a user object; ok is false when it has no valid id.
func account(u *user) (graph.Account, bool) {
	k := string(u.ID)
	if !validID(k) {
		return graph.Account{}, false
	}
	a := graph.NewAccount(Name, k)
	a.Handle, a.Name = u.Username, u.Name
	if m := u.PublicMetrics; m != nil {
		a.Followers, a.Following, a.Posts = count(m.Followers), count(m.Following), count(m.Tweets)
	}
	return a, true
}

func count(p *int64) int64 {
	if p == nil || *p < 0 {
		return graph.Unknown
	}
	return *p
}

// users decodes a data array of users; absent or null data is empty.
func users(data json.RawMessage) ([]user, error) {
	if !hasData(data) {
		return nil, nil
	}
	var us []user
	if err := json.Unmarshal(data, &us); err != nil {
		return nil, fmt.Errorf("data is not a list of users: %w", err)
	}
	return us, nil
}

// tweets decodes a data array of tweets; absent or null data is empty.
func tweets(data json.RawMessage) ([]tweet, error) {
	if !hasData(data) {
		return nil, nil
	}
	var ts []tweet
	if err := json.Unmarshal(data, &ts); err != nil {
		return nil, fmt.Errorf("data is not a list of posts: %w", err)
	}
	return ts, nil
}

// userPage turns a followers or following page into accounts, follow edges
// and found keys. follower is true for /followers (edges user → subject).
func userPage(env *envelope, subject string, follower bool) (*crawl.Page, error) {
	us, err := users(env.Data)
	if err != nil {
		return nil, err
	}
	pg := &crawl.Page{Next: env.Meta.NextToken}
	for i := range us {
		a, ok := account(&us[i])
		if !ok {
			continue
		}
		pg.Accounts = append(pg.Accounts, a)
		pg.Found = append(pg.Found, a.Key)
		e := graph.Edge{Platform: Name, Src: a.Key, Dst: subject, Kind: graph.Follow}
		if !follower {
			e.Src, e.Dst = subject, a.Key
		}
		pg.Edges = append(pg.Edges, e)
	}
	return pg, nil
}

// retweetersPage turns a retweeted_by page into repost edges retweeter →
// owner. PostID is the retweeted post and At is unknown, the form the
// timeline path writes too (see the package doc).
func retweetersPage(env *envelope, post, owner string) (*crawl.Page, error) {
	us, err := users(env.Data)
	if err != nil {
		return nil, err
	}
	pg := &crawl.Page{Next: env.Meta.NextToken}
	for i := range us {
		a, ok := account(&us[i])
		if !ok {
			continue
		}
		pg.Accounts = append(pg.Accounts, a)
		pg.Found = append(pg.Found, a.Key)
		if a.Key != owner {
			pg.Edges = append(pg.Edges, graph.Edge{Platform: Name, Src: a.Key, Dst: owner, Kind: graph.Repost, PostID: post})
		}
	}
	return pg, nil
}

// quotesPage turns a quote_tweets page into quote edges quoter → owner,
// each with the quote's id, time and hashtags, as the quoter's own
// timeline would give them, and the quotes into posts.
func quotesPage(env *envelope, owner string) (*crawl.Page, error) {
	ts, err := tweets(env.Data)
	if err != nil {
		return nil, err
	}
	pg := &crawl.Page{Next: env.Meta.NextToken}
	pg.Accounts = includedAccounts(&env.Includes)
	seen := make(map[string]bool)
	for i := range ts {
		t := &ts[i]
		src, qid := string(t.AuthorID), string(t.ID)
		if !validID(src) || !validID(qid) {
			continue
		}
		if !seen[src] {
			seen[src] = true
			pg.Found = append(pg.Found, src)
		}
		pg.PostRecords = append(pg.PostRecords, postOf(t, src))
		if src == owner {
			continue
		}
		pg.Edges = append(pg.Edges, graph.Edge{
			Platform: Name, Src: src, Dst: owner, Kind: graph.Quote,
			At: parseTime(t.CreatedAt), PostID: qid, Hashtags: hashtags(t.Entities),
		})
	}
	return pg, nil
}

func includedAccounts(inc *includes) []graph.Account {
	var as []graph.Account
	for i := range inc.Users {
		if a, ok := account(&inc.Users[i]); ok {
			as = append(as, a)
		}
	}
	return as
}

// timeline is one page of an account's posts with its expansions indexed.
type timeline struct {
	subject string
	byName  map[string]string // lower-cased username → id, from includes.users
	refs    map[string]*tweet // includes.tweets (and includes.posts) by id
	pg      *crawl.Page
	found   bool // authors are participants (search): Page.Found
}

// timelinePage turns a page of GET /2/users/:id/tweets into accounts (the
// includes.users), interaction edges and the ids of the account's own posts,
// following the recipe in the package doc.
func timelinePage(env *envelope, subject string) (*crawl.Page, error) {
	return tweetsPage(env, subject, false)
}

// searchPage turns a page of GET /2/tweets/search/recent into the same, with
// each post's author a participant (Page.Found).
func searchPage(env *envelope) (*crawl.Page, error) {
	return tweetsPage(env, "", true)
}

// tweetsPage reads a page of tweets by subject ("" when each names its
// author_id), with the included tweets as posts too.
func tweetsPage(env *envelope, subject string, found bool) (*crawl.Page, error) {
	ts, err := tweets(env.Data)
	if err != nil {
		return nil, err
	}
	tl := timeline{
		subject: subject,
		byName:  make(map[string]string),
		refs:    make(map[string]*tweet),
		pg:      &crawl.Page{Next: env.Meta.NextToken},
		found:   found,
	}
	tl.pg.Accounts = includedAccounts(&env.Includes)
	for i := range env.Includes.Users {
		u := &env.Includes.Users[i]
		if validID(string(u.ID)) && u.Username != "" {
			tl.byName[strings.ToLower(u.Username)] = string(u.ID)
		}
	}
	for _, list := range [][]tweet{env.Includes.Tweets, env.Includes.Posts} {
		for i := range list {
			if k := string(list[i].ID); k != "" {
				tl.refs[k] = &list[i]
			}
		}
	}
	seen := map[string]bool{}
	for i := range ts {
		tl.tweet(&ts[i])
		seen[string(ts[i].ID)] = true
	}
	// The referenced posts, in the order the API includes them.
	for _, list := range [][]tweet{env.Includes.Tweets, env.Includes.Posts} {
		for i := range list {
			t := &list[i]
			if k := string(t.ID); validID(k) && !seen[k] {
				seen[k] = true
				a := string(t.AuthorID)
				if !validID(a) {
					a = ""
				}
				tl.pg.Refs = append(tl.pg.Refs, postOf(t, a))
			}
		}
	}
	return tl.pg, nil
}

// postOf is tweet t by author as a post: a retweet is a repost of the
// retweeted post, a quote (also when it replies) names the quoted post, a
// reply the replied-to post.
func postOf(t *tweet, author string) graph.Post {
	p := graph.Post{Platform: Name, ID: string(t.ID), Author: author, At: parseTime(t.CreatedAt),
		Hashtags: hashtags(t.Entities), Text: t.Text, TextLen: utf8.RuneCountInString(t.Text)}
	var kinds [3]string // retweeted, quoted, replied_to
	for _, r := range t.refs() {
		switch r.Type {
		case "retweeted":
			kinds[0] = string(r.ID)
		case "quoted":
			kinds[1] = string(r.ID)
		case "replied_to":
			kinds[2] = string(r.ID)
		}
	}
	switch {
	case kinds[0] != "":
		p.Kind, p.Parent, p.Hashtags = graph.RepostPost, kinds[0], nil
	case kinds[1] != "":
		p.Kind, p.Parent = graph.QuotePost, kinds[1]
	case kinds[2] != "":
		p.Kind, p.Parent = graph.ReplyPost, kinds[2]
	}
	if !validID(p.Parent) {
		p.Parent = ""
	}
	return p
}

func (tl *timeline) tweet(t *tweet) {
	src := string(t.AuthorID)
	if src == "" {
		src = tl.subject
	}
	tid := string(t.ID)
	if !validID(src) || !validID(tid) {
		return
	}
	tl.pg.PostRecords = append(tl.pg.PostRecords, postOf(t, src))
	if tl.found {
		tl.pg.Found = append(tl.pg.Found, src)
	}
	var retweeted, quoted, repliedTo *ref
	rs := t.refs()
	for i := range rs {
		switch rs[i].Type {
		case "retweeted":
			retweeted = &rs[i]
		case "quoted":
			quoted = &rs[i]
		case "replied_to":
			repliedTo = &rs[i]
		}
	}
	if retweeted != nil {
		orig := string(retweeted.ID)
		dst := tl.author(orig)
		if dst == "" {
			dst = tl.rtTarget(t)
		}
		if validID(orig) && dst != "" && dst != src {
			tl.pg.Edges = append(tl.pg.Edges, graph.Edge{Platform: Name, Src: src, Dst: dst, Kind: graph.Repost, PostID: orig})
		}
		return
	}
	tl.pg.Posts = append(tl.pg.Posts, tid)
	base := graph.Edge{Platform: Name, Src: src, At: parseTime(t.CreatedAt), PostID: tid, Hashtags: hashtags(t.Entities)}
	emit := func(k graph.Kind, dst string) {
		if dst == "" || dst == src || !validID(dst) {
			return
		}
		e := base
		e.Kind, e.Dst = k, dst
		tl.pg.Edges = append(tl.pg.Edges, e)
	}
	if quoted != nil {
		emit(graph.Quote, tl.author(string(quoted.ID)))
	}
	reply := string(t.InReplyToUserID)
	if reply == "" && repliedTo != nil {
		reply = tl.author(string(repliedTo.ID))
	}
	emit(graph.Reply, reply)
	if t.Entities == nil {
		return
	}
	var done []string
outer:
	for i := range t.Entities.Mentions {
		m := &t.Entities.Mentions[i]
		dst := string(m.ID)
		if dst == "" {
			dst = tl.byName[strings.ToLower(m.Username)]
		}
		for _, d := range done {
			if d == dst {
				continue outer
			}
		}
		done = append(done, dst)
		emit(graph.Mention, dst)
	}
}

// author is the author id of the included tweet id, or "" when the tweet is
// missing from includes (deleted, protected, not expanded).
func (tl *timeline) author(tweetID string) string {
	if r := tl.refs[tweetID]; r != nil && validID(string(r.AuthorID)) {
		return string(r.AuthorID)
	}
	return ""
}

// rtTarget is a retweet's original author when the original is missing from
// includes: a retweet's text is "RT @author: …", so the mention entity at
// offset 3 names the author (the rule of twarc-network, DocNow/twarc-network
// PR#8).
func (tl *timeline) rtTarget(t *tweet) string {
	if t.Entities == nil {
		return ""
	}
	for i := range t.Entities.Mentions {
		m := &t.Entities.Mentions[i]
		if m.Start == nil || *m.Start != 3 {
			continue
		}
		if validID(string(m.ID)) {
			return string(m.ID)
		}
		return tl.byName[strings.ToLower(m.Username)]
	}
	return ""
}

// hashtags returns the distinct hashtags of e, lower-cased and without '#',
// in order of appearance; nil when there are none.
func hashtags(e *entities) []string {
	if e == nil {
		return nil
	}
	var tags []string
outer:
	for _, h := range e.Hashtags {
		s := strings.ToLower(strings.TrimLeft(h.Tag, "#＃"))
		if s == "" {
			continue
		}
		for _, t := range tags {
			if t == s {
				continue outer
			}
		}
		tags = append(tags, s)
	}
	return tags
}

// parseTime reads an RFC 3339 created_at; anything else is the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
