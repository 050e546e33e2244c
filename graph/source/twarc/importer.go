package twarc

import (
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
)

// stats counts what was skipped without error, for tests and diagnostics.
type stats struct {
	unresolvedMentions int64 // mention entities naming no id nor a known username
	unresolvedRefs     int64 // retweets/quotes whose original author is unknown
	noAuthor           int64 // tweets without an author id
	badTime            int64 // created_at present but unparseable (At left zero)
	notices            int64 // v1.1 stream notices skipped
}

// importer holds the state of one import. The per-line fields are reset by
// line.
type importer struct {
	sink  graph.Sink
	stats stats
	// postSink is sink when it takes posts, else nil; keepText sends each
	// post's text (source.Options.KeepText).
	postSink graph.PostSink
	keepText bool

	// Per line.
	sent     map[graph.Account]struct{} // accounts already sent for this line
	users    []*obj                     // user objects of this line, for username lookup
	byName   map[string]string          // lower-cased username → id, built on first need
	tweets   map[string]*obj            // v2 includes.tweets by id
	tags     []string                   // scratch for hashtags
	postSent map[string]struct{}        // ids of the tweets sent as posts
	done     []string                   // scratch: mention targets already emitted
}

func newImporter(sink graph.Sink) *importer {
	ps, _ := sink.(graph.PostSink)
	return &importer{
		sink:     sink,
		postSink: ps,
		postSent: make(map[string]struct{}),
		sent:     make(map[graph.Account]struct{}),
		byName:   make(map[string]string),
		tweets:   make(map[string]*obj),
	}
}

// line imports one non-blank line. msg is non-empty when the line is
// malformed; err is a sink error.
func (im *importer) line(b []byte) (msg string, err error) {
	clear(im.sent)
	clear(im.byName)
	clear(im.tweets)
	clear(im.postSent)
	im.users = im.users[:0]

	env, data, hasData, msg := decode(b)
	if msg != "" {
		return msg, nil
	}
	switch {
	case hasData:
		return "", im.v2(env, data)
	case env.IDStr != "" && env.User != nil:
		return "", im.v1(&env.obj)
	case env.ID != "" && (env.isTweet() || env.Username != ""):
		// A flattened tweet or user: one item with its expansions inlined.
		return "", im.v2(env, []obj{env.obj})
	case env.IDStr != "" && env.ScreenName != "":
		return "", im.user(&env.obj)
	case env.Includes != nil || bool(env.Meta) || bool(env.Errors) || env.Twarc != nil:
		// A page without data: empty result, or every item an error.
		return "", im.v2(env, nil)
	case env.isNotice():
		im.stats.notices++
		return "", nil
	}
	return shapeMsg, nil
}

// user sends u as an account if it has an id, once per line, and remembers it
// for username lookups.
func (im *importer) user(u *obj) error {
	if u == nil {
		return nil
	}
	k := u.key()
	if k == "" {
		return nil
	}
	im.users = append(im.users, u)
	a := graph.NewAccount(platform, k)
	a.Handle, a.Name = u.handle(), u.Name
	if m := u.PublicMetrics; m != nil {
		a.Followers, a.Following, a.Posts = m.Followers.get(), m.Following.get(), m.Tweets.get()
	} else {
		a.Followers, a.Following, a.Posts = u.Followers.get(), u.Friends.get(), u.Statuses.get()
	}
	if _, ok := im.sent[a]; ok {
		return nil
	}
	im.sent[a] = struct{}{}
	return im.sink.Account(a)
}

