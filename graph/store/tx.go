package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/clout-cli/clout/graph"
)

// Buffer sizes at which a Tx hands what it holds to its writer goroutine
// (still inside the same SQLite transaction), so that SQLite writes while the
// source parses: a bulk import keeps both cores busy.
//
// Follows are held much longer (32M edges, 256 MB) and sorted before
// writing: inserted in key order they append to the follows B-tree at
// ~0.45 µs a row, while chunks that each span the whole key range split pages
// all over the tree at ~1.1 µs a row (measured on 10M edges). Holding them
// costs memory but wins more than overlapping their insertion with parsing.
const (
	flushFollows    = 1 << 25
	flushEvents     = 1 << 17
	flushEventsBulk = 1 << 23
	flushAccounts   = 1 << 17
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
	added   map[string]bool // platforms this Tx gave new ids in, forgotten on rollback
	newAcc  map[int64]*accountRow
	updAcc  map[int64]*accountRow
	follows []uint64 // src<<32 | dst
	events  []eventRow
	// posts are the distinct posts received since the last flush, postIdx
	// their index by platform and id (posts.go).
	posts   []postRow
	postIdx map[string]int
	// postsEmpty: the posts table was empty when the Tx began; postsDropped:
	// its secondary indexes are dropped for a bulk load (posts.go).
	postsEmpty, postsDropped bool
	// eventFloor is the largest event id before this Tx: anonymous events
	// (no post id) repeated within one transaction add up their counts,
	// while one already stored before is left alone, so importing a file
	// twice changes nothing.
	eventFloor int64

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
	stats  TxStats
	done   bool

	// w writes full buffers in the background; nil until the first one.
	w *writer
	// firstID is the first account id this Tx gives; dropped is set while
	// the account indexes are dropped for a bulk load.
	firstID int64
	dropped bool
	// followsEmpty: the follows table was empty when the Tx began; with
	// followBatches == 1 the last batch is then the whole table, and the Tx
	// stores it as the follows snapshot too (snapshot.go).
	followsEmpty  bool
	followBatches int
	// eventsBulk: the events table was empty when the Tx began and no event
	// has been written yet; the first batch is then written as a bulk load
	// (writeEventsBulk) and holds up to flushEventsBulk events.
	eventsBulk bool
}

// accountIndexes are the accounts table's secondary indexes. A transaction
// that creates at least as many accounts as the table held drops them and
// builds them again before it commits: SQLite builds an index from sorted
// keys several times faster than it inserts random keys one by one
// (measured: 3 µs a row into accounts_key in random order). Uniqueness of
// (platform, key) is meanwhile kept by the Tx's own key index, which holds
// every key of every platform the Tx writes to.
var accountIndexes = []struct{ name, create string }{
	{"accounts_key", "CREATE UNIQUE INDEX accounts_key ON accounts (platform, key)"},
	{"accounts_handle", "CREATE INDEX accounts_handle ON accounts (handle COLLATE NOCASE) WHERE handle IS NOT NULL"},
}

// dropAccountIndexes is called before a batch is written, on the writer's
// goroutine.
func (t *Tx) dropAccountIndexes(newAccounts int64) error {
	if t.dropped || newAccounts < flushAccounts || newAccounts < t.firstID {
		return nil
	}
	for _, ix := range accountIndexes {
		if _, err := t.conn.ExecContext(context.WithoutCancel(t.ctx), "DROP INDEX IF EXISTS "+ix.name); err != nil {
			return fmt.Errorf("database %s: %w", t.s.path, err)
		}
	}
	t.dropped = true
	return nil
}

// restoreAccountIndexes builds the indexes dropped for a bulk load.
func (t *Tx) restoreAccountIndexes() error {
	if !t.dropped {
		return nil
	}
	for _, ix := range accountIndexes {
		if _, err := t.conn.ExecContext(context.WithoutCancel(t.ctx), ix.create); err != nil {
			return fmt.Errorf("database %s: rebuild index %s: %w", t.s.path, ix.name, err)
		}
	}
	t.dropped = false
	return nil
}

