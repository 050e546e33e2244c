package jetstream

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/jetstream/jetstreamtest"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/graph/store/storetest"
)

var t0 = time.Date(2026, 3, 5, 18, 0, 0, 0, time.UTC)

const (
	alice = "did:plc:alice"
	bob   = "did:plc:bob"
	carol = "did:plc:carol"
	dave  = "did:plc:dave"
	erin  = "did:plc:erin"
)

// chat is a small conversation under #CiscoSMT with everything around it
// that must be dropped, and the faults a live stream has.
func chat() (*jetstreamtest.Builder, time.Time) {
	b := jetstreamtest.NewBuilder(t0)
	q1 := b.Post(alice, "q1", "Q1 what do you measure? #CiscoSMT", jetstreamtest.PostOpts{FacetTags: []string{"CiscoSMT"}, Mentions: []string{erin}})
	other := b.Post(erin, "o1", "unrelated #cats", jetstreamtest.PostOpts{})
	b.Raw("this is not JSON")
	a1 := b.Post(bob, "a1", "A1: reach, not followers", jetstreamtest.PostOpts{Reply: struct{ Root, Parent string }{q1, q1}})
	b.Like(carol, "l1", q1)
	b.Like(carol, "l2", other) // not kept
	b.Repost(dave, "r1", q1)
	b.Post(carol, "a1r", "agreed", jetstreamtest.PostOpts{Reply: struct{ Root, Parent string }{q1, a1}})
	b.Stray(alice, "app.bsky.graph.follow", "f1", map[string]any{"subject": bob, "createdAt": "2026-03-05T18:00:00Z"})
	b.Post(dave, "qt", "quoting Q1", jetstreamtest.PostOpts{Quote: q1})
	b.Post(erin, "qm", "with a picture", jetstreamtest.PostOpts{QuoteMedia: a1})
	b.Post(erin, "bad", "", jetstreamtest.PostOpts{ExtraFields: map[string]any{"text": 42}}) // unexpected shape
	b.Commit(bob, "create", "app.bsky.feed.like", "l3", map[string]any{"createdAt": "x"})    // no subject
	b.Identity(bob, "bob.example")
	b.Account(erin, true)
	b.Commit(carol, "delete", "app.bsky.feed.like", "l1", nil)
	b.Post(erin, "t2", "second question #ciscosmt, in the text only", jetstreamtest.PostOpts{RecordTags: []string{"Extra"}})
	b.Like(bob, "l4", "at://"+erin+"/app.bsky.feed.post/t2")
	b.Post(carol, "late", "after the end #ciscosmt", jetstreamtest.PostOpts{})
	end := time.UnixMicro(b.TimeUS) // the last post is at end, not kept
	return b, end
}

