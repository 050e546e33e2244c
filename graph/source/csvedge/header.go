package csvedge

import (
	"bytes"
	"strings"
)

// role is what clout reads from a column.
type role int

const (
	colSource role = iota
	colTarget
	colKind
	colWeight
	colTime
	colPlatform
	colPostID
	colHashtags
	colType         // Gephi Directed|Undirected|Mixed
	colRelationship // NodeXL
	colRelDate      // NodeXL Relationship Date (UTC)
	colTweetDate    // NodeXL Tweet Date (UTC)
	colImportedID   // NodeXL Imported ID: the tweet id
	colTweetURL     // NodeXL Twitter Page for Tweet
	colParentID     // the post the row's post replies to, quotes or reposts
	numRoles
)

// roleOf maps a normalised header name to its role.
func roleOf(name string) (role, bool) {
	switch name {
	case "source", "src", "from", "vertex 1", "follower":
		return colSource, true
	case "target", "dst", "to", "vertex 2", "followee", "followed":
		return colTarget, true
	case "kind":
		return colKind, true
	case "weight", "edge weight", "count":
		return colWeight, true
	case "time", "timestamp", "date", "created at":
		return colTime, true
	case "platform":
		return colPlatform, true
	case "post id", "postid", "status id", "tweet id":
		return colPostID, true
	case "hashtags", "hashtags in tweet":
		return colHashtags, true
	case "type":
		return colType, true
	case "relationship":
		return colRelationship, true
	case "relationship date (utc)":
		return colRelDate, true
	case "tweet date (utc)":
		return colTweetDate, true
	case "imported id":
		return colImportedID, true
	case "twitter page for tweet":
		return colTweetURL, true
	case "parent id", "parent post id", "in-reply-to tweet id":
		return colParentID, true
	}
	return 0, false
}

// normName trims, lower-cases and reads '_' as ' ' so "Post_ID", "post id"
// and " post_id " are one name.
func normName(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "\ufeff")
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "_", " ")
}

// columns is a recognised header: where each role is, -1 when absent.
type columns struct {
	at     [numRoles]int
	names  []string     // header cells as written, for messages
	nodexl bool         // a NodeXL edge sheet: "Vertex 1" and "Vertex 2" columns
	nodes  *nodeColumns // a node table: accounts, no edges
}

// has reports whether the header has a column for r.
func (c *columns) has(r role) bool { return c.at[r] >= 0 }

// name is r's column as the header writes it.
func (c *columns) name(r role) string { return strings.TrimSpace(c.names[c.at[r]]) }

// parseHeader maps header cells to roles; the first column with a role wins.
// ok is false when the source or the target column is missing.
func parseHeader(cells []string) (c columns, ok bool) {
	for i := range c.at {
		c.at[i] = -1
	}
	c.names = append([]string(nil), cells...)
	v1, v2 := -1, -1
	for i, cell := range cells {
		n := normName(cell)
		switch n {
		case "vertex 1":
			v1 = i
		case "vertex 2":
			v2 = i
		}
		if r, known := roleOf(n); known && c.at[r] < 0 {
			c.at[r] = i
		}
	}
	if v1 >= 0 && v2 >= 0 {
		// A NodeXL sheet also has a "Source" column (the tweeting client)
		// and split "Date" and "Time" columns; its times come from
		// Relationship Date and Tweet Date.
		c.nodexl = true
		c.at[colSource], c.at[colTarget], c.at[colTime] = v1, v2, -1
	}
	return c, c.has(colSource) && c.has(colTarget)
}

// detectDelim picks the delimiter of a header line: a comma unless the line
// has none but has tabs or semicolons, then the more frequent of those two.
func detectDelim(line []byte) rune {
	if bytes.IndexByte(line, ',') >= 0 {
		return ','
	}
	tabs, semis := bytes.Count(line, []byte{'\t'}), bytes.Count(line, []byte{';'})
	switch {
	case tabs > 0 && tabs >= semis:
		return '\t'
	case semis > 0:
		return ';'
	}
	return ','
}

// nthLine returns the n-th (0-based) line of head without its line ending,
// or nil when head ends first.
func nthLine(head []byte, n int) []byte {
	for ; n > 0; n-- {
		i := bytes.IndexByte(head, '\n')
		if i < 0 {
			return nil
		}
		head = head[i+1:]
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	return bytes.TrimSuffix(head, []byte{'\r'})
}

// maxHeaderShown bounds how much of a rejected header a message quotes.
const maxHeaderShown = 200

// showHeader renders header cells for an error message.
func showHeader(cells []string, delim rune) string {
	s := strings.Join(cells, string(delim))
	if len(s) > maxHeaderShown {
		s = s[:maxHeaderShown] + "…"
	}
	return s
}
