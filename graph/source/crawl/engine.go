package crawl

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/clout-cli/clout/graph"
)

// Defaults for Config fields left zero, and the command line's defaults.
const (
	DefaultDepth       = 1
	DefaultPosts       = 100 // the command line's --posts; Config.Posts 0 reads no posts
	DefaultConcurrency = 2
	// MaxEmptyPages is how many pages in a row with nothing on them (but a
	// next cursor) end a list: some APIs page through filtered-out items
	// forever.
	MaxEmptyPages = 5
)

// Config says what Run crawls.
type Config struct {
	// Seeds as the user typed them; each is resolved once and remembered.
	Seeds []string
	// Depth: accounts at depth < Depth have their lists walked; seeds are at
	// depth 0, accounts found by a depth-d account's lists at d+1. Default 1.
	Depth int
	// Follows walks whom each account follows, besides its followers.
	Follows bool
	// Posts is how many of each account's most recent posts to read; 0
	// reads none. The command line's default is DefaultPosts.
	Posts int
	// Engagement walks, for each post read, the accounts that reposted,
	// quoted, liked or replied to it (those the platform's Capabilities
	// allow).
	Engagement bool
	// Tags, lower-cased and without '#' (see NormalizeTag), are crawled
	// as TagPosts lists, one per tag and instance: the posts carrying the
	// tag, their authors, and (with Engagement) each post's engagement
	// lists, so that the participants of a conversation come in without
	// being known. The tag lists are at depth 0 and the accounts they find
	// at depth 1, so Depth 1 collects the conversation only, and Depth 2
	// also walks each participant's lists as an account crawl would.
	Tags []string
	// Instances are where each tag is asked (Mastodon: one list per
	// instance and tag, Task.Owner); empty: one list per tag, Owner "".
	Instances []string
	// Since and Until bound the tag lists in time (zero: unbounded); see
	// Task.Since.
	Since, Until time.Time
	// MaxPosts stops the tag lists once they stored that many posts, over
	// all of this run's tags and instances, in this run and the earlier
	// runs of the same lists (0: no cap). A list cut short by the cap
	// is done; lists not started when the cap is reached stay pending, and
	// a later run with a higher cap reads them. A run walks only its own
	// tag lists (these tags, instances and window): an unfinished tag list
	// of an earlier run waits for the same tag crawl to be run again.
	MaxPosts int
	// KeepText keeps the posts' text; without it Post.Text is cleared
	// before the post is written (TextLen is kept).
	KeepText bool
	// MaxAccounts stops queueing new accounts once the frontier holds that
	// many (seeds always count and are always queued); 0 means no cap.
	MaxAccounts int
	// Concurrency is how many lists are walked at once; default 2. The
	// client's per-host pacing is shared by all of them.
	Concurrency int
	// RetryFailed puts failed lists and profile lookups back in the queue,
	// resuming at the page that failed.
	RetryFailed bool
	// Progress, if not nil, is called at most five times a second, and once
	// at the end.
	Progress func(Progress)
	// Stats is the platform client's Stats, for request counts and waits.
	Stats *Stats
	// Logf, if not nil, receives one line per notable event (a failed list,
	// a repeated cursor, a hidden list).
	Logf func(format string, args ...any)
}

// Progress is a snapshot of a running crawl.
type Progress struct {
	Frontier       int // accounts queued at any depth
	AccountsQueued int // accounts with a list still to walk
	AccountsDone   int // accounts whose lists are all walked (done or hidden)
	AccountsFailed int // accounts with no list left to walk and one failed
	TasksOpen      int // lists still to walk (in this run's configuration)
	Profiles       int // profile lookups pending
	Pages          int64
	PostsStored    int64         // post records written in this run
	Requests       int64         // in this run
	ReqPerSec      float64       // over the last ten seconds or so
	RateLimitWait  time.Duration // left of the current 429 wait, 0 if none
	ETA            time.Duration // 0 when not yet known
	Elapsed        time.Duration
}

// Summary is what Run did.
type Summary struct {
	Progress
	TasksDone, TasksFailed, TasksHidden int // all runs, in this run's configuration
	NewTasksFailed                      int // lists that failed in this run
}

