package jetstream

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/bluesky"
)

// Platform is the platform name of everything the listener stores: the
// same as the bluesky crawler's, so live captures and crawls merge.
const Platform = "bluesky"

// Stats counts what the listener has read and kept. Every field is safe to
// read while the listener runs.
type Stats struct {
	Seen       atomic.Int64 // messages read
	Posts      atomic.Int64 // posts kept (including reposts of kept posts)
	Edges      atomic.Int64 // interaction events kept
	NotJSON    atomic.Int64 // messages that were not JSON (or not a JSON object)
	BadEvent   atomic.Int64 // JSON that is not a Jetstream event
	Unknown    atomic.Int64 // commits of collections clout did not ask for, events of unknown kinds
	BadRecord  atomic.Int64 // records of an unexpected shape
	Deletes    atomic.Int64 // deletes (not applied: clout keeps what was said)
	Reconnects atomic.Int64 // connections after the first
	Lookups    atomic.Int64 // database queries of the kept-post set
	Hydrated   atomic.Int64 // profiles read
	// LastTimeUS is the time_us of the last message read; Cursor the
	// time_us committed with the last batch.
	LastTimeUS atomic.Int64
	Cursor     atomic.Int64
}

// Skipped is the number of messages counted and skipped as malformed or
// unknown.
func (s *Stats) Skipped() int64 {
	return s.NotJSON.Load() + s.BadEvent.Load() + s.Unknown.Load() + s.BadRecord.Load()
}

// batch is what the listener holds between two commits.
type batch struct {
	posts  []graph.Post
	edges  []graph.Edge
	events int   // messages read into this batch
	cursor int64 // the largest time_us read
}

func (b *batch) reset() {
	clear(b.posts)
	clear(b.edges)
	b.posts, b.edges = b.posts[:0], b.edges[:0]
	b.events = 0
}

// processor decides what of the stream is kept. See the package
// documentation for the rules.
type processor struct {
	tags     []string // wanted, normalized
	kept     *keptSet
	keepText bool
	stats    *Stats
	b        batch
	// known are accounts already in kept data (or queued for profiles);
	// fresh are the ones met since the last commit, to hydrate after it.
	known *recentSet
	fresh []string
	// untilUS ends the capture at the first event stamped at or after it.
	untilUS int64
	// slow takes the exact path for every message (tests compare).
	slow bool
}

// message handles one message of the stream.
func (p *processor) message(ctx context.Context, data []byte) error {
	var e Event
	var rec *wireRecord
	w, ok := decodeWire(data)
	if ok && !p.slow {
		e = w.event()
		if w.Commit != nil {
			rec = w.Commit.Record
		}
	} else {
		var err error
		if e, err = ParseEvent(data); err != nil {
			p.stats.Seen.Add(1)
			p.b.events++
			if errors.Is(err, ErrNotJSON) {
				p.stats.NotJSON.Add(1)
			} else {
				p.stats.BadEvent.Add(1)
			}
			return nil
		}
	}
	if p.untilUS > 0 && e.TimeUS >= p.untilUS {
		return errUntil
	}
	p.stats.Seen.Add(1)
	p.b.events++
	p.b.cursor = max(p.b.cursor, e.TimeUS)
	p.stats.LastTimeUS.Store(e.TimeUS)
	switch e.Kind {
	case KindCommit:
		return p.commit(ctx, &e, rec)
	case KindIdentity:
		// Handles come from the profiles read for the accounts kept
		// (getProfiles), not from here: applying an identity event only to
		// accounts already met would make the stored handle depend on
		// where a capture was interrupted.
	case KindAccount:
	default:
		p.stats.Unknown.Add(1)
	}
	return nil
}

// commit handles a commit event; rec is its decoded record, or nil when the
// message took the exact path (e.Commit.Record then holds it raw).
func (p *processor) commit(ctx context.Context, e *Event, rec *wireRecord) error {
	c := e.Commit
	switch c.Collection {
	case CollectionPost, CollectionRepost, CollectionLike:
	default:
		p.stats.Unknown.Add(1)
		return nil
	}
	if c.Operation == OpDelete {
		p.stats.Deletes.Add(1)
		return nil
	}
	if !bluesky.IsDID(e.DID) {
		p.stats.BadEvent.Add(1)
		return nil
	}
	var err error
	switch c.Collection {
	case CollectionPost:
		var post Post
		if rec != nil {
			post, err = rec.post()
		} else {
			post, err = ParsePost(c.Record)
		}
		if err == nil {
			err = p.post(ctx, e, &post)
		}
	default:
		var s Subject
		if rec != nil {
			s, err = rec.subject()
		} else {
			s, err = ParseSubject(c.Record)
		}
		if err == nil {
			err = p.subject(ctx, e, s)
		}
	}
	if errors.Is(err, ErrBadRecord) {
		p.stats.BadRecord.Add(1)
		return nil
	}
	return err
}

