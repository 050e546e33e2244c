package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/clout-cli/clout/graph"
)

// Buffer sizes at which a Tx writes what it holds (still inside the same
// SQLite transaction). Follows are sorted before writing so that the B-tree
// of the follows table is filled in key order; the larger the buffer the
// longer those runs.
const (
	flushFollows  = 1 << 24
	flushEvents   = 1 << 17
	flushAccounts = 1 << 17
)

// Tx is one write transaction. It implements graph.Sink: everything sent to
// it lands together at Commit, or not at all. A Tx is not safe for concurrent
// use, and a Store has at most one open Tx.
type Tx struct {
	s    *Store
	ctx  context.Context
	conn *sql.Conn
	now  int64

	nextID  int64
	added   []cacheKey // accounts this Tx gave ids to, forgotten on rollback
	newAcc  map[int64]*accountRow
	updAcc  map[int64]*accountRow
	follows []uint64 // src<<32 | dst
	events  []eventRow
	// eventFloor is the largest event id before this Tx: anonymous events
	// (no post id) repeated within one transaction add up their counts,
	// while one already stored before is left alone, so importing a file
	// twice changes nothing.
	eventFloor int64

	stmts map[string]*sql.Stmt
	stats TxStats
	done  bool
}

// TxStats counts what a Tx received and what it stored.
type TxStats struct {
	Accounts    int64 // accounts created
	Edges       int64 // edges received
	SelfLoops   int64 // edges dropped because they point at their source
	NewFollows  int64 // follow edges stored that were not there before
	NewEvents   int64 // interaction events stored (or merged into one of this Tx)
	SeenFollows int64 // follow edges received
	SeenEvents  int64 // interaction events received
}

type accountRow struct {
	platform, key    string
	handle, name     string
	followers        int64
	following        int64
	posts            int64
	hasAttributes    bool
	insertedInThisTx bool
}

type eventRow struct {
	kind     graph.Kind
	src, dst int64
	at       int64
	hasAt    bool
	postID   string
	hashtags string
	count    int64
}

// Begin starts a write transaction. It waits for any other Tx of this Store
// to end, and for other processes' writers (busy timeout).
func (s *Store) Begin(ctx context.Context) (*Tx, error) {
	s.mu.Lock()
	t, err := s.begin(ctx)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	return t, nil
}

func (s *Store) begin(ctx context.Context) (*Tx, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, s.openError(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("database %s: begin write: %w", s.path, err)
	}
	t := &Tx{s: s, ctx: ctx, conn: conn, now: s.now().Unix(),
		newAcc: map[int64]*accountRow{}, updAcc: map[int64]*accountRow{}, stmts: map[string]*sql.Stmt{}}
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM accounts").Scan(&t.nextID); err == nil {
		err = conn.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM events").Scan(&t.eventFloor)
	}
	if err != nil {
		t.abort()
		return nil, fmt.Errorf("database %s: %w", s.path, err)
	}
	return t, nil
}

// Conn is the transaction's connection, for the store's own code (crawl state)
// that must write in the same transaction.
func (t *Tx) Conn() *sql.Conn { return t.conn }

// Context is the context the transaction was begun with.
func (t *Tx) Context() context.Context { return t.ctx }

// Stats reports what the transaction has received and stored so far.
func (t *Tx) Stats() TxStats { return t.stats }

// AccountID returns the id of (platform, key), creating the account if it is
// new. The id is valid once the Tx commits.
func (t *Tx) AccountID(platform, key string) (int64, error) {
	if platform == "" || key == "" {
		return 0, fmt.Errorf("account with empty platform or key (platform %q, key %q)", platform, key)
	}
	m, err := t.platformIDs(platform)
	if err != nil {
		return 0, err
	}
	if id, ok := m[key]; ok {
		return id, nil
	}
	t.nextID++
	id := t.nextID
	if id >= 1<<32 {
		return 0, errors.New("more than 4 billion accounts: clout's graph cannot index them")
	}
	m[key] = id
	t.added = append(t.added, cacheKey{platform, key})
	t.newAcc[id] = &accountRow{platform: platform, key: key, followers: graph.Unknown,
		following: graph.Unknown, posts: graph.Unknown, insertedInThisTx: true}
	t.stats.Accounts++
	return id, t.maybeFlush()
}

// Account records an account and its attributes; attributes the source did
// not give (empty, graph.Unknown) leave the stored ones as they are.
func (t *Tx) Account(a graph.Account) error {
	id, err := t.AccountID(a.Platform, a.Key)
	if err != nil {
		return err
	}
	if a.Handle == "" && a.Name == "" && a.Followers < 0 && a.Following < 0 && a.Posts < 0 {
		return nil
	}
	row := t.newAcc[id]
	if row == nil {
		if row = t.updAcc[id]; row == nil {
			row = &accountRow{followers: graph.Unknown, following: graph.Unknown, posts: graph.Unknown}
			t.updAcc[id] = row
		}
	}
	row.merge(a)
	return nil
}

