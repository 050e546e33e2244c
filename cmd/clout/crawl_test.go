package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph/source/bluesky/blueskytest"
	"github.com/clout-cli/clout/graph/source/x/xtest"
)

// TestCrawlThenRank runs the user's path: crawl a (fake) Bluesky AppView,
// then rank, reach and stats on what was crawled; a second run adds nothing.
func TestCrawlThenRank(t *testing.T) {
	w := blueskytest.NewWorld(7, 40)
	srv := blueskytest.NewServer(t, w)
	db := filepath.Join(t.TempDir(), "c.db")
	seed := w.Accounts[0].DID
	_, errOut, code := cli(t, "", "--db", db, "crawl", "bluesky", seed, "--api", srv.URL, "--rate", "0", "--posts", "5")
	if code != 0 {
		t.Fatalf("crawl exited %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "crawl of bluesky finished") {
		t.Errorf("no summary on stderr: %s", errOut)
	}
	stats1, _, _ := cli(t, "", "--db", db, "stats", "--format", "json")
	var st map[string]any
	if err := json.Unmarshal([]byte(stats1), &st); err != nil || st["follow"].(float64) == 0 {
		t.Fatalf("stats after crawl: %s", stats1)
	}
	out, errOut, code := cli(t, "", "--db", db, "rank", "--platform", "bluesky", "--top", "5")
	if code != 0 || len(readCSV(t, out)) != 5 {
		t.Fatalf("rank after crawl: %d %s %s", code, out, errOut)
	}
	out, _, code = cli(t, "", "--db", db, "reach", seed)
	if code != 0 || len(readCSV(t, out)) != 1 {
		t.Fatalf("reach after crawl: %s", out)
	}
	if _, errOut, code = cli(t, "", "--db", db, "crawl", "bluesky", seed, "--api", srv.URL, "--rate", "0", "--posts", "5"); code != 0 {
		t.Fatalf("second crawl: %s", errOut)
	}
	stats2, _, _ := cli(t, "", "--db", db, "stats", "--format", "json")
	if stats1 != stats2 {
		t.Errorf("re-running a finished crawl changed the data:\n%s\n%s", stats1, stats2)
	}
	out, _, code = cli(t, "", "--db", db, "crawl", "status", "--format", "json")
	if code != 0 || !strings.Contains(out, `"platform":"bluesky"`) || !strings.Contains(out, `"accounts_queued":0`) {
		t.Errorf("crawl status: %s", out)
	}
}

// TestCrawlXTokenNeverLeaks checks that the bearer token is in no output
// and nowhere in the database file, including after a failing request.
func TestCrawlXTokenNeverLeaks(t *testing.T) {
	w := xtest.NewWorld(3, 20)
	srv := xtest.NewServer(t, w)
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	env := func(k string) string {
		if k == "X_BEARER_TOKEN" {
			return xtest.DefaultToken
		}
		return ""
	}
	var out, errOut bytes.Buffer
	io := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	code := execute(context.Background(), []string{"--db", db, "crawl", "x", w.Users[0].ID, "--api", srv.URL, "--rate", "0", "--posts", "5"}, io, env)
	if code != 0 {
		t.Fatalf("crawl x exited %d: %s", code, errOut.String())
	}
	// A seed that does not exist makes the client report an error.
	execute(context.Background(), []string{"--db", db, "crawl", "x", "nosuchuser", "--api", srv.URL, "--rate", "0"}, io, env)
	execute(context.Background(), []string{"--db", db, "crawl", "status"}, io, env)
	execute(context.Background(), []string{"crawl", "x", "--help"}, io, env)
	files, _ := filepath.Glob(db + "*")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte(xtest.DefaultToken)) || bytes.Contains(b, []byte("XtestSecret")) {
			t.Errorf("token found in %s", f)
		}
	}
	if strings.Contains(out.String()+errOut.String(), "XtestSecret") {
		t.Errorf("token in output:\n%s\n%s", out.String(), errOut.String())
	}
	// Without a token: a clear error that names the variable, exit 1.
	_, e, code := cli(t, "", "--db", db, "crawl", "x", "jack", "--api", srv.URL)
	if code != 1 || !strings.Contains(e, "X_BEARER_TOKEN") {
		t.Errorf("no token: code %d, %s", code, e)
	}
}
