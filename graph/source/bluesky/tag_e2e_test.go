package bluesky

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/bluesky/blueskytest"
	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/graph/store/storetest"
)

// storedPosts returns the posts table as lines, in ExpectedTag's order.
func storedPosts(t *testing.T, s *store.Store) []string {
	t.Helper()
	rows, err := s.DB().Query(`SELECT post_id, coalesce(author, ''), coalesce(at, 0), kind, coalesce(parent_id, ''),
		coalesce(hashtags, ''), text_len, coalesce(text, '') FROM post_rows WHERE platform = 'bluesky' ORDER BY post_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, author, kind, parent, tags, text string
		var at, n int64
		if err := rows.Scan(&id, &author, &at, &kind, &parent, &tags, &n, &text); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %d %s %s [%s] %d %q", id, author, at, kind, parent, tags, n, text))
	}
	return out
}

func postLines(posts []graph.Post, keepText bool) []string {
	var out []string
	for _, p := range posts {
		text := ""
		if keepText {
			text = p.Text
		}
		out = append(out, fmt.Sprintf("%s %s %d %s %s [%s] %d %q", p.ID, p.Author, p.At.Unix(), p.Kind, p.Parent,
			strings.Join(p.Hashtags, " "), p.TextLen, text))
	}
	return out
}

// checkTagStore compares a store with ExpectedTag: accounts with their
// profile attributes, events, posts.
func checkTagStore(t *testing.T, s *store.Store, c *blueskytest.Chat, since, until time.Time, keepText bool) {
	t.Helper()
	got := readStore(t, s)
	accounts, events, posts := c.ExpectedTag(c.Tag, since, until)
	var ga, wa []string
	for _, a := range got.accounts {
		ga = append(ga, fmt.Sprintf("%+v", a))
	}
	for _, a := range accounts {
		wa = append(wa, fmt.Sprintf("%+v", a))
	}
	sameLines(t, "accounts", ga, wa)
	if len(got.follows) != 0 {
		t.Errorf("%d follows stored by a tag crawl of depth 1", len(got.follows))
	}
	sameLines(t, "events", edgeLines(got.events), edgeLines(events))
	sameLines(t, "posts", storedPosts(t, s), postLines(posts, keepText))
}

// A tag crawl through the engine into SQLite stores exactly the chat's
// posts, events and accounts, over expiring tokens and 429s, and neither the
// password nor a token reaches the database files or the log.
func TestTagCrawlStore(t *testing.T) {
	c := blueskytest.NewChat(9, 40)
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("keep text %v", keep), func(t *testing.T) {
			srv := blueskytest.NewServer(t, c.World)
			srv.SetAuth(blueskytest.Auth{AccessUses: 2})
			srv.SetFaults(blueskytest.Faults{ShortPage: 4, Fail429: 150, RetryAfter: 1, Fail5xx: 41})
			e := newTagEnv(t, srv, Config{})
			dir := t.TempDir()
			s, err := store.Open(context.Background(), filepath.Join(dir, "tag.db"), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			sum, err := crawl.Run(context.Background(), s, e.p, crawl.Config{
				Tags: []string{"cloutchat"}, Since: c.Start, Until: c.End, Depth: 1, Engagement: true,
				KeepText: keep, Concurrency: 3, Stats: &e.stats, Logf: e.logf,
			})
			if err != nil {
				t.Fatal(err)
			}
			if sum.TasksFailed != 0 {
				t.Errorf("%d tasks failed:\n%s", sum.TasksFailed, e.log.String())
			}
			checkTagStore(t, s, c, c.Start, c.End, keep)
			if srv.Logins() != 1 || srv.Refreshes() == 0 {
				t.Errorf("%d logins, %d refreshes: want 1 login and refreshes", srv.Logins(), srv.Refreshes())
			}
			if l := srv.Leaked(); len(l) != 0 {
				t.Errorf("a token was sent to the public AppView: %v", l)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			checkNoSecretFiles(t, srv, dir)
			checkNoSecret(t, srv, e.log.String(), fmt.Sprintf("%+v", sum))
		})
	}
}

// checkNoSecretFiles searches every file of dir (the database, -wal, -shm)
// for the password and the tokens.
func checkNoSecretFiles(t *testing.T, srv *blueskytest.Server, dir string) {
	t.Helper()
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	secrets := append(srv.Tokens(), blueskytest.DefaultPassword)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range secrets {
			if bytes.Contains(b, []byte(sec)) {
				t.Errorf("database file %s holds a secret", f.Name())
			}
		}
	}
}

// A tag crawl cancelled at random moments, many times, then resumed each
// time with a new session, stores exactly what an uninterrupted crawl
// stores.
func TestTagCrawlResume(t *testing.T) {
	c := blueskytest.NewChat(13, 30)
	srv := blueskytest.NewServer(t, c.World)
	srv.SetFaults(blueskytest.Faults{ShortPage: 5})
	cfg := crawl.Config{Tags: []string{"cloutchat"}, Depth: 1, Engagement: true, Concurrency: 1}

	clean := openStore(t)
	if _, err := crawl.Run(context.Background(), clean, newTagEnv(t, srv, Config{}).p, cfg); err != nil {
		t.Fatal(err)
	}
	checkTagStore(t, clean, c, time.Time{}, time.Time{}, false)
	want := storetest.Dump(t, clean) + strings.Join(storedPosts(t, clean), "\n")

	s := openStore(t)
	r := rand.New(rand.NewPCG(3, 4))
	runs := 0
	for ; runs < 1000; runs++ {
		ctx, cancel := context.WithCancel(context.Background())
		tr := &cancelAfter{cancel: cancel}
		tr.n.Store(int64(1 + r.IntN(12)))
		cl := crawl.NewClient(crawl.ClientConfig{Timeout: 5 * time.Second, Backoff: time.Millisecond, RateHeaders: RateHeaders,
			HTTPClient: &http.Client{Transport: tr}})
		p, err := New(cl, Config{API: srv.URL, PDS: srv.URL, HTTPClient: &http.Client{Transport: tr},
			Login: &Credentials{Identifier: blueskytest.DefaultIdentifier, Password: blueskytest.DefaultPassword}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = crawl.Run(ctx, s, p, cfg)
		cancel()
		if err == nil {
			break
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("run %d: %v", runs, err)
		}
	}
	if runs < 5 {
		t.Errorf("only %d interruptions", runs)
	}
	if got := storetest.Dump(t, s) + strings.Join(storedPosts(t, s), "\n"); got != want {
		t.Errorf("after %d interruptions the store differs from an uninterrupted crawl", runs)
	}
	t.Logf("%d interruptions, %d logins", runs, srv.Logins())
}

// A session lost mid-crawl (the refresh token revoked and the password
// changed) fails the tag list with an error that names the handle, and the
// error stored for `crawl status` holds no secret.
func TestTagCrawlSessionLost(t *testing.T) {
	c := blueskytest.NewChat(9, 20)
	srv := blueskytest.NewServer(t, c.World)
	srv.SetFaults(blueskytest.Faults{ShortPage: 3})
	e := newTagEnv(t, srv, Config{})
	if err := e.p.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.SetAuth(blueskytest.Auth{RevokeRefresh: true, Password: "changed-pass-word"})
	srv.ExpireTokens()
	dir := t.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(dir, "tag.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := crawl.Run(context.Background(), s, e.p, crawl.Config{Tags: []string{"cloutchat"}, Depth: 1, Engagement: true,
		Stats: &e.stats, Logf: e.logf})
	if err != nil {
		t.Fatal(err)
	}
	if sum.TasksFailed != 1 {
		t.Errorf("%d tasks failed, want the tag list", sum.TasksFailed)
	}
	sts, err := crawl.Status(context.Background(), s, Name)
	if err != nil {
		t.Fatal(err)
	}
	msg := fmt.Sprintf("%+v", sts)
	t.Logf("crawl status: %v", sts[0].Errors)
	if !strings.Contains(msg, blueskytest.DefaultIdentifier) || !strings.Contains(msg, "AuthenticationRequired") {
		t.Errorf("crawl status does not say the login failed: %s", msg)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkNoSecretFiles(t, srv, dir)
	checkNoSecret(t, srv, e.log.String(), msg)
}
