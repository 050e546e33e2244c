package xtest

import (
	"cmp"
	"slices"
	"strings"
)

// maxTimeline is how many of an account's most recent posts the timeline
// serves.
const maxTimeline = 3200

// view indexes a World for reading. It is built once and never changed, so
// the server's handlers and Expected share nothing mutable.
type view struct {
	users     map[string]*User
	byName    map[string]*User   // lower-cased username
	tweets    map[string]*Tweet  // every tweet, deleted ones too
	followers map[string][]*User // newest first
	following map[string][]*User // newest first
	timeline  map[string][]*Tweet
	rtBy      map[string][]*User  // retweeters of a tweet, newest first, distinct
	quotes    map[string][]*Tweet // visible quotes of a tweet, newest first
	newest    []*Tweet            // every tweet, newest first
	userOrder []*User
}

func newView(w *World) *view {
	v := &view{
		users:     make(map[string]*User, len(w.Users)),
		byName:    make(map[string]*User, len(w.Users)),
		tweets:    make(map[string]*Tweet, len(w.Tweets)),
		followers: make(map[string][]*User),
		following: make(map[string][]*User),
		timeline:  make(map[string][]*Tweet),
		rtBy:      make(map[string][]*User),
		quotes:    make(map[string][]*Tweet),
		userOrder: w.Users,
	}
	for _, u := range w.Users {
		v.users[u.ID] = u
		v.byName[strings.ToLower(u.Username)] = u
	}
	for i := len(w.Follows) - 1; i >= 0; i-- {
		f := w.Follows[i]
		src, dst := v.users[f.Src], v.users[f.Dst]
		if src == nil || dst == nil {
			continue
		}
		v.followers[f.Dst] = append(v.followers[f.Dst], src)
		v.following[f.Src] = append(v.following[f.Src], dst)
	}
	for _, t := range w.Tweets {
		v.tweets[t.ID] = t
	}
	ts := slices.Clone(w.Tweets)
	slices.SortStableFunc(ts, func(a, b *Tweet) int { return -cmpID(a.ID, b.ID) })
	v.newest = ts
	seenRT := make(map[[2]string]bool)
	for _, t := range ts {
		if !v.visible(t) {
			continue
		}
		v.timeline[t.Author] = append(v.timeline[t.Author], t)
		if t.Retweet != "" && !seenRT[[2]string{t.Retweet, t.Author}] {
			seenRT[[2]string{t.Retweet, t.Author}] = true
			v.rtBy[t.Retweet] = append(v.rtBy[t.Retweet], v.users[t.Author])
		}
		if t.Quote != "" {
			v.quotes[t.Quote] = append(v.quotes[t.Quote], t)
		}
	}
	for k, tl := range v.timeline {
		if len(tl) > maxTimeline {
			v.timeline[k] = tl[:maxTimeline]
		}
	}
	return v
}

// cmpID orders numeric id strings by value.
func cmpID(a, b string) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// visible reports whether t can be served: not deleted, by a known public
// account.
func (v *view) visible(t *Tweet) bool {
	if t == nil || t.Deleted {
		return false
	}
	u := v.users[t.Author]
	return u != nil && !u.Protected
}

// replyUser is the in_reply_to_user_id the API sends for t, "" if none.
func (v *view) replyUser(t *Tweet) string {
	if t.ReplyTo == "" || t.OmitReplyUser {
		return ""
	}
	if t.InReplyToUser != "" {
		return t.InReplyToUser
	}
	if r := v.tweets[t.ReplyTo]; r != nil {
		return r.Author
	}
	return ""
}

// entity is a mention or hashtag with its offsets in the text.
type entity struct {
	start, end int
	m          Mention
	tag        string
}

// text builds t's text and entities. A retweet is "RT @author: " and the
// original's text, with the original's entities shifted, as the API sends
// it.
func (v *view) text(t *Tweet) (string, []entity, []entity) {
	if t.Retweet != "" {
		if o := v.tweets[t.Retweet]; o != nil {
			au := v.users[o.Author]
			name := o.Author
			var mid string
			if au != nil {
				name, mid = au.Username, au.ID
			}
			prefix := "RT @" + name + ": "
			body, ms, hs := v.text(o)
			out := []entity{{start: 3, end: 4 + len(name), m: Mention{Username: name, ID: mid}}}
			for _, m := range ms {
				m.start += len(prefix)
				m.end += len(prefix)
				out = append(out, m)
			}
			for i := range hs {
				hs[i].start += len(prefix)
				hs[i].end += len(prefix)
			}
			return prefix + body, out, hs
		}
	}
	var b strings.Builder
	var ms, hs []entity
	for _, m := range t.Mentions {
		s := b.Len()
		b.WriteString("@" + m.Username + " ")
		ms = append(ms, entity{start: s, end: s + 1 + len(m.Username), m: m})
	}
	b.WriteString("post " + t.ID)
	for _, h := range t.Hashtags {
		b.WriteString(" ")
		s := b.Len()
		b.WriteString("#" + h)
		hs = append(hs, entity{start: s, end: b.Len(), tag: h})
	}
	return b.String(), ms, hs
}

// expansion names, as the client sends them.
const (
	expAuthor      = "author_id"
	expReplyUser   = "in_reply_to_user_id"
	expRefTweets   = "referenced_tweets.id"
	expRefAuthor   = "referenced_tweets.id.author_id"
	expMentionUser = "entities.mentions.username"
)

// expanded is what includes and errors[] hold for a page of tweets.
type expanded struct {
	users   []*User
	tweets  []*Tweet
	missing []*Tweet // referenced tweets that cannot be served
	unknown []string // referenced ids that never existed
	seenU   map[string]bool
	seenT   map[string]bool
}

// expand computes the includes of data tweets ts for the expansions exp.
func (v *view) expand(ts []*Tweet, exp map[string]bool) *expanded {
	x := &expanded{seenU: map[string]bool{}, seenT: map[string]bool{}}
	addU := func(id string) {
		if u := v.users[id]; u != nil && !x.seenU[id] {
			x.seenU[id] = true
			x.users = append(x.users, u)
		}
	}
	for _, t := range ts {
		if exp[expAuthor] {
			addU(t.Author)
		}
		if exp[expReplyUser] {
			if r := v.replyUser(t); r != "" {
				addU(r)
			}
		}
		if exp[expMentionUser] {
			_, ms, _ := v.text(t)
			for _, m := range ms {
				if u := v.byName[strings.ToLower(m.m.Username)]; u != nil {
					addU(u.ID)
				}
			}
		}
		for _, rid := range refIDs(t) {
			if x.seenT[rid] {
				continue
			}
			x.seenT[rid] = true
			r := v.tweets[rid]
			switch {
			case r == nil:
				if exp[expRefTweets] {
					x.unknown = append(x.unknown, rid)
				}
			case !v.visible(r):
				if exp[expRefTweets] {
					x.missing = append(x.missing, r)
				}
			default:
				if exp[expRefTweets] {
					x.tweets = append(x.tweets, r)
				}
				if exp[expRefAuthor] {
					addU(r.Author)
				}
			}
		}
	}
	return x
}

// refIDs lists t's referenced tweet ids in referenced_tweets order.
func refIDs(t *Tweet) []string {
	var ids []string
	for _, r := range []string{t.Retweet, t.Quote, t.ReplyTo} {
		if r != "" {
			ids = append(ids, r)
		}
	}
	return ids
}
