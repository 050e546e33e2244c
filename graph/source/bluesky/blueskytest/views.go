package blueskytest

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"strings"
	"time"
)

// The JSON views the AppView returns (atproto lexicons/app/bsky/actor/defs.json,
// feed/defs.json, embed/record.json, embed/recordWithMedia.json,
// richtext/facet.json), built as ordered maps of plain values.

type obj = map[string]any

// fmtTime writes a datetime the way the AppView does (milliseconds, "Z"),
// keeping finer precision when a hand-built world has it.
func fmtTime(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()%int(time.Millisecond) == 0 {
		return t.Format("2006-01-02T15:04:05.000Z")
	}
	return t.Format(time.RFC3339Nano)
}

// cid returns a stable fake CIDv1 (dag-cbor, sha-256) for a URI.
func cid(uri string) string {
	h := sha256.Sum256([]byte(uri))
	return "bafyrei" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:]))[:52]
}

func (s *Server) avatar(did string) string {
	return "https://cdn.bsky.app/img/avatar/plain/" + did + "/" + cid(did) + "@jpeg"
}

// profileBasic is app.bsky.actor.defs#profileViewBasic, encoded once.
func (s *Server) profileBasic(i int) json.RawMessage { return s.basic[i] }

// profileView is app.bsky.actor.defs#profileView, encoded once.
func (s *Server) profileView(i int) json.RawMessage { return s.view[i] }

// encodeProfiles encodes every account's basic view and view once: lists of
// 100 profiles are then served by copying bytes.
func (s *Server) encodeProfiles() {
	n := len(s.x.w.Accounts)
	s.basic, s.view = make([]json.RawMessage, n), make([]json.RawMessage, n)
	for i := range n {
		s.basic[i], _ = json.Marshal(s.profileBasicObj(i))
		s.view[i], _ = json.Marshal(s.profileViewObj(i))
	}
}

func (s *Server) profileBasicObj(i int) obj {
	a := &s.x.w.Accounts[i]
	v := obj{
		"did":        a.DID,
		"handle":     a.Handle,
		"avatar":     s.avatar(a.DID),
		"associated": obj{"activitySubscription": obj{"allowSubscriptions": "followers"}},
		"viewer":     obj{"muted": false, "blockedBy": false},
		"labels":     []any{},
		"createdAt":  fmtTime(epoch.Add(-24 * time.Hour)),
	}
	if a.Name != "" {
		v["displayName"] = a.Name
	}
	return v
}

// profileViewObj is app.bsky.actor.defs#profileView: basic plus description
// and indexedAt, no counts.
func (s *Server) profileViewObj(i int) obj {
	v := s.profileBasicObj(i)
	v["description"] = "A test account.\nNo counts in this view."
	v["indexedAt"] = fmtTime(epoch.Add(-23 * time.Hour))
	return v
}

// profileDetailed is app.bsky.actor.defs#profileViewDetailed, with counts.
func (s *Server) profileDetailed(i int) obj {
	v := s.profileViewObj(i)
	did := s.x.w.Accounts[i].DID
	v["followersCount"] = len(s.x.followers[did])
	v["followsCount"] = len(s.x.follows[did])
	v["postsCount"] = len(s.x.own[did])
	v["banner"] = "https://cdn.bsky.app/img/banner/plain/" + did + "/" + cid(did+"b") + "@jpeg"
	if p := s.x.w.Accounts[i].Pinned; p != "" {
		v["pinnedPost"] = obj{"uri": p, "cid": cid(p)}
	}
	return v
}

// record is the app.bsky.feed.post record of post p.
func (s *Server) record(p *Post) obj {
	r := obj{
		"$type":     "app.bsky.feed.post",
		"text":      p.Text,
		"createdAt": p.CreatedAt,
		"langs":     []string{"en"},
	}
	if p.Parent != "" {
		root := p.Root
		if root == "" {
			root = p.Parent
		}
		r["reply"] = obj{
			"root":   obj{"uri": root, "cid": cid(root)},
			"parent": obj{"uri": p.Parent, "cid": cid(p.Parent)},
		}
	}
	var facets []any
	from := 0
	facet := func(needle string, feature obj) {
		start := strings.Index(p.Text[from:], needle)
		if start < 0 {
			start, needle = len(p.Text)-from, ""
		}
		start += from
		end := start + len(needle)
		from = end
		facets = append(facets, obj{
			"$type":    "app.bsky.richtext.facet",
			"index":    obj{"byteStart": start, "byteEnd": end},
			"features": []any{feature},
		})
	}
	for _, m := range p.Mentions {
		h := m
		if i, ok := s.x.byDID[m]; ok {
			h = s.x.w.Accounts[i].Handle
		}
		facet("@"+h, obj{"$type": "app.bsky.richtext.facet#mention", "did": m})
	}
	for _, t := range p.Tags {
		facet("#"+t, obj{"$type": "app.bsky.richtext.facet#tag", "tag": t})
	}
	if len(facets) > 0 {
		r["facets"] = facets
	}
	if len(p.RecordTags) > 0 {
		r["tags"] = p.RecordTags
	}
	if p.Quote != "" {
		ref := obj{"uri": p.Quote, "cid": cid(p.Quote)}
		if p.WithMedia {
			r["embed"] = obj{
				"$type":  "app.bsky.embed.recordWithMedia",
				"record": obj{"$type": "app.bsky.embed.record", "record": ref},
				"media": obj{
					"$type": "app.bsky.embed.images",
					"images": []any{obj{
						"alt":         "a picture",
						"image":       obj{"$type": "blob", "ref": obj{"$link": cid(p.URI + "img")}, "mimeType": "image/jpeg", "size": 123456},
						"aspectRatio": obj{"width": 1000, "height": 750},
					}},
				},
			}
		} else {
			r["embed"] = obj{"$type": "app.bsky.embed.record", "record": ref}
		}
	} else if strings.HasSuffix(p.URI, "7") {
		r["embed"] = obj{
			"$type":    "app.bsky.embed.external",
			"external": obj{"uri": "https://example.com/a", "title": "A link", "description": "Not a quote."},
		}
	}
	return r
}

