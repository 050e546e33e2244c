package bluesky

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
)

// postRecord is what clout reads from an app.bsky.feed.post record
// (lexicons/app/bsky/feed/post.json). Records are user-written JSON that the
// AppView passes through, so each part is decoded on its own and a part of
// the wrong shape is ignored rather than failing the page.
type postRecord struct {
	createdAt string
	text      string
	parentURI string   // record.reply.parent.uri
	quoteURI  string   // record.embed: app.bsky.embed.record → record.uri; recordWithMedia → record.record.uri
	mentions  []string // distinct valid DIDs of #mention facets, in order
	// tags are the distinct hashtags of #tag facets, record.tags and #words
	// of the text (for clients that write no facets), in that order,
	// lower-cased, without '#' (graph.NormalizeHashtags).
	tags []string
}

const (
	typeEmbedRecord          = "app.bsky.embed.record"
	typeEmbedRecordWithMedia = "app.bsky.embed.recordWithMedia"
	typeEmbedRecordView      = "app.bsky.embed.record#view"
	typeEmbedRWMView         = "app.bsky.embed.recordWithMedia#view"
	typeEmbedViewRecord      = "app.bsky.embed.record#viewRecord"
	typeFacetMention         = "app.bsky.richtext.facet#mention"
	typeFacetTag             = "app.bsky.richtext.facet#tag"
)

type uriRef struct {
	URI string `json:"uri"`
}

// decodeRecord reads a post record leniently; see postRecord.
func decodeRecord(raw json.RawMessage) postRecord {
	var r postRecord
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return r
	}
	_ = json.Unmarshal(fields["createdAt"], &r.createdAt)
	_ = json.Unmarshal(fields["text"], &r.text)
	var reply struct {
		Parent uriRef `json:"parent"`
	}
	if json.Unmarshal(fields["reply"], &reply) == nil {
		r.parentURI = reply.Parent.URI
	}
	r.quoteURI = embedQuoteURI(fields["embed"])
	var facets []json.RawMessage
	_ = json.Unmarshal(fields["facets"], &facets)
	for _, f := range facets {
		var facet struct {
			Features []json.RawMessage `json:"features"`
		}
		if json.Unmarshal(f, &facet) != nil {
			continue
		}
		for _, ft := range facet.Features {
			var feat struct {
				Type string `json:"$type"`
				DID  string `json:"did"`
				Tag  string `json:"tag"`
			}
			if json.Unmarshal(ft, &feat) != nil {
				continue
			}
			switch feat.Type {
			case typeFacetMention:
				if IsDID(feat.DID) {
					r.mentions = appendDistinct(r.mentions, feat.DID)
				}
			case typeFacetTag:
				r.tags = appendTag(r.tags, feat.Tag)
			}
		}
	}
	var tags []json.RawMessage
	_ = json.Unmarshal(fields["tags"], &tags)
	for _, t := range tags {
		var s string
		if json.Unmarshal(t, &s) == nil {
			r.tags = appendTag(r.tags, s)
		}
	}
	for _, t := range textTags(r.text) {
		r.tags = appendTag(r.tags, t)
	}
	r.tags = graph.NormalizeHashtags(r.tags)
	return r
}

// embedQuoteURI returns the quoted record's URI of a record embed, "" if the
// embed quotes nothing.
func embedQuoteURI(raw json.RawMessage) string {
	var e struct {
		Type   string          `json:"$type"`
		Record json.RawMessage `json:"record"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &e) != nil {
		return ""
	}
	switch e.Type {
	case typeEmbedRecord:
		var ref uriRef
		if json.Unmarshal(e.Record, &ref) == nil {
			return ref.URI
		}
	case typeEmbedRecordWithMedia:
		var inner struct {
			Record uriRef `json:"record"`
		}
		if json.Unmarshal(e.Record, &inner) == nil {
			return inner.Record.URI
		}
	}
	return ""
}

// viewQuoteAuthor returns the DID of the quoted post's author from a
// hydrated postView.embed (app.bsky.embed.record#view, or the record part of
// app.bsky.embed.recordWithMedia#view), "" when the view holds no visible
// post (#viewNotFound, #viewBlocked, #viewDetached, feed generators, lists).
func viewQuoteAuthor(raw json.RawMessage) string {
	var v struct {
		Type   string          `json:"$type"`
		Record json.RawMessage `json:"record"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return ""
	}
	if v.Type == typeEmbedRWMView {
		return viewQuoteAuthor(v.Record)
	}
	if v.Type != typeEmbedRecordView {
		return ""
	}
	var rec struct {
		Type   string  `json:"$type"`
		URI    string  `json:"uri"`
		Author profile `json:"author"`
	}
	if json.Unmarshal(v.Record, &rec) != nil || rec.Type != typeEmbedViewRecord {
		return ""
	}
	if _, c, _, ok := splitATURI(rec.URI); !ok || c != postCollection || !IsDID(rec.Author.DID) {
		return ""
	}
	return rec.Author.DID
}

func appendDistinct(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// appendTag adds a hashtag in clout's form (lower-cased, without leading '#'
// or '＃'), once.
func appendTag(tags []string, t string) []string {
	t = strings.ToLower(strings.TrimLeft(strings.TrimSpace(t), "#＃"))
	if t == "" {
		return tags
	}
	return appendDistinct(tags, t)
}

// ownPostEdges returns the events an account makes with one of its own
// posts: a reply to the parent's author, a quote of the quoted post's author,
// one mention per distinct mentioned account. parent is the feed item's
// reply.parent (may be nil), used when the record's parent URI names its
// repository by handle. All edges carry PostID = the post's URI, At = its
// sortAt and the post's hashtags.
func ownPostEdges(p *postView, parent *refPost) []graph.Edge {
	rec := decodeRecord(p.Record)
	return recordEdges(p, parent, &rec)
}

// recordEdges is ownPostEdges of an already decoded record.
func recordEdges(p *postView, parent *refPost, rec *postRecord) []graph.Edge {
	author := p.Author.DID
	at := sortAt(rec.createdAt, p.IndexedAt)
	edge := func(k graph.Kind, dst string) graph.Edge {
		return graph.Edge{Platform: Name, Src: author, Dst: dst, Kind: k, At: at, PostID: p.URI, Hashtags: rec.tags}
	}
	var out []graph.Edge
	if rec.parentURI != "" {
		dst := uriDID(rec.parentURI)
		if dst == "" && parent != nil && parent.Author != nil && IsDID(parent.Author.DID) {
			dst = parent.Author.DID
		}
		if dst != "" {
			out = append(out, edge(graph.Reply, dst))
		}
	}
	if rec.quoteURI != "" {
		dst := postDID(rec.quoteURI)
		if dst == "" {
			if _, c, _, ok := splitATURI(rec.quoteURI); ok && c == postCollection {
				dst = viewQuoteAuthor(p.Embed)
			}
		}
		if dst != "" {
			out = append(out, edge(graph.Quote, dst))
		}
	}
	for _, m := range rec.mentions {
		out = append(out, edge(graph.Mention, m))
	}
	return out
}

// postTime returns a post's sortAt and hashtags, for events that other
// accounts' posts carry (quotes, replies seen from the target's side).
func postTime(p *postView, rec *postRecord) (time.Time, []string) {
	return sortAt(rec.createdAt, p.IndexedAt), rec.tags
}
