package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
)

var fixed = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clout.db")
	s, err := Open(context.Background(), path, Options{Clock: func() time.Time { return fixed }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestSchemaVersionMatchesMigrations(t *testing.T) {
	if SchemaVersion != len(migrations) {
		t.Fatalf("SchemaVersion = %d, have %d migrations", SchemaVersion, len(migrations))
	}
}

func TestOpenRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	t.Run("missing with MustExist", func(t *testing.T) {
		_, err := Open(ctx, filepath.Join(dir, "none.db"), Options{MustExist: true})
		if err == nil || !strings.Contains(err.Error(), "import or crawl something first") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("not sqlite", func(t *testing.T) {
		p := filepath.Join(dir, "text.db")
		os.WriteFile(p, []byte(strings.Repeat("this is not a database\n", 100)), 0o644)
		_, err := Open(ctx, p, Options{})
		if err == nil || !strings.Contains(err.Error(), "not an SQLite file") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("foreign sqlite", func(t *testing.T) {
		p := filepath.Join(dir, "other.db")
		db, _ := sql.Open("sqlite3", p)
		db.Exec("CREATE TABLE x (a)")
		db.Close()
		_, err := Open(ctx, p, Options{})
		if err == nil || !strings.Contains(err.Error(), "not a clout database") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("newer", func(t *testing.T) {
		p := filepath.Join(dir, "newer.db")
		s, err := Open(ctx, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s.DB().Exec("PRAGMA user_version = 99")
		s.Close()
		_, err = Open(ctx, p, Options{})
		if err == nil || !strings.Contains(err.Error(), "newer clout") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("older is upgraded", func(t *testing.T) {
		p := filepath.Join(dir, "v1.db")
		db, _ := sql.Open("sqlite3", p)
		if _, err := db.Exec(migrations[0] + "; PRAGMA user_version = 1"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		s, err := Open(ctx, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var v int
		s.DB().QueryRow("PRAGMA user_version").Scan(&v)
		s.Close()
		if v != SchemaVersion {
			t.Fatalf("version %d after upgrade, want %d", v, SchemaVersion)
		}
	})
	t.Run("wal", func(t *testing.T) {
		s, _ := openTemp(t)
		var mode string
		s.DB().QueryRow("PRAGMA journal_mode").Scan(&mode)
		if mode != "wal" {
			t.Fatalf("journal_mode = %q", mode)
		}
	})
}

func write(t *testing.T, s *Store, accounts []graph.Account, edges []graph.Edge) TxStats {
	t.Helper()
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if err := tx.Account(a); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range edges {
		if err := tx.Edge(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return tx.Stats()
}

func dump(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT platform, key, coalesce(handle,'-'), coalesce(name,'-'), coalesce(followers_count,-1) FROM accounts ORDER BY platform, key",
		"SELECT platform, source, target FROM follow_edges ORDER BY 1, 2, 3",
		"SELECT platform, kind, source, target, coalesce(at,-1), post_id, coalesce(hashtags,'-'), count FROM event_edges ORDER BY 1,2,3,4,5,6",
	} {
		rows, err := s.DB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			rows.Scan(ptrs...)
			for i, v := range vals {
				if i > 0 {
					b.WriteByte('|')
				}
				switch v := v.(type) {
				case []byte:
					b.Write(v)
				default:
					b.WriteString(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(fmtAny(v), "\n", " "), "\t", " ")))
				}
			}
			b.WriteByte('\n')
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

func fmtAny(v any) string {
	if v == nil {
		return "NULL"
	}
	return fmt.Sprint(v)
}

func TestWriteIdempotentAndMerging(t *testing.T) {
	s, _ := openTemp(t)
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	accounts := []graph.Account{
		{Platform: "twitter", Key: "1", Handle: "alice", Name: "Alice", Followers: 10, Following: graph.Unknown, Posts: graph.Unknown},
	}
	edges := []graph.Edge{
		{Platform: "twitter", Src: "2", Dst: "1", Kind: graph.Follow},
		{Platform: "twitter", Src: "2", Dst: "1", Kind: graph.Follow}, // duplicate follow
		{Platform: "twitter", Src: "1", Dst: "1", Kind: graph.Follow}, // self-loop
		{Platform: "twitter", Src: "3", Dst: "1", Kind: graph.Repost, PostID: "100", At: at},
		{Platform: "twitter", Src: "3", Dst: "1", Kind: graph.Repost, PostID: "100", At: at}, // same event twice
		{Platform: "twitter", Src: "3", Dst: "2", Kind: graph.Mention, Count: 2},             // anonymous, summed
		{Platform: "twitter", Src: "3", Dst: "2", Kind: graph.Mention, Count: 3},
		{Platform: "twitter", Src: "3", Dst: "2", Kind: graph.Reply, Hashtags: []string{"go", "sql"}},
	}
	st := write(t, s, accounts, edges)
	if st.SelfLoops != 1 || st.NewFollows != 1 {
		t.Errorf("stats = %+v", st)
	}
	first := dump(t, s)
	want := `twitter|1|alice|Alice|10
twitter|2|-|-|-1
twitter|3|-|-|-1
--
twitter|2|1
--
twitter|mention|3|2|-1||-|5
twitter|reply|3|2|-1||go sql|1
twitter|repost|3|1|1714979289|100|-|1
--
`
	if first != want {
		t.Fatalf("after first write:\n%s\nwant:\n%s", first, want)
	}
	// The same input again adds nothing.
	st = write(t, s, accounts, edges)
	if got := dump(t, s); got != first {
		t.Fatalf("second write changed the database:\n%s", got)
	}
	if st.NewFollows != 0 || st.Accounts != 0 {
		t.Errorf("second write stats = %+v", st)
	}
	// Of two observations with no time, the larger value wins (so the order
	// they were read in does not matter); unknown ones leave stored values
	// alone.
	write(t, s, []graph.Account{{Platform: "twitter", Key: "1", Handle: "alice2", Followers: graph.Unknown, Following: 5, Posts: graph.Unknown}}, nil)
	got := dump(t, s)
	if !strings.Contains(got, "twitter|1|alice2|Alice|10\n") {
		t.Fatalf("attribute update:\n%s", got)
	}
}

func TestRollbackLeavesDatabaseAsBefore(t *testing.T) {
	s, _ := openTemp(t)
	write(t, s, nil, []graph.Edge{{Platform: "local", Src: "a", Dst: "b", Kind: graph.Follow}})
	before := dump(t, s)
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300000 { // past the account flush threshold: rows are written, then rolled back
		if err := tx.Edge(graph.Edge{Platform: "local", Src: "x" + strconv.Itoa(i), Dst: "b", Kind: graph.Follow}); err != nil {
			t.Fatal(err)
		}
	}
	tx.Rollback()
	if got := dump(t, s); got != before {
		t.Fatal("rollback changed the database")
	}
	assertAccountIndexes(t, s)
	// The id cache forgot the rolled-back accounts: a new write reuses no stale id.
	write(t, s, nil, []graph.Edge{{Platform: "local", Src: "x1", Dst: "a", Kind: graph.Follow}})
	var n int
	s.DB().QueryRow("SELECT count(*) FROM follows f JOIN accounts a ON a.id = f.src WHERE a.key = 'x1'").Scan(&n)
	if n != 1 {
		t.Fatalf("follow from x1 not found after rollback and rewrite")
	}
}

func TestLoadGraphLayersAndWindow(t *testing.T) {
	s, _ := openTemp(t)
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	write(t, s, []graph.Account{graph.NewAccount("local", "isolated")}, []graph.Edge{
		{Platform: "local", Src: "a", Dst: "b", Kind: graph.Follow},
		{Platform: "local", Src: "b", Dst: "c", Kind: graph.Follow},
		{Platform: "local", Src: "a", Dst: "c", Kind: graph.Repost, At: day(1), PostID: "p1"},
		{Platform: "local", Src: "a", Dst: "c", Kind: graph.Repost, At: day(5), PostID: "p2"},
		{Platform: "local", Src: "b", Dst: "c", Kind: graph.Reply, At: day(3), PostID: "p3"},
		{Platform: "local", Src: "b", Dst: "a", Kind: graph.Like},
		{Platform: "other", Src: "z", Dst: "y", Kind: graph.Follow},
	})
	ctx := context.Background()
	l, err := s.LoadGraph(ctx, Layer{Weights: map[graph.Kind]float64{graph.Follow: 1}, Platform: "local"})
	if err != nil {
		t.Fatal(err)
	}
	if l.Graph.N() != 4 || l.Graph.M() != 2 || l.Graph.Weighted() {
		t.Fatalf("follow layer: n=%d m=%d weighted=%v", l.Graph.N(), l.Graph.M(), l.Graph.Weighted())
	}
	w := map[graph.Kind]float64{graph.Repost: 1, graph.Reply: 0.5, graph.Like: 0.25}
	l, err = s.LoadGraph(ctx, Layer{Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	// all platforms: a, b, c, isolated, z, y
	if l.Graph.N() != 6 || l.Graph.M() != 3 {
		t.Fatalf("engagement: n=%d m=%d", l.Graph.N(), l.Graph.M())
	}
	node := func(key string) uint32 {
		var id int64
		s.DB().QueryRow("SELECT id FROM accounts WHERE key = ?", key).Scan(&id)
		n, ok := l.Node(id)
		if !ok {
			t.Fatalf("no node for %s", key)
		}
		return n
	}
	if got := l.Graph.OutWeight(node("a")); got != 2 {
		t.Errorf("a out-weight = %v, want 2 (two reposts)", got)
	}
	if got := l.Graph.OutWeight(node("b")); got != 0.75 {
		t.Errorf("b out-weight = %v, want 0.75 (reply 0.5 + like 0.25)", got)
	}
	l, err = s.LoadGraph(ctx, Layer{Weights: w, Since: day(2), Until: day(4)})
	if err != nil {
		t.Fatal(err)
	}
	if l.Graph.M() != 1 || l.SkippedUntimed != 1 {
		t.Fatalf("window: m=%d skipped=%d", l.Graph.M(), l.SkippedUntimed)
	}
}

func TestFindAccountsAndStats(t *testing.T) {
	s, _ := openTemp(t)
	write(t, s, []graph.Account{
		{Platform: "bluesky", Key: "did:plc:abc", Handle: "alice.bsky.social", Followers: -1, Following: -1, Posts: -1},
		{Platform: "mastodon", Key: "alice@example.org", Handle: "Alice.bsky.social", Followers: -1, Following: -1, Posts: -1},
	}, []graph.Edge{{Platform: "bluesky", Src: "did:plc:x", Dst: "did:plc:abc", Kind: graph.Mention, At: fixed}})
	ctx := context.Background()
	for _, tc := range []struct {
		name, platform string
		want           int
	}{
		{"@alice.bsky.social", "", 2},
		{"alice.bsky.social", "bluesky", 1},
		{"did:plc:abc", "", 1},
		{"alice@example.org", "", 1},
		{"nobody", "", 0},
	} {
		got, err := s.FindAccounts(ctx, tc.name, tc.platform)
		if err != nil || len(got) != tc.want {
			t.Errorf("FindAccounts(%q, %q) = %d results, %v; want %d", tc.name, tc.platform, len(got), err, tc.want)
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Accounts != 3 || st.Events[graph.Mention] != 1 || !st.FirstEvent.Equal(fixed) || st.Platforms["bluesky"] != 2 {
		t.Fatalf("stats = %+v", st)
	}
}

func assertAccountIndexes(t *testing.T, s *Store) {
	t.Helper()
	for _, ix := range accountIndexes {
		var n int
		s.DB().QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?", ix.name).Scan(&n)
		if n != 1 {
			t.Errorf("index %s missing", ix.name)
		}
	}
}

// TestBulkLoadRebuildsAccountIndexes writes enough new accounts for the Tx
// to drop the account indexes during the load, and checks they are back and
// enforce uniqueness afterwards.
func TestBulkLoadRebuildsAccountIndexes(t *testing.T) {
	s, _ := openTemp(t)
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	const n = 3 * flushAccounts
	for i := range n {
		if err := tx.Edge(graph.Edge{Platform: "local", Src: "a" + strconv.Itoa(i), Dst: "b" + strconv.Itoa(i%1000), Kind: graph.Follow}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	assertAccountIndexes(t, s)
	var accounts, follows int
	s.DB().QueryRow("SELECT count(*) FROM accounts").Scan(&accounts)
	s.DB().QueryRow("SELECT count(*) FROM follows").Scan(&follows)
	if accounts != n+1000 || follows != n {
		t.Fatalf("accounts %d follows %d", accounts, follows)
	}
	if _, err := s.DB().Exec("INSERT INTO accounts (platform, key, first_seen, last_seen) VALUES ('local', 'a7', 0, 0)"); err == nil {
		t.Fatal("duplicate (platform, key) accepted after the bulk load")
	}
	// A second, small write into the big table goes through the index path.
	write(t, s, nil, []graph.Edge{{Platform: "local", Src: "a7", Dst: "new", Kind: graph.Follow}})
	s.DB().QueryRow("SELECT count(*) FROM accounts").Scan(&accounts)
	if accounts != n+1001 {
		t.Fatalf("accounts after small write: %d", accounts)
	}
}

// TestBeginFailureReleasesTheStore: a Begin that fails after BEGIN (here a
// table it reads is gone) returns an error and leaves the Store unlocked:
// the next Begin fails the same way instead of deadlocking or crashing.
func TestBeginFailureReleasesTheStore(t *testing.T) {
	s, _ := openTemp(t)
	if _, err := s.DB().Exec("DROP TABLE follows"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := s.Begin(context.Background()); err == nil || !strings.Contains(err.Error(), "follows") {
			t.Fatalf("Begin = %v, want an error naming follows", err)
		}
	}
}
