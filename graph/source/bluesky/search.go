package bluesky

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// tagPosts reads app.bsky.feed.searchPosts for the posts carrying the tag
// t.Subject, newest first, on the PDS with the session's access token (the
// PDS proxies app.bsky.* to the AppView; unauthenticated search is refused
// since January 2025, protocols.md §7.2).
//
// The query is q="#tag" and tag=tag (the facet or record.tags filter) with
// sort=latest and limit=100, and since / until (sortAt, since inclusive,
// until exclusive) from t.Since and t.Until. Each post that carries the tag (by
// decodeRecord's hashtags: facets, record.tags, #words of the text) and
// whose sortAt lies in the window is kept: its author is met and Found, its
// URI is in Posts (queued for engagement), its graph.Post in PostRecords,
// and its own events (reply, quote, mentions) in Edges, exactly as the
// author feed reads them; the post it quotes, when the embed view holds
// it, is in Refs. Search returns no reposts.
func (p *Platform) tagPosts(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	tag, err := normalizeTag(t.Subject)
	if err != nil {
		return nil, err
	}
	if p.sess == nil {
		return nil, fmt.Errorf("bluesky post search for #%s: %w", tag, ErrNoSession)
	}
	q := url.Values{"q": {"#" + tag}, "tag": {tag}, "sort": {"latest"}, "limit": {pageLimit}}
	if !t.Since.IsZero() {
		q.Set("since", t.Since.UTC().Format(time.RFC3339Nano))
	}
	if !t.Until.IsZero() {
		q.Set("until", t.Until.UTC().Format(time.RFC3339Nano))
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	var r searchPosts
	if err := p.authGet(ctx, "app.bsky.feed.searchPosts", q, &r); err != nil {
		return nil, fmt.Errorf("bluesky post search for #%s: %w", tag, err)
	}
	if cursor == "" {
		if n := r.hits(); n >= 0 {
			p.logf("bluesky: post search for #%s reports about %d posts", tag, n)
		}
	}
	return searchPage(tag, &r, t.Since, t.Until), nil
}

// hits is hitsTotal, -1 if the server gave none.
func (r *searchPosts) hits() int64 {
	switch {
	case r.HitsTotal != nil:
		return *r.HitsTotal
	case r.HitsOld != nil:
		return *r.HitsOld
	}
	return -1
}

// searchPage turns a searchPosts page into a tag page; see tagPosts.
func searchPage(tag string, r *searchPosts, since, until time.Time) *crawl.Page {
	pg := &crawl.Page{Next: r.Cursor}
	for i := range r.Posts {
		pv := &r.Posts[i]
		rec := decodeRecord(pv.Record)
		post, ok := postOf(pv, &rec)
		if !ok || !slices.Contains(post.Hashtags, tag) || slices.Contains(pg.Posts, post.ID) {
			continue
		}
		if !post.At.IsZero() && (!since.IsZero() && post.At.Before(since) || !until.IsZero() && !post.At.Before(until)) {
			continue
		}
		if a, ok := account(&pv.Author); ok {
			if !slices.Contains(pg.Found, a.Key) {
				pg.Accounts = append(pg.Accounts, a)
				pg.Found = append(pg.Found, a.Key)
			}
		}
		pg.Posts = append(pg.Posts, post.ID)
		pg.PostRecords = append(pg.PostRecords, post)
		addRef(pg, pv.Embed)
		pg.Edges = append(pg.Edges, recordEdges(pv, nil, &rec)...)
	}
	return pg
}

// normalizeTag returns a hashtag in the form tag tasks name it (see
// crawl.NormalizeTag): without a leading '#' (or '＃'), lower-cased. It is
// an error for a tag that is empty, holds white space, or is longer than
// searchPosts accepts (64 characters, 640 bytes).
func normalizeTag(s string) (string, error) {
	t := strings.ToLower(strings.TrimLeft(strings.TrimSpace(s), "#＃"))
	switch {
	case t == "":
		return "", fmt.Errorf("bluesky: hashtag %q is empty", s)
	case strings.IndexFunc(t, unicode.IsSpace) >= 0:
		return "", fmt.Errorf("bluesky: hashtag %q holds white space; give one tag per --tag", s)
	case len(t) > 640 || utf8.RuneCountInString(t) > maxTagRunes:
		return "", fmt.Errorf("bluesky: hashtag %q is longer than 64 characters", s)
	}
	return t, nil
}

// authGet GETs an XRPC query on the PDS with the session's bearer token.
// When the server says the token expired (ExpiredToken, any status, or a
// 401) the session is renewed once and the request tried once more.
func (p *Platform) authGet(ctx context.Context, nsid string, q url.Values, v any) error {
	tok, err := p.sess.token(ctx)
	if err != nil {
		return err
	}
	u := p.sess.base + "/xrpc/" + nsid + "?" + q.Encode()
	for try := 0; ; try++ {
		h := http.Header{"Authorization": {"Bearer " + string(tok)}}
		_, err = p.c.GetJSON(ctx, u, h, v)
		if err == nil {
			return nil
		}
		err = describe(err)
		if !isAuthExpired(err) {
			return err
		}
		if try > 0 {
			return fmt.Errorf("the server refused the renewed session of %s too: %w", p.sess.cred.Identifier, err)
		}
		if tok, err = p.sess.renew(ctx, tok); err != nil {
			return err
		}
	}
}

// isAuthExpired reports whether err says the access token is no good any
// more: the PDS answers 400 ExpiredToken, the AppView 401 ExpiredToken, and
// a 401 of any name (InvalidToken, AuthMissing, AuthenticationRequired)
// asks for a new token too (protocols.md §7.2).
func isAuthExpired(err error) bool {
	var he *crawl.HTTPError
	if !errors.As(err, &he) {
		return false
	}
	return he.Code == "ExpiredToken" || he.Status == http.StatusUnauthorized
}