// batch is what a Tx buffered, handed whole to be written.
type batch struct {
	last           bool  // the final batch, written at Commit
	createdUpTo    int64 // the last account id given when the batch was taken
	newAcc, updAcc map[int64]*accountRow
	follows        []uint64
	events         []eventRow
	eventsBulk     bool // write events with writeEventsBulk
	posts          []postRow
}

// writer executes a Tx's batches in order on a second goroutine. Only one
// batch waits while another is written, which bounds memory.
type writer struct {
	jobs chan batch
	done chan struct{}
	err  error // first error; read only after done is closed
	// counts of rows stored, added to the Tx's stats at the end
	newFollows, newEvents, newPosts int64
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
	Posts       int64 // posts received
	NewPosts    int64 // posts stored that were not there before
}

type accountRow struct {
	platform, key string
	handle, name  string
	followers     int64
	following     int64
	posts         int64
	// When each attribute was observed (Unix seconds; unseen = unknown).
	handleAt, nameAt, followersAt, followingAt, postsAt int64
	hasAttributes                                       bool
}

// newAccountRow is an account with no attribute known, and so none observed.
func newAccountRow() *accountRow {
	return &accountRow{followers: graph.Unknown, following: graph.Unknown, posts: graph.Unknown,
		handleAt: unseen, nameAt: unseen, followersAt: unseen, followingAt: unseen, postsAt: unseen}
}

// unseen is the observation time of an attribute whose time is unknown: older
// than any known one.
const unseen = -1 << 62

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
		added: map[string]bool{}, newAcc: map[int64]*accountRow{}, updAcc: map[int64]*accountRow{}, stmts: map[string]*sql.Stmt{}}
	err = conn.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM accounts").Scan(&t.nextID)
	t.firstID = t.nextID + 1
	if err == nil {
		err = conn.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM events").Scan(&t.eventFloor)
	}
	if err == nil {
		err = conn.QueryRowContext(ctx, "SELECT NOT EXISTS (SELECT 1 FROM follows)").Scan(&t.followsEmpty)
	}
	if err == nil {
		err = conn.QueryRowContext(ctx, "SELECT NOT EXISTS (SELECT 1 FROM posts)").Scan(&t.postsEmpty)
	}
	t.eventsBulk = t.eventFloor == 0
	if err != nil {
		// Not t.abort: that would also release s.mu, which Begin releases.
		conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		conn.Close()
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
	if id := m.get(key); id != 0 {
		return id, nil
	}
	t.nextID++
	id := t.nextID
	if id >= 1<<32 {
		return 0, errors.New("more than 4 billion accounts: clout's graph cannot index them")
	}
	m.put(key, id)
	t.added[platform] = true
	row := newAccountRow()
	row.platform, row.key = platform, key
	t.newAcc[id] = row
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
			row = newAccountRow()
			t.updAcc[id] = row
		}
	}
	row.merge(a)
	return nil
}

func (r *accountRow) merge(a graph.Account) {
	r.hasAttributes = true
	at := int64(unseen)
	if !a.Seen.IsZero() {
		at = a.Seen.Unix()
	}
	// Each attribute keeps its latest observation, ties broken by the larger
	// value: a maximum, so the order observations arrive in does not matter.
	if a.Handle != "" && (r.handle == "" || at > r.handleAt || at == r.handleAt && a.Handle > r.handle) {
		r.handle, r.handleAt = a.Handle, at
	}
	if a.Name != "" && (r.name == "" || at > r.nameAt || at == r.nameAt && a.Name > r.name) {
		r.name, r.nameAt = a.Name, at
	}
	mergeCount(&r.followers, &r.followersAt, a.Followers, at)
	mergeCount(&r.following, &r.followingAt, a.Following, at)
	mergeCount(&r.posts, &r.postsAt, a.Posts, at)
}

