package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/bluesky/blueskytest"
	"github.com/clout-cli/clout/graph/source/jetstream"
	"github.com/clout-cli/clout/graph/source/jetstream/jetstreamtest"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/graph/store/storetest"
)

// listenScript is a chat under #ChatHour among accounts of w, within the
// second after t0, and one message after it (the stream goes on).
func listenScript(w *blueskytest.World, t0 time.Time) *jetstreamtest.Builder {
	b := jetstreamtest.NewBuilder(t0)
	a, c, d := w.Accounts[0].DID, w.Accounts[1].DID, w.Accounts[2].DID
	q1 := b.Post(a, "q1", "Q1 who moves the chat? #ChatHour", jetstreamtest.PostOpts{FacetTags: []string{"ChatHour"}})
	b.Post(c, "o", "something else", jetstreamtest.PostOpts{})
	b.Raw("not json")
	b.Post(c, "a1", "A1 the ones who get replies", jetstreamtest.PostOpts{Reply: struct{ Root, Parent string }{q1, q1}})
	b.Like(d, "l1", q1)
	b.Repost(d, "r1", q1)
	b.Post(d, "qt", "this", jetstreamtest.PostOpts{Quote: q1, Mentions: []string{c}})
	b.TimeUS = t0.Add(2 * time.Second).UnixMicro()
	b.Account(a, true)
	return b
}

func TestListenCapturesAChat(t *testing.T) {
	w := blueskytest.NewWorld(3, 10)
	appview := blueskytest.NewServer(t, w)
	t0 := time.Date(2026, 3, 5, 18, 0, 0, 0, time.UTC)
	b := listenScript(w, t0)
	js := jetstreamtest.New(b.Msgs, jetstream.Dictionary())
	defer js.Close()
	db := filepath.Join(t.TempDir(), "chat.db")
	args := []string{"--db", db, "listen", "bluesky", "--tag", "#chathour", "--endpoint", js.URL,
		"--until", t0.Add(time.Second).Format(time.RFC3339), "--api", appview.URL, "--rate", "0", "--compress"}
	_, errOut, code := cli(t, "", args...)
	if code != 0 {
		t.Fatalf("listen exited %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "4 posts and 5 interaction events kept (4 posts and 5 events new to the database), 1 messages skipped") || !strings.Contains(errOut, "3 profiles read") {
		t.Errorf("summary: %s", errOut)
	}
	s, err := store.Open(context.Background(), db, store.Options{MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows := storetest.Query(t, s, "SELECT kind, source_handle, target_handle FROM event_edges ORDER BY 1, 2")
	want := []string{
		"like " + w.Accounts[2].Handle + " " + w.Accounts[0].Handle,
		"mention " + w.Accounts[2].Handle + " " + w.Accounts[1].Handle,
		"quote " + w.Accounts[2].Handle + " " + w.Accounts[0].Handle,
		"reply " + w.Accounts[1].Handle + " " + w.Accounts[0].Handle,
		"repost " + w.Accounts[2].Handle + " " + w.Accounts[0].Handle,
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	// A second run resumes (5 s before the cursor) and adds nothing.
	before := storetest.Dump(t, s)
	if _, errOut, code = cli(t, "", args...); code != 0 {
		t.Fatalf("second listen: %d %s", code, errOut)
	}
	if after := storetest.Dump(t, s); after != before {
		t.Errorf("resuming a finished capture changed the data:\n%s\n%s", before, after)
	}
	if c := js.Cursors(); len(c) != 2 || c[0] != "" || c[1] == "" {
		t.Errorf("cursors asked: %q", c)
	}
}

func TestListenCtrlCSaysHowToResume(t *testing.T) {
	w := blueskytest.NewWorld(3, 10)
	t0 := time.Date(2026, 3, 5, 18, 0, 0, 0, time.UTC)
	b := listenScript(w, t0)
	js := jetstreamtest.New(b.Msgs, jetstream.Dictionary())
	defer js.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var sent atomic.Int64
	js.OnSend = func(int) {
		if sent.Add(1) == int64(len(b.Msgs)) {
			// Ctrl-C once the client has had time to read it all.
			go func() { time.Sleep(300 * time.Millisecond); cancel() }()
		}
	}
	db := filepath.Join(t.TempDir(), "chat.db")
	var out, errOut bytes.Buffer
	io := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	code := execute(ctx, []string{"--db", db, "listen", "bluesky", "--tag", "chathour", "--endpoint", js.URL, "--profiles=false"}, io, func(string) string { return "" })
	if code != 130 {
		t.Fatalf("exit %d, want 130: %s", code, errOut.String())
	}
	msg := errOut.String()
	if !strings.Contains(msg, "listen interrupted") || !strings.Contains(msg, "Run the same command again to resume") || !strings.Contains(msg, "2026-03-05 18:00:02 UTC") ||
		!strings.Contains(msg, "4 posts and 5 interaction events kept") {
		t.Errorf("interrupt message: %s", msg)
	}
}

func TestListenUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"listen", "mastodon", "--tag", "x"},
		{"listen", "bluesky"},
		{"listen", "bluesky", "--tag", "x", "--for", "1h", "--until", "2026-01-01"},
		{"listen", "bluesky", "--tag", "x", "--until", "yesterday"},
		{"listen"},
	} {
		_, errOut, code := cli(t, "", append([]string{"--db", filepath.Join(t.TempDir(), "x.db")}, args...)...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2: %s", args, code, errOut)
		}
	}
}
