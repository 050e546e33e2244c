package jetstreamtest

import (
	"encoding/json"
	"fmt"
	"time"
)

// Builder writes a script in the real wire shapes of Jetstream v1 events,
// each message StepUS after the one before.
type Builder struct {
	Msgs   Messages
	TimeUS int64
	StepUS int64
	rev    int
}

// NewBuilder starts a script at start.
func NewBuilder(start time.Time) *Builder {
	return &Builder{TimeUS: start.UnixMicro(), StepUS: 1000}
}

// PostOpts are the optional parts of a post record.
type PostOpts struct {
	Reply       struct{ Root, Parent string }
	Quote       string // app.bsky.embed.record
	QuoteMedia  string // app.bsky.embed.recordWithMedia
	FacetTags   []string
	RecordTags  []string
	Mentions    []string
	Langs       []string
	CreatedAt   string // default: the event's time
	ExtraFields map[string]any
}

func (b *Builder) next() int64 {
	b.TimeUS += b.StepUS
	return b.TimeUS
}

func (b *Builder) created(o string) string {
	if o != "" {
		return o
	}
	return time.UnixMicro(b.TimeUS).UTC().Format("2006-01-02T15:04:05.000Z")
}

// Commit adds a commit event with record (nil for a delete) and returns the
// record's AT-URI.
func (b *Builder) Commit(did, op, collection, rkey string, record any) string {
	t := b.next()
	b.rev++
	c := map[string]any{"rev": fmt.Sprintf("3l%011d", b.rev), "operation": op, "collection": collection, "rkey": rkey}
	if record != nil {
		c["record"] = record
		c["cid"] = fmt.Sprintf("bafyrei%020d", b.rev)
	}
	b.add(t, collection, map[string]any{"did": did, "time_us": t, "kind": "commit", "commit": c})
	return "at://" + did + "/" + collection + "/" + rkey
}

// Post adds a post record and returns its URI.
func (b *Builder) Post(did, rkey, text string, o PostOpts) string {
	rec := map[string]any{"$type": "app.bsky.feed.post", "text": text, "createdAt": b.created(o.CreatedAt)}
	if len(o.Langs) > 0 {
		rec["langs"] = o.Langs
	}
	if o.Reply.Parent != "" {
		rec["reply"] = map[string]any{"root": ref(o.Reply.Root), "parent": ref(o.Reply.Parent)}
	}
	switch {
	case o.Quote != "":
		rec["embed"] = map[string]any{"$type": "app.bsky.embed.record", "record": ref(o.Quote)}
	case o.QuoteMedia != "":
		rec["embed"] = map[string]any{"$type": "app.bsky.embed.recordWithMedia",
			"record": map[string]any{"$type": "app.bsky.embed.record", "record": ref(o.QuoteMedia)},
			"media":  map[string]any{"$type": "app.bsky.embed.images", "images": []any{}}}
	}
	var facets []any
	for i, t := range o.FacetTags {
		facets = append(facets, map[string]any{"index": map[string]int{"byteStart": i, "byteEnd": i + 1},
			"features": []any{map[string]any{"$type": "app.bsky.richtext.facet#tag", "tag": t}}})
	}
	for i, m := range o.Mentions {
		facets = append(facets, map[string]any{"index": map[string]int{"byteStart": i, "byteEnd": i + 1},
			"features": []any{map[string]any{"$type": "app.bsky.richtext.facet#mention", "did": m}}})
	}
	if facets != nil {
		rec["facets"] = facets
	}
	if len(o.RecordTags) > 0 {
		rec["tags"] = o.RecordTags
	}
	for k, v := range o.ExtraFields {
		rec[k] = v
	}
	return b.Commit(did, "create", "app.bsky.feed.post", rkey, rec)
}

func ref(uri string) map[string]string {
	return map[string]string{"uri": uri, "cid": "bafyreiref"}
}

// Like adds a like of subject.
func (b *Builder) Like(did, rkey, subject string) string {
	return b.Commit(did, "create", "app.bsky.feed.like", rkey, map[string]any{"$type": "app.bsky.feed.like",
		"createdAt": b.created(""), "subject": ref(subject)})
}

// Repost adds a repost of subject.
func (b *Builder) Repost(did, rkey, subject string) string {
	return b.Commit(did, "create", "app.bsky.feed.repost", rkey, map[string]any{"$type": "app.bsky.feed.repost",
		"createdAt": b.created(""), "subject": ref(subject)})
}

// Identity adds an identity event giving did the handle.
func (b *Builder) Identity(did, handle string) {
	t := b.next()
	b.add(t, "", map[string]any{"did": did, "time_us": t, "kind": "identity",
		"identity": map[string]any{"did": did, "handle": handle, "seq": t, "time": b.created("")}})
}

// Account adds an account status event.
func (b *Builder) Account(did string, active bool) {
	t := b.next()
	b.add(t, "", map[string]any{"did": did, "time_us": t, "kind": "account",
		"account": map[string]any{"did": did, "active": active, "seq": t, "time": b.created("")}})
}

// Stray adds a commit of a collection the client may not have asked for,
// sent whatever wantedCollections says (a server that ignores the filter, or
// a collection added to a prefix the client wanted).
func (b *Builder) Stray(did, collection, rkey string, record any) {
	b.Commit(did, "create", collection, rkey, record)
	b.Msgs[len(b.Msgs)-1].Collection = ""
}

// Raw adds a message as it is (not JSON, a truncated frame), at the time of
// the message before it.
func (b *Builder) Raw(data string) {
	b.Msgs = append(b.Msgs, Message{TimeUS: b.TimeUS, Data: []byte(data)})
}

func (b *Builder) add(t int64, collection string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // the builder's own values always marshal
	}
	b.Msgs = append(b.Msgs, Message{TimeUS: t, Collection: collection, Data: data})
}
