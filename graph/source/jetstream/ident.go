package jetstream

import (
	"strings"
	"time"
)

// Identifier syntax, as the bluesky crawler checks it (atproto specs/did,
// specs/at-uri-scheme, specs/lexicon datetime). Repeated here rather than
// exported from graph/source/bluesky so that each source stays one package.

// isDID reports whether s has atproto's DID syntax: "did:" method ":" id,
// method of lower-case letters, id of [A-Za-z0-9._:%-] not ending in ':' or
// '%', at most 2 KiB.
func isDID(s string) bool {
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

// postDID returns the author DID of a post AT-URI
// (at://DID/app.bsky.feed.post/RKEY), "" for anything else: a handle
// authority, another collection, no record key.
func postDID(uri string) string {
	rest, ok := strings.CutPrefix(uri, "at://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	authority, rest, _ := strings.Cut(rest, "/")
	collection, rkey, _ := strings.Cut(rest, "/")
	if !isDID(authority) || collection != CollectionPost || rkey == "" || strings.Contains(rkey, "/") {
		return ""
	}
	return authority
}

// parseTime reads an atproto datetime (RFC 3339 with a zone); records
// written without a zone are read as UTC.
func parseTime(s string) (time.Time, bool) {
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

// recordTime is the time clout stores for a record seen on the stream: its
// createdAt, unless that is missing or later than when Jetstream saw the
// record (time_us), as the crawler takes the earlier of createdAt and the
// AppView's indexedAt. Both are stable across replays of the same event.
func recordTime(createdAt string, timeUS int64) time.Time {
	seen := time.UnixMicro(timeUS).UTC()
	if c, ok := parseTime(createdAt); ok && !c.After(seen) {
		return c
	}
	return seen
}