func mergeCount(v, vAt *int64, n, at int64) {
	if n >= 0 && (*v < 0 || at > *vAt || at == *vAt && n > *v) {
		*v, *vAt = n, at
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
	eventLimit := flushEvents
	if t.eventsBulk {
		eventLimit = flushEventsBulk
	}
	if len(t.follows) >= flushFollows || len(t.events) >= eventLimit || len(t.newAcc)+len(t.updAcc) >= flushAccounts ||
		len(t.posts) >= flushPosts {
		return t.flushAsync()
	}
	return nil
}

// take removes and returns everything buffered.
func (t *Tx) take(follows bool) batch {
	b := batch{createdUpTo: t.nextID, newAcc: t.newAcc, updAcc: t.updAcc}
	t.newAcc, t.updAcc = map[int64]*accountRow{}, map[int64]*accountRow{}
	b.posts, t.posts = t.posts, nil
	clear(t.postIdx)
	// Held for a bulk load until there are many, or the end.
	if !t.eventsBulk || len(t.events) >= flushEventsBulk || follows {
		b.events = t.events
		t.events = nil
		if len(b.events) > 0 {
			b.eventsBulk, t.eventsBulk = t.eventsBulk, false
		}
	}
	if follows {
		b.follows = t.follows
		t.follows = nil
	}
	return b
}

// flushAsync hands the buffers to the writer goroutine, starting it if
// needed; it blocks while the writer still has a batch waiting.
func (t *Tx) flushAsync() error {
	if t.w == nil {
		t.w = &writer{jobs: make(chan batch, 1), done: make(chan struct{})}
		go t.runWriter(t.w)
	}
	select {
	case <-t.w.done:
		// The writer stopped on an error: report it.
		return t.w.err
	case t.w.jobs <- t.take(len(t.follows) >= flushFollows):
		return nil
	}
}

func (t *Tx) runWriter(w *writer) {
	defer close(w.done)
	for b := range w.jobs {
		if w.err != nil {
			continue // drain, so senders never block
		}
		err := t.dropAccountIndexes(t.nextIDSnapshot(b))
		var f, e int64
		if err == nil {
			f, e, err = t.write(b)
		}
		if err == nil {
			var p int64
			p, err = t.writePosts(b.posts)
			w.newPosts += p
		}
		w.newFollows += f
		w.newEvents += e
		w.err = err
	}
}

// nextIDSnapshot is how many accounts this Tx had created when b was taken.
func (t *Tx) nextIDSnapshot(b batch) int64 { return b.createdUpTo - t.firstID + 1 }

// wait stops the writer goroutine after its last batch and reports its
// first error.
func (t *Tx) wait() error {
	if t.w == nil {
		return nil
	}
	w := t.w
	t.w = nil
	close(w.jobs)
	<-w.done
	t.stats.NewFollows += w.newFollows
	t.stats.NewEvents += w.newEvents
	t.stats.NewPosts += w.newPosts
	return w.err
}

// flush writes everything buffered, inside the transaction, after the
// writer goroutine's batches.
func (t *Tx) flush() error {
	if err := t.wait(); err != nil {
		return err
	}
	b := t.take(true)
	b.last = true
	f, e, err := t.write(b)
	t.stats.NewFollows += f
	t.stats.NewEvents += e
	if err != nil {
		return err
	}
	p, err := t.writePosts(b.posts)
	t.stats.NewPosts += p
	if err != nil {
		return err
	}
	if err := t.restorePostIndexes(); err != nil {
		return err
	}
	return t.restoreAccountIndexes()
}

// write stores one batch and returns how many follows and events it added.
func (t *Tx) write(b batch) (follows, events int64, err error) {
	if err := t.writeAccounts(b.newAcc, b.updAcc); err != nil {
		return 0, 0, err
	}
	var uniq []uint64
	if follows, uniq, err = t.writeFollows(b.follows); err != nil {
		return follows, 0, err
	}
	if b.last && t.followsEmpty && t.followBatches == 1 && len(uniq) > 0 {
		if err := t.writeSnapshot(uniq); err != nil {
			return follows, 0, err
		}
	}
	if b.eventsBulk {
		events, err = t.writeEventsBulk(b.events)
	} else {
		events, err = t.writeEvents(b.events)
	}
	return follows, events, err
}

// writeSnapshot stores uniq, the whole follows table, as its snapshot.
func (t *Tx) writeSnapshot(uniq []uint64) error {
	bg := context.WithoutCancel(t.ctx)
	var version int64
	if err := t.conn.QueryRowContext(bg, "SELECT value FROM meta WHERE key = 'follows_version'").Scan(&version); err != nil {
		return fmt.Errorf("database %s: %w", t.s.path, err)
	}
	exec := func(ctx context.Context, q string, args ...any) error {
		_, err := t.conn.ExecContext(ctx, q, args...)
		return err
	}
	if err := writeSnapshot(bg, exec, uniq, version); err != nil {
		return fmt.Errorf("database %s: write follows snapshot: %w", t.s.path, err)
	}
	return nil
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
	t.wait()
	t.conn.ExecContext(context.WithoutCancel(t.ctx), "ROLLBACK")
	// The index cannot forget single keys; the platforms this Tx added to
	// are dropped whole and read again from the database when next used.
	for p := range t.added {
		delete(t.s.ids.platforms, p)
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

// stmt returns a prepared statement cached for the life of the Tx. The
// writer goroutine and the caller's goroutine both use the cache.
func (t *Tx) stmt(query string) (*sql.Stmt, error) {
	t.stmtMu.Lock()
	defer t.stmtMu.Unlock()
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
	return t.insertRowsN(prefix, row, suffix, cols, rowsPerInsert, args)
}

// insertRowsN is insertRows with per rows per statement.
func (t *Tx) insertRowsN(prefix, row, suffix string, cols, per int, args []any) (int64, error) {
	var changed int64
	for len(args) > 0 {
		n := min(len(args)/cols, per)
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
		// A cancellable context makes go-sqlite3 run each statement on a
		// goroutine of its own; bulk statements are short, so they run
		// synchronously and cancellation is checked between them.
		if err := t.ctx.Err(); err != nil {
			return changed, err
		}
		res, err := st.ExecContext(context.WithoutCancel(t.ctx), args[:n*cols]...)
		if err != nil {
			return changed, fmt.Errorf("database %s: %w", t.s.path, err)
		}
		c, _ := res.RowsAffected()
		changed += c
		args = args[n*cols:]
	}
	return changed, nil
}

// unseenSQL is unseen as SQL: a NULL *_seen column is an unknown time.
const unseenSQL = "-4611686018427387904"

// seenAt is an observation time as stored: NULL when unknown.
func seenAt(at int64) any {
	if at == unseen {
		return nil
	}
	return at
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

func (t *Tx) writeAccounts(newAcc, updAcc map[int64]*accountRow) error {
	if len(newAcc) > 0 {
		ids := make([]int64, 0, len(newAcc))
		for id := range newAcc {
			ids = append(ids, id)
		}
		sortInt64(ids)
		// Most accounts of a bulk import are bare keys: they take a narrow
		// statement with three parameters instead of ten.
		var bare, full []any
		for _, id := range ids {
			r := newAcc[id]
			if r.hasAttributes {
				full = append(full, id, r.platform, r.key, nullString(r.handle), nullString(r.name),
					nullCount(r.followers), nullCount(r.following), nullCount(r.posts), t.now, t.now,
					seenAt(r.handleAt), seenAt(r.nameAt), seenAt(r.followersAt), seenAt(r.followingAt), seenAt(r.postsAt))
			} else {
				bare = append(bare, id, r.platform, r.key)
			}
		}
		now := strconv.FormatInt(t.now, 10)
		if _, err := t.insertRows("INSERT INTO accounts (id, platform, key, first_seen, last_seen) VALUES ",
			"(?,?,?,"+now+","+now+")", "", 3, bare); err != nil {
			return err
		}
		if _, err := t.insertRows("INSERT INTO accounts (id, platform, key, handle, name, followers_count, following_count, posts_count, first_seen, last_seen, "+
			"handle_seen, name_seen, followers_seen, following_seen, posts_seen) VALUES ",
			"(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", "", 15, full); err != nil {
			return err
		}
	}
	if len(updAcc) > 0 {
		// Each attribute takes the new value when it is given and its
		// observation is later than the stored one (or as late, and the
		// value larger): the same maximum as accountRow.merge. SQLite
		// evaluates every SET expression on the row as it was.
		take := func(col, seen string, n int) string {
			v, at := "?"+strconv.Itoa(n), "?"+strconv.Itoa(n+1)
			atCmp, seenCmp := "coalesce("+at+", "+unseenSQL+")", "coalesce("+seen+", "+unseenSQL+")"
			cond := "(" + v + " IS NOT NULL AND (" + col + " IS NULL OR " + atCmp + " > " + seenCmp + " OR (" +
				atCmp + " = " + seenCmp + " AND " + v + " > " + col + ")))"
			return col + " = CASE WHEN " + cond + " THEN " + v + " ELSE " + col + " END, " +
				seen + " = CASE WHEN " + cond + " THEN " + at + " ELSE " + seen + " END"
		}
		st, err := t.stmt("UPDATE accounts SET " + take("handle", "handle_seen", 1) + ", " + take("name", "name_seen", 3) + ", " +
			take("followers_count", "followers_seen", 5) + ", " + take("following_count", "following_seen", 7) + ", " +
			take("posts_count", "posts_seen", 9) + ", last_seen = ?11 WHERE id = ?12")
		if err != nil {
			return err
		}
		ids := make([]int64, 0, len(updAcc))
		for id := range updAcc {
			ids = append(ids, id)
		}
		sortInt64(ids)
		for _, id := range ids {
			r := updAcc[id]
			if _, err := st.ExecContext(t.ctx, nullString(r.handle), seenAt(r.handleAt), nullString(r.name), seenAt(r.nameAt),
				nullCount(r.followers), seenAt(r.followersAt), nullCount(r.following), seenAt(r.followingAt),
				nullCount(r.posts), seenAt(r.postsAt), t.now, id); err != nil {
				return fmt.Errorf("database %s: update account: %w", t.s.path, err)
			}
		}
	}
	return nil
}

func (t *Tx) writeFollows(follows []uint64) (int64, []uint64, error) {
	if len(follows) == 0 {
		return 0, nil, nil
	}
	t.followBatches++
	radixSort(follows)
	uniq := follows[:1]
	for _, p := range follows[1:] {
		if p != uniq[len(uniq)-1] {
			uniq = append(uniq, p)
		}
	}
	// The per-row trigger that marks snapshots stale would double the cost
	// of a bulk insert; it is dropped for the insert and the version bumped
	// once instead, all inside the transaction.
	bg := context.WithoutCancel(t.ctx)
	if _, err := t.conn.ExecContext(bg, "DROP TRIGGER IF EXISTS follows_inserted"); err != nil {
		return 0, nil, fmt.Errorf("database %s: %w", t.s.path, err)
	}
	// 500 rows a statement: measured here, binding 1,000 parameters per
	// statement costs ~0.5 µs per row, below integer literals in the SQL
	// text (SQLite's parser then costs more than the bind) and below 100
	// rows a statement.
	const per = 500
	now := strconv.FormatInt(t.now, 10)
	var added int64
	args := make([]any, 0, 2*per*64)
	for rest := uniq; len(rest) > 0; {
		chunk := rest[:min(len(rest), per*64)]
		rest = rest[len(chunk):]
		args = args[:0]
		for _, p := range chunk {
			args = append(args, int64(p>>32), int64(p&(1<<32-1)))
		}
		n, err := t.insertRowsN("INSERT OR IGNORE INTO follows (src, dst, first_seen) VALUES ", "(?,?,"+now+")", "", 2, per, args)
		added += n
		if err != nil {
			return added, nil, err
		}
	}
	if _, err := t.conn.ExecContext(bg, followsInsertedTrigger); err != nil {
		return added, nil, fmt.Errorf("database %s: %w", t.s.path, err)
	}
	if added > 0 {
		if _, err := t.conn.ExecContext(bg, "UPDATE meta SET value = value + 1 WHERE key = 'follows_version'"); err != nil {
			return added, nil, fmt.Errorf("database %s: %w", t.s.path, err)
		}
	}
	return added, uniq, nil
}

// followsInsertedTrigger is the trigger of schema v1, recreated after a bulk insert.
const followsInsertedTrigger = `CREATE TRIGGER follows_inserted AFTER INSERT ON follows BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'follows_version';
END`

func (t *Tx) writeEvents(events []eventRow) (int64, error) {
	if len(events) == 0 {
		return 0, nil
	}
	args := make([]any, 0, len(events)*7)
	for _, e := range events {
		var at any
		if e.hasAt {
			at = e.at
		}
		args = append(args, e.kind.String(), e.src, e.dst, at, e.postID, nullString(e.hashtags), e.count)
	}
	suffix := fmt.Sprintf(` ON CONFLICT (src, dst, kind, post_id, coalesce(at, -1)) DO UPDATE
		SET count = events.count + excluded.count WHERE events.id > %d AND excluded.post_id = ''`, t.eventFloor)
	return t.insertRows("INSERT INTO events (kind, src, dst, at, post_id, hashtags, count) VALUES ", "(?,?,?,?,?,?,?)", suffix, 7, args)
}

// eventIndexes are the events table's secondary indexes that a bulk load
// builds after inserting (events_identity is kept: it is appended to in
// order).
var eventIndexes = []struct{ name, create string }{
	{"events_at", "CREATE INDEX events_at ON events (at)"},
	{"events_post", "CREATE INDEX events_post ON events (post_id)"},
}

// writeEventsBulk writes the first events of a Tx into an empty events
// table: it merges repeated events in memory as writeEvents' upsert would
// (an event with a post id is stored once, the first time; anonymous events
// add up their counts) and inserts them in identity order, so that they
// append to events_identity instead of landing at random in it; events_at
// and events_post are dropped for the insert and built again after. Inserting
// millions of events one by one in input order cost ~6-10 µs an event
// (measured: 5M events in 52 s).
func (t *Tx) writeEventsBulk(events []eventRow) (int64, error) {
	if len(events) == 0 {
		return 0, nil
	}
	atKey := func(e *eventRow) int64 {
		if e.hasAt {
			return e.at
		}
		return -1
	}
	// Order: by (src, dst) with a stable radix sort of packed keys, then
	// each run of equal (src, dst), which is short, by the rest of the
	// identity, stably: of equal events the first one read comes first and
	// is the one kept, as with the upsert.
	keyed := make([]uint64, len(events)) // src<<32|dst; ids are < 2^32
	for i := range events {
		keyed[i] = uint64(events[i].src)<<32 | uint64(events[i].dst)
	}
	order := radixOrder(keyed)
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && keyed[order[hi]] == keyed[order[lo]] {
			hi++
		}
		if hi-lo > 1 {
			slices.SortStableFunc(order[lo:hi], func(x, y uint32) int {
				a, b := &events[x], &events[y]
				return cmp.Or(cmp.Compare(a.kind.String(), b.kind.String()), strings.Compare(a.postID, b.postID), cmp.Compare(atKey(a), atKey(b)))
			})
		}
		lo = hi
	}
	same := func(a, b *eventRow) bool {
		return a.src == b.src && a.dst == b.dst && a.kind == b.kind && a.postID == b.postID && atKey(a) == atKey(b)
	}
	bg := context.WithoutCancel(t.ctx)
	for _, ix := range eventIndexes {
		if _, err := t.conn.ExecContext(bg, "DROP INDEX IF EXISTS "+ix.name); err != nil {
			return 0, fmt.Errorf("database %s: %w", t.s.path, err)
		}
	}
	// Rows go straight from the sorted order into statement arguments, a
	// chunk at a time: no merged copy of millions of events.
	const per, chunkRows = 500, 500 * 16
	var n int64
	args := make([]any, 0, 7*chunkRows)
	flush := func() error {
		c, err := t.insertRowsN("INSERT INTO events (kind, src, dst, at, post_id, hashtags, count) VALUES ", "(?,?,?,?,?,?,?)", "", 7, per, args)
		n += c
		args = args[:0]
		return err
	}
	for lo := 0; lo < len(order); {
		e := &events[order[lo]]
		count := e.count
		hi := lo + 1
		for ; hi < len(order) && same(e, &events[order[hi]]); hi++ {
			if e.postID == "" {
				count += events[order[hi]].count
			}
		}
		lo = hi
		var at any
		if e.hasAt {
			at = e.at
		}
		args = append(args, e.kind.String(), e.src, e.dst, at, e.postID, nullString(e.hashtags), count)
		if len(args) == cap(args) {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := flush(); err != nil {
		return n, err
	}
	for _, ix := range eventIndexes {
		if _, err := t.conn.ExecContext(bg, ix.create); err != nil {
			return n, fmt.Errorf("database %s: rebuild index %s: %w", t.s.path, ix.name, err)
		}
	}
	return n, nil
}
