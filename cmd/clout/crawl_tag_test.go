package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/clout-cli/clout/graph/source/mastodon/mastodontest"
	"github.com/clout-cli/clout/graph/source/x/xtest"
)

func countRows(t *testing.T, db, query string) int {
	t.Helper()
	d, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCrawlMastodonTag: `clout crawl mastodon --tag` needs no seed, stores
// the conversation's posts, and a second run changes nothing.
func TestCrawlMastodonTag(t *testing.T) {
	w := mastodontest.NewWorld(11, 90)
	srv := mastodontest.NewServer(t, w)
	srv.SetThrottles(mastodontest.Throttle{}, mastodontest.Throttle{})
	db := filepath.Join(t.TempDir(), "m.db")
	// Through --api the fake serves its first domain's instance: name it,
	// so that local accts get their domain.
	args := []string{"--db", db, "crawl", "mastodon", "--tag", "#Rust", "--api", srv.URL, "--instance", w.Domains[0], "--rate", "0"}
	_, errOut, code := cli(t, "", args...)
	if code != 0 {
		t.Fatalf("crawl exited %d: %s", code, errOut)
	}
	want := w.ExpectedTag(mastodontest.TagOptions{Tags: []string{"rust"}, Instances: w.Domains[:1],
		ExpectOptions: mastodontest.ExpectOptions{Engagement: true}})
	if n := countRows(t, db, "SELECT count(*) FROM posts"); n != len(want.Posts) || n == 0 {
		t.Errorf("%d posts stored, want %d", n, len(want.Posts))
	}
	if n := countRows(t, db, "SELECT count(*) FROM event_edges"); n != len(want.Events) {
		t.Errorf("%d events stored, want %d", n, len(want.Events))
	}
	if n := countRows(t, db, "SELECT count(*) FROM posts WHERE text IS NOT NULL AND text != ''"); n != 0 {
		t.Errorf("%d posts keep their text without --keep-text", n)
	}
	if !strings.Contains(errOut, "posts stored") {
		t.Errorf("summary: %s", errOut)
	}
	// The conversation is a topic, and rank --topic ranks it.
	out, errOut, code := cli(t, "", "--db", db, "topics", "--format", "csv")
	if code != 0 {
		t.Fatalf("topics: %d %s", code, errOut)
	}
	var rust map[string]string
	for _, r := range readCSV(t, out) {
		if r["tag"] == "rust" {
			rust = r
		}
	}
	wantTagged := 0
	for _, p := range want.Posts {
		if slices.Contains(p.Hashtags, "rust") {
			wantTagged++
		}
	}
	if rust == nil || rust["posts"] != strconv.Itoa(wantTagged) {
		t.Errorf("topics has rust as %v, want %d posts:\n%s", rust, wantTagged, out)
	}
	out, errOut, code = cli(t, "", "--db", db, "rank", "--topic", "#rust", "--format", "csv", "--top", "5")
	if code != 0 || len(readCSV(t, out)) == 0 {
		t.Errorf("rank --topic: %d %s %s", code, out, errOut)
	}
	t.Logf("topics:\n%s\nrank --topic '#rust' --top 5:\n%s", rust, out)
	stats1, _, _ := cli(t, "", "--db", db, "stats", "--format", "json")
	if _, errOut, code = cli(t, "", args...); code != 0 {
		t.Fatalf("second crawl: %s", errOut)
	}
	if stats2, _, _ := cli(t, "", "--db", db, "stats", "--format", "json"); stats1 != stats2 {
		t.Errorf("re-running a finished tag crawl changed the data:\n%s\n%s", stats1, stats2)
	}
	out, _, code = cli(t, "", "--db", db, "crawl", "status", "--format", "json")
	if code != 0 || !strings.Contains(out, `"platform":"mastodon"`) || !strings.Contains(out, `"accounts_queued":0`) {
		t.Errorf("crawl status: %s", out)
	}
	// --keep-text keeps it.
	db2 := filepath.Join(t.TempDir(), "k.db")
	if _, errOut, code = cli(t, "", "--db", db2, "crawl", "mastodon", "--tag", "rust", "--api", srv.URL, "--instance", w.Domains[0], "--rate", "0", "--keep-text", "--engagement=false"); code != 0 {
		t.Fatalf("crawl --keep-text: %s", errOut)
	}
	if n := countRows(t, db2, "SELECT count(*) FROM posts WHERE text LIKE 'status %'"); n == 0 {
		t.Errorf("--keep-text kept no text")
	}
}

// TestCrawlMastodonTagRefused: an instance that refuses anonymous hashtag
// timelines is named, with the setting, and the crawl says a list failed.
func TestCrawlMastodonTagRefused(t *testing.T) {
	w := mastodontest.NewWorld(11, 30)
	w.TagAuth = map[string]int{w.Domains[0]: mastodontest.TagAuthRequireUser}
	srv := mastodontest.NewServer(t, w)
	db := filepath.Join(t.TempDir(), "m.db")
	_, errOut, code := cli(t, "", "--db", db, "crawl", "mastodon", "--tag", "rust", "--api", srv.URL, "--instance", w.Domains[0], "--rate", "0")
	if code != 0 {
		t.Fatalf("crawl exited %d: %s", code, errOut)
	}
	for _, want := range []string{"refuses anonymous hashtag timelines", "timelines_access.hashtag_feeds", "--instance", "1 lists failed"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// TestCrawlXTag: `clout crawl x --tag` stores the search's posts; the
// token is nowhere in the database or the output.
func TestCrawlXTag(t *testing.T) {
	w := xtest.NewWorld(7, 30)
	srv := xtest.NewServer(t, w, func(k *xtest.Knobs) { k.Limits = map[string]int{xtest.ClassEngagement: 1 << 20} })
	db := filepath.Join(t.TempDir(), "x.db")
	env := func(k string) string {
		if k == "X_BEARER_TOKEN" {
			return xtest.DefaultToken
		}
		return ""
	}
	var out, errOut bytes.Buffer
	io := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	code := execute(context.Background(), []string{"--db", db, "crawl", "x", "--tag", "go", "--tag", "GO", "--api", srv.URL, "--rate", "0"}, io, env)
	if code != 0 {
		t.Fatalf("crawl x --tag exited %d: %s", code, errOut.String())
	}
	want := w.ExpectedTag(xtest.TagOptions{Tags: []string{"go"}, Options: xtest.Options{Engagement: true}})
	if n := countRows(t, db, "SELECT count(*) FROM posts"); n != len(want.Posts) || n == 0 {
		t.Errorf("%d posts stored, want %d", n, len(want.Posts))
	}
	if n := countRows(t, db, "SELECT count(*) FROM crawl_tasks WHERE endpoint = 'tag_posts'"); n != 1 {
		t.Errorf("%d tag lists, want 1 ('go' and 'GO' are one tag)", n)
	}
	files, _ := filepath.Glob(db + "*")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte("XtestSecret")) {
			t.Errorf("token found in %s", f)
		}
	}
	if strings.Contains(out.String()+errOut.String(), "XtestSecret") {
		t.Errorf("token in output")
	}
}

func TestCrawlTagUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"crawl", "mastodon"}, "needs at least one SEED"},
		{[]string{"crawl", "mastodon", "a@b.example", "--tag", "x"}, "not both"},
		{[]string{"crawl", "mastodon", "a@b.example", "--since", "2d"}, "add --tag"},
		{[]string{"crawl", "mastodon", "--tag", "two words"}, "--tag"},
		{[]string{"crawl", "mastodon", "--tag", "x", "--since", "yesterday"}, "--since"},
		{[]string{"crawl", "mastodon", "--tag", "x", "--since", "2026-01-02", "--until", "2026-01-01"}, "not before"},
		{[]string{"crawl", "mastodon", "--tag", "x", "--instance", "https://"}, "--instance"},
		{[]string{"crawl", "x", "--tag", "x", "--instance", "mastodon.social"}, "applies to mastodon"},
		{[]string{"crawl", "x", "--tag", "x", "--since", "30d"}, "last 7 days"},
		{[]string{"crawl", "mastodon", "--tag", "x", "--depth", "-1"}, "--depth"},
		{[]string{"crawl", "mastodon", "--tag", "x", "--max-posts", "-5"}, "--max-posts"},
	} {
		_, errOut, code := cli(t, "", append([]string{"--db", db}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q (want 2 and %q)", tc.args, code, errOut, tc.want)
		}
	}
}