// walkUsers sends every user object nested in tweet t: its author (v1.1 user,
// v2 author), the replied-to user, the users of embedded and referenced
// tweets, and mention entities that carry an id.
func (im *importer) walkUsers(t *obj) error {
	if t == nil {
		return nil
	}
	for _, u := range [...]*obj{t.User, t.Author, t.InReplyToUser} {
		if err := im.user(u); err != nil {
			return err
		}
	}
	if t.InReplyToUserIDStr != "" && t.InReplyToName != "" {
		u := &obj{IDStr: t.InReplyToUserIDStr, ScreenName: t.InReplyToName}
		if err := im.user(u); err != nil {
			return err
		}
	}
	for _, e := range [...]*entities{t.Entities, extendedEntities(t)} {
		if e == nil {
			continue
		}
		for i := range e.UserMentions {
			if err := im.user(&e.UserMentions[i]); err != nil {
				return err
			}
		}
		for i := range e.Mentions {
			if err := im.user(&e.Mentions[i]); err != nil {
				return err
			}
		}
	}
	for _, s := range [...]*obj{t.RetweetedStatus, t.QuotedStatus} {
		if err := im.walkUsers(s); err != nil {
			return err
		}
	}
	for i := range t.ReferencedTweets {
		if err := im.walkUsers(&t.ReferencedTweets[i]); err != nil {
			return err
		}
	}
	return nil
}

// resolve returns the id of the line's user with this username
// (case-insensitively), or "".
func (im *importer) resolve(username string) string {
	if username == "" {
		return ""
	}
	if len(im.byName) == 0 {
		for _, u := range im.users {
			if h := u.handle(); h != "" {
				im.byName[strings.ToLower(h)] = u.key()
			}
		}
	}
	return im.byName[strings.ToLower(username)]
}

// post is the acting tweet whose edges are being emitted.
type post struct {
	src, id string
	at      time.Time
	tags    []string
}

// edge sends one edge of p to dst unless dst is unknown or p's author.
func (im *importer) edge(p *post, k graph.Kind, dst string) error {
	if dst == "" || dst == p.src {
		return nil
	}
	return im.sink.Edge(graph.Edge{
		Platform: platform,
		Src:      p.src,
		Dst:      dst,
		Kind:     k,
		At:       p.at,
		PostID:   p.id,
		Hashtags: p.tags,
	})
}

// mention sends a mention edge of p to dst once per tweet.
func (im *importer) mention(p *post, dst string) error {
	if dst == "" || dst == p.src {
		return nil
	}
	for _, d := range im.done {
		if d == dst {
			return nil
		}
	}
	im.done = append(im.done, dst)
	return im.edge(p, graph.Mention, dst)
}

// hashtags returns the distinct hashtags of e, lower-cased and without '#',
// in order of appearance; nil if there are none.
func (im *importer) hashtags(e *entities) []string {
	if e == nil || len(e.Hashtags) == 0 {
		return nil
	}
	im.tags = im.tags[:0]
outer:
	for _, h := range e.Hashtags {
		s := h.Tag
		if s == "" {
			s = h.Text
		}
		s = strings.ToLower(strings.TrimLeft(s, "#＃"))
		if s == "" {
			continue
		}
		for _, t := range im.tags {
			if t == s {
				continue outer
			}
		}
		im.tags = append(im.tags, s)
	}
	if len(im.tags) == 0 {
		return nil
	}
	// A fresh slice: the sink may keep it.
	return append([]string(nil), im.tags...)
}

// parseTime reads a v2 (RFC 3339) or v1.1 ("Wed Oct 10 20:19:24 +0000 2018")
// timestamp. An empty or unparseable one is the zero time (unknown).
func (im *importer) parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, ok := parseAt(s)
	if !ok {
		im.stats.badTime++
	}
	return t
}

// parseAt is parseTime without the count: ok is false for a non-empty time
// that does not parse.
func parseAt(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	layout := time.RubyDate
	if s[0] >= '0' && s[0] <= '9' {
		layout = time.RFC3339
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// extendedEntities returns the entities of a compat-mode tweet's
// extended_tweet, or nil.
func extendedEntities(t *obj) *entities {
	if t.ExtendedTweet == nil {
		return nil
	}
	return t.ExtendedTweet.Entities
}
