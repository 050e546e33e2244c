package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
)

func writePosts(t *testing.T, s *Store, posts ...graph.Post) TxStats {
	t.Helper()
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range posts {
		if err := tx.Post(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return tx.Stats()
}

// dumpPosts prints posts and post_tags in key order.
func dumpPosts(t *testing.T, db *sql.DB) string {
	t.Helper()
	var b strings.Builder
	rows, err := db.Query(`SELECT p.platform, p.post_id, coalesce(a.key, '-'), coalesce(p.at, -1), p.kind,
		coalesce(p.parent_id, '-'), coalesce(p.hashtags, '-'), p.text_len, coalesce(p.text, '-')
		FROM posts p LEFT JOIN accounts a ON a.id = p.author ORDER BY p.platform, p.post_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var pl, id, author, kind, parent, tags, text string
		var at, n int64
		if err := rows.Scan(&pl, &id, &author, &at, &kind, &parent, &tags, &n, &text); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s by=%s at=%d %s parent=%s tags=%s len=%d text=%s\n", pl, id, author, at, kind, parent, tags, n, text)
	}
	tr, err := db.Query(`SELECT t.tag, p.post_id FROM post_tags t JOIN posts p ON p.id = t.post ORDER BY t.tag, p.post_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	for tr.Next() {
		var tag, id string
		tr.Scan(&tag, &id)
		fmt.Fprintf(&b, "#%s %s\n", tag, id)
	}
	return b.String()
}

var t0 = time.Date(2025, 5, 6, 7, 0, 0, 0, time.UTC)

func TestPostsStoredOnceMerged(t *testing.T) {
	// Observations of post "2": first as a bare parent reference (no
	// author), then as a reply seen in full, then again with other tags and
	// another time (ignored: the first known value wins).
	obs := []graph.Post{
		{Platform: "twitter", ID: "2", Hashtags: []string{"#Go"}},
		{Platform: "twitter", ID: "1", Author: "alice", At: t0, Kind: graph.Original, TextLen: 5, Hashtags: []string{"Go", "go", "#SQL"}},
		{Platform: "twitter", ID: "2", Author: "bob", At: t0.Add(time.Minute), Kind: graph.ReplyPost, Parent: "1", TextLen: 7},
		{Platform: "twitter", ID: "2", Author: "carol", At: t0.Add(time.Hour), Kind: graph.QuotePost, Parent: "9", Hashtags: []string{"other"}, TextLen: 3},
		{Platform: "bluesky", ID: "2", Author: "dave", Kind: graph.RepostPost, Parent: "at://x"},
	}
	want := `bluesky 2 by=dave at=-1 repost parent=at://x tags=- len=0 text=-
twitter 1 by=alice at=1746514800 original parent=- tags=go sql len=5 text=-
twitter 2 by=bob at=1746514860 reply parent=1 tags=go len=7 text=-
#go 1
#go 2
#sql 1
`
	cases := []struct {
		name   string
		groups [][]graph.Post // one transaction each
	}{
		{"one transaction", [][]graph.Post{obs}},
		{"one transaction each", [][]graph.Post{{obs[0]}, {obs[1]}, {obs[2]}, {obs[3]}, {obs[4]}}},
		{"two", [][]graph.Post{obs[:2], obs[2:]}},
		{"twice", [][]graph.Post{obs, obs}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := openTemp(t)
			var stored int64
			for _, g := range c.groups {
				stored += writePosts(t, s, g...).NewPosts
			}
			if stored != 3 {
				t.Errorf("NewPosts summed = %d, want 3", stored)
			}
			if got := dumpPosts(t, s.DB()); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestPostsManyBatches(t *testing.T) {
	// More posts than one flush holds: the writer goroutine writes batches,
	// and a post repeated across batches is still stored once.
	s, _ := openTemp(t)
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := flushPosts*2 + 10
	for i := range n {
		p := graph.Post{Platform: "p", ID: fmt.Sprint(i % (n - 5)), Author: fmt.Sprint("a", i%7)}
		if i%10 == 0 {
			p.Hashtags = []string{"ten"}
		}
		if err := tx.Post(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if st := tx.Stats(); st.Posts != int64(n) || st.NewPosts != int64(n-5) {
		t.Fatalf("stats %+v, want %d received, %d new", st, n, n-5)
	}
	var posts, tags int64
	s.DB().QueryRow("SELECT count(*) FROM posts").Scan(&posts)
	s.DB().QueryRow("SELECT count(*) FROM post_tags WHERE tag = 'ten'").Scan(&tags)
	// Ids i and i+(n-5) are the same post; i%10 == 0 for either tags it.
	want := int64(0)
	for id := range n - 5 {
		if id%10 == 0 || (id < 5 && (id+n-5)%10 == 0) {
			want++
		}
	}
	if posts != int64(n-5) || tags != want {
		t.Fatalf("%d posts, %d tagged; want %d, %d", posts, tags, n-5, want)
	}
	// The bulk load dropped the secondary indexes and built them again.
	var names string
	s.DB().QueryRow("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'posts' ORDER BY name)").Scan(&names)
	if names != "posts_at,posts_author,posts_key,posts_parent" {
		t.Fatalf("posts indexes after a bulk load: %s", names)
	}
}

func TestPostErrors(t *testing.T) {
	s, _ := openTemp(t)
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, p := range []graph.Post{{Platform: "", ID: "1"}, {Platform: "x", ID: ""}, {Platform: "x", ID: "1", Kind: 9}} {
		if err := tx.Post(p); err == nil {
			t.Errorf("Post(%+v) = nil, want an error", p)
		}
	}
}

func TestKeepTextAndTextLen(t *testing.T) {
	s, _ := openTemp(t)
	writePosts(t, s, graph.Post{Platform: "x", ID: "1", Author: "a", TextLen: 4, Text: "abcd"},
		graph.Post{Platform: "x", ID: "2", Author: "a", TextLen: 3})
	got := dumpPosts(t, s.DB())
	if !strings.Contains(got, "x 1 by=a at=-1 original parent=- tags=- len=4 text=abcd") ||
		!strings.Contains(got, "x 2 by=a at=-1 original parent=- tags=- len=3 text=-") {
		t.Fatal(got)
	}
}

// TestUpgradeV2 upgrades a version 2 file holding data in place.
func TestUpgradeV2(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "v2.db")
	db, err := sql.Open("sqlite3", p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(migrations[0] + migrations[1] + `;
		INSERT INTO accounts (id, platform, key, first_seen, last_seen) VALUES (1, 'x', 'a', 0, 0), (2, 'x', 'b', 0, 0);
		INSERT INTO events (kind, src, dst, at, post_id) VALUES ('repost', 1, 2, 10, 'p1'), ('like', 2, 1, 11, '');
		PRAGMA user_version = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v int
	s.DB().QueryRow("PRAGMA user_version").Scan(&v)
	if v != SchemaVersion {
		t.Fatalf("user_version %d after upgrade", v)
	}
	var plan string
	rows, err := s.DB().Query("EXPLAIN QUERY PLAN SELECT src FROM events WHERE post_id = 'p1'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a, b, c int
		var d string
		rows.Scan(&a, &b, &c, &d)
		plan += d
	}
	rows.Close()
	if !strings.Contains(plan, "events_post") {
		t.Errorf("plan %q does not use events_post", plan)
	}
	writePosts(t, s, graph.Post{Platform: "x", ID: "p1", Author: "a", Kind: graph.RepostPost, Parent: "p0", Hashtags: []string{"t"}})
	if got := dumpPosts(t, s.DB()); got != "x p1 by=a at=-1 repost parent=p0 tags=t len=0 text=-\n#t p1\n" {
		t.Fatal(got)
	}
	var events int
	s.DB().QueryRow("SELECT count(*) FROM events").Scan(&events)
	if events != 2 {
		t.Fatalf("%d events after upgrade", events)
	}
}

func TestCrawlSinkTakesPosts(t *testing.T) {
	s, _ := openTemp(t)
	sink, err := s.CrawlBegin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ps, ok := sink.(graph.PostSink)
	if !ok {
		t.Fatal("the crawl transaction is not a graph.PostSink")
	}
	if err := ps.Post(graph.Post{Platform: "bluesky", ID: "at://did:plc:a/app.bsky.feed.post/1", Author: "did:plc:a", Hashtags: []string{"Chat"}}); err != nil {
		t.Fatal(err)
	}
	if err := sink.(*Tx).Commit(); err != nil {
		t.Fatal(err)
	}
	if got := dumpPosts(t, s.DB()); !strings.Contains(got, "#chat at://did:plc:a/app.bsky.feed.post/1") {
		t.Fatal(got)
	}
}
