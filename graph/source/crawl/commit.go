package crawl

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/clout-cli/clout/graph"
)

// newTask is a task a commit creates.
type newTask struct {
	ep             Endpoint
	subject, owner string
	depth          int
}

// commit is everything one transaction writes: a page's data and the crawl
// state that changes with it. It is built and run under commitMu, and the
// engine's memory follows the state only once the transaction committed.
type commit struct {
	e        *engine
	accounts []graph.Account
	edges    []graph.Edge
	posts    []graph.Post
	extra    func(Tx) error

	// frontier changes
	newKeys  []string // queued for the first time at newDepth
	newDepth int
	raised   []string // queued before, deeper than newDepth
	tasks    []newTask

	profilesPending, profilesDone, profilesFailed []string

	// the task walked, and its position after this page
	t   *task
	upd task

	pages    int64
	tagItems int // posts a tag list stored
}

func (e *engine) newCommit() *commit { return &commit{e: e} }

// queue adds keys to the frontier at depth: new keys while the frontier has
// room for them (always when force), known keys that were deeper move up.
// Accounts that land at depth < Depth get their lists.
func (c *commit) queue(keys []string, depth int, force bool) {
	e := c.e
	c.newDepth = depth
	local := make(map[string]bool, len(keys))
	for _, k := range keys {
		if k == "" || local[k] {
			continue
		}
		local[k] = true
		pos, ok := e.known[k]
		switch {
		case !ok:
			if !force && e.cfg.MaxAccounts > 0 && len(e.known)+len(c.newKeys) >= e.cfg.MaxAccounts {
				if !e.capLogged {
					e.capLogged = true
					e.logf("%s: the frontier holds --max-accounts %d accounts: no new accounts are queued", e.platform, e.cfg.MaxAccounts)
				}
				continue
			}
			c.newKeys = append(c.newKeys, k)
		case pos.depth > depth:
			c.raised = append(c.raised, k)
		default:
			continue
		}
		if depth < e.cfg.Depth {
			for _, ep := range accountEndpoints {
				if e.enabled(ep) {
					c.tasks = append(c.tasks, newTask{ep, k, k, depth})
				}
			}
		}
	}
}

// seen schedules profile lookups for keys the crawl has not tracked yet;
// those whose entry in accounts carries a reported follower count need none.
func (c *commit) seen(keys []string, accounts []graph.Account) {
	e := c.e
	local := map[string]bool{}
	for _, a := range accounts {
		if a.Followers >= 0 && !e.profSeen[a.Key] && !local[a.Key] {
			local[a.Key] = true
			c.profilesDone = append(c.profilesDone, a.Key)
		}
	}
	for _, k := range keys {
		if k != "" && !e.profSeen[k] && !local[k] {
			local[k] = true
			c.profilesPending = append(c.profilesPending, k)
		}
	}
}

// run writes the commit into the open transaction (beginning one if
// needed) and brings the engine's memory up to date at once: the memory
// runs ahead of the file until the group commits, and a failed commit ends
// the Run, so the two never disagree in a way that is used. Callers hold
// commitMu.
func (c *commit) run(ctx context.Context) error {
	e := c.e
	tx, err := e.openTx(ctx)
	if err != nil {
		return err
	}
	if err := c.write(tx); err != nil {
		return e.abortTx(err)
	}
	ids, statuses, err := c.addTasks(tx)
	if err != nil {
		return e.abortTx(err)
	}
	c.apply(ids, statuses)
	e.txPages += c.pages
	e.txCommits++
	if e.txCommits >= maxGroup {
		return e.commitTx()
	}
	return nil
}

// Group commit: pages are written into one open transaction, which commits
// when it holds maxGroup commits, every groupEvery, and when the Run ends.
// Each page still lands together with its cursor; a crash loses at most the
// last group, which the resumed crawl reads again.
const (
	maxGroup   = 500
	groupEvery = 100 * time.Millisecond
)

