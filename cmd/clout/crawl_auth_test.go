package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/bluesky"
	"github.com/clout-cli/clout/graph/source/bluesky/blueskytest"
	"github.com/clout-cli/clout/graph/source/crawl"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestBlueskyCredentials(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("  file-pass-word-0000 \nsecond line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		env      map[string]string
		opts     BlueskyAuthOptions
		handle   string // "" = no credentials
		password string
		err      string // substring of the error, "" = none
	}{
		{name: "nothing"},
		{name: "environment", env: map[string]string{bskyHandleEnv: "@me.test", bskyPasswordEnv: " env-pass "}, handle: "me.test", password: "env-pass"},
		{name: "flag handle wins", env: map[string]string{bskyHandleEnv: "env.test", bskyPasswordEnv: "p"}, opts: BlueskyAuthOptions{Handle: "flag.test"}, handle: "flag.test", password: "p"},
		{name: "file wins", env: map[string]string{bskyHandleEnv: "me.test", bskyPasswordEnv: "env-pass"}, opts: BlueskyAuthOptions{PasswordFile: pwFile}, handle: "me.test", password: "file-pass-word-0000"},
		{name: "no password", env: map[string]string{bskyHandleEnv: "me.test"}, err: bskyPasswordEnv},
		{name: "no handle", env: map[string]string{bskyPasswordEnv: "env-pass"}, err: bskyHandleEnv},
		{name: "missing file", opts: BlueskyAuthOptions{PasswordFile: filepath.Join(dir, "nope")}, err: "nope"},
		{name: "empty file", opts: BlueskyAuthOptions{PasswordFile: empty, Handle: "me.test"}, err: "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := blueskyCredentials(envOf(tc.env), &tc.opts)
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want one naming %q", err, tc.err)
				}
				if strings.Contains(err.Error(), "env-pass") || strings.Contains(err.Error(), "file-pass") {
					t.Errorf("a password is in the error: %v", err)
				}
			case err != nil:
				t.Fatal(err)
			case tc.handle == "":
				if c != nil {
					t.Fatalf("credentials %v from nothing", c)
				}
			case c == nil || c.Identifier != tc.handle || string(c.Password) != tc.password:
				t.Fatalf("got %v, want %s", c, tc.handle)
			}
		})
	}
}

func authTestClient() *crawl.Client {
	return crawl.NewClient(crawl.ClientConfig{Timeout: 5 * time.Second, Backoff: time.Millisecond, RateHeaders: bluesky.RateHeaders})
}

// A tag crawl without a login says how to give one and what to use instead,
// without a request; an account crawl needs none.
func TestBlueskyTagNeedsLogin(t *testing.T) {
	srv := blueskytest.NewServer(t, blueskytest.NewWorld(1, 10))
	opts := &CrawlOptions{Getenv: envOf(nil), API: srv.URL, Timeout: time.Second}
	opts.BskyAuth.PDS = srv.URL
	_, err := newBlueskyPlatform(context.Background(), authTestClient(), opts, []string{"cloutchat"}, t.Logf)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"app password", bskyHandleEnv, bskyPasswordEnv, "--app-password-file", "clout listen bluesky --tag cloutchat"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	if exitCode(err) != 2 {
		t.Errorf("exit code %d, want 2", exitCode(err))
	}
	if srv.Requests() != 0 {
		t.Errorf("%d requests", srv.Requests())
	}
	if _, err := newBlueskyPlatform(context.Background(), authTestClient(), opts, nil, t.Logf); err != nil {
		t.Errorf("account crawl without a login: %v", err)
	}
}

// A wrong password fails before the crawl, naming the handle, not the
// password; a right one logs in once.
func TestBlueskyLogin(t *testing.T) {
	srv := blueskytest.NewServer(t, blueskytest.NewWorld(1, 10))
	const wrong = "wrong-pass-word-9999"
	opts := &CrawlOptions{API: srv.URL, Timeout: time.Second,
		Getenv: envOf(map[string]string{bskyHandleEnv: blueskytest.DefaultIdentifier, bskyPasswordEnv: wrong})}
	opts.BskyAuth.PDS = srv.URL
	_, err := newBlueskyPlatform(context.Background(), authTestClient(), opts, []string{"x"}, t.Logf)
	if err == nil || !strings.Contains(err.Error(), blueskytest.DefaultIdentifier) || !strings.Contains(err.Error(), "AuthenticationRequired") {
		t.Fatalf("wrong password: %v", err)
	}
	if strings.Contains(err.Error(), wrong) {
		t.Errorf("the password is in the error: %v", err)
	}
	opts.Getenv = envOf(map[string]string{bskyHandleEnv: blueskytest.DefaultIdentifier, bskyPasswordEnv: blueskytest.DefaultPassword})
	if _, err := newBlueskyPlatform(context.Background(), authTestClient(), opts, []string{"x"}, t.Logf); err != nil {
		t.Fatal(err)
	}
	if srv.Logins() != 1 {
		t.Errorf("%d logins", srv.Logins())
	}
}

