package jetstream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The collections clout subscribes to (wantedCollections).
const (
	CollectionPost   = "app.bsky.feed.post"
	CollectionRepost = "app.bsky.feed.repost"
	CollectionLike   = "app.bsky.feed.like"
)

// Collections returns the wantedCollections of clout's subscription.
func Collections() []string { return []string{CollectionPost, CollectionRepost, CollectionLike} }

// The event kinds of Jetstream's v1 /subscribe payload.
const (
	KindCommit   = "commit"
	KindIdentity = "identity"
	KindAccount  = "account"
)

// The commit operations.
const (
	OpCreate = "create"
	OpUpdate = "update"
	OpDelete = "delete"
)

// Event is one Jetstream message (protocols.md §7.1; Jetstream v1
// pkg/models/models.go): a repository commit, an identity change or an
// account status change of DID, stamped with the server's time_us, which is
// also the cursor that replays from it.
type Event struct {
	DID    string `json:"did"`
	TimeUS int64  `json:"time_us"`
	Kind   string `json:"kind"`
	// Commit is set for kind "commit".
	Commit *Commit `json:"commit"`
	// Identity is set for kind "identity".
	Identity *Identity `json:"identity"`
	// Account is set for kind "account".
	Account *AccountStatus `json:"account"`
}

// Commit is a create, update or delete of one record. A delete has no
// Record and no CID.
type Commit struct {
	Rev        string          `json:"rev"`
	Operation  string          `json:"operation"`
	Collection string          `json:"collection"`
	RKey       string          `json:"rkey"`
	Record     json.RawMessage `json:"record"`
	CID        string          `json:"cid"`
}

// Identity is an #identity event: the DID's handle may have changed.
type Identity struct {
	DID    string `json:"did"`
	Handle string `json:"handle"`
	Seq    int64  `json:"seq"`
	Time   string `json:"time"`
}

// AccountStatus is an #account event.
type AccountStatus struct {
	DID    string `json:"did"`
	Active bool   `json:"active"`
	Status string `json:"status"`
	Seq    int64  `json:"seq"`
	Time   string `json:"time"`
}

// URI is the AT-URI of the commit's record: at://DID/COLLECTION/RKEY.
func (e *Event) URI() string {
	if e.Commit == nil {
		return ""
	}
	return "at://" + e.DID + "/" + e.Commit.Collection + "/" + e.Commit.RKey
}

// ErrNotJSON is wrapped by ParseEvent's error for a message that is not a
// JSON object.
var ErrNotJSON = errors.New("not a JSON object")

// ErrBadEvent is wrapped by ParseEvent's error for a JSON object that is not
// a Jetstream event of a known kind.
var ErrBadEvent = errors.New("not a Jetstream event")

// ParseEvent reads one message. Unknown fields are ignored (the v2 servers
// add a top-level "cursor"); a message that is not JSON, or lacks the DID,
// the time or the part its kind names, is an error wrapping ErrNotJSON or
// ErrBadEvent. Events of kinds this clout does not know (v2 adds "sync")
// parse without error and with no part set.
func ParseEvent(data []byte) (Event, error) {
	var e Event
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return e, ErrNotJSON
	}
	if err := json.Unmarshal(data, &e); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return Event{}, fmt.Errorf("%w: %v", ErrNotJSON, err)
		}
		return Event{}, fmt.Errorf("%w: %v", ErrBadEvent, err)
	}
	if e.DID == "" || e.TimeUS <= 0 {
		return Event{}, fmt.Errorf("%w: no did or time_us", ErrBadEvent)
	}
	switch e.Kind {
	case KindCommit:
		c := e.Commit
		if c == nil || c.Collection == "" || c.RKey == "" {
			return Event{}, fmt.Errorf("%w: commit without collection or rkey", ErrBadEvent)
		}
		switch c.Operation {
		case OpCreate, OpUpdate:
			if len(c.Record) == 0 || c.Record[0] != '{' {
				return Event{}, fmt.Errorf("%w: %s without a record object", ErrBadEvent, c.Operation)
			}
		case OpDelete:
		default:
			return Event{}, fmt.Errorf("%w: unknown operation %q", ErrBadEvent, c.Operation)
		}
	case KindIdentity:
		if e.Identity == nil {
			return Event{}, fmt.Errorf("%w: identity event without identity", ErrBadEvent)
		}
	case KindAccount:
		if e.Account == nil {
			return Event{}, fmt.Errorf("%w: account event without account", ErrBadEvent)
		}
	}
	return e, nil
}
