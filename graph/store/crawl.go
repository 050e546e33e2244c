package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/clout-cli/clout/graph"
)

// This file is the crawl engine's persistence (package crawl's State, Tx and
// StatusReader interfaces, satisfied structurally: store does not import
// crawl). Every method takes plain values so that the engine never sees SQL.
// The tables are described in crawl_schema.go.

// CrawlBegin starts a write transaction for the crawl engine. The graph.Sink
// it returns is the *Tx, which also implements crawl.Tx.
func (s *Store) CrawlBegin(ctx context.Context) (graph.Sink, error) {
	t, err := s.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Tx) crawlErr(what string, err error) error {
	return fmt.Errorf("database %s: crawl state: %s: %w", t.s.path, what, err)
}

// CrawlSeed returns the account key seed resolved to in an earlier run, or ""
// if it was never resolved.
func (t *Tx) CrawlSeed(platform, seed string) (string, error) {
	var key string
	err := t.conn.QueryRowContext(t.ctx, "SELECT key FROM crawl_seeds WHERE platform = ? AND seed = ?", platform, seed).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", t.crawlErr("read seed", err)
	}
	return key, nil
}

// CrawlSetSeed records that seed resolved to key.
func (t *Tx) CrawlSetSeed(platform, seed, key string) error {
	_, err := t.conn.ExecContext(t.ctx, `INSERT INTO crawl_seeds (platform, seed, key) VALUES (?, ?, ?)
		ON CONFLICT (platform, seed) DO UPDATE SET key = excluded.key`, platform, seed, key)
	if err != nil {
		return t.crawlErr("write seed", err)
	}
	return nil
}

// CrawlFrontier calls fn for every queued account of platform, in discovery
// order.
func (t *Tx) CrawlFrontier(platform string, fn func(key string, depth int, seq int64) error) error {
	rows, err := t.conn.QueryContext(t.ctx, "SELECT key, depth, seq FROM crawl_frontier WHERE platform = ? ORDER BY seq", platform)
	if err != nil {
		return t.crawlErr("read frontier", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var depth int
		var seq int64
		if err := rows.Scan(&key, &depth, &seq); err != nil {
			return t.crawlErr("read frontier", err)
		}
		if err := fn(key, depth, seq); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return t.crawlErr("read frontier", err)
	}
	return nil
}

// CrawlQueue puts keys on the frontier at depth, with sequence numbers seq,
// seq+1, ...; a key already queued deeper moves up to depth (keeping its
// sequence number), one queued at depth or shallower is left alone.
func (t *Tx) CrawlQueue(platform string, depth int, keys []string, seq int64) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, 0, 4*len(keys))
	for i, k := range keys {
		args = append(args, platform, k, depth, seq+int64(i))
	}
	_, err := t.insertRows("INSERT INTO crawl_frontier (platform, key, depth, seq) VALUES ", "(?,?,?,?)",
		" ON CONFLICT (platform, key) DO UPDATE SET depth = excluded.depth WHERE excluded.depth < crawl_frontier.depth", 4, args)
	if err != nil {
		return t.crawlErr("queue accounts", err)
	}
	return nil
}

