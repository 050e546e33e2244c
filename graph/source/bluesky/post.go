package bluesky

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// postOf returns the graph.Post of a post view, and false when the view has
// no valid author DID or its URI is not a post of that author.
//
// Kind and Parent: a post with record.reply is a reply to reply.parent.uri
// (even when it also quotes: the thread it answers comes first); otherwise
// a post whose record embeds another post (app.bsky.embed.record, or the
// record part of recordWithMedia, pointing at an app.bsky.feed.post) is a
// quote of it; otherwise an original. At is the post's sortAt, Hashtags
// those of decodeRecord, TextLen the text's length in runes, Text the text
// (Fetch drops it unless Config.KeepText).
func postOf(pv *postView, rec *postRecord) (graph.Post, bool) {
	author := pv.Author.DID
	if !IsDID(author) || postDID(pv.URI) != author {
		return graph.Post{}, false
	}
	p := graph.Post{
		Platform: Name, ID: pv.URI, Author: author,
		At:       sortAt(rec.createdAt, pv.IndexedAt),
		Hashtags: rec.tags,
		TextLen:  utf8.RuneCountInString(rec.text),
	}
	switch {
	case rec.parentURI != "":
		p.Kind, p.Parent = graph.ReplyPost, rec.parentURI
	case rec.quoteURI != "":
		if _, c, _, ok := splitATURI(rec.quoteURI); ok && c == postCollection {
			p.Kind, p.Parent = graph.QuotePost, rec.quoteURI
		}
	}
	p.Text = rec.text
	return p, true
}

// addPost appends the post of pv to the page's PostRecords, and the post
// it quotes (when its embed view holds it) to Refs, once per page.
func addPost(pg *crawl.Page, pv *postView, rec *postRecord) {
	p, ok := postOf(pv, rec)
	if !ok {
		return
	}
	addRef(pg, pv.Embed)
	for i := range pg.PostRecords {
		if pg.PostRecords[i].ID == p.ID {
			return
		}
	}
	pg.PostRecords = append(pg.PostRecords, p)
}

// addRef appends to Refs the quoted post of a hydrated embed view
// (app.bsky.embed.record#viewRecord, directly or inside
// recordWithMedia#view), once per page; views of anything else (not
// found, blocked, detached, feed generators, lists) give nothing.
func addRef(pg *crawl.Page, embed json.RawMessage) {
	pv, ok := quotedView(embed)
	if !ok {
		return
	}
	rec := decodeRecord(pv.Record)
	p, ok := postOf(&pv, &rec)
	if !ok {
		return
	}
	for i := range pg.Refs {
		if pg.Refs[i].ID == p.ID {
			return
		}
	}
	pg.Refs = append(pg.Refs, p)
}

// addParentRef appends to Refs the replied-to post of a feed item's
// reply.parent when it is a #postView.
func addParentRef(pg *crawl.Page, r *refPost) {
	if r.Type != typePostView || r.Author == nil || len(r.Record) == 0 {
		return
	}
	pv := postView{URI: r.URI, Author: *r.Author, Record: r.Record, IndexedAt: r.IndexedAt}
	rec := decodeRecord(pv.Record)
	p, ok := postOf(&pv, &rec)
	if !ok || slices.ContainsFunc(pg.Refs, func(q graph.Post) bool { return q.ID == p.ID }) {
		return
	}
	pg.Refs = append(pg.Refs, p)
}

// quotedView reads the quoted post of an embed view as a postView (the
// view record's value is the post record).
func quotedView(raw json.RawMessage) (postView, bool) {
	var v struct {
		Type   string          `json:"$type"`
		Record json.RawMessage `json:"record"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return postView{}, false
	}
	if v.Type == typeEmbedRWMView {
		return quotedView(v.Record)
	}
	if v.Type != typeEmbedRecordView {
		return postView{}, false
	}
	var rec struct {
		Type      string          `json:"$type"`
		URI       string          `json:"uri"`
		Author    profile         `json:"author"`
		Value     json.RawMessage `json:"value"`
		IndexedAt string          `json:"indexedAt"`
	}
	if json.Unmarshal(v.Record, &rec) != nil || rec.Type != typeEmbedViewRecord {
		return postView{}, false
	}
	return postView{URI: rec.URI, Author: rec.Author, Record: rec.Value, IndexedAt: rec.IndexedAt}, true
}

// repostOf returns the post a repost record stands for, from an author-feed
// item's reason: ID = the repost record's URI (reason.uri), Author = the
// reposter, Parent = the reposted post, At = reason.indexedAt. false when
// the reason carries no repost URI of the reposter's own repository.
func repostOf(r *reason, reposted string) (graph.Post, bool) {
	a, c, rkey, ok := splitATURI(r.URI)
	if !ok || a != r.By.DID || !IsDID(a) || c != "app.bsky.feed.repost" || rkey == "" {
		return graph.Post{}, false
	}
	at, _ := ParseTime(r.IndexedAt)
	return graph.Post{Platform: Name, ID: r.URI, Author: a, At: at, Kind: graph.RepostPost, Parent: reposted}, true
}

// maxTagRunes is the longest hashtag the Bluesky app detects in text (64
// characters; atproto packages/api/src/rich-text/detection.ts).
const maxTagRunes = 64

// textTags returns the #words of a post's text, as the Bluesky app's rich
// text detection finds them (atproto packages/api/src/rich-text/detection.ts):
// a '#' or '＃' at the start or after white space, not followed by U+FE0F
// (the keycap emoji #️⃣), then a run of characters that are neither white
// space nor invisible separators (U+00AD, U+2060, U+200A-U+200D, U+20E2),
// with at least one character that is not a digit or punctuation; trailing
// punctuation is cut and tags longer than 64 characters are dropped. The tags
// are returned as written, without '#'.
func textTags(text string) []string {
	var out []string
	prevSpace := true
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if (r == '#' || r == '＃') && prevSpace {
			j := i + n
			if next, _ := utf8.DecodeRuneInString(text[j:]); next == '\ufe0f' {
				i, prevSpace = j, false
				continue
			}
			k := j
			for k < len(text) {
				c, m := utf8.DecodeRuneInString(text[k:])
				if unicode.IsSpace(c) || tagSeparator(c) {
					break
				}
				k += m
			}
			if t := trimTag(text[j:k]); t != "" {
				out = append(out, t)
			}
			i, prevSpace = k, false
			continue
		}
		prevSpace = unicode.IsSpace(r)
		i += n
	}
	return out
}

// tagSeparator reports the invisible characters that end a hashtag.
func tagSeparator(r rune) bool {
	switch r {
	case '\u00ad', '\u2060', '\u200a', '\u200b', '\u200c', '\u200d', '\u20e2':
		return true
	}
	return false
}

// trimTag cuts trailing punctuation and checks the detection's rules.
func trimTag(t string) string {
	t = strings.TrimRightFunc(t, unicode.IsPunct)
	if t == "" || utf8.RuneCountInString(t) > maxTagRunes {
		return ""
	}
	for _, r := range t {
		if !unicode.IsDigit(r) && !unicode.IsPunct(r) {
			return t
		}
	}
	return ""
}
