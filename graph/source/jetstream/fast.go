package jetstream

import "encoding/json"

// The listener reads every message of the network, thousands a second, and
// keeps a few: decoding each one once matters. ParseEvent followed by
// ParsePost or ParseSubject scans a record four times (validate and decode
// the message, then validate and decode the record); decodeWire does it in
// one json.Unmarshal of the whole message into one shape that holds a
// post's fields and a repost's or like's subject. On any error it reports
// failure and the caller takes the exact path (ParseEvent and the record
// parsers), so malformed messages are judged by one set of rules.

type wireEvent struct {
	DID    string `json:"did"`
	TimeUS int64  `json:"time_us"`
	Kind   string `json:"kind"`
	// The same fields as Event, of the same types, so that a message
	// decodes without error here exactly when it does there; only the
	// record differs.
	Commit *struct {
		Rev        string      `json:"rev"`
		Operation  string      `json:"operation"`
		Collection string      `json:"collection"`
		RKey       string      `json:"rkey"`
		Record     *wireRecord `json:"record"`
		CID        string      `json:"cid"`
	} `json:"commit"`
	Identity *Identity      `json:"identity"`
	Account  *AccountStatus `json:"account"`
}

type wireRecord struct {
	rawPost
	Subject *struct{ URI, CID string } `json:"subject"`
}

// decodeWire decodes a well-formed message; ok is false for anything
// ParseEvent might reject or judge differently.
func decodeWire(data []byte) (w wireEvent, ok bool) {
	if len(data) == 0 || data[0] != '{' {
		return w, false
	}
	if json.Unmarshal(data, &w) != nil || w.DID == "" || w.TimeUS <= 0 {
		return w, false
	}
	switch w.Kind {
	case KindCommit:
		c := w.Commit
		if c == nil || c.Collection == "" || c.RKey == "" {
			return w, false
		}
		switch c.Operation {
		case OpCreate, OpUpdate:
			return w, c.Record != nil
		case OpDelete:
			return w, true
		}
		return w, false
	case KindIdentity:
		return w, w.Identity != nil
	case KindAccount:
		return w, w.Account != nil
	}
	return w, true
}

// event is the Event of a decoded message, without the raw record.
func (w *wireEvent) event() Event {
	e := Event{DID: w.DID, TimeUS: w.TimeUS, Kind: w.Kind}
	if c := w.Commit; c != nil {
		e.Commit = &Commit{Rev: c.Rev, Operation: c.Operation, Collection: c.Collection, RKey: c.RKey, CID: c.CID}
	}
	e.Identity, e.Account = w.Identity, w.Account
	return e
}

// subject is ParseSubject of the decoded record.
func (r *wireRecord) subject() (Subject, error) {
	if r.Subject == nil || r.Subject.URI == "" {
		return Subject{}, ErrBadRecord
	}
	return Subject{URI: r.Subject.URI, CID: r.Subject.CID, CreatedAt: r.CreatedAt}, nil
}
