package crawl_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/clout-cli/clout/graph/store/storetest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/clout-cli/clout/graph/store"
)

// The store satisfies the engine's interfaces structurally.
var (
	_ crawl.State        = (*store.Store)(nil)
	_ crawl.Tx           = (*store.Tx)(nil)
	_ crawl.StatusReader = (*store.Store)(nil)
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// expected computes, independently of the engine, what a complete crawl of
// w stores: a breadth-first walk where an account's neighbours are its
// followers, its follows (with follows), and the engagers of its first posts
// posts (with engagement).
func expected(w *world, seeds []string, depth int, follows bool, posts int, engagement bool) (accounts map[string]bool, edges []string) {
	d := map[string]int{}
	var order []string
	for _, s := range seeds {
		if _, ok := d[s]; !ok {
			d[s] = 0
			order = append(order, s)
		}
	}
	accounts = map[string]bool{}
	add := func(x string, at int) {
		accounts[x] = true
		if _, ok := d[x]; !ok {
			d[x] = at
			order = append(order, x)
		}
	}
	for i := 0; i < len(order); i++ {
		x := order[i]
		accounts[x] = true
		if d[x] >= depth {
			continue
		}
		for _, f := range w.followers[x] {
			add(f, d[x]+1)
			edges = append(edges, "follow "+f+" "+x)
		}
		if follows {
			for _, f := range w.follows[x] {
				add(f, d[x]+1)
				edges = append(edges, "follow "+x+" "+f)
			}
		}
		ps := w.posts[x][:min(posts, len(w.posts[x]))]
		for _, p := range ps {
			for _, m := range w.mentions[p] {
				accounts[m] = true
				edges = append(edges, "mention "+x+" "+m+" "+p)
			}
			if !engagement {
				continue
			}
			for _, e := range []struct {
				kind  string
				by    []string
				reply bool
			}{{"like", w.likes[p], false}, {"repost", w.reposts[p], false}, {"reply", w.replies[p], true}, {"quote", w.quotes[p], true}} {
				for _, y := range e.by {
					add(y, d[x]+1)
					post := p
					if e.reply {
						post = y + "/re/" + p
					}
					edges = append(edges, e.kind+" "+y+" "+x+" "+post)
				}
			}
		}
	}
	slices.Sort(edges)
	edges = slices.Compact(edges)
	return accounts, edges
}

// stored lists the accounts and edges in s in expected's format.
func stored(t testing.TB, s *store.Store) (accounts map[string]bool, edges []string, unnamed int) {
	t.Helper()
	accounts = map[string]bool{}
	rows, err := s.DB().Query("SELECT key, coalesce(name, '') FROM accounts")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, n string
		rows.Scan(&k, &n)
		accounts[k] = true
		if n != "Name "+k {
			unnamed++
		}
	}
	rows.Close()
	rows, err = s.DB().Query("SELECT source, target FROM follow_edges")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a, b string
		rows.Scan(&a, &b)
		edges = append(edges, "follow "+a+" "+b)
	}
	rows.Close()
	rows, err = s.DB().Query("SELECT kind, source, target, post_id FROM event_edges")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, a, b, p string
		rows.Scan(&k, &a, &b, &p)
		edges = append(edges, k+" "+a+" "+b+" "+p)
	}
	rows.Close()
	slices.Sort(edges)
	return accounts, edges, unnamed
}