// postView is app.bsky.feed.defs#postView of post j.
func (s *Server) postView(j int) obj {
	p := &s.x.w.Posts[j]
	author := s.x.byDID[p.Author]
	v := obj{
		"$type":         "app.bsky.feed.defs#postView",
		"uri":           p.URI,
		"cid":           cid(p.URI),
		"author":        s.profileBasic(author),
		"record":        s.record(p),
		"replyCount":    len(s.x.replies[p.URI]),
		"repostCount":   len(s.x.reposts[p.URI]),
		"likeCount":     len(s.x.likes[p.URI]),
		"quoteCount":    len(s.x.quotes[p.URI]),
		"bookmarkCount": 0,
		"indexedAt":     fmtTime(p.IndexedAt),
		"viewer":        obj{"bookmarked": false, "threadMuted": false, "embeddingDisabled": false},
		"labels":        []any{},
	}
	if e := s.embedView(p); e != nil {
		v["embed"] = e
	}
	return v
}

// embedView is the hydrated embed of a quoting post.
func (s *Server) embedView(p *Post) obj {
	if p.Quote == "" {
		return nil
	}
	var rec obj
	if k, ok := s.x.post[p.Quote]; ok {
		q := &s.x.w.Posts[k]
		rec = obj{
			"$type":       "app.bsky.embed.record#viewRecord",
			"uri":         q.URI,
			"cid":         cid(q.URI),
			"author":      s.profileBasic(s.x.byDID[q.Author]),
			"value":       s.record(q),
			"labels":      []any{},
			"likeCount":   len(s.x.likes[q.URI]),
			"replyCount":  len(s.x.replies[q.URI]),
			"repostCount": len(s.x.reposts[q.URI]),
			"quoteCount":  len(s.x.quotes[q.URI]),
			"indexedAt":   fmtTime(q.IndexedAt),
		}
	} else {
		rec = obj{"$type": "app.bsky.embed.record#viewNotFound", "uri": p.Quote, "notFound": true}
	}
	view := obj{"$type": "app.bsky.embed.record#view", "record": rec}
	if !p.WithMedia {
		return view
	}
	return obj{
		"$type":  "app.bsky.embed.recordWithMedia#view",
		"record": view,
		"media": obj{
			"$type": "app.bsky.embed.images#view",
			"images": []any{obj{
				"thumb":       "https://cdn.bsky.app/img/feed_thumbnail/plain/" + p.Author + "/" + cid(p.URI+"img") + "@jpeg",
				"fullsize":    "https://cdn.bsky.app/img/feed_fullsize/plain/" + p.Author + "/" + cid(p.URI+"img") + "@jpeg",
				"alt":         "a picture",
				"aspectRatio": obj{"width": 1000, "height": 750},
			}},
		},
	}
}

// refView is a replyRef member: #postView, or #notFoundPost when the post
// is not in the world.
func (s *Server) refView(uri string) obj {
	if k, ok := s.x.post[uri]; ok {
		return s.postView(k)
	}
	return obj{"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri, "notFound": true}
}

// feedItem is app.bsky.feed.defs#feedViewPost of a feed entry.
func (s *Server) feedItem(e feedEntry) obj {
	item := obj{"post": s.postView(e.post)}
	p := &s.x.w.Posts[e.post]
	if p.Parent != "" {
		root := p.Root
		if root == "" {
			root = p.Parent
		}
		ref := obj{"root": s.refView(root), "parent": s.refView(p.Parent)}
		if k, ok := s.x.post[p.Parent]; ok {
			if gp := s.x.w.Posts[k].Parent; gp != "" {
				if g, ok := s.x.post[gp]; ok {
					ref["grandparentAuthor"] = s.profileBasic(s.x.byDID[s.x.w.Posts[g].Author])
				}
			}
		}
		item["reply"] = ref
	}
	if e.repost >= 0 {
		r := &s.x.w.Reposts[e.repost]
		uri := RepostURI(r)
		item["reason"] = obj{
			"$type":     "app.bsky.feed.defs#reasonRepost",
			"by":        s.profileBasic(s.x.byDID[r.By]),
			"uri":       uri,
			"cid":       cid(uri),
			"indexedAt": fmtTime(r.At),
		}
	}
	return item
}

// RepostURI is the AT-URI of a repost record, as the author feed's
// reason.uri gives it.
func RepostURI(r *Repost) string {
	return "at://" + r.By + "/app.bsky.feed.repost/3r" + cid(r.Post + r.By)[7:20]
}