// post keeps a post that carries a wanted tag, or replies to (in the thread
// of) or quotes a kept post, with the events it makes: reply → the parent's
// author, quote → the quoted post's author, mention → each mentioned account.
func (p *processor) post(ctx context.Context, e *Event, rec *Post) error {
	var err error
	keep := slices.ContainsFunc(rec.Tags, func(t string) bool { return slices.Contains(p.tags, t) })
	for _, ref := range []string{rec.ReplyParent, rec.ReplyRoot, rec.Quote} {
		if keep {
			break
		}
		if postDID(ref) != "" {
			if keep, err = p.kept.has(ctx, ref); err != nil {
				return err
			}
		}
	}
	if !keep {
		return nil
	}
	uri := e.URI()
	at := recordTime(rec.CreatedAt, e.TimeUS)
	post := graph.Post{Platform: Platform, ID: uri, Author: e.DID, At: at, Kind: graph.Original,
		Hashtags: rec.Tags, TextLen: utf8.RuneCountInString(rec.Text)}
	if p.keepText {
		post.Text = rec.Text
	}
	edge := func(k graph.Kind, dst string) {
		p.b.edges = append(p.b.edges, graph.Edge{Platform: Platform, Src: e.DID, Dst: dst, Kind: k, At: at, PostID: uri, Hashtags: rec.Tags})
		p.stats.Edges.Add(1)
		p.meet(dst)
	}
	if rec.ReplyParent != "" {
		post.Kind, post.Parent = graph.ReplyPost, rec.ReplyParent
		if dst := uriDID(rec.ReplyParent); dst != "" {
			edge(graph.Reply, dst)
		}
	}
	if dst := postDID(rec.Quote); dst != "" {
		if post.Kind == graph.Original {
			post.Kind, post.Parent = graph.QuotePost, rec.Quote
		}
		edge(graph.Quote, dst)
	}
	for _, m := range rec.Mentions {
		edge(graph.Mention, m)
	}
	p.meet(e.DID)
	p.b.posts = append(p.b.posts, post)
	p.stats.Posts.Add(1)
	p.kept.add(uri)
	return nil
}

// subject keeps a repost or like of a kept post: repost reposter → author
// (PostID the reposted post, no time, as the crawler records it, so that a
// repost seen by both is stored once; the repost itself is kept as a post
// of kind repost, with its time), like liker → author (PostID the liked
// post, At the like's time).
func (p *processor) subject(ctx context.Context, e *Event, s Subject) error {
	author := postDID(s.URI)
	if author == "" {
		return nil
	}
	keep, err := p.kept.has(ctx, s.URI)
	if err != nil || !keep {
		return err
	}
	at := recordTime(s.CreatedAt, e.TimeUS)
	ed := graph.Edge{Platform: Platform, Src: e.DID, Dst: author, PostID: s.URI}
	if e.Commit.Collection == CollectionRepost {
		ed.Kind = graph.Repost
		p.b.posts = append(p.b.posts, graph.Post{Platform: Platform, ID: e.URI(), Author: e.DID, At: at,
			Kind: graph.RepostPost, Parent: s.URI})
		p.stats.Posts.Add(1)
	} else {
		ed.Kind, ed.At = graph.Like, at
	}
	p.b.edges = append(p.b.edges, ed)
	p.stats.Edges.Add(1)
	p.meet(e.DID)
	p.meet(author)
	return nil
}

// meet notes an account that kept data names, for its profile.
func (p *processor) meet(did string) {
	if p.known.add(did) {
		p.fresh = append(p.fresh, did)
	}
}

// uriDID returns the DID authority of an AT-URI, "" when it names its
// repository by handle or is not an AT-URI.
func uriDID(uri string) string {
	rest, ok := strings.CutPrefix(uri, "at://")
	if !ok {
		return ""
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c == '/' || c == '?' || c == '#' {
			rest = rest[:i]
			break
		}
	}
	if !bluesky.IsDID(rest) {
		return ""
	}
	return rest
}
