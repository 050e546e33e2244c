package crawl

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/clout-cli/clout/graph"
)

// NormalizeTag reads a hashtag as the user typed it ("#CiscoSMT", "ciscosmt")
// and returns it lower-cased without '#'. A tag must be one word: letters,
// digits, '_' (and marks), as the platforms' hashtag parsers accept.
func NormalizeTag(s string) (string, error) {
	t := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "#"))
	if t == "" {
		return "", fmt.Errorf("empty hashtag %q", s)
	}
	for _, r := range t {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_') {
			return "", fmt.Errorf("hashtag %q: %q is not allowed in a hashtag (letters, digits and _ only)", s, r)
		}
	}
	return t, nil
}

// TagSubject is how a TagPosts task is stored in crawl_tasks.subject: the
// tag, then " on OWNER" when the list is one instance's, then " since TIME"
// and " until TIME" (RFC 3339, UTC) for a window. Tasks are unique by
// subject, so the same tag asked of two instances, or over two windows, is
// two lists; the same command run again finds its lists and resumes them.
func TagSubject(tag, owner string, since, until time.Time) string {
	var b strings.Builder
	b.WriteString(tag)
	if owner != "" {
		b.WriteString(" on " + owner)
	}
	if !since.IsZero() {
		b.WriteString(" since " + since.UTC().Format(time.RFC3339Nano))
	}
	if !until.IsZero() {
		b.WriteString(" until " + until.UTC().Format(time.RFC3339Nano))
	}
	return b.String()
}

// ParseTagSubject reads what TagSubject wrote.
func ParseTagSubject(s string) (tag, owner string, since, until time.Time, err error) {
	f := strings.Fields(s)
	if len(f) == 0 || len(f)%2 != 1 {
		return "", "", since, until, fmt.Errorf("tag list %q: want TAG [on OWNER] [since TIME] [until TIME]", s)
	}
	tag = f[0]
	for i := 1; i < len(f); i += 2 {
		switch f[i] {
		case "on":
			owner = f[i+1]
		case "since", "until":
			t, perr := time.Parse(time.RFC3339Nano, f[i+1])
			if perr != nil {
				return "", "", since, until, fmt.Errorf("tag list %q: %w", s, perr)
			}
			if f[i] == "since" {
				since = t
			} else {
				until = t
			}
		default:
			return "", "", since, until, fmt.Errorf("tag list %q: unknown word %q", s, f[i])
		}
	}
	return tag, owner, since, until, nil
}

// makeTask is the in-memory Task of a stored (endpoint, subject, owner):
// TagPosts subjects are decoded into the tag and the window.
func makeTask(ep Endpoint, subject, owner string) Task {
	t := Task{Endpoint: ep, Subject: subject, Owner: owner}
	if ep == TagPosts {
		if tag, _, since, until, err := ParseTagSubject(subject); err == nil {
			t.Subject, t.Since, t.Until = tag, since, until
		}
	}
	return t
}

// describeTag names a stored TagPosts list for a person.
func describeTag(subject string) string {
	tag, owner, since, until, err := ParseTagSubject(subject)
	if err != nil {
		return "posts tagged " + subject
	}
	s := "posts tagged #" + tag
	if owner != "" {
		s += " on " + owner
	}
	if !since.IsZero() {
		s += " since " + since.Format(time.RFC3339)
	}
	if !until.IsZero() {
		s += " until " + until.Format(time.RFC3339)
	}
	return s
}

// inWindow reports whether a post at at belongs to t's window; a post of
// unknown time is kept.
func (t *task) inWindow(at time.Time) bool {
	if at.IsZero() {
		return true
	}
	return (t.Since.IsZero() || !at.Before(t.Since)) && (t.Until.IsZero() || at.Before(t.Until))
}

// tagPage is what a TagPosts page keeps after the window and --max-posts.
type tagPage struct {
	pg      Page
	authors map[string]string // post id → author, for the engagement tasks
	capped  bool              // --max-posts reached on this page
	old     bool              // every dated post is older than Since: the list is over
}

