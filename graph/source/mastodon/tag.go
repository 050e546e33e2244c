package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// DefaultInstance is the instance a tag crawl asks when none is named and
// no --api is given.
const DefaultInstance = "mastodon.social"

// NormalizeInstance reads an instance as a user types it ("mastodon.social",
// "https://Fosstodon.org/", "hachyderm.io:443") and returns its host name,
// lower-cased.
func NormalizeInstance(s string) (string, error) {
	t := strings.TrimSpace(s)
	if strings.Contains(t, "://") {
		u, err := url.Parse(t)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("instance %q: want a host name such as mastodon.social", s)
		}
		t = u.Host
	}
	t = strings.TrimSuffix(t, "/")
	d, err := normDomain(t)
	if err != nil || strings.Contains(d, "/") {
		return "", fmt.Errorf("instance %q: want a host name such as mastodon.social", s)
	}
	return d, nil
}

// tagPosts reads one page of the hashtag timeline of t.Subject on the
// instance t.Owner: GET /api/v1/timelines/tag/:hashtag?limit=40, anonymous,
// newest first, paged by the Link header (max_id). Every status is a post
// of the conversation: its author is a participant (Found), its uri an
// engagement subject, its reply, mentions and quote events. The window
// (t.Since, t.Until) is applied by the engine: status ids are opaque, so
// the timeline is read from the newest post down to Since.
func (p *Platform) tagPosts(ctx context.Context, t crawl.Task, cursor string) (*crawl.Page, error) {
	inst := t.Owner
	if inst == "" {
		inst = DefaultInstance
	}
	var u string
	if cursor != "" {
		var err error
		if u, err = p.cursorURL(cursor, inst); err != nil {
			return nil, err
		}
	} else {
		u = p.endpoint(inst, "/api/v1/timelines/tag/"+url.PathEscape(t.Subject), url.Values{"limit": {statusesLimit}})
	}
	var items []apiStatus
	next, err := p.get(ctx, u, inst, &items)
	if err != nil {
		return nil, refusedTag(inst, err)
	}
	pg := &crawl.Page{Next: next}
	r := statusReader{ctx: ctx, p: p, home: inst, pg: pg, found: true}
	for i := range items {
		if items[i].Reblog != nil {
			continue // tag timelines list no boosts; a fork's would be no post of the tag
		}
		if err := r.read(&items[i]); err != nil {
			return nil, err
		}
	}
	return pg, nil
}

// refusedTag explains a 401 or 422 on a hashtag timeline: the instance
// wants a logged-in user (protocols.md §7.3).
func refusedTag(inst string, err error) error {
	var he *crawl.HTTPError
	if !errors.As(err, &he) || (he.Status != 401 && he.Status != 422) {
		return err
	}
	return fmt.Errorf("instance %s refuses anonymous hashtag timelines (HTTP %d): its admin lets only logged-in users read them "+
		"(Mastodon 4.5+: the server setting timelines_access.hashtag_feeds, \"Access to hashtag feeds\", is not \"public\"; "+
		"before 4.5: \"Allow unauthenticated access to public timelines\", timeline_preview, is off; or the server runs with "+
		"DISALLOW_UNAUTHENTICATED_API_ACCESS). Ask another instance with --instance: %w", inst, he.Status, err)
}

// accountByID returns the key of the account whose id on the instance inst
// is id (GET /api/v1/accounts/:id there), cached: ids are per instance, so
// the cache is by (instance, id).
func (p *Platform) accountByID(ctx context.Context, inst, id string) (string, error) {
	ck := inst + "\x00" + id
	p.mu.Lock()
	k, ok := p.byID[ck]
	p.mu.Unlock()
	if ok {
		return k, nil
	}
	var a apiAccount
	if _, err := p.c.GetJSON(ctx, p.endpoint(inst, "/api/v1/accounts/"+url.PathEscape(id), nil), nil, &a); err != nil {
		return "", err
	}
	c, err := p.remember(&a, inst)
	if err != nil {
		return "", fmt.Errorf("account %s on %s: %w", id, inst, err)
	}
	p.mu.Lock()
	if len(p.byID) >= maxCache {
		for k := range p.byID {
			delete(p.byID, k)
			break
		}
	}
	p.byID[ck] = c.account.Key
	p.mu.Unlock()
	return c.account.Key, nil
}