func TestRunMatchesBreadthFirst(t *testing.T) {
	w := newWorld(7, 80, 3, 4)
	for _, tc := range []struct {
		depth       int
		follows     bool
		posts       int
		engagement  bool
		concurrency int
	}{
		{1, false, 0, false, 1},
		{2, false, 0, false, 1},
		{2, true, 0, false, 1},
		{3, true, 0, false, 3},
		{1, false, 3, false, 1},
		{1, false, 3, true, 1},
		{2, true, 2, true, 1},
		{2, true, 2, true, 4},
		{3, false, 10, true, 2},
	} {
		name := fmt.Sprintf("depth%d_follows%v_posts%d_eng%v_c%d", tc.depth, tc.follows, tc.posts, tc.engagement, tc.concurrency)
		t.Run(name, func(t *testing.T) {
			s := openStore(t)
			f := newFake(w, 3)
			seeds := []string{"a0", "a1"}
			sum, err := crawl.Run(context.Background(), s, f, crawl.Config{Seeds: seeds, Depth: tc.depth, Follows: tc.follows,
				Posts: tc.posts, Engagement: tc.engagement, Concurrency: tc.concurrency})
			if err != nil {
				t.Fatal(err)
			}
			wantAcc, wantEdges := expected(w, seeds, tc.depth, tc.follows, tc.posts, tc.engagement)
			gotAcc, gotEdges, unnamed := stored(t, s)
			if !maps_equal(gotAcc, wantAcc) {
				t.Errorf("accounts: got %d, want %d", len(gotAcc), len(wantAcc))
			}
			if !slices.Equal(gotEdges, wantEdges) {
				t.Errorf("edges: got %d, want %d\n%s", len(gotEdges), len(wantEdges), diff(gotEdges, wantEdges))
			}
			if unnamed != 0 {
				t.Errorf("%d accounts without their profile", unnamed)
			}
			if sum.TasksOpen != 0 || sum.Profiles != 0 || sum.AccountsQueued != 0 {
				t.Errorf("summary left work: %+v", sum)
			}
		})
	}
}

