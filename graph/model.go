// Package graph holds clout's data model (accounts, edge kinds, edges) and the
// compact in-memory graph that the influence measures run on.
//
// Every edge points from the account that gives attention to the account that
// receives it: A → B means A follows B, or A reposted, quoted, replied to,
// mentioned or liked B. Influence flows along the arrow.
package graph

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kind is the layer an edge belongs to: the follow graph or one of the
// interaction kinds.
type Kind uint8

// The edge kinds. Follow is the deduplicated who-follows-whom layer; the others
// are interaction events.
const (
	Follow Kind = iota
	Repost
	Quote
	Reply
	Mention
	Like
	numKinds
)

var kindNames = [numKinds]string{"follow", "repost", "quote", "reply", "mention", "like"}

// String returns the kind's name as stored in the database and used on the
// command line.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// IsInteraction reports whether k is an interaction kind (anything but Follow).
func (k Kind) IsInteraction() bool { return k != Follow && k < numKinds }

// Kinds returns every kind, follow first, in a fixed order.
func Kinds() []Kind { return []Kind{Follow, Repost, Quote, Reply, Mention, Like} }

// InteractionKinds returns the interaction kinds in a fixed order.
func InteractionKinds() []Kind { return []Kind{Repost, Quote, Reply, Mention, Like} }

// ParseKind parses a kind name case-insensitively. Common synonyms from other
// tools are accepted: retweet/boost/reblog → repost, favorite/favourite → like,
// follows/followed → follow, replies to → reply, mentions → mention.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "follow", "follows", "followed", "follower", "following":
		return Follow, nil
	case "repost", "reposts", "retweet", "retweets", "rt", "boost", "reblog":
		return Repost, nil
	case "quote", "quotes", "quoted":
		return Quote, nil
	case "reply", "replies", "replies to", "replied_to", "re":
		return Reply, nil
	case "mention", "mentions", "mt":
		return Mention, nil
	case "like", "likes", "favorite", "favourite", "fav":
		return Like, nil
	}
	return 0, fmt.Errorf("unknown kind %q (want follow, repost, quote, reply, mention or like)", s)
}

// Unknown marks a reported count the source did not give.
const Unknown int64 = -1

// Account is one account on one platform. (Platform, Key) identifies it; Key is
// the platform's stable id (Bluesky DID, Mastodon username@domain, X numeric id,
// or the label in an imported edge list). The other fields are mutable
// attributes: an empty string or Unknown means "not given by this source" and
// never overwrites a value already stored; otherwise the latest observation
// (Seen) of each attribute wins.
type Account struct {
	Platform  string
	Key       string
	Handle    string
	Name      string
	Followers int64 // reported by the platform, Unknown if not given
	Following int64
	Posts     int64
	// Seen is when the source observed these attributes, as the data says
	// (twarc's retrieved_at, a tweet's created_at, a crawl's fetch); the
	// zero time means unknown. Of several observations of one attribute the
	// store keeps the latest, ties (unknown times too) broken by the larger
	// value, so the result does not depend on the order sources are read.
	Seen time.Time
}

// NewAccount returns an account with no attributes and unknown counts.
func NewAccount(platform, key string) Account {
	return Account{Platform: platform, Key: key, Followers: Unknown, Following: Unknown, Posts: Unknown}
}

// Edge is one follow or one interaction event, Src giving attention to Dst.
// Both accounts are on Platform and named by key.
type Edge struct {
	Platform string
	Src, Dst string
	Kind     Kind
	// At is when it happened; the zero time means unknown.
	At time.Time
	// PostID is the platform id of the post that carries the interaction
	// (the reply, the quote, the repost, the liked post), "" if unknown.
	PostID   string
	Hashtags []string
	// Count is how many identical events this edge stands for (CSV weight
	// columns, aggregated exports); 0 is read as 1.
	Count int64
}

// IsSelfLoop reports whether the edge points at its own source; clout drops those.
func (e *Edge) IsSelfLoop() bool { return e.Src == e.Dst }

// Sink receives the accounts and edges a source reads. The store's writer
// implements it; sources never see SQLite.
//
// Account may be called several times for one account, and after edges that
// name it; later non-empty attributes win. Edges may name accounts that were
// never passed to Account: they are created with no attributes. A sink may
// keep what it is given (and read it on another goroutine later), so a source
// must not change an Edge's Hashtags slice after passing it.
type Sink interface {
	Account(a Account) error
	Edge(e Edge) error
}

// PostKind is what a post is: an original, a reply, a quote or a repost.
type PostKind uint8

// The post kinds, as stored in posts.kind.
const (
	Original PostKind = iota
	ReplyPost
	QuotePost
	RepostPost
	numPostKinds
)

var postKindNames = [numPostKinds]string{"original", "reply", "quote", "repost"}

// String returns the kind's name as stored in the database.
func (k PostKind) String() string {
	if k < numPostKinds {
		return postKindNames[k]
	}
	return fmt.Sprintf("postkind(%d)", uint8(k))
}

// ParsePostKind parses a post kind name (original, reply, quote, repost).
func ParsePostKind(s string) (PostKind, error) {
	for i, n := range postKindNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return PostKind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown post kind %q (want original, reply, quote or repost)", s)
}

// Post is one post an account wrote, as the platform gives it. (Platform, ID)
// identifies it; ID is the platform's own id (AT URI, ActivityPub uri, tweet
// id). Interaction events point at posts by Edge.PostID, so the engagement on
// the posts that carry a hashtag is a join on the id.
type Post struct {
	Platform string
	ID       string
	// Author is the author's account key on Platform.
	Author string
	// At is when it was posted; the zero time means unknown.
	At   time.Time
	Kind PostKind
	// Parent is the id of the post this one replies to, quotes or reposts
	// ("" for an original, or when not known).
	Parent string
	// Hashtags are lower-cased, without '#', each once.
	Hashtags []string
	// TextLen is the length of the text in characters (runes).
	TextLen int
	// Text is kept only when the user asked for it (--keep-text); "" otherwise.
	Text string
}

// NormalizeHashtags lower-cases tags, strips a leading '#', drops empty ones
// and duplicates, and keeps the first-seen order.
func NormalizeHashtags(tags []string) []string {
	var out []string
	for _, t := range tags {
		t = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t), "#"))
		if t == "" || slices.Contains(out, t) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// PostSink receives posts. The store's writer implements it; a source that
// reads posts checks whether its graph.Sink is also a PostSink, so sinks that
// only want the graph (benchmarks, old tests) need not keep them.
type PostSink interface {
	Post(p Post) error
}