// Run crawls p from cfg.Seeds breadth-first into st and returns when there
// is nothing left to do, when ctx is cancelled (returning ctx's error after
// committing every page whose fetch had completed), or on a store error.
// The caller tells the user how to resume: run the same command again.
//
// Resumption: every page's accounts, edges, newly found accounts (queued at
// the task owner's depth + 1, up to MaxAccounts), new tasks (engagement
// lists of each post read), profile lookups to do, and the list's new
// cursor and status are written in the same transaction. Pages are grouped
// into one transaction for up to 100 ms (or 500 pages) to keep SQLite's
// commit cost off the hot path; a crash (kill -9, power loss) loses at most
// that group, and the next Run reads those pages again. Run works on the
// platform's whole crawl state, so unfinished lists of earlier runs
// continue whatever seeds started them; seeds already resolved are not
// resolved or queued again, and finished lists are not read again.
//
// Order: runnable lists are taken by (depth, creation order), so with
// Concurrency 1 the crawl is a deterministic breadth-first walk, each list
// read to its end before the next, and an interrupted and resumed crawl
// stores exactly what an uninterrupted one stores (same accounts and
// attributes, follows and events; only first_seen/last_seen and row ids
// differ). With higher concurrency several lists, of the same depth or
// (near a level's end) of the next one, are read at once. The data stored
// is still the same as long as the platform's answers are, with one
// exception: with MaxAccounts, which accounts make the cap depends on the
// order pages commit in. An account first found deeper is moved up (and
// given its lists) when found at a shallower depth later.
//
// Lists end at an empty cursor, a repeated cursor (the one just used, or
// the one before it), MaxEmptyPages empty pages in a row, or (posts) when
// Posts posts were read; a hidden list is recorded as hidden. A page of
// posts that goes past the limit keeps only its first posts and drops the
// edges whose PostID is one of the posts beyond it.
//
// Profiles: every account the crawl stores (found, or named by an edge)
// whose page entry did not carry a reported follower count is looked up
// with p.Profiles in batches of p.ProfileBatch(); lookups are tracked in
// the state, so they resume too. MaxAccounts caps the frontier (the accounts
// whose lists are read), not the accounts stored and looked up.
//
// Failures: a list whose fetch fails (after the client's retries) is marked
// failed with its error and the crawl goes on; RetryFailed re-queues it at
// the page that failed. A failed profile batch is marked failed likewise.
// A seed that cannot be resolved is an error before anything is crawled.
func Run(ctx context.Context, st State, p Platform, cfg Config) (Summary, error) {
	if cfg.Depth <= 0 {
		cfg.Depth = DefaultDepth
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Posts < 0 {
		cfg.Posts = 0
	}
	e := newEngine(st, p, cfg)
	if err := e.load(ctx); err != nil {
		return e.summary(), err
	}
	stopProgress := e.startProgress()
	err := e.seed(ctx)
	if err == nil {
		err = e.plan(ctx)
	}
	if err == nil {
		err = e.work(ctx)
	}
	e.commitMu.Lock()
	if cerr := e.commitTx(); cerr != nil && (err == nil || errors.Is(err, ctx.Err())) {
		err = cerr
	}
	if e.tx != nil {
		e.tx.Rollback()
		e.tx = nil
	}
	e.commitMu.Unlock()
	stopProgress()
	return e.summary(), err
}

// engine is one Run.
type engine struct {
	st       State
	p        Platform
	cfg      Config
	platform string
	caps     Capabilities
	batch    int
	start    time.Time
	startRq  int64
	cancel   context.CancelFunc

	// commitMu serialises transactions and guards the in-memory mirror of
	// the state that decides what a commit writes.
	commitMu  sync.Mutex
	known     map[string]frontierPos
	nextSeq   int64
	profSeen  map[string]bool
	owners    map[string]*owner
	acc       [3]int // accounts queued, done, failed (see owner.class)
	persisted statsSnapshot
	tx        Tx    // the open group transaction, nil if none
	txErr     error // a transaction failed: nothing more is written
	capLogged bool
	txPages   int64
	txCommits int
	have      map[string]bool // account lists in the state at load, for plan
	tagItems  int             // posts this run's tag lists stored, all runs
	tagLists  map[string]bool // the stored subjects of this run's tag lists
	capHit    bool            // --max-posts reached (logged once)

	// mu guards the work queues and counters below.
	mu          sync.Mutex
	cond        *sync.Cond
	queue       taskQueue
	byID        map[int64]*task // every open task of this run's configuration
	profQueue   []string
	inflight    int
	fatal       error
	pages       int64
	postsStored int64
	finished    int // tasks finished in this run
	failed      int // tasks failed in this run
	done        [3]int
	samples     []rateSample
}

// owner counts an account's open and failed tasks.
type owner struct{ open, failed int }

// class is 0 queued (a task open), 1 done, 2 failed.
func (o *owner) class() int {
	switch {
	case o.open > 0:
		return 0
	case o.failed > 0:
		return 2
	}
	return 1
}

type statsSnapshot struct{ requests, retries, rateLimited, wait int64 }

func (e *engine) stats() statsSnapshot {
	s := e.cfg.Stats
	if s == nil {
		return statsSnapshot{}
	}
	return statsSnapshot{s.Requests.Load(), s.Retries.Load(), s.RateLimited.Load(), s.WaitNanos.Load()}
}

func newEngine(st State, p Platform, cfg Config) *engine {
	e := &engine{st: st, p: p, cfg: cfg, platform: p.Name(), caps: p.Capabilities(), batch: max(p.ProfileBatch(), 1),
		start: time.Now(), known: map[string]frontierPos{}, profSeen: map[string]bool{}, have: map[string]bool{}, owners: map[string]*owner{},
		byID: map[int64]*task{}, cancel: func() {}, tagLists: tagLists(cfg)}
	e.cond = sync.NewCond(&e.mu)
	e.startRq = e.stats().requests
	e.persisted = e.stats()
	return e
}

func (e *engine) logf(format string, args ...any) {
	if e.cfg.Logf != nil {
		e.cfg.Logf(format, args...)
	}
}

// enabled reports whether this run walks lists of endpoint ep.
func (e *engine) enabled(ep Endpoint) bool {
	if !e.caps[ep] {
		return false
	}
	switch ep {
	case Followers:
		return true
	case Follows:
		return e.cfg.Follows
	case Posts:
		return e.cfg.Posts > 0
	case RepostedBy, Quotes, Likes, Replies:
		return e.cfg.Engagement
	case TagPosts:
		return true
	}
	return false
}

// accountEndpoints are the lists walked for an account, in order.
var accountEndpoints = [...]Endpoint{Followers, Follows, Posts}

// engagementEndpoints are the lists walked for a post, in order.
var engagementEndpoints = [...]Endpoint{RepostedBy, Quotes, Likes, Replies}

// begin starts a transaction that a cancelled ctx does not abort: a page
// whose fetch completed is committed even on Ctrl-C.
func (e *engine) begin(ctx context.Context) (Tx, error) {
	s, err := e.st.CrawlBegin(context.WithoutCancel(ctx))
	if err != nil {
		return nil, fmt.Errorf("crawl %s: %w", e.platform, err)
	}
	tx, ok := s.(Tx)
	if !ok {
		return nil, fmt.Errorf("crawl %s: state transaction %T does not implement crawl.Tx", e.platform, s)
	}
	return tx, nil
}

// load reads the crawl state of the platform into memory.
func (e *engine) load(ctx context.Context) error {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	tx, err := e.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if e.cfg.RetryFailed {
		n, err := tx.CrawlRetryFailed(e.platform)
		if err != nil {
			return err
		}
		if n > 0 {
			e.logf("%s: retrying %d failed lists", e.platform, n)
		}
	}
	err = tx.CrawlFrontier(e.platform, func(key string, depth int, seq int64) error {
		e.known[key] = frontierPos{depth, seq}
		e.nextSeq = max(e.nextSeq, seq+1)
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.CrawlTasks(e.platform, func(id int64, endpoint, subject, owner string, depth int, status, cursor, prev string, items, empty, attempts int) error {
		t := &task{Task: makeTask(Endpoint(endpoint), subject, owner), id: id, depth: depth,
			status: status, cursor: cursor, prev: prev, items: items, emptyPages: empty, attempts: attempts, index: -1}
		e.addTask(t)
		if t.Endpoint == TagPosts && e.tagLists[subject] {
			e.tagItems += items
		}
		if t.Subject == t.Owner {
			e.have[string(t.Endpoint)+"\x00"+t.Subject] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.CrawlProfiles(e.platform, func(key, status string) error {
		e.profSeen[key] = true
		if status == profilePending {
			e.profQueue = append(e.profQueue, key)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// addTask records a task read from or just added to the state: open tasks
// of enabled endpoints are queued. Callers hold commitMu.
func (e *engine) addTask(t *task) {
	if !e.enabled(t.Endpoint) || (t.Endpoint == TagPosts && !e.tagLists[TagSubject(t.Subject, t.Owner, t.Since, t.Until)]) {
		return
	}
	open := t.open()
	e.mu.Lock()
	switch t.status {
	case statusPending, statusInProgress:
		if _, ok := e.byID[t.id]; !ok {
			e.byID[t.id] = t
			e.queue.push(t)
		}
	case statusDone:
		e.done[0]++
	case statusFailed:
		e.done[1]++
	case statusHidden:
		e.done[2]++
	}
	e.mu.Unlock()
	if t.Endpoint == TagPosts {
		return // its owner is an instance, not an account
	}
	e.ownerChange(t.Owner, func(o *owner) {
		switch {
		case open:
			o.open++
		case t.status == statusFailed:
			o.failed++
		}
	})
}

// ownerChange applies f to owner key's counts, keeping the account classes
// counted. Callers hold commitMu.
func (e *engine) ownerChange(key string, f func(*owner)) {
	o := e.owners[key]
	if o == nil {
		o = &owner{}
		e.owners[key] = o
	} else {
		e.acc[o.class()]--
	}
	f(o)
	e.acc[o.class()]++
}

// seed resolves the seeds not resolved in an earlier run and queues them at
// depth 0, one transaction per seed.
func (e *engine) seed(ctx context.Context) error {
	for _, s := range e.cfg.Seeds {
		if err := ctx.Err(); err != nil {
			return err
		}
		e.commitMu.Lock()
		tx, err := e.openTx(ctx)
		if err != nil {
			e.commitMu.Unlock()
			return err
		}
		key, err := tx.CrawlSeed(e.platform, s)
		e.commitMu.Unlock()
		if err != nil {
			return err
		}
		if key != "" {
			if err := e.queueSeed(ctx, s, graph.NewAccount(e.platform, key), false); err != nil {
				return err
			}
			continue
		}
		// Do not hold the write transaction open across the network.
		e.commitMu.Lock()
		err = e.commitTx()
		e.commitMu.Unlock()
		if err != nil {
			return err
		}
		a, err := e.p.Resolve(ctx, s)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("crawl %s: seed %q: %w", e.platform, s, err)
		}
		if a.Key == "" {
			return fmt.Errorf("crawl %s: seed %q resolved to an account without a key", e.platform, s)
		}
		a.Platform = e.platform
		if err := e.queueSeed(ctx, s, a, true); err != nil {
			return err
		}
	}
	return nil
}

// queueSeed puts seed's account a at depth 0 unless it is there already;
// resolved records the resolution and the account in the same transaction.
func (e *engine) queueSeed(ctx context.Context, seed string, a graph.Account, resolved bool) error {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	if pos, ok := e.known[a.Key]; ok && pos.depth == 0 && !resolved {
		return nil
	}
	c := e.newCommit()
	c.queue([]string{a.Key}, 0, true)
	c.accounts = []graph.Account{a}
	c.seen([]string{a.Key}, c.accounts)
	if resolved {
		c.extra = func(tx Tx) error { return tx.CrawlSetSeed(e.platform, seed, a.Key) }
	}
	return c.run(ctx)
}

// plan creates the lists of every queued account at depth < Depth that
// lacks them (after --depth, --follows or --posts grew, or after seeding).
func (e *engine) plan(ctx context.Context) error {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	type acct struct {
		key string
		frontierPos
	}
	have := e.have
	e.have = nil
	c := e.newCommit()
	// The tag lists first: they are the seeds of a tag crawl.
	if err := e.planTags(c); err != nil {
		return err
	}
	var todo []acct
	for k, pos := range e.known {
		if pos.depth < e.cfg.Depth {
			todo = append(todo, acct{k, pos})
		}
	}
	// The state knows finished tasks too; CrawlAddTask leaves them alone.
	slices.SortFunc(todo, func(a, b acct) int {
		if a.depth != b.depth {
			return a.depth - b.depth
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, a := range todo {
		for _, ep := range accountEndpoints {
			if e.enabled(ep) && !have[string(ep)+"\x00"+a.key] {
				c.tasks = append(c.tasks, newTask{ep, a.key, a.key, a.depth})
			}
		}
	}
	if len(c.tasks) == 0 {
		return nil
	}
	return c.run(ctx)
}

// work runs the workers until the queues are empty or ctx is cancelled.
func (e *engine) work(ctx context.Context) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	e.cancel = cancel
	stop := context.AfterFunc(runCtx, func() {
		e.mu.Lock()
		e.cond.Broadcast()
		e.mu.Unlock()
	})
	defer stop()
	var wg sync.WaitGroup
	for range e.cfg.Concurrency {
		wg.Go(func() { e.worker(runCtx) })
	}
	flushDone := make(chan struct{})
	quit := make(chan struct{})
	go func() {
		defer close(flushDone)
		tk := time.NewTicker(groupEvery)
		defer tk.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tk.C:
				e.commitMu.Lock()
				err := e.commitTx()
				e.commitMu.Unlock()
				if err != nil {
					e.mu.Lock()
					if e.fatal == nil {
						e.fatal = err
					}
					e.mu.Unlock()
					cancel()
					return
				}
			}
		}
	}()
	wg.Wait()
	close(quit)
	<-flushDone
	e.mu.Lock()
	fatal := e.fatal
	e.mu.Unlock()
	if fatal != nil {
		return fatal
	}
	return ctx.Err()
}

// job is one unit of work: a task to walk or a batch of profiles.
type job struct {
	t        *task
	profiles []string
}

func (e *engine) next(ctx context.Context) (job, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for {
		if ctx.Err() != nil || e.fatal != nil {
			return job{}, false
		}
		switch {
		case len(e.profQueue) >= e.batch || (len(e.profQueue) > 0 && e.queue.Len() == 0):
			n := min(len(e.profQueue), e.batch)
			j := job{profiles: slices.Clone(e.profQueue[:n])}
			e.profQueue = e.profQueue[n:]
			e.inflight++
			return j, true
		case e.queue.Len() > 0:
			e.inflight++
			return job{t: e.queue.pop()}, true
		case e.inflight == 0:
			e.cond.Broadcast()
			return job{}, false
		}
		e.cond.Wait()
	}
}

func (e *engine) worker(ctx context.Context) {
	for {
		j, ok := e.next(ctx)
		if !ok {
			return
		}
		var err error
		if j.t != nil {
			err = e.walk(ctx, j.t)
		} else {
			err = e.profiles(ctx, j.profiles)
		}
		e.mu.Lock()
		e.inflight--
		if err != nil && e.fatal == nil {
			e.fatal = err
			e.cancel()
		}
		e.cond.Broadcast()
		e.mu.Unlock()
	}
}

// walk reads t page by page to its end, committing each page.
func (e *engine) walk(ctx context.Context, t *task) error {
	for {
		if ctx.Err() != nil {
			return nil
		}
		if t.Endpoint == Posts && t.items >= e.cfg.Posts {
			return e.commitEnd(ctx, t, statusDone, "")
		}
		if t.Endpoint == TagPosts && e.tagCapReached() {
			return nil // stays open for a run with a higher --max-posts
		}
		pg, err := e.p.Fetch(ctx, t.Task, t.cursor)
		if err == nil && pg == nil {
			err = errors.New("platform returned no page")
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil // cancelled: the cursor stays where it was
			}
			return e.commitFailure(ctx, t, err)
		}
		if err := e.commitPage(ctx, t, pg, t.cursor); err != nil {
			return err
		}
		if !t.open() {
			return nil
		}
	}
}

// profiles looks up a batch of profiles and commits them.
func (e *engine) profiles(ctx context.Context, keys []string) error {
	as, err := e.p.Profiles(ctx, keys)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		e.logf("%s: profiles of %d accounts (%s, …) failed: %v", e.platform, len(keys), keys[0], err)
		e.commitMu.Lock()
		defer e.commitMu.Unlock()
		c := e.newCommit()
		c.profilesFailed = keys
		return c.run(ctx)
	}
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	c := e.newCommit()
	for _, a := range as {
		a.Platform = e.platform
		c.accounts = append(c.accounts, a)
	}
	c.profilesDone = keys
	return c.run(ctx)
}

// summary snapshots the counters.
func (e *engine) summary() Summary {
	s := Summary{Progress: e.progress()}
	e.commitMu.Lock()
	e.mu.Lock()
	s.TasksDone, s.TasksFailed, s.TasksHidden = e.done[0], e.done[1], e.done[2]
	s.NewTasksFailed = e.failed
	e.mu.Unlock()
	e.commitMu.Unlock()
	return s
}
