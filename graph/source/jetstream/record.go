package jetstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/bluesky"
)

// ErrBadRecord is wrapped by the record parsers' errors: the record is not of
// the shape its collection's lexicon gives (a field of the wrong JSON type, a
// subject without a URI).
var ErrBadRecord = errors.New("record of unexpected shape")

// Post is what clout reads from an app.bsky.feed.post record
// (lexicons/app/bsky/feed/post.json).
type Post struct {
	Text      string
	CreatedAt string
	// ReplyRoot and ReplyParent are record.reply.root.uri and .parent.uri.
	ReplyRoot, ReplyParent string
	// Quote is the quoted record's URI: record.embed app.bsky.embed.record →
	// record.uri, app.bsky.embed.recordWithMedia → record.record.uri.
	Quote string
	Langs []string
	// Tags are the post's hashtags, lower-cased, without '#', each once, in
	// this order: #tag facets, record.tags, #words of the text that no facet
	// marked.
	Tags []string
	// Mentions are the distinct DIDs of #mention facets, in order.
	Mentions []string
}

// Subject is what clout reads from an app.bsky.feed.repost or
// app.bsky.feed.like record: the record it points at, and when.
type Subject struct {
	URI, CID  string
	CreatedAt string
}

const (
	typeEmbedRecord          = "app.bsky.embed.record"
	typeEmbedRecordWithMedia = "app.bsky.embed.recordWithMedia"
	typeFacetMention         = "app.bsky.richtext.facet#mention"
	typeFacetTag             = "app.bsky.richtext.facet#tag"
)

// rawPost holds the fields that must have their lexicon type; the
// user-written parts (reply, embed, facets, tags) are decoded on their own and
// leniently, as the crawler does, so that one odd facet does not lose a post.
type rawPost struct {
	Type      string          `json:"$type"`
	Text      string          `json:"text"`
	CreatedAt string          `json:"createdAt"`
	Reply     json.RawMessage `json:"reply"`
	Embed     json.RawMessage `json:"embed"`
	Facets    json.RawMessage `json:"facets"`
	Langs     json.RawMessage `json:"langs"`
	Tags      json.RawMessage `json:"tags"`
}

type uriRef struct {
	URI string `json:"uri"`
}

// ParsePost reads a post record. A record that is not an object, whose
// $type is another collection's, or whose text or createdAt is not a string,
// is an error wrapping ErrBadRecord.
func ParsePost(raw []byte) (Post, error) {
	var r rawPost
	if err := json.Unmarshal(raw, &r); err != nil {
		return Post{}, fmt.Errorf("%w: post: %v", ErrBadRecord, err)
	}
	return r.post()
}

// post reads the decoded record.
func (r *rawPost) post() (Post, error) {
	if r.Type != "" && r.Type != CollectionPost {
		return Post{}, fmt.Errorf("%w: post record of $type %q", ErrBadRecord, r.Type)
	}
	p := Post{Text: r.Text, CreatedAt: r.CreatedAt}
	var tags []string
	if len(r.Reply) > 0 {
		var reply struct {
			Root   uriRef `json:"root"`
			Parent uriRef `json:"parent"`
		}
		if json.Unmarshal(r.Reply, &reply) == nil {
			p.ReplyRoot, p.ReplyParent = reply.Root.URI, reply.Parent.URI
		}
	}
	p.Quote = embedQuoteURI(r.Embed)
	if len(r.Langs) > 0 {
		var langs []json.RawMessage
		_ = json.Unmarshal(r.Langs, &langs)
		for _, l := range langs {
			var s string
			if json.Unmarshal(l, &s) == nil && s != "" {
				p.Langs = append(p.Langs, s)
			}
		}
	}
	if len(r.Facets) > 0 {
		var facets []struct {
			Features []json.RawMessage `json:"features"`
		}
		if json.Unmarshal(r.Facets, &facets) != nil {
			// One facet of the wrong shape: read them one by one.
			facets = facets[:0]
			var each []json.RawMessage
			_ = json.Unmarshal(r.Facets, &each)
			for _, f := range each {
				var facet struct {
					Features []json.RawMessage `json:"features"`
				}
				if json.Unmarshal(f, &facet) == nil {
					facets = append(facets, facet)
				}
			}
		}
		for _, f := range facets {
			for _, ft := range f.Features {
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
					if bluesky.IsDID(feat.DID) {
						p.Mentions = appendDistinct(p.Mentions, feat.DID)
					}
				case typeFacetTag:
					tags = append(tags, feat.Tag)
				}
			}
		}
	}
	if len(r.Tags) > 0 {
		var list []json.RawMessage
		_ = json.Unmarshal(r.Tags, &list)
		for _, t := range list {
			var s string
			if json.Unmarshal(t, &s) == nil {
				tags = append(tags, s)
			}
		}
	}
	tags = append(tags, TextTags(r.Text)...)
	for i, t := range tags {
		tags[i] = strings.TrimLeft(strings.TrimSpace(t), "#＃")
	}
	p.Tags = graph.NormalizeHashtags(tags)
	return p, nil
}

