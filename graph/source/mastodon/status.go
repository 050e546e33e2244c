package mastodon

import (
	"slices"
	"strings"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// statusReader turns statuses of one account's posts feed, written by the
// instance home, into accounts, edges and engagement subjects on pg.
type statusReader struct {
	p    *Platform
	home string
	pg   *crawl.Page
	seen map[string]bool // accounts already on pg
}

// account reads a (nested) account and puts it on the page once.
func (r *statusReader) account(a *apiAccount) (string, bool) {
	if a == nil {
		return "", false
	}
	c, err := r.p.remember(a, r.home)
	if err != nil {
		return "", false
	}
	k := c.account.Key
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if !r.seen[k] {
		r.seen[k] = true
		r.pg.Accounts = append(r.pg.Accounts, c.account)
	}
	return k, true
}

func (r *statusReader) edge(src, dst string, kind graph.Kind, s *apiStatus, tags []string) {
	if src == dst {
		return
	}
	r.pg.Edges = append(r.pg.Edges, graph.Edge{
		Platform: Name, Src: src, Dst: dst, Kind: kind,
		At: parseTime(s.CreatedAt), PostID: s.URI, Hashtags: tags,
	})
}

func (r *statusReader) skip() { r.p.skipped.Add(1) }

// read adds what status s carries (package comment, "What each endpoint
// records").
func (r *statusReader) read(s *apiStatus) {
	author, ok := r.account(s.Account)
	if !ok {
		r.skip()
		return
	}
	if s.Reblog != nil {
		orig, ok := r.account(s.Reblog.Account)
		if !ok || s.Reblog.URI == "" {
			r.skip()
			return
		}
		// At zero and the original's uri, exactly as reblogged_by reports
		// the same boost, so the store keeps one event.
		if orig != author {
			r.pg.Edges = append(r.pg.Edges, graph.Edge{Platform: Name, Src: author, Dst: orig, Kind: graph.Repost, PostID: s.Reblog.URI})
		}
		return
	}
	if s.ID != "" && s.URI != "" {
		r.pg.Posts = append(r.pg.Posts, s.URI)
		r.p.rememberStatus(s.URI, string(s.ID))
	}
	tags := hashtags(s)
	byID := map[flexString]string{}
	var mentioned []string
	for _, m := range s.Mentions {
		k, err := acctKey(m.Acct, r.home)
		if err != nil {
			r.skip()
			continue
		}
		if m.ID != "" {
			byID[m.ID] = k
		}
		if !slices.Contains(mentioned, k) {
			mentioned = append(mentioned, k)
		}
	}
	if to := s.InReplyToAccountID; to != "" && to != s.Account.ID {
		if k, ok := byID[to]; ok {
			r.edge(author, k, graph.Reply, s, tags)
		} else {
			// Resolving the id would cost a request per reply; the reply is
			// still found from the parent's context when its author is crawled.
			r.skip()
		}
	}
	for _, k := range mentioned {
		r.edge(author, k, graph.Mention, s, tags)
	}
	if q := s.Quote; q != nil && q.State == "accepted" && q.QuotedStatus != nil {
		if k, ok := r.account(q.QuotedStatus.Account); ok {
			r.edge(author, k, graph.Quote, s, tags)
		}
	}
}

// hashtags returns s's tag names lower-cased, without '#', each once.
func hashtags(s *apiStatus) []string {
	var out []string
	for _, t := range s.Tags {
		n := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t.Name), "#"))
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