// filterTagPage drops from pg the posts outside t's window and those past
// room (the posts --max-posts still allows, <0 for no cap), and with them
// their edges and the accounts only they named. Callers hold commitMu.
func filterTagPage(t *task, pg *Page, room int) tagPage {
	out := tagPage{pg: *pg, authors: map[string]string{}}
	drop := map[string]bool{}
	dated, older := 0, 0
	kept := make([]graph.Post, 0, len(pg.PostRecords))
	for _, p := range pg.PostRecords {
		if !p.At.IsZero() {
			dated++
			if !t.Since.IsZero() && p.At.Before(t.Since) {
				older++
			}
		}
		switch {
		case !t.inWindow(p.At):
			drop[p.ID] = true
		case room >= 0 && len(kept) >= room:
			drop[p.ID] = true
			out.capped = true
		default:
			kept = append(kept, p)
			out.authors[p.ID] = p.Author
		}
	}
	if room >= 0 && len(kept) >= room {
		out.capped = true
	}
	out.old = dated > 0 && older == dated
	out.pg.PostRecords = kept
	if len(drop) == 0 {
		return out
	}

	// Accounts named only by dropped posts go with them: an author of a
	// dropped post is no participant unless it wrote a kept one, and an
	// account on the page is kept if a kept post or edge names it.
	authors, named := map[string]bool{}, map[string]bool{}
	for _, p := range kept {
		authors[p.Author], named[p.Author] = true, true
	}
	tainted := map[string]bool{}
	out.pg.Edges = nil
	for _, e := range pg.Edges {
		if drop[e.PostID] {
			tainted[e.Src], tainted[e.Dst] = true, true
			continue
		}
		out.pg.Edges = append(out.pg.Edges, e)
		named[e.Src], named[e.Dst] = true, true
	}
	droppedAuthor := map[string]bool{}
	for _, p := range pg.PostRecords {
		if drop[p.ID] {
			droppedAuthor[p.Author], tainted[p.Author] = true, true
		}
	}
	out.pg.Posts = nil
	for _, id := range pg.Posts {
		if !drop[id] {
			out.pg.Posts = append(out.pg.Posts, id)
		}
	}
	out.pg.Found = nil
	for _, k := range pg.Found {
		if !droppedAuthor[k] || authors[k] {
			out.pg.Found = append(out.pg.Found, k)
		}
	}
	out.pg.Accounts = nil
	for _, a := range pg.Accounts {
		if !tainted[a.Key] || named[a.Key] {
			out.pg.Accounts = append(out.pg.Accounts, a)
		}
	}
	out.pg.Refs = keptRefs(pg.Refs, kept, out.pg.Edges)
	return out
}

// keptRefs are the refs a kept post or edge points at.
func keptRefs(refs, kept []graph.Post, edges []graph.Edge) []graph.Post {
	if len(refs) == 0 {
		return nil
	}
	pointed := map[string]bool{}
	for _, p := range kept {
		pointed[p.Parent] = true
	}
	for _, e := range edges {
		pointed[e.PostID] = true
	}
	var out []graph.Post
	for _, r := range refs {
		if pointed[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

// tagCapReached reports whether the tag lists stored --max-posts posts.
func (e *engine) tagCapReached() bool {
	if e.cfg.MaxPosts <= 0 {
		return false
	}
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	if e.tagItems >= e.cfg.MaxPosts {
		e.logCap()
		return true
	}
	return false
}

// logCap says once that --max-posts was reached. Callers hold commitMu.
func (e *engine) logCap() {
	if !e.capHit {
		e.capHit = true
		e.logf("%s: the tag lists stored --max-posts %d posts: no more are read", e.platform, e.cfg.MaxPosts)
	}
}

// tagFilter is filterTagPage with the room --max-posts leaves, and the
// message a list cut short by it records. Callers hold commitMu.
func (e *engine) tagFilter(t *task, pg *Page) (tagPage, string) {
	room := -1
	if e.cfg.MaxPosts > 0 {
		room = max(e.cfg.MaxPosts-e.tagItems, 0)
	}
	tp := filterTagPage(t, pg, room)
	if !tp.capped {
		return tp, ""
	}
	e.logCap()
	return tp, fmt.Sprintf("stopped at --max-posts %d", e.cfg.MaxPosts)
}

// tagLists are the stored subjects of cfg's tag lists.
func tagLists(cfg Config) map[string]bool {
	m := map[string]bool{}
	owners := cfg.Instances
	if len(owners) == 0 {
		owners = []string{""}
	}
	for _, tag := range cfg.Tags {
		for _, o := range owners {
			m[TagSubject(tag, o, cfg.Since, cfg.Until)] = true
		}
	}
	return m
}

// planTags adds the tag lists to c: one per tag and instance, at depth 0.
// Callers hold commitMu.
func (e *engine) planTags(c *commit) error {
	if len(e.cfg.Tags) == 0 {
		return nil
	}
	if !e.enabled(TagPosts) {
		return fmt.Errorf("crawl %s: the platform cannot list the posts of a hashtag", e.platform)
	}
	owners := e.cfg.Instances
	if len(owners) == 0 {
		owners = []string{""}
	}
	for _, tag := range e.cfg.Tags {
		for _, o := range owners {
			c.tasks = append(c.tasks, newTask{TagPosts, TagSubject(tag, o, e.cfg.Since, e.cfg.Until), o, 0})
		}
	}
	return nil
}