// --help names the variables and flags, never their values.
func TestBlueskyHelpHasNoSecret(t *testing.T) {
	env := envOf(map[string]string{bskyHandleEnv: "me.test", bskyPasswordEnv: blueskytest.DefaultPassword})
	var out, errOut bytes.Buffer
	io := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	execute(context.Background(), []string{"crawl", "--help"}, io, env)
	help := out.String() + errOut.String()
	if strings.Contains(help, blueskytest.DefaultPassword) {
		t.Error("the app password is in --help")
	}
	for _, want := range []string{"--app-password-file", "--bsky-handle", bskyPasswordEnv} {
		if !strings.Contains(help, want) {
			t.Errorf("--help does not mention %s", want)
		}
	}
}

// The user's path: a Bluesky tag crawl with the app password in the
// environment stores the chat's posts; the password and the tokens are in
// no output and no database file; without a login the command says what to
// do; with a wrong password it stops before creating the database.
func TestCrawlBlueskyTag(t *testing.T) {
	c := blueskytest.NewChat(5, 30)
	srv := blueskytest.NewServer(t, c.World)
	srv.SetAuth(blueskytest.Auth{AccessUses: 3})
	srv.SetFaults(blueskytest.Faults{ShortPage: 4}) // several search pages, so the token expires mid-crawl
	dir := t.TempDir()
	db := filepath.Join(dir, "chat.db")
	env := envOf(map[string]string{bskyHandleEnv: blueskytest.DefaultIdentifier, bskyPasswordEnv: blueskytest.DefaultPassword})
	var out, errOut bytes.Buffer
	io := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	args := []string{"--db", db, "crawl", "bluesky", "--tag", "#CloutChat", "--api", srv.URL, "--pds", srv.URL, "--rate", "0",
		"--since", c.Start.Format(time.RFC3339), "--until", c.End.Format(time.RFC3339)}
	if code := execute(context.Background(), args, io, env); code != 0 {
		t.Fatalf("crawl exited %d: %s", code, errOut.String())
	}
	_, _, posts := c.ExpectedTag(c.Tag, c.Start, c.End)
	st, err := os.Stat(db)
	if err != nil || st.Size() == 0 {
		t.Fatalf("no database: %v", err)
	}
	execute(context.Background(), []string{"--db", db, "crawl", "status"}, io, env)
	execute(context.Background(), []string{"crawl", "--help"}, io, env)
	n := countRows(t, db, "SELECT count(*) FROM posts WHERE platform = 'bluesky'")
	if n != len(posts) {
		t.Errorf("%d posts stored, want %d", n, len(posts))
	}
	if srv.Logins() != 1 || srv.Refreshes() == 0 {
		t.Errorf("%d logins, %d refreshes", srv.Logins(), srv.Refreshes())
	}
	tagged := 0
	for _, p := range posts {
		if slices.Contains(p.Hashtags, "cloutchat") {
			tagged++
		}
	}
	topics, _, _ := cli(t, "", "--db", db, "topics")
	if rows := readCSV(t, topics); len(rows) == 0 || rows[0]["tag"] != "cloutchat" || rows[0]["posts"] != strconv.Itoa(tagged) {
		t.Errorf("topics: want cloutchat first with %d posts:\n%s", tagged, topics)
	}
	secrets := append(srv.Tokens(), blueskytest.DefaultPassword)
	files, _ := filepath.Glob(db + "*")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("a secret is in %s", f)
			}
		}
	}
	for _, s := range secrets {
		if strings.Contains(out.String()+errOut.String(), s) {
			t.Errorf("a secret is in the output:\n%s", errOut.String())
		}
	}

	// Without a login: exit 2 and the way out.
	_, e, code := cli(t, "", "--db", filepath.Join(dir, "none.db"), "crawl", "bluesky", "--tag", "cloutchat", "--api", srv.URL, "--pds", srv.URL)
	if code != 2 || !strings.Contains(e, "clout listen bluesky --tag cloutchat") || !strings.Contains(e, bskyPasswordEnv) {
		t.Errorf("no login: exit %d, %s", code, e)
	}
	// A wrong password: exit 1, naming the handle, no database created.
	bad := envOf(map[string]string{bskyHandleEnv: blueskytest.DefaultIdentifier, bskyPasswordEnv: "wrong-pass-word-1234"})
	out.Reset()
	errOut.Reset()
	badDB := filepath.Join(dir, "bad.db")
	code = execute(context.Background(), []string{"--db", badDB, "crawl", "bluesky", "--tag", "cloutchat", "--api", srv.URL, "--pds", srv.URL}, io, bad)
	if code != 1 || !strings.Contains(errOut.String(), blueskytest.DefaultIdentifier) || strings.Contains(errOut.String(), "wrong-pass-word-1234") {
		t.Errorf("wrong password: exit %d, %s", code, errOut.String())
	}
	if _, err := os.Stat(badDB); err == nil {
		t.Error("a database was created although the login failed")
	}
}
