package jetstream

import (
	"strings"
	"time"

	"github.com/clout-cli/clout/graph/source/bluesky"
)

// Identifier syntax is the bluesky crawler's (bluesky.IsDID, bluesky.ParseTime),
// so the stream and the crawler read the same records the same way.

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
	if !bluesky.IsDID(authority) || collection != CollectionPost || rkey == "" || strings.Contains(rkey, "/") {
		return ""
	}
	return authority
}

// recordTime is the time clout stores for a record seen on the stream: its
// createdAt, unless that is missing or later than when Jetstream saw the
// record (time_us), as the crawler takes the earlier of createdAt and the
// AppView's indexedAt. Both are stable across replays of the same event.
func recordTime(createdAt string, timeUS int64) time.Time {
	seen := time.UnixMicro(timeUS).UTC()
	if c, ok := bluesky.ParseTime(createdAt); ok && !c.After(seen) {
		return c
	}
	return seen
}
