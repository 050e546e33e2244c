package mastodon

import (
	"context"
)

// maxScanPages bounds the search for a post's local id after a restart
// (40 statuses a page).
const maxScanPages = 50

// rememberStatus records the home-instance id of the status with global uri.
func (p *Platform) rememberStatus(uri, id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.posts) >= maxCache {
		for k := range p.posts {
			delete(p.posts, k)
			break
		}
	}
	p.posts[uri] = id
}

// statusID returns the id, local to owner's home instance, of owner's
// status uri: the engagement endpoints take it. The posts feed records it;
// after a restart the map is empty and owner's feed is read again until
// the status shows up (a page per 40 statuses, filling the map for the
// owner's other posts too). "" means the status is no longer there.
func (p *Platform) statusID(ctx context.Context, owner, uri string) (string, error) {
	if id, ok := p.statusIDCached(uri); ok {
		return id, nil
	}
	_, domain, err := splitKey(owner)
	if err != nil {
		return "", err
	}
	cursor := ""
	for range maxScanPages {
		u, _, err := p.firstOrNext(ctx, owner, cursor, "statuses", statusesLimit)
		if err != nil {
			return "", err
		}
		var items []apiStatus
		next, err := p.get(ctx, u, domain, &items)
		if err != nil {
			return "", err
		}
		for i := range items {
			if s := &items[i]; s.Reblog == nil && s.ID != "" && s.URI != "" {
				p.rememberStatus(s.URI, string(s.ID))
			}
		}
		if id, ok := p.statusIDCached(uri); ok {
			return id, nil
		}
		if next == "" {
			break
		}
		cursor = next
	}
	p.skipped.Add(1)
	return "", nil
}

func (p *Platform) statusIDCached(uri string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id, ok := p.posts[uri]
	return id, ok
}
