package store

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
)

func openCrawlStore(t *testing.T, now *time.Time) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "crawl.db"), Options{Clock: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func crawlTx(t *testing.T, s *Store) *Tx {
	t.Helper()
	sink, err := s.CrawlBegin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sink.(*Tx)
}

func TestCrawlFrontierAndSeeds(t *testing.T) {
	now := time.Unix(1000, 0)
	s := openCrawlStore(t, &now)
	tx := crawlTx(t, s)
	crawlMust(t, tx.CrawlQueue("bluesky", 1, []string{"did:a", "did:b", "did:c"}, 10))
	crawlMust(t, tx.CrawlQueue("bluesky", 0, []string{"did:b"}, 99)) // moves up, keeps its seq
	crawlMust(t, tx.CrawlQueue("bluesky", 2, []string{"did:a", "did:d"}, 20))
	crawlMust(t, tx.CrawlQueue("mastodon", 0, []string{"did:a"}, 1))
	crawlMust(t, tx.CrawlSetSeed("bluesky", "@b.example", "did:b"))
	crawlMust(t, tx.Commit())

	tx = crawlTx(t, s)
	defer tx.Rollback()
	var got []string
	crawlMust(t, tx.CrawlFrontier("bluesky", func(key string, depth int, seq int64) error {
		got = append(got, key+":"+strconv.Itoa(depth)+":"+strconv.Itoa(int(seq)))
		return nil
	}))
	want := []string{"did:a:1:10", "did:b:0:11", "did:c:1:12", "did:d:2:21"}
	if !slices.Equal(got, want) {
		t.Errorf("frontier %v, want %v", got, want)
	}
	if k, err := tx.CrawlSeed("bluesky", "@b.example"); err != nil || k != "did:b" {
		t.Errorf("seed = %q, %v", k, err)
	}
	if k, err := tx.CrawlSeed("mastodon", "@b.example"); err != nil || k != "" {
		t.Errorf("seed on another platform = %q, %v", k, err)
	}
}

func crawlMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCrawlTasks(t *testing.T) {
	now := time.Unix(1000, 0)
	s := openCrawlStore(t, &now)
	tx := crawlTx(t, s)
	id1, st, err := tx.CrawlAddTask("x", "followers", "1", "1", 2)
	if err != nil || st != "pending" {
		t.Fatalf("add: %d %q %v", id1, st, err)
	}
	id2, _, _ := tx.CrawlAddTask("x", "posts", "1", "1", 2)
	again, _, _ := tx.CrawlAddTask("x", "followers", "1", "1", 1) // same list: same id, moves up
	if again != id1 || id2 == id1 {
		t.Errorf("ids %d %d %d", id1, id2, again)
	}
	crawlMust(t, tx.CrawlSetTask(id1, "in_progress", "c2", "c1", 0, 1, 0, ""))
	crawlMust(t, tx.CrawlSetTask(id2, "failed", "", "", 0, 0, 3, "GET https://x/2/users/1/tweets: HTTP 503"))
	if err := tx.CrawlSetTask(999, "done", "", "", 0, 0, 0, ""); err == nil {
		t.Error("updating a missing task succeeded")
	}
	if err := tx.CrawlSetTask(id1, "bogus", "", "", 0, 0, 0, ""); err == nil {
		t.Error("a status outside the schema was accepted")
	}
	crawlMust(t, tx.Commit())

	counts, err := s.CrawlCounts(context.Background(), "x")
	crawlMust(t, err)
	if counts["tasks.in_progress"] != 1 || counts["tasks.failed"] != 1 || counts["accounts.queued"] != 1 {
		t.Errorf("counts %v", counts)
	}
	var errs []string
	crawlMust(t, s.CrawlTaskList(context.Background(), "x", "failed", 5, func(ep, subj, owner, lastErr string, at int64) error {
		errs = append(errs, ep+" "+subj+" "+lastErr+" "+strconv.Itoa(int(at)))
		return nil
	}))
	if len(errs) != 1 || errs[0] != "posts 1 GET https://x/2/users/1/tweets: HTTP 503 1000" {
		t.Errorf("failed list %q", errs)
	}

	now = time.Unix(2000, 0)
	tx = crawlTx(t, s)
	if n, err := tx.CrawlRetryFailed("x"); err != nil || n != 1 {
		t.Errorf("retry: %d %v", n, err)
	}
	var rows []string
	crawlMust(t, tx.CrawlTasks("x", func(id int64, ep, subj, owner string, depth int, status, cursor, prev string, items, empty, attempts int) error {
		rows = append(rows, strings.Join([]string{ep, subj, owner, strconv.Itoa(depth), status, cursor, prev, strconv.Itoa(items), strconv.Itoa(empty), strconv.Itoa(attempts)}, ","))
		return nil
	}))
	crawlMust(t, tx.Commit())
	want := []string{"followers,1,1,1,in_progress,c2,c1,0,1,0", "posts,1,1,2,pending,,,0,0,3"}
	if !slices.Equal(rows, want) {
		t.Errorf("tasks\n%q\nwant\n%q", rows, want)
	}
}

func TestCrawlProfilesAndCounters(t *testing.T) {
	now := time.Unix(1000, 0)
	s := openCrawlStore(t, &now)
	tx := crawlTx(t, s)
	crawlMust(t, tx.CrawlSetProfiles("bluesky", "pending", []string{"a", "b", "c"}))
	crawlMust(t, tx.CrawlSetProfiles("bluesky", "done", []string{"b", "d"}))
	crawlMust(t, tx.CrawlSetProfiles("bluesky", "failed", []string{"c"}))
	crawlMust(t, tx.CrawlCount("bluesky", 10, 2, 1, 1500*int64(time.Millisecond), 7))
	crawlMust(t, tx.CrawlCount("bluesky", 5, 0, 0, 500*int64(time.Millisecond), 3))
	// Accounts classified by their tasks.
	for _, tk := range []struct{ ep, subj, owner, status string }{
		{"followers", "a", "a", "done"}, {"posts", "a", "a", "hidden"},
		{"followers", "b", "b", "done"}, {"likes", "b/p1", "b", "failed"},
		{"followers", "c", "c", "in_progress"}, {"likes", "c/p1", "c", "failed"},
	} {
		id, _, err := tx.CrawlAddTask("bluesky", tk.ep, tk.subj, tk.owner, 0)
		crawlMust(t, err)
		crawlMust(t, tx.CrawlSetTask(id, tk.status, "", "", 0, 0, 0, ""))
	}
	crawlMust(t, tx.CrawlQueue("bluesky", 0, []string{"a", "b", "c", "e"}, 1))
	crawlMust(t, tx.Commit())

	tx = crawlTx(t, s)
	var got []string
	crawlMust(t, tx.CrawlProfiles("bluesky", func(k, st string) error { got = append(got, k+"="+st); return nil }))
	tx.Rollback()
	if want := []string{"a=pending", "b=done", "c=failed", "d=done"}; !slices.Equal(got, want) {
		t.Errorf("profiles %v, want %v", got, want)
	}
	m, err := s.CrawlCounts(context.Background(), "bluesky")
	crawlMust(t, err)
	for k, v := range map[string]int64{"frontier": 4, "accounts.queued": 1, "accounts.done": 1, "accounts.failed": 1,
		"profiles.pending": 1, "profiles.done": 2, "profiles.failed": 1, "tasks.done": 2, "tasks.hidden": 1,
		"tasks.failed": 2, "tasks.in_progress": 1, "tasks.pending": 0,
		"requests": 15, "retries": 2, "rate_limited": 1, "wait_ms": 2000, "pages": 10} {
		if m[k] != v {
			t.Errorf("%s = %d, want %d", k, m[k], v)
		}
	}
	ps, err := s.CrawlPlatforms(context.Background())
	crawlMust(t, err)
	if !slices.Equal(ps, []string{"bluesky"}) {
		t.Errorf("platforms %v", ps)
	}
	empty, err := s.CrawlCounts(context.Background(), "mastodon")
	crawlMust(t, err)
	if empty["frontier"] != 0 || empty["requests"] != 0 || len(empty) != len(m) {
		t.Errorf("empty platform: %v", empty)
	}
}

// TestCrawlRollback: crawl state and data written in a transaction that
// rolls back leave no trace, and the account ids it used are reused.
func TestCrawlRollback(t *testing.T) {
	now := time.Unix(1000, 0)
	s := openCrawlStore(t, &now)
	tx := crawlTx(t, s)
	crawlMust(t, tx.Edge(graph.Edge{Platform: "x", Src: "1", Dst: "2", Kind: graph.Follow}))
	crawlMust(t, tx.CrawlQueue("x", 0, []string{"1"}, 0))
	if _, _, err := tx.CrawlAddTask("x", "followers", "1", "1", 0); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	var n int
	for _, q := range []string{"SELECT count(*) FROM accounts", "SELECT count(*) FROM follows",
		"SELECT count(*) FROM crawl_frontier", "SELECT count(*) FROM crawl_tasks"} {
		crawlMust(t, s.DB().QueryRow(q).Scan(&n))
		if n != 0 {
			t.Errorf("%s = %d after rollback", q, n)
		}
	}
	tx = crawlTx(t, s)
	crawlMust(t, tx.Edge(graph.Edge{Platform: "x", Src: "3", Dst: "4", Kind: graph.Follow}))
	crawlMust(t, tx.Commit())
	crawlMust(t, s.DB().QueryRow("SELECT count(*) FROM follow_edges WHERE source = '3' AND target = '4'").Scan(&n))
	if n != 1 {
		t.Error("edge after a rolled back transaction is missing")
	}
}
