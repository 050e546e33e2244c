package bluesky

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/clout-cli/clout/graph"
)

// Resolve looks up a seed with app.bsky.actor.getProfile, which accepts a
// handle or a DID. Accepted seed forms: "did:plc:…" / "did:web:…",
// "alice.bsky.social", "@alice.bsky.social", and a profile link
// "https://bsky.app/profile/<handle or DID>". The account comes back keyed by
// its DID with handle, display name and reported counts. A seed the AppView
// does not know (or no longer serves) is an error wrapping ErrNoAccount and
// naming the seed.
func (p *Platform) Resolve(ctx context.Context, seed string) (graph.Account, error) {
	actor, err := normalizeSeed(seed)
	if err != nil {
		return graph.Account{}, err
	}
	var v profile
	_, err = p.c.GetJSON(ctx, p.xrpc("app.bsky.actor.getProfile", url.Values{"actor": {actor}}), nil, &v)
	if err != nil {
		err = describe(err)
		if isNoAccount(err) {
			return graph.Account{}, fmt.Errorf("bluesky: seed %q: %w (check the handle or DID): %w", seed, ErrNoAccount, err)
		}
		return graph.Account{}, fmt.Errorf("bluesky: resolve seed %q: %w", seed, err)
	}
	a, ok := account(&v)
	if !ok {
		return graph.Account{}, fmt.Errorf("bluesky: resolve seed %q: the profile has no valid DID (%q)", seed, v.DID)
	}
	if strings.HasPrefix(actor, "did:") && a.Key != actor {
		return graph.Account{}, fmt.Errorf("bluesky: resolve seed %q: the AppView answered for %s", seed, a.Key)
	}
	return a, nil
}

// normalizeSeed turns a seed into getProfile's actor parameter: a DID as
// given, or a handle lower-cased (handles are case-insensitive, specs/handle).
func normalizeSeed(seed string) (string, error) {
	s := strings.TrimSpace(seed)
	for _, prefix := range []string{"https://bsky.app/profile/", "http://bsky.app/profile/", "bsky.app/profile/", "at://"} {
		if rest, ok := strings.CutPrefix(s, prefix); ok {
			s, _, _ = strings.Cut(rest, "/")
			break
		}
	}
	s = strings.TrimPrefix(s, "@")
	switch {
	case strings.HasPrefix(s, "did:"):
		if !IsDID(s) {
			return "", fmt.Errorf("bluesky: seed %q is not a valid DID", seed)
		}
		return s, nil
	case isHandle(s):
		return strings.ToLower(s), nil
	}
	return "", fmt.Errorf("bluesky: seed %q is neither a handle (alice.bsky.social) nor a DID (did:plc:…)", seed)
}

// Profiles reads app.bsky.actor.getProfiles, 25 actors a call (more keys
// are split into several calls). Accounts the AppView does not return are
// left out; results are matched by DID, not position, and only requested
// DIDs are returned.
func (p *Platform) Profiles(ctx context.Context, keys []string) ([]graph.Account, error) {
	want := make(map[string]bool, len(keys))
	var actors []string
	for _, k := range keys {
		if IsDID(k) && !want[k] {
			want[k] = true
			actors = append(actors, k)
		}
	}
	var out []graph.Account
	for len(actors) > 0 {
		n := min(len(actors), profileBatch)
		var r profiles
		_, err := p.c.GetJSON(ctx, p.xrpc("app.bsky.actor.getProfiles", url.Values{"actors": actors[:n]}), nil, &r)
		if err != nil {
			return nil, fmt.Errorf("bluesky: profiles of %d accounts: %w", n, describe(err))
		}
		for i := range r.Profiles {
			if a, ok := account(&r.Profiles[i]); ok && want[a.Key] {
				want[a.Key] = false // once, even if listed twice
				out = append(out, a)
			}
		}
		actors = actors[n:]
	}
	return out, nil
}