// embedQuoteURI returns the quoted record's URI of a record embed, "" when
// the embed quotes nothing or is of the wrong shape.
func embedQuoteURI(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var e struct {
		Type   string          `json:"$type"`
		Record json.RawMessage `json:"record"`
	}
	if json.Unmarshal(raw, &e) != nil {
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

// ParseSubject reads a repost or like record (lexicons/app/bsky/feed/
// {repost,like}.json): {"subject":{"uri","cid"},"createdAt"}. A record
// without a subject URI, or with fields of the wrong JSON type, is an error
// wrapping ErrBadRecord.
func ParseSubject(raw []byte) (Subject, error) {
	var r struct {
		Subject   *struct{ URI, CID string } `json:"subject"`
		CreatedAt string                     `json:"createdAt"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return Subject{}, fmt.Errorf("%w: subject record: %v", ErrBadRecord, err)
	}
	if r.Subject == nil || r.Subject.URI == "" {
		return Subject{}, fmt.Errorf("%w: record without subject.uri", ErrBadRecord)
	}
	return Subject{URI: r.Subject.URI, CID: r.Subject.CID, CreatedAt: r.CreatedAt}, nil
}

// TextTags returns the #hashtags of a post's text as Bluesky's clients detect
// them (social-app / @atproto/api richtext detection): a '#' or '＃' at the
// start or after white space, then everything up to the next white space,
// with trailing punctuation removed; a tag must hold a character that is not
// a digit or punctuation (so "#1" is not a tag) and is at most 64 characters.
// Tags are returned as written, without the '#'.
func TextTags(text string) []string {
	if !strings.ContainsAny(text, "#＃") {
		return nil
	}
	var out []string
	prevSpace := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if (r == '#' || r == '＃') && prevSpace {
			j := i + size
			end := j
			for end < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[end:])
				if unicode.IsSpace(r2) || isInvisible(r2) {
					break
				}
				end += s2
			}
			if tag := trimTag(text[j:end]); tag != "" {
				out = append(out, tag)
			}
			prevSpace = false
			i = end
			continue
		}
		prevSpace = unicode.IsSpace(r)
		i += size
	}
	return out
}

// isInvisible reports the characters Bluesky's tag pattern stops at besides
// white space: soft hyphen, word joiner, hair and zero-width spaces and
// joiners, combining enclosing keycap.
func isInvisible(r rune) bool {
	switch r {
	case '\u00AD', '\u2060', '\u200A', '\u200B', '\u200C', '\u200D', '\u20e2':
		return true
	}
	return false
}

// trimTag strips trailing punctuation and checks what remains is a tag.
func trimTag(s string) string {
	if strings.HasPrefix(s, "\ufe0f") {
		return ""
	}
	s = strings.TrimRightFunc(s, unicode.IsPunct)
	if s == "" || utf8.RuneCountInString(s) > 64 {
		return ""
	}
	for _, r := range s {
		if !unicode.IsDigit(r) && !unicode.IsPunct(r) && !unicode.IsSpace(r) {
			return s
		}
	}
	return ""
}

func appendDistinct(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