// openTx returns the open transaction, beginning one if needed. Callers
// hold commitMu.
func (e *engine) openTx(ctx context.Context) (Tx, error) {
	if e.txErr != nil {
		// The memory ran ahead of a transaction that was lost: writing
		// more would build on pages that are not there.
		return nil, e.txErr
	}
	if e.tx != nil {
		return e.tx, nil
	}
	tx, err := e.begin(ctx)
	if err != nil {
		return nil, err
	}
	e.tx = tx
	return tx, nil
}

// abortTx rolls the open transaction back after err.
func (e *engine) abortTx(err error) error {
	if e.tx != nil {
		e.tx.Rollback()
		e.tx = nil
	}
	e.txErr = fmt.Errorf("crawl %s: %w", e.platform, err)
	return e.txErr
}

// commitTx commits the open transaction, if any, with the request counters.
// Callers hold commitMu.
func (e *engine) commitTx() error {
	if e.txErr != nil {
		return e.txErr
	}
	if e.tx == nil {
		return nil
	}
	now := e.stats()
	d := statsSnapshot{now.requests - e.persisted.requests, now.retries - e.persisted.retries,
		now.rateLimited - e.persisted.rateLimited, now.wait - e.persisted.wait}
	if d != (statsSnapshot{}) || e.txPages > 0 {
		if err := e.tx.CrawlCount(e.platform, d.requests, d.retries, d.rateLimited, d.wait, e.txPages); err != nil {
			return e.abortTx(err)
		}
	}
	tx := e.tx
	e.tx = nil
	e.txPages, e.txCommits = 0, 0
	if err := tx.Commit(); err != nil {
		e.txErr = fmt.Errorf("crawl %s: commit: %w", e.platform, err)
		return e.txErr
	}
	e.persisted = now
	return nil
}

func (c *commit) write(tx Tx) error {
	e := c.e
	for _, a := range c.accounts {
		if err := tx.Account(a); err != nil {
			return err
		}
	}
	for _, ed := range c.edges {
		if err := tx.Edge(ed); err != nil {
			return err
		}
	}
	if len(c.posts) > 0 {
		if ps, ok := tx.(graph.PostSink); ok {
			for _, p := range c.posts {
				if err := ps.Post(p); err != nil {
					return err
				}
			}
		}
	}
	if c.extra != nil {
		if err := c.extra(tx); err != nil {
			return err
		}
	}
	if err := tx.CrawlQueue(e.platform, c.newDepth, c.newKeys, e.nextSeq); err != nil {
		return err
	}
	if err := tx.CrawlQueue(e.platform, c.newDepth, c.raised, 0); err != nil {
		return err
	}
	for _, p := range []struct {
		status string
		keys   []string
	}{{profilePending, c.profilesPending}, {profileDone, c.profilesDone}, {profileFailed, c.profilesFailed}} {
		if err := tx.CrawlSetProfiles(e.platform, p.status, p.keys); err != nil {
			return err
		}
	}
	if c.t != nil {
		u := &c.upd
		if err := tx.CrawlSetTask(u.id, u.status, u.cursor, u.prev, u.items, u.emptyPages, u.attempts, lastError(u)); err != nil {
			return err
		}
	}
	return nil
}

func (c *commit) addTasks(tx Tx) ([]int64, []string, error) {
	ids := make([]int64, len(c.tasks))
	statuses := make([]string, len(c.tasks))
	for i, nt := range c.tasks {
		id, st, err := tx.CrawlAddTask(c.e.platform, string(nt.ep), nt.subject, nt.owner, nt.depth)
		if err != nil {
			return nil, nil, err
		}
		ids[i], statuses[i] = id, st
	}
	return ids, statuses, nil
}

