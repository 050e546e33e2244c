package blueskytest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxProfiles is getProfiles' limit on actors.
const maxProfiles = 25

// limitParam reads limit: default 50, 1..100 (the lexicons' bounds).
func limitParam(q url.Values) (int, *xrpcError) {
	s := q.Get("limit")
	if s == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, invalid("Error: limit must be an integer")
	case n < 1:
		return 0, invalid("Error: limit can not be less than 1")
	case n > 100:
		return 0, invalid("Error: limit can not be greater than 100")
	}
	return n, nil
}

// Cursors are "3" + base36(offset), and ".e" + base36(k) while serving the
// k-th empty page before offset (Faults.EmptyPages). Opaque to clients.
func encodeCursor(off, empties int) string {
	c := "3" + strconv.FormatInt(int64(off), 36)
	if empties > 0 {
		c += ".e" + strconv.FormatInt(int64(empties), 36)
	}
	return c
}

func decodeCursor(c string) (off, empties int, ok bool) {
	rest, found := strings.CutPrefix(c, "3")
	if !found || rest == "" {
		return 0, 0, false
	}
	o, e, hasE := strings.Cut(rest, ".e")
	off64, err := strconv.ParseInt(o, 36, 32)
	if err != nil || off64 < 0 {
		return 0, 0, false
	}
	if hasE {
		e64, err := strconv.ParseInt(e, 36, 32)
		if err != nil || e64 < 1 {
			return 0, 0, false
		}
		empties = int(e64)
	}
	return int(off64), empties, true
}

// paginate picks the slice [lo, hi) of a list of total items that the
// request's limit and cursor name, and the cursor of the next page.
func paginate(q url.Values, total int, f Faults) (lo, hi int, next string, xerr *xrpcError) {
	limit, xerr := limitParam(q)
	if xerr != nil {
		return 0, 0, "", xerr
	}
	cur := q.Get("cursor")
	off, empties := 0, 0
	if cur != "" {
		if strings.Contains(cur, "::") {
			// An old-style cursor: the AppView answers an empty, final
			// page (clearlyBadCursor, atproto packages/bsky/src/api/util.ts).
			return 0, 0, "", nil
		}
		var ok bool
		if off, empties, ok = decodeCursor(cur); !ok {
			return 0, 0, "", invalid("Malformed cursor")
		}
	}
	off = min(off, total)
	defer func() {
		if f.RepeatCursor && cur != "" && next != "" {
			next = cur
		}
	}()
	if f.EmptyPages > 0 && off > 0 && empties < f.EmptyPages {
		return off, off, encodeCursor(off, empties+1), nil
	}
	size := limit
	if f.ShortPage > 0 {
		size = min(size, f.ShortPage)
	}
	hi = min(off+size, total)
	if hi < total || f.TrailingCursor && hi > off {
		next = encodeCursor(hi, 0)
	}
	return off, hi, next, nil
}

// account resolves an actor parameter (handle or DID) to a live account.
func (s *Server) account(actor string) (int, bool) {
	i, ok := s.x.actor(actor)
	if !ok {
		return 0, false
	}
	s.mu.Lock()
	gone := s.vanished[s.x.w.Accounts[i].DID]
	s.mu.Unlock()
	return i, !gone
}

func withCursor(o obj, next string) obj {
	if next != "" {
		o["cursor"] = next
	}
	return o
}

func (s *Server) getProfile(q url.Values) (any, *xrpcError) {
	actor := q.Get("actor")
	if actor == "" {
		return nil, invalid(`Error: Params must have the property "actor"`)
	}
	i, ok := s.account(actor)
	if !ok {
		return nil, invalid("Profile not found")
	}
	return s.profileDetailed(i), nil
}

func (s *Server) getProfiles(q url.Values) (any, *xrpcError) {
	actors := q["actors"]
	switch {
	case len(actors) == 0:
		return nil, invalid(`Error: Params must have the property "actors"`)
	case len(actors) > maxProfiles:
		return nil, invalid("Error: actors must not have more than 25 elements")
	}
	list := []any{}
	for _, a := range actors {
		if i, ok := s.account(a); ok {
			list = append(list, s.profileDetailed(i))
		}
	}
	return obj{"profiles": list}, nil
}

