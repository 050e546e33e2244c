package twarc

import (
	"net/url"
	"strings"

	"github.com/clout-cli/clout/graph"
)

// v2 imports the items of a twarc2 line: the data of a page or stream line,
// or the single item of a flattened line. Tweets yield interaction edges;
// users are accounts, and follow edges when __twarc.url says whose followers
// or followings they are.
func (im *importer) v2(env *envelope, items []obj) error {
	// Accounts first, so that every user object of the line is known to
	// username lookups before any edge is resolved.
	if inc := env.Includes; inc != nil {
		for i := range inc.Users {
			if err := im.user(&inc.Users[i]); err != nil {
				return err
			}
		}
		for i := range inc.Tweets {
			t := &inc.Tweets[i]
			if k := t.key(); k != "" {
				im.tweets[k] = t
			}
			if err := im.walkUsers(t); err != nil {
				return err
			}
		}
	}
	var nUsers int
	for i := range items {
		it := &items[i]
		switch {
		case it.isTweet():
			if err := im.walkUsers(it); err != nil {
				return err
			}
		case isUser(it):
			nUsers++
			if err := im.user(it); err != nil {
				return err
			}
		}
	}
	for i := range items {
		if err := im.posts(&items[i]); err != nil {
			return err
		}
	}
	if inc := env.Includes; inc != nil {
		for i := range inc.Tweets {
			if err := im.posts(&inc.Tweets[i]); err != nil {
				return err
			}
		}
	}
	for i := range items {
		if it := &items[i]; it.isTweet() {
			if err := im.v2Tweet(it); err != nil {
				return err
			}
		}
	}
	if nUsers == 0 || env.Twarc == nil {
		return nil
	}
	id, dir := followURL(env.Twarc.URL)
	if id == "" {
		return nil
	}
	for i := range items {
		it := &items[i]
		k := it.key()
		if !isUser(it) || k == "" || k == id {
			continue
		}
		e := graph.Edge{Platform: platform, Kind: graph.Follow, Src: k, Dst: id}
		if dir == "following" {
			e.Src, e.Dst = id, k
		}
		if err := im.sink.Edge(e); err != nil {
			return err
		}
	}
	return nil
}

// isUser reports whether a data item is a user: it has a username (required
// in v2 user objects) and no text. Other items twarc2 writes (lists, spaces,
// counts) have neither and name no account.
func isUser(o *obj) bool { return o.Username != "" && !o.isTweet() }

// v2Tweet emits the edges of one v2 tweet, plain (page, stream) or flattened.
func (im *importer) v2Tweet(t *obj) error {
	p := post{src: t.AuthorID, id: t.key(), at: im.parseTime(t.CreatedAt)}
	if p.src == "" {
		p.src = t.Author.key()
	}
	if p.src == "" {
		im.stats.noAuthor++
		return nil
	}
	var retweeted, quoted, repliedTo *obj
	for i := range t.ReferencedTweets {
		r := &t.ReferencedTweets[i]
		switch r.Type {
		case "retweeted":
			retweeted = r
		case "quoted":
			quoted = r
		case "replied_to":
			repliedTo = r
		}
	}
	if retweeted != nil {
		var dst string
		if body := im.body(retweeted); body != nil {
			dst = authorOf(body)
			p.tags = im.hashtags(body.Entities)
		}
		if dst == "" {
			dst = im.rtTarget(t)
		}
		if p.tags == nil {
			p.tags = im.hashtags(t.Entities)
		}
		if dst == "" {
			im.stats.unresolvedRefs++
		}
		return im.edge(&p, graph.Repost, dst)
	}
	p.tags = im.hashtags(t.Entities)
	if quoted != nil {
		dst := authorOf(im.body(quoted))
		if dst == "" {
			im.stats.unresolvedRefs++
		}
		if err := im.edge(&p, graph.Quote, dst); err != nil {
			return err
		}
	}
	reply := string(t.InReplyToUserID)
	if reply == "" {
		reply = t.InReplyToUser.key()
	}
	if reply == "" && repliedTo != nil {
		reply = authorOf(im.body(repliedTo))
	}
	if err := im.edge(&p, graph.Reply, reply); err != nil {
		return err
	}
	if t.Entities == nil {
		return nil
	}
	im.done = im.done[:0]
	for i := range t.Entities.Mentions {
		m := &t.Entities.Mentions[i]
		dst := m.key()
		if dst == "" {
			dst = im.resolve(m.Username)
		}
		if dst == "" {
			im.stats.unresolvedMentions++
			continue
		}
		if err := im.mention(&p, dst); err != nil {
			return err
		}
	}
	return nil
}

// body returns the full referenced tweet: r itself when twarc2 flatten merged
// it in (it then has an author), else the includes.tweets entry with r's id,
// else nil.
func (im *importer) body(r *obj) *obj {
	if r.AuthorID != "" || r.Author != nil {
		return r
	}
	return im.tweets[r.key()]
}

// authorOf returns the author id of tweet t, or "".
func authorOf(t *obj) string {
	if t == nil {
		return ""
	}
	if t.AuthorID != "" {
		return t.AuthorID
	}
	return t.Author.key()
}

// rtTarget finds a retweet's original author when the original is missing
// from includes: the text of a retweet is "RT @author: …", so its mention
// entity starting at offset 3 names the original author (the rule of
// twarc-network, DocNow/twarc-network PR#8).
func (im *importer) rtTarget(t *obj) string {
	if t.Entities == nil {
		return ""
	}
	for i := range t.Entities.Mentions {
		m := &t.Entities.Mentions[i]
		if m.Start.ok && m.Start.v == 3 {
			if k := m.key(); k != "" {
				return k
			}
			return im.resolve(m.Username)
		}
	}
	return ""
}

// followURL reads the account id and direction ("followers" or "following")
// from a twarc2 request URL such as
// https://api.twitter.com/2/users/12345/followers?max_results=1000.
// It returns "" for any other URL.
func followURL(s string) (id, dir string) {
	if s == "" {
		return "", ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", ""
	}
	seg := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := 0; i+2 < len(seg); i++ {
		if seg[i] != "users" || !isDigits(seg[i+1]) {
			continue
		}
		switch seg[i+2] {
		case "followers", "following":
			if i+3 == len(seg) {
				return seg[i+1], seg[i+2]
			}
		}
	}
	return "", ""
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
