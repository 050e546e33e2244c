package mastodon

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// statusReader turns statuses of one account's posts feed or of a hashtag
// timeline, written by the instance home, into accounts, edges, posts and
// engagement subjects on pg.
type statusReader struct {
	ctx  context.Context
	p    *Platform
	home string
	pg   *crawl.Page
	seen map[string]bool // accounts already on pg
	// found puts each status's author in pg.Found (hashtag timelines: the
	// authors are the conversation's participants).
	found bool
}

// account reads a (nested) account and puts it on the page once.
func (r *statusReader) account(a *apiAccount) (string, bool) {
	if a == nil {
		return "", false
	}
	c, err := r.p.remember(a, r.home)
	if err != nil {
		return "", false
	}
	k := c.account.Key
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if !r.seen[k] {
		r.seen[k] = true
		r.pg.Accounts = append(r.pg.Accounts, c.account)
	}
	return k, true
}

func (r *statusReader) edge(src, dst string, kind graph.Kind, s *apiStatus, tags []string) {
	if src == dst {
		return
	}
	r.pg.Edges = append(r.pg.Edges, graph.Edge{
		Platform: Name, Src: src, Dst: dst, Kind: kind,
		At: parseTime(s.CreatedAt), PostID: s.URI, Hashtags: tags,
	})
}

func (r *statusReader) skip() { r.p.skipped.Add(1) }

// read adds what status s carries (package comment, "What each endpoint
// records"). Its error is that of a request made to resolve a replied-to
// account; a status that cannot be read is skipped, not an error.
func (r *statusReader) read(s *apiStatus) error {
	author, ok := r.account(s.Account)
	if !ok {
		r.skip()
		return nil
	}
	if s.Reblog != nil {
		orig, ok := r.account(s.Reblog.Account)
		if !ok || s.Reblog.URI == "" {
			r.skip()
			return nil
		}
		// At zero and the original's uri, exactly as reblogged_by reports
		// the same boost, so the store keeps one event.
		if orig != author {
			r.pg.Edges = append(r.pg.Edges, graph.Edge{Platform: Name, Src: author, Dst: orig, Kind: graph.Repost, PostID: s.Reblog.URI})
		}
		if s.URI != "" {
			r.pg.PostRecords = append(r.pg.PostRecords, graph.Post{Platform: Name, ID: s.URI, Author: author,
				At: parseTime(s.CreatedAt), Kind: graph.RepostPost, Parent: s.Reblog.URI})
		}
		return nil
	}
	if s.URI == "" {
		r.skip()
		return nil
	}
	if s.ID != "" {
		r.pg.Posts = append(r.pg.Posts, s.URI)
		if strings.HasSuffix(author, "@"+r.home) {
			// The engagement endpoints take the id on the author's home.
			r.p.rememberStatus(s.URI, string(s.ID))
		}
	}
	if r.found {
		r.pg.Found = append(r.pg.Found, author)
	}
	tags := hashtags(s)
	r.pg.PostRecords = append(r.pg.PostRecords, postRecord(s, author, tags))
	byID := map[flexString]string{}
	var mentioned []string
	for _, m := range s.Mentions {
		k, err := acctKey(m.Acct, r.home)
		if err != nil {
			r.skip()
			continue
		}
		if m.ID != "" {
			byID[m.ID] = k
		}
		if !slices.Contains(mentioned, k) {
			mentioned = append(mentioned, k)
		}
	}
	if to := s.InReplyToAccountID; to != "" && to != s.Account.ID {
		k, ok := byID[to]
		if !ok {
			// The replied-to account is not mentioned: ask the instance
			// that wrote the id (one request per account, cached).
			var err error
			if k, err = r.p.accountByID(r.ctx, r.home, string(to)); err != nil {
				if !crawl.IsNotFound(err) {
					return fmt.Errorf("replied-to account of %s: %w", s.URI, err)
				}
				r.skip()
			}
		}
		if k != "" {
			r.edge(author, k, graph.Reply, s, tags)
		}
	}
	for _, k := range mentioned {
		r.edge(author, k, graph.Mention, s, tags)
	}
	if q := s.Quote; q != nil && q.State == "accepted" && q.QuotedStatus != nil {
		if k, ok := r.account(q.QuotedStatus.Account); ok {
			r.edge(author, k, graph.Quote, s, tags)
		}
	}
	return nil
}

// postRecord is status s (not a boost) as a post of author. A reply's
// parent is known only as an instance-local id, so Parent is left empty
// (the context endpoint, which gives uris, fills it for direct replies).
func postRecord(s *apiStatus, author string, tags []string) graph.Post {
	p := graph.Post{Platform: Name, ID: s.URI, Author: author, At: parseTime(s.CreatedAt), Hashtags: tags}
	switch {
	case s.Quote != nil && s.Quote.State == "accepted" && s.Quote.QuotedStatus != nil && s.Quote.QuotedStatus.URI != "":
		p.Kind, p.Parent = graph.QuotePost, s.Quote.QuotedStatus.URI
	case s.InReplyToID != "":
		p.Kind = graph.ReplyPost
	}
	p.Text = plainText(s.Content)
	p.TextLen = utf8.RuneCountInString(p.Text)
	return p
}

var (
	htmlBreak = regexp.MustCompile(`(?i)<br\s*/?>|</p>\s*<p[^>]*>`)
	htmlTag   = regexp.MustCompile(`<[^>]*>`)
)

// plainText is a status's HTML content as text: line breaks and paragraph
// breaks become newlines, other tags go, entities are decoded.
func plainText(content string) string {
	t := htmlBreak.ReplaceAllString(content, "\n")
	t = htmlTag.ReplaceAllString(t, "")
	return strings.TrimSpace(html.UnescapeString(t))
}

// hashtags returns s's tag names lower-cased, without '#', each once.
func hashtags(s *apiStatus) []string {
	var out []string
	for _, t := range s.Tags {
		n := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t.Name), "#"))
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
