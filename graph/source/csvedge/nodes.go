package csvedge

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/clout-cli/clout/graph"
)

// nodeColumns is a recognised node table: a list of accounts without edges
// (Gephi's node table "Id,Label,...", a NodeXL Vertices sheet "Vertex,...",
// or our "account,..."). Accounts matter even without edges: every account
// is a node of the graph PageRank runs on.
type nodeColumns struct {
	account                     int
	name, handle                int
	followers, following, posts int
}

// parseNodeHeader recognises a node table header; ok is false without an
// account column.
func parseNodeHeader(cells []string) (c nodeColumns, ok bool) {
	c = nodeColumns{account: -1, name: -1, handle: -1, followers: -1, following: -1, posts: -1}
	set := func(p *int, i int) {
		if *p < 0 {
			*p = i
		}
	}
	for i, cell := range cells {
		switch normName(cell) {
		case "account", "id", "key", "vertex", "node":
			set(&c.account, i)
		case "name", "label", "display name":
			set(&c.name, i)
		case "handle", "username", "screen name":
			set(&c.handle, i)
		case "followers", "followers count":
			set(&c.followers, i)
		case "following", "following count", "followed", "friends count":
			set(&c.following, i)
		case "posts", "posts count", "tweets", "statuses count":
			set(&c.posts, i)
		}
	}
	return c, c.account >= 0
}

// nodeRow reads one row of a node table into an account.
func (im *importer) nodeRow(rec []string) (msg string, err error) {
	c := im.nodes
	if len(rec) != len(im.cols.names) {
		return fmt.Sprintf("want %d fields as in the header, got %d", len(im.cols.names), len(rec)), nil
	}
	cell := func(i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	key := cell(c.account)
	if key == "" {
		return fmt.Sprintf("column %q is empty; want the account", im.cols.names[c.account]), nil
	}
	a := graph.NewAccount(im.platform, strings.Clone(key))
	a.Name = strings.Clone(cell(c.name))
	a.Handle = strings.Clone(cell(c.handle))
	if a.Name == a.Key {
		a.Name = "" // Gephi copies Id into Label
	}
	for _, f := range []struct {
		col int
		dst *int64
	}{{c.followers, &a.Followers}, {c.following, &a.Following}, {c.posts, &a.Posts}} {
		v := cell(f.col)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return fmt.Sprintf("column %q: %q is not a count (want a whole number ≥ 0)", im.cols.names[f.col], shorten(v)), nil
		}
		*f.dst = n
	}
	return "", im.sink.Account(a)
}

func shorten(s string) string {
	if len(s) > maxShown {
		return s[:maxShown] + "…"
	}
	return s
}
