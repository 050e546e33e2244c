package csvedge

import (
	"fmt"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

const (
	// cloneOver is the record length above which emitted strings are copied:
	// encoding/csv slices every field of a record out of one string, and a
	// key kept by the sink would otherwise pin the whole row (a NodeXL row
	// carries the tweet text and URLs). Short rows are mostly their keys.
	cloneOver = 128
	// maxShown bounds how much of a bad value a message quotes.
	maxShown = 64
)

// importer turns data rows into accounts and edges.
type importer struct {
	o        *source.Options
	sink     graph.Sink
	posts    graph.PostSink // sink, when it keeps posts
	cols     columns
	delim    rune
	platform string              // the default platform
	sent     map[string]struct{} // NodeXL accounts already sent, platform+"\x00"+name
	ignored  int64               // rows dropped by RuleRepostMentions
	lastPlat string              // the last platform cell, to reuse its string
	nodes    *nodeColumns        // set for a node table
}

func newImporter(o *source.Options, sink graph.Sink, cols columns, delim rune) *importer {
	im := &importer{o: o, sink: sink, cols: cols, delim: delim, platform: o.Platform, nodes: cols.nodes}
	im.posts, _ = sink.(graph.PostSink)
	if im.platform == "" {
		im.platform = "local"
		if cols.nodexl {
			im.platform = "twitter"
		}
	}
	if cols.nodexl {
		im.sent = make(map[string]struct{})
	}
	return im
}

// row reads one data record. A non-empty msg says what is wrong with it and
// nothing was sent; err is the sink's.
func (im *importer) row(rec []string) (msg string, err error) {
	c := &im.cols
	if len(rec) != len(c.names) {
		msg = fmt.Sprintf("want %d fields as in the header, got %d", len(c.names), len(rec))
		if len(rec) > len(c.names) {
			msg += fmt.Sprintf(" (a field holding %q must be quoted)", im.delim)
		}
		return msg, nil
	}
	long := recordLen(rec) > cloneOver
	cell := func(r role) string {
		if c.at[r] < 0 {
			return ""
		}
		return strings.TrimSpace(rec[c.at[r]])
	}

	src := cell(colSource)
	if src == "" {
		return fmt.Sprintf("column %q is empty; want the account giving attention", c.name(colSource)), nil
	}
	platform := im.platform
	if p := cell(colPlatform); p != "" {
		if p != im.lastPlat {
			im.lastPlat = strings.Clone(p)
		}
		platform = im.lastPlat
	}

	kind, action := im.o.Kind, relEdge
	if c.has(colRelationship) {
		v := cell(colRelationship)
		k, a, ok := relationship(v)
		if !ok {
			return fmt.Sprintf("column %q: unknown value %s; want %s", c.name(colRelationship), show(v), relationshipsWanted), nil
		}
		kind, action = k, a
	} else if v := cell(colKind); v != "" {
		k, err := graph.ParseKind(v)
		if err != nil {
			return fmt.Sprintf("column %q: %v", c.name(colKind), err), nil
		}
		kind = k
	}
	if action == relIgnored {
		im.ignored++
		return "", nil
	}
	dst := cell(colTarget)
	if dst == "" && action != relTweet {
		return fmt.Sprintf("column %q is empty; want the account receiving attention", c.name(colTarget)), nil
	}
	var count int64
	if v := cell(colWeight); v != "" && kind != graph.Follow {
		n, ok := parseCount(v, im.delim == ';')
		if !ok {
			return fmt.Sprintf("column %q: want a positive whole number of events, got %s", c.name(colWeight), show(v)), nil
		}
		count = n
	}
	var at time.Time
	for _, r := range [...]role{colTime, colRelDate, colTweetDate} {
		if v := cell(r); v != "" {
			t, ok := parseTime(v)
			if !ok {
				return fmt.Sprintf("column %q: want a time as RFC 3339, YYYY-MM-DD[ hh:mm[:ss]], M/D/YYYY h:mm[:ss] [AM|PM] or Unix seconds, got %s", c.name(r), show(v)), nil
			}
			at = t
			break
		}
	}
	both := false
	if v := cell(colType); v != "" {
		switch strings.ToLower(v) {
		case "directed", "mixed":
		case "undirected":
			both = true
		default:
			return fmt.Sprintf("column %q: want Directed, Undirected or Mixed, got %s", c.name(colType), show(v)), nil
		}
	}
	postID := cell(colPostID)
	if postID == "" {
		postID = cell(colImportedID)
	}
	if postID == "" {
		postID = statusID(cell(colTweetURL))
	}
	var tags []string
	if v := cell(colHashtags); v != "" {
		tags = parseHashtags(v)
	}
	if action == relTweet {
		src = keep(src, long)
		if err := im.account(platform, src); err != nil {
			return "", err
		}
		return "", im.post(platform, src, dst, graph.Follow, at, keep(postID, long), keep(cell(colParentID), long), tags, true)
	}

	src, dst = keep(src, long), keep(dst, long)
	if c.nodexl {
		if err := im.account(platform, src); err != nil {
			return "", err
		}
		if err := im.account(platform, dst); err != nil {
			return "", err
		}
	}
	e := graph.Edge{Platform: platform, Src: src, Dst: dst, Kind: kind, At: at, PostID: keep(postID, long), Hashtags: tags, Count: count}
	if err := im.sink.Edge(e); err != nil {
		return "", err
	}
	if err := im.post(platform, src, dst, kind, at, e.PostID, keep(cell(colParentID), long), tags, false); err != nil {
		return "", err
	}
	if both {
		e.Src, e.Dst = e.Dst, e.Src
		return "", im.sink.Edge(e)
	}
	return "", nil
}

// account sends a NodeXL vertex once: its name is both key and handle.
func (im *importer) account(platform, name string) error {
	if !im.cols.nodexl {
		return nil
	}
	id := platform + "\x00" + name
	if _, ok := im.sent[id]; ok {
		return nil
	}
	im.sent[id] = struct{}{}
	a := graph.NewAccount(platform, name)
	a.Handle = name
	return im.sink.Account(a)
}

// keep returns s, copied when it was sliced out of a long record.
func keep(s string, long bool) string {
	if long {
		return strings.Clone(s)
	}
	return s
}

func recordLen(rec []string) int {
	n := 0
	for _, c := range rec {
		n += len(c)
	}
	return n
}

// show quotes a bad value for a message, cut short if long.
func show(s string) string {
	if len(s) > maxShown {
		return fmt.Sprintf("%q…", s[:maxShown])
	}
	return fmt.Sprintf("%q", s)
}