func (r *accountRow) merge(a graph.Account) {
	r.hasAttributes = true
	if a.Handle != "" {
		r.handle = a.Handle
	}
	if a.Name != "" {
		r.name = a.Name
	}
	if a.Followers >= 0 {
		r.followers = a.Followers
	}
	if a.Following >= 0 {
		r.following = a.Following
	}
	if a.Posts >= 0 {
		r.posts = a.Posts
	}
}

// Edge records one follow or interaction event. Self-loops are counted and
// dropped (their account is still recorded).
func (t *Tx) Edge(e graph.Edge) error {
	t.stats.Edges++
	src, err := t.AccountID(e.Platform, e.Src)
	if err != nil {
		return err
	}
	if e.Src == e.Dst {
		t.stats.SelfLoops++
		return nil
	}
	dst, err := t.AccountID(e.Platform, e.Dst)
	if err != nil {
		return err
	}
	switch {
	case e.Kind == graph.Follow:
		t.stats.SeenFollows++
		t.follows = append(t.follows, uint64(src)<<32|uint64(dst))
	case e.Kind.IsInteraction():
		t.stats.SeenEvents++
		c := e.Count
		if c <= 0 {
			c = 1
		}
		r := eventRow{kind: e.Kind, src: src, dst: dst, postID: e.PostID, count: c}
		if !e.At.IsZero() {
			r.at, r.hasAt = e.At.Unix(), true
		}
		if len(e.Hashtags) > 0 {
			r.hashtags = strings.Join(e.Hashtags, " ")
		}
		t.events = append(t.events, r)
	default:
		return fmt.Errorf("edge %s → %s has unknown kind %d", e.Src, e.Dst, e.Kind)
	}
	return t.maybeFlush()
}

func (t *Tx) maybeFlush() error {
	if len(t.follows) >= flushFollows || len(t.events) >= flushEvents || len(t.newAcc)+len(t.updAcc) >= flushAccounts {
		return t.flush()
	}
	return nil
}

// flush writes everything buffered, inside the transaction.
func (t *Tx) flush() error {
	if err := t.flushAccounts(); err != nil {
		return err
	}
	if err := t.flushFollows(); err != nil {
		return err
	}
	return t.flushEvents()
}

// Commit writes what is buffered and commits. After an error the transaction
// is rolled back and nothing of it is stored.
func (t *Tx) Commit() error {
	if t.done {
		return errors.New("transaction already ended")
	}
	if err := t.flush(); err != nil {
		t.Rollback()
		return err
	}
	if _, err := t.conn.ExecContext(context.WithoutCancel(t.ctx), "COMMIT"); err != nil {
		t.Rollback()
		return fmt.Errorf("database %s: commit: %w", t.s.path, err)
	}
	t.end()
	return nil
}

// Rollback abandons the transaction; it is safe to call after Commit.
func (t *Tx) Rollback() error {
	if t.done {
		return nil
	}
	t.abort()
	return nil
}

func (t *Tx) abort() {
	t.conn.ExecContext(context.WithoutCancel(t.ctx), "ROLLBACK")
	for _, k := range t.added {
		delete(t.s.ids.platforms[k.platform], k.key)
	}
	t.end()
}

func (t *Tx) end() {
	for _, st := range t.stmts {
		st.Close()
	}
	t.conn.Close()
	t.done = true
	t.s.mu.Unlock()
}

// stmt returns a prepared statement cached for the life of the Tx.
func (t *Tx) stmt(query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.conn.PrepareContext(t.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("database %s: prepare: %w", t.s.path, err)
	}
	t.stmts[query] = st
	return st, nil
}

// rowsPerInsert is how many rows one multi-row INSERT carries (measured: 100
// rows per statement is ~3x faster than one).
const rowsPerInsert = 100

// insertRows executes prefix + "(row),(row),..." + suffix over args, which
// holds cols values per row, rowsPerInsert rows per statement. It returns
// the number of rows changed.
func (t *Tx) insertRows(prefix, row, suffix string, cols int, args []any) (int64, error) {
	var changed int64
	for len(args) > 0 {
		n := min(len(args)/cols, rowsPerInsert)
		var b strings.Builder
		b.WriteString(prefix)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(row)
		}
		b.WriteString(suffix)
		st, err := t.stmt(b.String())
		if err != nil {
			return changed, err
		}
		res, err := st.ExecContext(t.ctx, args[:n*cols]...)
		if err != nil {
			return changed, fmt.Errorf("database %s: %w", t.s.path, err)
		}
		c, _ := res.RowsAffected()
		changed += c
		args = args[n*cols:]
	}
	return changed, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullCount(n int64) any {
	if n < 0 {
		return nil
	}
	return n
}