func (s *Server) getFollowList(q url.Values, f Faults, followers bool) (any, *xrpcError) {
	actor := q.Get("actor")
	if actor == "" {
		return nil, invalid(`Error: Params must have the property "actor"`)
	}
	i, ok := s.account(actor)
	if !ok {
		return nil, invalid("Actor not found: %s", actor)
	}
	did := s.x.w.Accounts[i].DID
	key, list := "follows", s.x.follows[did]
	other := func(k int) string { return s.x.w.Follows[k].Dst }
	if followers {
		key, list = "followers", s.x.followers[did]
		other = func(k int) string { return s.x.w.Follows[k].Src }
	}
	lo, hi, next, xerr := paginate(q, len(list), f)
	if xerr != nil {
		return nil, xerr
	}
	items := make([]any, 0, hi-lo)
	for _, k := range list[lo:hi] {
		items = append(items, s.profileView(s.x.byDID[other(k)]))
	}
	return withCursor(obj{"subject": s.profileView(i), key: items}, next), nil
}

// feedFilters are getAuthorFeed's known filter values
// (lexicons/app/bsky/feed/getAuthorFeed.json).
var feedFilters = map[string]bool{
	"posts_with_replies": true, "posts_no_replies": true, "posts_with_media": true,
	"posts_and_author_threads": true, "posts_with_video": true,
}

func (s *Server) getAuthorFeed(q url.Values, f Faults) (any, *xrpcError) {
	actor := q.Get("actor")
	if actor == "" {
		return nil, invalid(`Error: Params must have the property "actor"`)
	}
	filter := q.Get("filter")
	if filter == "" {
		filter = "posts_with_replies"
	}
	if !feedFilters[filter] {
		return nil, invalid("Error: filter must be one of posts_with_replies, posts_no_replies, posts_with_media, posts_and_author_threads, posts_with_video")
	}
	pins := false
	switch q.Get("includePins") {
	case "", "false":
	case "true":
		pins = true
	default:
		return nil, invalid("Error: includePins must be a boolean")
	}
	i, ok := s.account(actor)
	if !ok {
		return nil, invalid("Profile not found")
	}
	did := s.x.w.Accounts[i].DID
	all := s.x.feed[did]
	entries := all[:0:0]
	for _, e := range all {
		p := &s.x.w.Posts[e.post]
		own := e.repost < 0
		keep := true
		switch filter {
		case "posts_no_replies":
			keep = !own || p.Parent == ""
		case "posts_with_media":
			keep = own && p.WithMedia
		case "posts_with_video":
			keep = false
		case "posts_and_author_threads":
			keep = !own || p.Parent == "" || strings.HasPrefix(p.Root, "at://"+did+"/")
		}
		if keep {
			entries = append(entries, e)
		}
	}
	lo, hi, next, xerr := paginate(q, len(entries), f)
	if xerr != nil {
		return nil, xerr
	}
	items := make([]any, 0, hi-lo+1)
	if pins && q.Get("cursor") == "" {
		if k, ok := s.x.post[s.x.w.Accounts[i].Pinned]; ok {
			items = append(items, obj{
				"post":   s.postView(k),
				"reason": obj{"$type": "app.bsky.feed.defs#reasonPin"},
			})
		}
	}
	for _, e := range entries[lo:hi] {
		items = append(items, s.feedItem(e))
	}
	return withCursor(obj{"feed": items}, next), nil
}

// postParam reads the uri parameter of the per-post methods.
func postParam(q url.Values) (string, *xrpcError) {
	uri := q.Get("uri")
	if uri == "" {
		return "", invalid(`Error: Params must have the property "uri"`)
	}
	if !strings.HasPrefix(uri, "at://") {
		return "", invalid("Error: uri must be a valid at-uri")
	}
	return uri, nil
}

func (s *Server) getRepostedBy(q url.Values, f Faults) (any, *xrpcError) {
	uri, xerr := postParam(q)
	if xerr != nil {
		return nil, xerr
	}
	list := s.x.reposts[uri]
	lo, hi, next, xerr := paginate(q, len(list), f)
	if xerr != nil {
		return nil, xerr
	}
	items := make([]any, 0, hi-lo)
	for _, k := range list[lo:hi] {
		items = append(items, s.profileView(s.x.byDID[s.x.w.Reposts[k].By]))
	}
	return withCursor(obj{"uri": uri, "repostedBy": items}, next), nil
}