// apply mirrors a committed transaction in memory. Callers hold commitMu.
func (c *commit) apply(ids []int64, statuses []string) {
	e := c.e
	for i, k := range c.newKeys {
		e.known[k] = frontierPos{depth: c.newDepth, seq: e.nextSeq + int64(i)}
	}
	e.nextSeq += int64(len(c.newKeys))
	for _, k := range c.raised {
		pos := e.known[k]
		pos.depth = c.newDepth
		e.known[k] = pos
	}
	var pending []string
	for _, k := range c.profilesPending {
		e.profSeen[k] = true
		pending = append(pending, k)
	}
	for _, k := range c.profilesDone {
		e.profSeen[k] = true
	}
	for _, k := range c.profilesFailed {
		e.profSeen[k] = true
	}
	for i, nt := range c.tasks {
		e.mu.Lock()
		old := e.byID[ids[i]]
		if old != nil {
			e.queue.raise(old, nt.depth)
		}
		e.mu.Unlock()
		// An existing task not in byID is finished (or of an endpoint
		// this run does not walk): it stays as it is.
		if old == nil && (statuses[i] == statusPending || statuses[i] == statusInProgress) {
			e.addTask(&task{Task: makeTask(nt.ep, nt.subject, nt.owner), id: ids[i],
				depth: nt.depth, status: statuses[i], index: -1})
		}
	}
	if c.t != nil {
		c.finishTask()
	}
	e.tagItems += c.tagItems
	e.mu.Lock()
	e.profQueue = append(e.profQueue, pending...)
	e.pages += c.pages
	e.postsStored += int64(len(c.posts))
	e.cond.Broadcast()
	e.mu.Unlock()
}

// finishTask copies the task's new position and, if the task ended,
// accounts for it. Callers hold commitMu.
func (c *commit) finishTask() {
	e := c.e
	t, u := c.t, c.upd
	t.status, t.cursor, t.prev, t.items, t.emptyPages, t.attempts, t.err =
		u.status, u.cursor, u.prev, u.items, u.emptyPages, u.attempts, u.err
	if t.open() {
		return
	}
	e.mu.Lock()
	delete(e.byID, t.id)
	e.finished++
	switch t.status {
	case statusDone:
		e.done[0]++
	case statusFailed:
		e.done[1]++
		e.failed++
	case statusHidden:
		e.done[2]++
	}
	e.mu.Unlock()
	if t.Endpoint == TagPosts {
		return
	}
	e.ownerChange(t.Owner, func(o *owner) {
		o.open--
		if t.status == statusFailed {
			o.failed++
		}
	})
}