func (t *Tx) flushAccounts() error {
	if len(t.newAcc) > 0 {
		ids := make([]int64, 0, len(t.newAcc))
		for id := range t.newAcc {
			ids = append(ids, id)
		}
		sortInt64(ids)
		// Most accounts of a bulk import are bare keys: they take a narrow
		// statement with three parameters instead of ten.
		var bare, full []any
		for _, id := range ids {
			r := t.newAcc[id]
			if r.hasAttributes {
				full = append(full, id, r.platform, r.key, nullString(r.handle), nullString(r.name),
					nullCount(r.followers), nullCount(r.following), nullCount(r.posts), t.now, t.now)
			} else {
				bare = append(bare, id, r.platform, r.key)
			}
		}
		now := strconv.FormatInt(t.now, 10)
		if _, err := t.insertRows("INSERT INTO accounts (id, platform, key, first_seen, last_seen) VALUES ",
			"(?,?,?,"+now+","+now+")", "", 3, bare); err != nil {
			return err
		}
		if _, err := t.insertRows("INSERT INTO accounts (id, platform, key, handle, name, followers_count, following_count, posts_count, first_seen, last_seen) VALUES ",
			"(?,?,?,?,?,?,?,?,?,?)", "", 10, full); err != nil {
			return err
		}
		clear(t.newAcc)
	}
	if len(t.updAcc) > 0 {
		st, err := t.stmt(`UPDATE accounts SET handle = coalesce(?, handle), name = coalesce(?, name),
			followers_count = coalesce(?, followers_count), following_count = coalesce(?, following_count),
			posts_count = coalesce(?, posts_count), last_seen = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		ids := make([]int64, 0, len(t.updAcc))
		for id := range t.updAcc {
			ids = append(ids, id)
		}
		sortInt64(ids)
		for _, id := range ids {
			r := t.updAcc[id]
			if _, err := st.ExecContext(t.ctx, nullString(r.handle), nullString(r.name), nullCount(r.followers),
				nullCount(r.following), nullCount(r.posts), t.now, id); err != nil {
				return fmt.Errorf("database %s: update account: %w", t.s.path, err)
			}
		}
		clear(t.updAcc)
	}
	return nil
}

func (t *Tx) flushFollows() error {
	if len(t.follows) == 0 {
		return nil
	}
	radixSort(t.follows)
	uniq := t.follows[:1]
	for _, p := range t.follows[1:] {
		if p != uniq[len(uniq)-1] {
			uniq = append(uniq, p)
		}
	}
	// Follow rows are integers only, so they go into the statement text as
	// literals: SQLite parses a literal faster than database/sql and cgo
	// bind a parameter, and this is the hottest path of a large import.
	now := strconv.FormatInt(t.now, 10)
	const rows = 500
	buf := make([]byte, 0, 64+rows*32)
	for len(uniq) > 0 {
		chunk := uniq[:min(len(uniq), rows)]
		uniq = uniq[len(chunk):]
		buf = append(buf[:0], "INSERT OR IGNORE INTO follows (src, dst, first_seen) VALUES "...)
		for i, p := range chunk {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, '(')
			buf = strconv.AppendUint(buf, p>>32, 10)
			buf = append(buf, ',')
			buf = strconv.AppendUint(buf, p&(1<<32-1), 10)
			buf = append(buf, ',')
			buf = append(buf, now...)
			buf = append(buf, ')')
		}
		res, err := t.conn.ExecContext(t.ctx, string(buf))
		if err != nil {
			return fmt.Errorf("database %s: write follows: %w", t.s.path, err)
		}
		n, _ := res.RowsAffected()
		t.stats.NewFollows += n
	}
	t.follows = t.follows[:0]
	return nil
}

func (t *Tx) flushEvents() error {
	if len(t.events) == 0 {
		return nil
	}
	args := make([]any, 0, len(t.events)*7)
	for _, e := range t.events {
		var at any
		if e.hasAt {
			at = e.at
		}
		args = append(args, e.kind.String(), e.src, e.dst, at, e.postID, nullString(e.hashtags), e.count)
	}
	suffix := fmt.Sprintf(` ON CONFLICT (src, dst, kind, post_id, coalesce(at, -1)) DO UPDATE
		SET count = events.count + excluded.count WHERE events.id > %d AND excluded.post_id = ''`, t.eventFloor)
	n, err := t.insertRows("INSERT INTO events (kind, src, dst, at, post_id, hashtags, count) VALUES ", "(?,?,?,?,?,?,?)", suffix, 7, args)
	t.stats.NewEvents += n
	t.events = t.events[:0]
	return err
}