// dump renders a database: storetest.Dump and the posts.
func dump(t testing.TB, s *store.Store) string {
	t.Helper()
	posts := storetest.Query(t, s, `SELECT platform, post_id, coalesce(author, ''), coalesce(at, -1), kind,
		coalesce(parent_id, ''), coalesce(hashtags, ''), text_len, coalesce(text, '') FROM post_rows ORDER BY 1, 2`)
	return storetest.Dump(t, s) + strings.Join(posts, "\n") + "\n"
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "clout.db"), store.Options{Clock: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func testConfig(srv *jetstreamtest.Server, until time.Time) Config {
	return Config{Tags: []string{"#CiscoSMT"}, Endpoint: srv.URL, Until: until, UntilGrace: 30 * time.Second,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, CommitEvery: time.Hour}
}

func TestListenKeepsTheConversation(t *testing.T) {
	for _, compress := range []bool{false, true} {
		t.Run(fmt.Sprintf("compress=%v", compress), func(t *testing.T) {
			b, end := chat()
			srv := jetstreamtest.New(b.Msgs, Dictionary())
			defer srv.Close()
			s := openStore(t)
			cfg := testConfig(srv, end)
			cfg.Compress = compress
			cfg.KeepText = true
			st := &Stats{}
			cfg.Stats = st
			sum, err := Listen(context.Background(), s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			us := func(i int) int64 { return b.Msgs[i].TimeUS / 1e6 }
			_ = us
			at := t0.Unix() // every message is within the first second
			want := `bluesky did:plc:alice   -1 -1 -1
bluesky did:plc:bob   -1 -1 -1
bluesky did:plc:carol   -1 -1 -1
bluesky did:plc:dave   -1 -1 -1
bluesky did:plc:erin   -1 -1 -1
--
--
bluesky like did:plc:bob did:plc:erin at://did:plc:erin/app.bsky.feed.post/t2 AT  1
bluesky like did:plc:carol did:plc:alice at://did:plc:alice/app.bsky.feed.post/q1 AT  1
bluesky mention did:plc:alice did:plc:erin at://did:plc:alice/app.bsky.feed.post/q1 AT ciscosmt 1
bluesky quote did:plc:dave did:plc:alice at://did:plc:dave/app.bsky.feed.post/qt AT  1
bluesky quote did:plc:erin did:plc:bob at://did:plc:erin/app.bsky.feed.post/qm AT  1
bluesky reply did:plc:bob did:plc:alice at://did:plc:bob/app.bsky.feed.post/a1 AT  1
bluesky reply did:plc:carol did:plc:bob at://did:plc:carol/app.bsky.feed.post/a1r AT  1
bluesky repost did:plc:dave did:plc:alice at://did:plc:alice/app.bsky.feed.post/q1 -1  1
--
bluesky at://did:plc:alice/app.bsky.feed.post/q1 did:plc:alice AT original  ciscosmt 33 Q1 what do you measure? #CiscoSMT
bluesky at://did:plc:bob/app.bsky.feed.post/a1 did:plc:bob AT reply at://did:plc:alice/app.bsky.feed.post/q1  24 A1: reach, not followers
bluesky at://did:plc:carol/app.bsky.feed.post/a1r did:plc:carol AT reply at://did:plc:bob/app.bsky.feed.post/a1  6 agreed
bluesky at://did:plc:dave/app.bsky.feed.post/qt did:plc:dave AT quote at://did:plc:alice/app.bsky.feed.post/q1  10 quoting Q1
bluesky at://did:plc:dave/app.bsky.feed.repost/r1 did:plc:dave AT repost at://did:plc:alice/app.bsky.feed.post/q1  0 
bluesky at://did:plc:erin/app.bsky.feed.post/qm did:plc:erin AT quote at://did:plc:bob/app.bsky.feed.post/a1  14 with a picture
bluesky at://did:plc:erin/app.bsky.feed.post/t2 did:plc:erin AT original  extra ciscosmt 43 second question #ciscosmt, in the text only
`
			want = strings.ReplaceAll(want, "AT", fmt.Sprint(at))
			if got := dump(t, s); got != want {
				t.Errorf("database:\n%s\nwant:\n%s", got, want)
			}
			checks := []struct {
				name      string
				got, want int64
			}{
				{"seen", st.Seen.Load(), int64(len(b.Msgs) - 1)},
				{"posts", st.Posts.Load(), 7},
				{"edges", st.Edges.Load(), 8},
				{"not JSON", st.NotJSON.Load(), 1},
				{"unknown", st.Unknown.Load(), 1},
				{"bad record", st.BadRecord.Load(), 2},
				{"deletes", st.Deletes.Load(), 1},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
				}
			}
			if sum.Cursor != b.Msgs[len(b.Msgs)-2].TimeUS {
				t.Errorf("committed cursor %d, want the last message before --until, %d", sum.Cursor, b.Msgs[len(b.Msgs)-2].TimeUS)
			}
			if c, ok, _ := s.ListenCursor(context.Background(), CursorName(cfg.Tags)); !ok || c != sum.Cursor {
				t.Errorf("stored cursor %d %v, want %d", c, ok, sum.Cursor)
			}
		})
	}
}

func TestListenResumesFromTheCommittedCursor(t *testing.T) {
	b, end := chat()
	srv := jetstreamtest.New(b.Msgs, Dictionary())
	defer srv.Close()
	s := openStore(t)
	cfg := testConfig(srv, end)
	mid := time.UnixMicro(b.Msgs[8].TimeUS)
	cfg.Until = mid
	if _, err := Listen(context.Background(), s, cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Until = end
	sum, err := Listen(context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Resumed {
		t.Error("second run did not resume")
	}
	cursors := srv.Cursors()
	want := fmt.Sprint(b.Msgs[7].TimeUS - (5 * time.Second).Microseconds())
	if len(cursors) != 2 || cursors[0] != "" || cursors[1] != want {
		t.Errorf("cursors asked %q, want [\"\" %s]", cursors, want)
	}
	ref := openStore(t)
	if _, err := Listen(context.Background(), ref, testConfig(srv, end)); err != nil {
		t.Fatal(err)
	}
	if got, want := dump(t, s), dump(t, ref); got != want {
		t.Errorf("resumed capture:\n%s\nuninterrupted:\n%s", got, want)
	}
}

func TestListenSurvivesDroppedConnections(t *testing.T) {
	b, end := chat()
	ref := openStore(t)
	srv0 := jetstreamtest.New(b.Msgs, Dictionary())
	defer srv0.Close()
	if _, err := Listen(context.Background(), ref, testConfig(srv0, end)); err != nil {
		t.Fatal(err)
	}
	for _, compress := range []bool{false, true} {
		srv := jetstreamtest.New(b.Msgs, Dictionary())
		srv.Drops = []int{3, 1, 4, 2}
		s := openStore(t)
		cfg := testConfig(srv, end)
		cfg.Compress = compress
		cfg.Rewind = time.Microsecond // resume just before the last event read
		st := &Stats{}
		cfg.Stats = st
		if _, err := Listen(context.Background(), s, cfg); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		if got, want := dump(t, s), dump(t, ref); got != want {
			t.Errorf("compress=%v: with dropped connections:\n%s\nwithout:\n%s", compress, got, want)
		}
		if st.Reconnects.Load() != 4 || srv.Connections() != 5 {
			t.Errorf("compress=%v: %d reconnects, %d connections; want 4, 5", compress, st.Reconnects.Load(), srv.Connections())
		}
	}
}

func TestListenStopsOnARefusedSubscription(t *testing.T) {
	s := openStore(t)
	cfg := Config{Tags: []string{"x"}, Endpoint: "ws://127.0.0.1:1/subscribe", MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
		Until: time.Now().Add(-time.Hour), UntilGrace: 50 * time.Millisecond}
	// The wall clock is past --until: the capture ends after its grace
	// period even though the host never answers.
	if _, err := Listen(context.Background(), s, cfg); err != nil {
		t.Fatalf("listen past --until: %v", err)
	}
	if _, err := Listen(context.Background(), s, Config{Endpoint: "ws://x"}); err == nil {
		t.Error("no tags: no error")
	}
}

// errCrash is a simulated kill -9 during a commit: the batch is lost.
var errCrash = errors.New("simulated crash")

// crashStore fails the commit numbered failAt (1-based) of the listener.
type crashStore struct {
	*store.Store
	commits *atomic.Int64
	failAt  int64
	// crashed: the process is dead, every later transaction fails.
	crashed atomic.Bool
}

type crashTx struct {
	*store.Tx
	crash bool
}

func (c *crashTx) Commit() error {
	if c.crash {
		c.Tx.Rollback()
		return errCrash
	}
	return c.Tx.Commit()
}

func (c *crashStore) ListenBegin(ctx context.Context) (graph.Sink, error) {
	if c.crashed.Load() {
		return nil, errCrash
	}
	sink, err := c.Store.ListenBegin(ctx)
	if err != nil {
		return nil, err
	}
	n := c.commits.Add(1)
	crash := c.failAt > 0 && n == c.failAt
	if crash {
		c.crashed.Store(true)
	}
	return &crashTx{Tx: sink.(*store.Tx), crash: crash}, nil
}

// TestListenKeptSetBeyondMemory bounds the recent kept posts to one and
// commits after every message: decisions then come from the Bloom filter
// and the posts table, and must be the same.
func TestListenKeptSetBeyondMemory(t *testing.T) {
	b, end := chat()
	srv := jetstreamtest.New(b.Msgs, Dictionary())
	defer srv.Close()
	ref := openStore(t)
	if _, err := Listen(context.Background(), ref, testConfig(srv, end)); err != nil {
		t.Fatal(err)
	}
	s := openStore(t)
	cfg := testConfig(srv, end)
	cfg.RecentPosts, cfg.CommitEvents = 1, 1
	st := &Stats{}
	cfg.Stats = st
	if _, err := Listen(context.Background(), s, cfg); err != nil {
		t.Fatal(err)
	}
	if got, want := dump(t, s), dump(t, ref); got != want {
		t.Errorf("with one recent post in memory:\n%s\nwant:\n%s", got, want)
	}
	if st.Lookups.Load() == 0 {
		t.Error("the posts table was never asked")
	}
}

// TestListenReplacesASilentConnection: a connection that sends nothing for
// IdleTimeout is replaced, and the capture goes on from its cursor.
func TestListenReplacesASilentConnection(t *testing.T) {
	b, _ := chat()
	srv := jetstreamtest.New(b.Msgs[:5], Dictionary())
	defer srv.Close()
	s := openStore(t)
	cfg := testConfig(srv, time.Time{})
	cfg.IdleTimeout = 50 * time.Millisecond
	st := &Stats{}
	cfg.Stats = st
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	if _, err := Listen(ctx, s, cfg); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Listen = %v, want the context's end", err)
	}
	if st.Reconnects.Load() == 0 || srv.Connections() < 2 {
		t.Errorf("%d reconnects, %d connections: the silent connection was kept", st.Reconnects.Load(), srv.Connections())
	}
	if c := srv.Cursors(); len(c) < 2 || c[1] == "" {
		t.Errorf("cursors %q: the second connection did not resume", c)
	}
	if n := storetest.Query(t, s, "SELECT count(*) FROM posts"); len(n) != 1 || n[0] != "2" {
		t.Errorf("posts kept: %v, want 2 (what was read before Ctrl-C is committed)", n)
	}
}