func (s *Server) getLikes(q url.Values, f Faults) (any, *xrpcError) {
	uri, xerr := postParam(q)
	if xerr != nil {
		return nil, xerr
	}
	if c := q.Get("cursor"); strings.HasPrefix(c, "did:") {
		// Likes are sorted by time now; old did-cursors are refused
		// (atproto packages/bsky/src/api/app/bsky/feed/getLikes.ts).
		return nil, invalid("Cursor is not supported")
	}
	list := s.x.likes[uri]
	lo, hi, next, xerr := paginate(q, len(list), f)
	if xerr != nil {
		return nil, xerr
	}
	items := make([]any, 0, hi-lo)
	for _, k := range list[lo:hi] {
		l := &s.x.w.Likes[k]
		items = append(items, obj{
			"indexedAt": fmtTime(l.IndexedAt),
			"createdAt": fmtTime(l.CreatedAt),
			"actor":     s.profileView(s.x.byDID[l.By]),
		})
	}
	return withCursor(obj{"uri": uri, "likes": items}, next), nil
}

func (s *Server) getQuotes(q url.Values, f Faults) (any, *xrpcError) {
	uri, xerr := postParam(q)
	if xerr != nil {
		return nil, xerr
	}
	list := s.x.quotes[uri]
	lo, hi, next, xerr := paginate(q, len(list), f)
	if xerr != nil {
		return nil, xerr
	}
	items := make([]any, 0, hi-lo)
	for _, k := range list[lo:hi] {
		items = append(items, s.postView(k))
	}
	return withCursor(obj{"uri": uri, "posts": items}, next), nil
}

// boundedInt reads an integer parameter with a default and bounds.
func boundedInt(q url.Values, name string, def, lo, hi int) (int, *xrpcError) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, invalid("Error: %s must be an integer between %d and %d", name, lo, hi)
	}
	return n, nil
}

func (s *Server) getPostThread(q url.Values) (any, *xrpcError) {
	uri, xerr := postParam(q)
	if xerr != nil {
		return nil, xerr
	}
	depth, xerr := boundedInt(q, "depth", 6, 0, 1000)
	if xerr != nil {
		return nil, xerr
	}
	height, xerr := boundedInt(q, "parentHeight", 80, 0, 1000)
	if xerr != nil {
		return nil, xerr
	}
	k, ok := s.x.post[uri]
	if !ok {
		return nil, &xrpcError{http.StatusBadRequest, "NotFound", "Post not found: " + uri}
	}
	return obj{"thread": s.threadView(k, depth, height, true)}, nil
}

// threadView is app.bsky.feed.defs#threadViewPost of post k with its
// parents up to height and replies down to depth (oldest first).
func (s *Server) threadView(k, depth, height int, withReplies bool) obj {
	p := &s.x.w.Posts[k]
	v := obj{"$type": "app.bsky.feed.defs#threadViewPost", "post": s.postView(k)}
	if height > 0 && p.Parent != "" {
		if j, ok := s.x.post[p.Parent]; ok {
			v["parent"] = s.threadView(j, 0, height-1, false)
		} else {
			v["parent"] = obj{"$type": "app.bsky.feed.defs#notFoundPost", "uri": p.Parent, "notFound": true}
		}
	}
	if withReplies && depth > 0 {
		replies := []any{}
		for _, j := range s.x.replies[p.URI] {
			replies = append(replies, s.threadView(j, depth-1, 0, true))
		}
		v["replies"] = replies
	}
	return v
}

func (s *Server) resolveHandle(q url.Values) (any, *xrpcError) {
	h := q.Get("handle")
	if h == "" {
		return nil, invalid(`Error: Params must have the property "handle"`)
	}
	i, ok := s.x.byHandle[strings.ToLower(h)]
	if !ok {
		return nil, &xrpcError{http.StatusBadRequest, "HandleNotFound", "Unable to resolve handle"}
	}
	return obj{"did": s.x.w.Accounts[i].DID}, nil
}
