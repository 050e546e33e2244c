package bluesky

import (
	"strings"
	"time"
)

// invalidHandle is what the AppView shows for a DID whose handle no longer
// verifies (atproto specs/handle).
const invalidHandle = "handle.invalid"

// postCollection is the NSID of post records, the collection part of a post's
// AT-URI.
const postCollection = "app.bsky.feed.post"

// IsDID reports whether s has the DID syntax of the W3C DID core spec as
// atproto restricts it (specs/did): "did:" method ":" identifier, method
// lower-case letters, identifier of [A-Za-z0-9._:%-] not ending in ':' or '%',
// at most 2 KiB.
func IsDID(s string) bool {
	if len(s) > 2048 || !strings.HasPrefix(s, "did:") {
		return false
	}
	method, id, ok := strings.Cut(s[len("did:"):], ":")
	if !ok || method == "" || id == "" {
		return false
	}
	for i := 0; i < len(method); i++ {
		if c := method[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '_', c == ':', c == '%', c == '-':
		default:
			return false
		}
	}
	last := id[len(id)-1]
	return last != ':' && last != '%'
}

// isHandle reports whether s looks like an atproto handle (specs/handle): a
// DNS name of at least two labels, each 1-63 of [A-Za-z0-9-] not starting or
// ending with '-', at most 253 bytes, the last label not starting with a
// digit. It is a syntax check only, done before spending a request.
func isHandle(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return !(tld[0] >= '0' && tld[0] <= '9')
}

// splitATURI splits at://AUTHORITY/COLLECTION/RKEY (specs/at-uri-scheme) into
// its parts; collection and rkey may be empty. ok is false when s is not an
// AT-URI.
func splitATURI(s string) (authority, collection, rkey string, ok bool) {
	rest, found := strings.CutPrefix(s, "at://")
	if !found {
		return "", "", "", false
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	authority, rest, _ = strings.Cut(rest, "/")
	collection, rkey, _ = strings.Cut(rest, "/")
	if authority == "" {
		return "", "", "", false
	}
	return authority, collection, rkey, true
}

// uriDID returns the DID authority of an AT-URI, "" when the URI is not an
// AT-URI or names its repository by handle (such URIs are not durable).
func uriDID(uri string) string {
	a, _, _, ok := splitATURI(uri)
	if !ok || !IsDID(a) {
		return ""
	}
	return a
}

// postDID returns the author DID of a post AT-URI
// (at://DID/app.bsky.feed.post/RKEY), "" for anything else: a handle
// authority, another collection (a feed generator, a list), no record key.
func postDID(uri string) string {
	a, c, r, ok := splitATURI(uri)
	if !ok || !IsDID(a) || c != postCollection || r == "" {
		return ""
	}
	return a
}

// ParseTime reads an atproto datetime (specs/lexicon "datetime": RFC 3339
// with a required zone, fractional seconds allowed). Records written by
// careless clients without a zone are read as UTC rather than dropped.
func ParseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// sortAt is the time clout stores for a record: the earlier of its
// createdAt and the AppView's indexedAt, that is createdAt unless it lies in
// the future (bsky-docs docs/advanced-guides/timestamps.md). Either may be
// missing; both missing is the zero time (unknown).
func sortAt(createdAt, indexedAt string) time.Time {
	c, okc := ParseTime(createdAt)
	i, oki := ParseTime(indexedAt)
	switch {
	case okc && oki:
		if i.Before(c) {
			return i
		}
		return c
	case okc:
		return c
	case oki:
		return i
	}
	return time.Time{}
}