// CrawlTasks calls fn for every task of platform, in id order.
func (t *Tx) CrawlTasks(platform string, fn func(id int64, endpoint, subject, owner string, depth int, status, cursor, prevCursor string, items, emptyPages, attempts int) error) error {
	rows, err := t.conn.QueryContext(t.ctx, `SELECT id, endpoint, subject, owner, depth, status, cursor, prev_cursor,
		items, empty_pages, attempts FROM crawl_tasks WHERE platform = ? ORDER BY id`, platform)
	if err != nil {
		return t.crawlErr("read tasks", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var endpoint, subject, owner, status, cursor, prev string
		var depth, items, empty, attempts int
		if err := rows.Scan(&id, &endpoint, &subject, &owner, &depth, &status, &cursor, &prev, &items, &empty, &attempts); err != nil {
			return t.crawlErr("read tasks", err)
		}
		if err := fn(id, endpoint, subject, owner, depth, status, cursor, prev, items, empty, attempts); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return t.crawlErr("read tasks", err)
	}
	return nil
}

// CrawlAddTask adds the task (platform, endpoint, subject) unless it exists;
// an existing task moves up to depth if it was deeper. It returns the task's
// id and status.
func (t *Tx) CrawlAddTask(platform, endpoint, subject, owner string, depth int) (int64, string, error) {
	st, err := t.stmt(`INSERT INTO crawl_tasks (platform, endpoint, subject, owner, depth, updated_at) VALUES (?,?,?,?,?,?)
		ON CONFLICT (platform, endpoint, subject) DO UPDATE SET depth = min(depth, excluded.depth)
		RETURNING id, status`)
	if err != nil {
		return 0, "", err
	}
	var id int64
	var status string
	if err := st.QueryRowContext(t.ctx, platform, endpoint, subject, owner, depth, t.now).Scan(&id, &status); err != nil {
		return 0, "", t.crawlErr("add task", err)
	}
	return id, status, nil
}

// CrawlSetTask records a task's position and status.
func (t *Tx) CrawlSetTask(id int64, status, cursor, prevCursor string, items, emptyPages, attempts int, lastError string) error {
	st, err := t.stmt(`UPDATE crawl_tasks SET status = ?, cursor = ?, prev_cursor = ?, items = ?, empty_pages = ?,
		attempts = ?, last_error = ?, updated_at = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	res, err := st.ExecContext(t.ctx, status, cursor, prevCursor, items, emptyPages, attempts, lastError, t.now, id)
	if err != nil {
		return t.crawlErr("update task", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return t.crawlErr("update task", fmt.Errorf("no task %d", id))
	}
	return nil
}

// CrawlRetryFailed puts platform's failed tasks and failed profile lookups
// back in the queue, keeping their position, and returns how many tasks.
func (t *Tx) CrawlRetryFailed(platform string) (int64, error) {
	res, err := t.conn.ExecContext(t.ctx, `UPDATE crawl_tasks
		SET status = CASE WHEN cursor = '' THEN 'pending' ELSE 'in_progress' END, updated_at = ?
		WHERE platform = ? AND status = 'failed'`, t.now, platform)
	if err != nil {
		return 0, t.crawlErr("retry failed tasks", err)
	}
	n, _ := res.RowsAffected()
	if _, err := t.conn.ExecContext(t.ctx, `UPDATE crawl_profiles SET status = 'pending'
		WHERE platform = ? AND status = 'failed'`, platform); err != nil {
		return 0, t.crawlErr("retry failed profiles", err)
	}
	return n, nil
}

// CrawlProfiles calls fn for every account of platform whose profile the
// crawl tracks, in the order they were added.
func (t *Tx) CrawlProfiles(platform string, fn func(key, status string) error) error {
	rows, err := t.conn.QueryContext(t.ctx, "SELECT key, status FROM crawl_profiles WHERE platform = ? ORDER BY id", platform)
	if err != nil {
		return t.crawlErr("read profiles", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, status string
		if err := rows.Scan(&key, &status); err != nil {
			return t.crawlErr("read profiles", err)
		}
		if err := fn(key, status); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return t.crawlErr("read profiles", err)
	}
	return nil
}

// CrawlSetProfiles sets the profile status (pending, done, failed) of keys,
// adding those not tracked yet.
func (t *Tx) CrawlSetProfiles(platform, status string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(keys))
	for _, k := range keys {
		args = append(args, platform, k, status)
	}
	if _, err := t.insertRows("INSERT INTO crawl_profiles (platform, key, status) VALUES ", "(?,?,?)",
		" ON CONFLICT (platform, key) DO UPDATE SET status = excluded.status", 3, args); err != nil {
		return t.crawlErr("set profiles", err)
	}
	return nil
}

// CrawlCount adds to platform's request counters.
func (t *Tx) CrawlCount(platform string, requests, retries, rateLimited, waitNanos, pages int64) error {
	st, err := t.stmt(`INSERT INTO crawl_counters (platform, requests, retries, rate_limited, wait_ms, pages, updated_at)
		VALUES (?,?,?,?,?,?,?) ON CONFLICT (platform) DO UPDATE SET
		requests = requests + excluded.requests, retries = retries + excluded.retries,
		rate_limited = rate_limited + excluded.rate_limited, wait_ms = wait_ms + excluded.wait_ms,
		pages = pages + excluded.pages, updated_at = excluded.updated_at`)
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(t.ctx, platform, requests, retries, rateLimited, waitNanos/1e6, pages, t.now); err != nil {
		return t.crawlErr("count requests", err)
	}
	return nil
}

// CrawlPlatforms lists the platforms that have crawl state, sorted.
func (s *Store) CrawlPlatforms(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT platform FROM crawl_frontier UNION SELECT platform FROM crawl_tasks
		UNION SELECT platform FROM crawl_counters ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("database %s: crawl platforms: %w", s.path, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("database %s: crawl platforms: %w", s.path, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CrawlCounts returns platform's crawl counters, by name:
//
//	frontier                 accounts queued (seen by the crawl at some depth)
//	accounts.queued          accounts with a task not finished (tag lists are no account's)
//	accounts.done            accounts whose tasks are all done (or hidden)
//	accounts.failed          accounts with no task left to run and at least one failed
//	tasks.STATUS             tasks by status (pending, in_progress, done, failed, hidden)
//	profiles.STATUS          profile lookups by status (pending, done, failed)
//	requests, retries, rate_limited, wait_ms, pages   from crawl_counters
func (s *Store) CrawlCounts(ctx context.Context, platform string) (map[string]int64, error) {
	m := map[string]int64{}
	for _, k := range []string{"frontier", "accounts.queued", "accounts.done", "accounts.failed",
		"tasks.pending", "tasks.in_progress", "tasks.done", "tasks.failed", "tasks.hidden",
		"profiles.pending", "profiles.done", "profiles.failed",
		"requests", "retries", "rate_limited", "wait_ms", "pages"} {
		m[k] = 0
	}
	wrap := func(err error) error { return fmt.Errorf("database %s: crawl status: %w", s.path, err) }
	var n int64
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM crawl_frontier WHERE platform = ?", platform).Scan(&n); err != nil {
		return nil, wrap(err)
	}
	m["frontier"] = n
	var q, d, f sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT sum(open > 0), sum(open = 0 AND failed = 0), sum(open = 0 AND failed > 0)
		FROM (SELECT sum(status IN ('pending','in_progress')) AS open, sum(status = 'failed') AS failed
		      FROM crawl_tasks WHERE platform = ? AND endpoint != 'tag_posts' GROUP BY owner)`, platform).Scan(&q, &d, &f); err != nil {
		return nil, wrap(err)
	}
	m["accounts.queued"], m["accounts.done"], m["accounts.failed"] = q.Int64, d.Int64, f.Int64
	for _, g := range []struct{ table, prefix string }{{"crawl_tasks", "tasks."}, {"crawl_profiles", "profiles."}} {
		rows, err := s.db.QueryContext(ctx, "SELECT status, count(*) FROM "+g.table+" WHERE platform = ? GROUP BY status", platform)
		if err != nil {
			return nil, wrap(err)
		}
		for rows.Next() {
			var st string
			if err := rows.Scan(&st, &n); err != nil {
				rows.Close()
				return nil, wrap(err)
			}
			m[g.prefix+st] = n
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, wrap(err)
		}
	}
	var req, ret, rl, wait, pages int64
	err := s.db.QueryRowContext(ctx, "SELECT requests, retries, rate_limited, wait_ms, pages FROM crawl_counters WHERE platform = ?",
		platform).Scan(&req, &ret, &rl, &wait, &pages)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, wrap(err)
	}
	m["requests"], m["retries"], m["rate_limited"], m["wait_ms"], m["pages"] = req, ret, rl, wait, pages
	return m, nil
}

// CrawlTaskList calls fn for up to limit tasks of platform with the given
// status, most recently updated first.
func (s *Store) CrawlTaskList(ctx context.Context, platform, status string, limit int, fn func(endpoint, subject, owner, lastError string, updatedAt int64) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT endpoint, subject, owner, last_error, updated_at FROM crawl_tasks
		WHERE platform = ? AND status = ? ORDER BY updated_at DESC, id DESC LIMIT ?`, platform, status, limit)
	if err != nil {
		return fmt.Errorf("database %s: crawl tasks: %w", s.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var endpoint, subject, owner, lastErr string
		var at int64
		if err := rows.Scan(&endpoint, &subject, &owner, &lastErr, &at); err != nil {
			return fmt.Errorf("database %s: crawl tasks: %w", s.path, err)
		}
		if err := fn(endpoint, subject, owner, lastErr, at); err != nil {
			return err
		}
	}
	return rows.Err()
}