// lastError is what crawl_tasks.last_error records: the error of a failed
// task, or why a list was cut short.
func lastError(t *task) string {
	const max = 1000
	s := t.err
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

// commitPage commits page pg of t, read at cursor cur, with t's new
// position. Callers must not hold commitMu.
func (e *engine) commitPage(ctx context.Context, t *task, pg *Page, cur string) error {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	c := e.newCommit()
	c.t, c.upd = t, *t
	u := &c.upd
	u.err = ""
	// Emptiness is the platform's: a page whose posts are all outside the
	// window is not empty (the list goes on towards it).
	empty := len(pg.Accounts) == 0 && len(pg.Edges) == 0 && len(pg.Found) == 0 && len(pg.Posts) == 0 &&
		len(pg.PostRecords) == 0 && len(pg.Refs) == 0
	var authors map[string]string
	limit, old := false, false
	if t.Endpoint == TagPosts {
		var tp tagPage
		tp, u.err = e.tagFilter(t, pg)
		pg, authors, limit, old = &tp.pg, tp.authors, tp.capped, tp.old
		c.tagItems = len(pg.PostRecords)
		u.items += len(pg.PostRecords)
	}
	posts, edges := pg.Posts, pg.Edges
	records := pg.PostRecords
	if t.Endpoint == Posts {
		room := max(e.cfg.Posts-t.items, 0)
		limit = len(posts) >= room
		if len(posts) > room {
			drop := make(map[string]bool, len(posts)-room)
			for _, p := range posts[room:] {
				drop[p] = true
			}
			posts = posts[:room]
			kept := make([]graph.Edge, 0, len(edges))
			for _, ed := range edges {
				if !drop[ed.PostID] {
					kept = append(kept, ed)
				}
			}
			edges = kept
			keptRecords := make([]graph.Post, 0, len(records))
			for _, p := range records {
				if !drop[p.ID] {
					keptRecords = append(keptRecords, p)
				}
			}
			records = keptRecords
		}
		u.items += len(posts)
	} else if t.Endpoint != TagPosts {
		u.items += len(edges)
	}
	c.posts = make([]graph.Post, 0, len(records)+len(pg.Refs))
	for _, p := range slices.Concat(records, pg.Refs) {
		p.Platform = e.platform
		if !e.cfg.KeepText {
			p.Text = ""
		}
		c.posts = append(c.posts, p)
	}

	c.accounts = make([]graph.Account, 0, len(pg.Accounts)+len(pg.Found))
	for _, a := range pg.Accounts {
		a.Platform = e.platform
		c.accounts = append(c.accounts, a)
	}
	for _, k := range pg.Found {
		if k != "" {
			c.accounts = append(c.accounts, graph.NewAccount(e.platform, k))
		}
	}
	c.edges = make([]graph.Edge, 0, len(edges))
	keys := make([]string, 0, len(pg.Found)+2*len(edges))
	for _, ed := range edges {
		ed.Platform = e.platform
		c.edges = append(c.edges, ed)
		keys = append(keys, ed.Src, ed.Dst)
	}
	keys = append(keys, pg.Found...)
	for _, a := range pg.Accounts {
		keys = append(keys, a.Key)
	}
	c.queue(pg.Found, t.depth+1, false)
	c.seen(keys, c.accounts)
	for _, p := range posts {
		owner := t.Owner
		if a := authors[p]; a != "" {
			owner = a
		}
		for _, ep := range engagementEndpoints {
			if e.enabled(ep) {
				c.tasks = append(c.tasks, newTask{ep, p, owner, t.depth})
			}
		}
	}

	if empty {
		u.emptyPages++
	} else {
		u.emptyPages = 0
	}
	u.status = statusInProgress
	switch {
	case pg.Hidden:
		u.status = statusHidden
		e.logf("%s: %s of %s is hidden", e.platform, t.Endpoint, t.Subject)
	case limit:
		u.status = statusDone
	case old:
		u.status = statusDone
		u.err = "reached --since"
	case pg.Next == "":
		u.status = statusDone
	case pg.Next == cur || (pg.Next == t.prev && t.prev != ""):
		u.status = statusDone
		u.err = fmt.Sprintf("stopped at repeated cursor %q", pg.Next)
		e.logf("%s: %s of %s: %s", e.platform, t.Endpoint, t.Subject, u.err)
	case u.emptyPages >= MaxEmptyPages:
		u.status = statusDone
		u.err = fmt.Sprintf("stopped after %d empty pages", u.emptyPages)
		e.logf("%s: %s of %s: %s", e.platform, t.Endpoint, t.Subject, u.err)
	default:
		u.prev, u.cursor = cur, pg.Next
	}
	c.pages = 1
	return c.run(ctx)
}

// commitFailure marks t failed with err, keeping its cursor so that
// RetryFailed resumes at the page that failed.
func (e *engine) commitFailure(ctx context.Context, t *task, err error) error {
	e.logf("%s: %s of %s failed: %v", e.platform, t.Endpoint, t.Subject, err)
	return e.commitEnd(ctx, t, statusFailed, err.Error())
}

// commitEnd ends t with status and message, without a page.
func (e *engine) commitEnd(ctx context.Context, t *task, status, msg string) error {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	c := e.newCommit()
	c.t, c.upd = t, *t
	c.upd.status = status
	if status == statusFailed {
		c.upd.attempts++
	}
	c.upd.err = msg
	return c.run(ctx)
}