func maps_equal(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func diff(got, want []string) string {
	var b strings.Builder
	g := map[string]bool{}
	for _, x := range got {
		g[x] = true
	}
	w := map[string]bool{}
	for _, x := range want {
		w[x] = true
		if !g[x] {
			fmt.Fprintf(&b, "missing %s\n", x)
		}
	}
	for _, x := range got {
		if !w[x] {
			fmt.Fprintf(&b, "extra %s\n", x)
		}
	}
	s := b.String()
	if len(s) > 2000 {
		s = s[:2000]
	}
	return s
}

func counts(t testing.TB, s *store.Store) map[string]int64 {
	t.Helper()
	m, err := s.CrawlCounts(context.Background(), "fake")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMaxAccounts(t *testing.T) {
	w := newWorld(3, 200, 5, 0)
	for _, c := range []int{1, 3} {
		s := openStore(t)
		f := newFake(w, 4)
		if _, err := crawl.Run(context.Background(), s, f, crawl.Config{Seeds: []string{"a5"}, Depth: 4, Follows: true,
			MaxAccounts: 17, Concurrency: c}); err != nil {
			t.Fatal(err)
		}
		m := counts(t, s)
		if m["frontier"] != 17 {
			t.Errorf("concurrency %d: frontier %d, want 17", c, m["frontier"])
		}
		if n := m["accounts.done"]; n > 17 || n == 0 {
			t.Errorf("concurrency %d: %d accounts walked", c, n)
		}
	}
}

func TestPostsLimitAndEngagementTasks(t *testing.T) {
	w := newWorld(5, 30, 2, 7)
	s := openStore(t)
	f := newFake(w, 2) // pages of 2 posts: the third page goes past 5
	if _, err := crawl.Run(context.Background(), s, f, crawl.Config{Seeds: []string{"a3"}, Depth: 1, Posts: 5,
		Engagement: true, Concurrency: 1}); err != nil {
		t.Fatal(err)
	}
	if n := f.fetches["posts a3"]; n != 3 {
		t.Errorf("posts pages read: %d, want 3", n)
	}
	for i, p := range w.posts["a3"] {
		n := f.fetches["likes "+p]
		if want := map[bool]int{true: 1, false: 0}[i < 5]; n != want {
			t.Errorf("likes of %s fetched %d times, want %d", p, n, want)
		}
	}
	var posts []string
	rows, _ := s.DB().Query("SELECT DISTINCT post_id FROM event_edges WHERE kind = 'mention'")
	for rows.Next() {
		var p string
		rows.Scan(&p)
		posts = append(posts, p)
	}
	rows.Close()
	for _, p := range posts {
		if !slices.Contains(w.posts["a3"][:5], p) {
			t.Errorf("mention from post %s beyond --posts 5", p)
		}
	}
	m := counts(t, s)
	if want := int64(1 + 1 + 5*4); m["tasks.done"] != want {
		t.Errorf("tasks done %d, want %d (followers, posts, 4 engagement lists × 5 posts)", m["tasks.done"], want)
	}
}

func TestRepeatedCursorAndEmptyPages(t *testing.T) {
	w := newWorld(9, 40, 20, 0)
	s := openStore(t)
	f := newFake(w, 2)
	f.repeat["followers a1"] = true
	f.empty["follows a1"] = true
	var logs []string
	if _, err := crawl.Run(context.Background(), s, f, crawl.Config{Seeds: []string{"a1"}, Follows: true, Concurrency: 1,
		Logf: func(format string, args ...any) { logs = append(logs, fmt.Sprintf(format, args...)) }}); err != nil {
		t.Fatal(err)
	}
	if n := f.fetches["followers a1"]; n != 2 {
		t.Errorf("followers fetched %d times, want 2 (stop at the repeated cursor)", n)
	}
	if n := f.fetches["follows a1"]; n != crawl.MaxEmptyPages {
		t.Errorf("follows fetched %d times, want %d", n, crawl.MaxEmptyPages)
	}
	if len(logs) != 2 || !strings.Contains(logs[0]+logs[1], "repeated cursor") || !strings.Contains(logs[0]+logs[1], "empty pages") {
		t.Errorf("logs: %q", logs)
	}
}

func TestFailedThenRetry(t *testing.T) {
	w := newWorld(11, 50, 3, 2)
	cfg := crawl.Config{Seeds: []string{"a0"}, Depth: 2, Posts: 2, Engagement: true, Follows: true, Concurrency: 1}
	clean := openStore(t)
	if _, err := crawl.Run(context.Background(), clean, newFake(w, 3), cfg); err != nil {
		t.Fatal(err)
	}

	s := openStore(t)
	f := newFake(w, 3)
	f.stats = &crawl.Stats{}
	cfg.Stats = f.stats
	boom := &crawl.HTTPError{URL: "fake://x", Status: 503, Msg: "unavailable", Temporary: true}
	f.failWith["followers a0"] = boom
	victim := w.followers["a0"]
	f.failOnce["follows a0"] = boom // fails on its first page
	sum, err := crawl.Run(context.Background(), s, f, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.NewTasksFailed != 2 {
		t.Errorf("failed tasks %d, want 2", sum.NewTasksFailed)
	}
	var failed []string
	if err := s.CrawlTaskList(context.Background(), "fake", "failed", 10, func(ep, subj, owner, lastErr string, at int64) error {
		failed = append(failed, ep+" "+subj+": "+lastErr)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(failed) != 2 || !strings.Contains(strings.Join(failed, "\n"), "HTTP 503") {
		t.Errorf("failed tasks: %q", failed)
	}
	st, err := crawl.Status(context.Background(), s, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].Failed != 1 || len(st[0].Errors) != 2 || !strings.HasPrefix(st[0].Errors[0], "follow") ||
		st[0].Requests != int64(f.calls) || st[0].Pages == 0 {
		t.Errorf("status %+v (calls %d)", st, f.calls)
	}
	_ = victim
	// Running again without RetryFailed does nothing new.
	before := storetest.Dump(t, s)
	if _, err := crawl.Run(context.Background(), s, f, cfg); err != nil {
		t.Fatal(err)
	}
	if storetest.Dump(t, s) != before {
		t.Error("a second run without --retry-failed changed the data")
	}
	delete(f.failWith, "followers a0")
	cfg.RetryFailed = true
	if _, err := crawl.Run(context.Background(), s, f, cfg); err != nil {
		t.Fatal(err)
	}
	if got, want := storetest.Dump(t, s), storetest.Dump(t, clean); got != want {
		t.Errorf("after --retry-failed the data differs from a clean crawl")
	}
	if m := counts(t, s); m["tasks.failed"] != 0 || m["accounts.failed"] != 0 {
		t.Errorf("still failed after retry: %v", m)
	}
}

func TestHiddenList(t *testing.T) {
	w := newWorld(13, 30, 3, 0)
	s := openStore(t)
	f := newFake(w, 3)
	f.hidden["followers a2"] = true
	if _, err := crawl.Run(context.Background(), s, f, crawl.Config{Seeds: []string{"a2"}, Follows: true}); err != nil {
		t.Fatal(err)
	}
	st, err := crawl.Status(context.Background(), s, "fake")
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || len(st[0].Hidden) != 1 || st[0].Hidden[0] != "followers of a2" || st[0].Tasks["hidden"] != 1 {
		t.Errorf("status: %+v", st)
	}
}

func TestUnknownSeed(t *testing.T) {
	s := openStore(t)
	_, err := crawl.Run(context.Background(), s, newFake(newWorld(1, 5, 1, 0), 3), crawl.Config{Seeds: []string{"nobody"}})
	if err == nil || !strings.Contains(err.Error(), `seed "nobody"`) || !crawl.IsNotFound(err) {
		t.Errorf("err = %v", err)
	}
}

func TestRerunDoesNothing(t *testing.T) {
	w := newWorld(17, 60, 3, 2)
	s := openStore(t)
	cfg := crawl.Config{Seeds: []string{"a0", "a1"}, Depth: 2, Posts: 2, Engagement: true}
	if _, err := crawl.Run(context.Background(), s, newFake(w, 3), cfg); err != nil {
		t.Fatal(err)
	}
	before, m := storetest.Dump(t, s), counts(t, s)
	f := newFake(w, 3)
	cfg.Seeds = []string{"a1", "a0", "a1"}
	if _, err := crawl.Run(context.Background(), s, f, cfg); err != nil {
		t.Fatal(err)
	}
	if f.calls != 0 {
		t.Errorf("re-run made %d calls", f.calls)
	}
	if storetest.Dump(t, s) != before {
		t.Error("re-run changed the data")
	}
	if m2 := counts(t, s); m2["frontier"] != m["frontier"] || m2["tasks.done"] != m["tasks.done"] {
		t.Errorf("re-run changed the state: %v → %v", m, m2)
	}
	// A deeper crawl continues from the state.
	cfg.Depth = 3
	if _, err := crawl.Run(context.Background(), s, f, cfg); err != nil {
		t.Fatal(err)
	}
	fresh := openStore(t)
	if _, err := crawl.Run(context.Background(), fresh, newFake(w, 3), cfg); err != nil {
		t.Fatal(err)
	}
	if storetest.Dump(t, s) != storetest.Dump(t, fresh) {
		t.Error("depth 2 then 3 differs from depth 3")
	}
}

// TestResumeEqualsUninterrupted cancels a crawl at page k (the fetch of the
// page either completing or not), resumes it (being interrupted again a
// few times), and compares the result with an uninterrupted crawl.
func TestResumeEqualsUninterrupted(t *testing.T) {
	t.Run("concurrency 1, max accounts", func(t *testing.T) {
		testResume(t, crawl.Config{Seeds: []string{"a0", "a7"}, Depth: 2, Follows: true, Posts: 2, Engagement: true,
			MaxAccounts: 30, Concurrency: 1}, 50)
	})
	// Without a cap, the order pages commit in does not matter.
	t.Run("concurrency 3", func(t *testing.T) {
		testResume(t, crawl.Config{Seeds: []string{"a0", "a7"}, Depth: 2, Follows: true, Posts: 2, Engagement: true,
			Concurrency: 3}, 20)
	})
}

func testResume(t *testing.T, cfg crawl.Config, runs int) {
	w := newWorld(21, 40, 2, 3)
	clean := openStore(t)
	f := newFake(w, 2)
	if _, err := crawl.Run(context.Background(), clean, f, cfg); err != nil {
		t.Fatal(err)
	}
	want := storetest.Dump(t, clean)
	total := f.calls
	t.Logf("uninterrupted crawl: %d calls", total)
	if testing.Short() {
		runs = 10
	}
	for i := range runs {
		k := 1 + (i*total)/runs + i%3
		s := openStore(t)
		interrupts := 0
		for attempt := 0; ; attempt++ {
			if attempt > 20 {
				t.Fatalf("k=%d: no end after 20 resumes", k)
			}
			ctx, cancel := context.WithCancel(context.Background())
			f := newFake(w, 2)
			f.cancel = cancel
			f.errAfter = (i+attempt)%2 == 1
			// Interrupt at page k of this run, and twice more later on.
			stopAt := k
			if attempt > 0 {
				stopAt = 1 + (k*7+attempt*13)%max(total/3, 1)
			}
			if attempt < 3 {
				f.hook = func(n int) bool { return n == stopAt }
			}
			_, err := crawl.Run(ctx, s, f, cfg)
			cancel()
			if err == nil {
				break
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("k=%d: %v", k, err)
			}
			interrupts++
		}
		if got := storetest.Dump(t, s); got != want {
			t.Fatalf("k=%d (%d interrupts): resumed crawl differs from uninterrupted:\n%s", k, interrupts,
				diff(strings.Split(got, "\n"), strings.Split(want, "\n")))
		}
	}
}

func TestProgress(t *testing.T) {
	w := newWorld(23, 40, 3, 1)
	s := openStore(t)
	f := newFake(w, 2)
	var ps []crawl.Progress
	f.hook = func(int) bool { time.Sleep(time.Millisecond); return false }
	if _, err := crawl.Run(context.Background(), s, f, crawl.Config{Seeds: []string{"a0"}, Depth: 2, Posts: 1, Engagement: true,
		Progress: func(p crawl.Progress) { ps = append(ps, p) }}); err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		t.Fatal("no progress")
	}
	last := ps[len(ps)-1]
	if last.TasksOpen != 0 || last.AccountsDone == 0 || last.Pages == 0 {
		t.Errorf("last progress: %+v", last)
	}
	if el := last.Elapsed; len(ps) > int(el/(150*time.Millisecond))+2 {
		t.Errorf("%d progress calls in %v", len(ps), el)
	}
}

// crashState fails the commit number failAt (rolling it back), as a power
// loss or kill -9 would lose the transaction in flight.
type crashState struct {
	*store.Store
	commits, failAt int
}

type crashTx struct {
	*store.Tx
	st *crashState
}

var errCrash = errors.New("simulated crash")

func (c *crashState) CrawlBegin(ctx context.Context) (graph.Sink, error) {
	tx, err := c.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &crashTx{tx, c}, nil
}

func (t *crashTx) Commit() error {
	t.st.commits++
	if t.st.commits == t.st.failAt {
		t.Tx.Rollback()
		return errCrash
	}
	return t.Tx.Commit()
}

// TestCrashResume: a crawl whose transaction is lost (kill -9, power loss)
// at commit k, then resumed, stores what an uninterrupted crawl stores.
func TestCrashResume(t *testing.T) {
	w := newWorld(29, 40, 2, 3)
	cfg := crawl.Config{Seeds: []string{"a3", "a9"}, Depth: 2, Follows: true, Posts: 2, Engagement: true, Concurrency: 1}
	clean := openStore(t)
	if _, err := crawl.Run(context.Background(), clean, newFake(w, 2), cfg); err != nil {
		t.Fatal(err)
	}
	want := storetest.Dump(t, clean)
	for k := 1; k <= 12; k++ {
		s := openStore(t)
		f := newFake(w, 2)
		// Slow the platform down so that the group commit runs several times.
		f.hook = func(int) bool { time.Sleep(2 * time.Millisecond); return false }
		_, err := crawl.Run(context.Background(), &crashState{Store: s, failAt: k}, f, cfg)
		if !errors.Is(err, errCrash) {
			if k < 3 {
				t.Fatalf("k=%d: no crash (%v)", k, err)
			}
			break // fewer commits than k
		}
		if _, err := crawl.Run(context.Background(), s, newFake(w, 2), cfg); err != nil {
			t.Fatal(err)
		}
		if got := storetest.Dump(t, s); got != want {
			t.Fatalf("crash at commit %d: resumed crawl differs:\n%s", k, diff(strings.Split(got, "\n"), strings.Split(want, "\n")))
		}
	}
}
