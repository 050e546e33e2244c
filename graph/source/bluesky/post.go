package bluesky

import (
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
	if !isDID(author) || postDID(pv.URI) != author {
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

// addPost appends the post of pv to the page's PostRecords, once per page.
func addPost(pg *crawl.Page, pv *postView, rec *postRecord) {
	p, ok := postOf(pv, rec)
	if !ok {
		return
	}
	for i := range pg.PostRecords {
		if pg.PostRecords[i].ID == p.ID {
			return
		}
	}
	pg.PostRecords = append(pg.PostRecords, p)
}

// repostOf returns the post a repost record stands for, from an author-feed
// item's reason: ID = the repost record's URI (reason.uri), Author = the
// reposter, Parent = the reposted post, At = reason.indexedAt. false when
// the reason carries no repost URI of the reposter's own repository.
func repostOf(r *reason, reposted string) (graph.Post, bool) {
	a, c, rkey, ok := splitATURI(r.URI)
	if !ok || a != r.By.DID || !isDID(a) || c != "app.bsky.feed.repost" || rkey == "" {
		return graph.Post{}, false
	}
	at, _ := parseTime(r.IndexedAt)
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
