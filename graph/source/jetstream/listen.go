package jetstream

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/clout-cli/clout/graph"
)

// Store is what the listener needs of clout's database; *store.Store
// implements it.
type Store interface {
	PostIndex
	// ListenCursor returns the cursor committed under name, ok false if
	// none was.
	ListenCursor(ctx context.Context, name string) (timeUS int64, ok bool, err error)
	// ListenBegin starts a write transaction; the sink it returns also
	// implements Tx (and graph.PostSink, to keep posts).
	ListenBegin(ctx context.Context) (graph.Sink, error)
}

// Tx is a write transaction of the listener: a batch of accounts, posts and
// events and the cursor they reach land together or not at all.
type Tx interface {
	graph.Sink
	SetListenCursor(name string, timeUS int64) error
	Commit() error
	Rollback() error
}

// Profiler reads account profiles (handle, name, reported counts) in
// batches; the bluesky crawler's Platform implements it (getProfiles, 25
// accounts a call, paced by the crawl client).
type Profiler interface {
	Profiles(ctx context.Context, keys []string) ([]graph.Account, error)
}

// Config configures Listen. Zero values take the defaults noted.
type Config struct {
	// Tags are the hashtags to keep (with or without '#', any case).
	Tags []string
	// Endpoint is the Jetstream /subscribe URL; default DefaultEndpoint.
	Endpoint string
	// Compress asks for zstd frames with Jetstream's dictionary.
	Compress bool
	// KeepText stores the posts' text (otherwise only its length).
	KeepText bool
	// Since is where a capture with no committed cursor starts (Jetstream
	// replays about a day); zero: the live tail.
	Since time.Time
	// Until ends the capture when the stream reaches it (an event stamped
	// at or after it), or when the wall clock passes it by UntilGrace
	// (a stream that stalls); zero: until ctx ends.
	Until      time.Time
	UntilGrace time.Duration // default 1 minute
	// Rewind is subtracted from a committed cursor on resume, because the
	// stream is only at-least-once and may reorder around a reconnect
	// (protocols.md §7.1); default 5 s. Events read twice are stored once.
	Rewind time.Duration
	// CommitEvery and CommitEvents bound a batch: it is committed, with the
	// cursor it reached, after this long or this many messages; defaults
	// 1 s and 50,000.
	CommitEvery  time.Duration
	CommitEvents int
	// RecentPosts and RecentAccounts bound the in-memory sets of recently
	// kept posts and accounts (two generations each); default 100,000.
	RecentPosts, RecentAccounts int
	// Profiles, when set, hydrates the profiles of accounts new to the
	// kept data, ProfileBatch (default 25) at a time.
	Profiles     Profiler
	ProfileBatch int
	// IdleTimeout replaces a connection silent this long; default 60 s.
	// MinBackoff and MaxBackoff bound reconnect delays; defaults 1 s, 2 min.
	IdleTimeout            time.Duration
	MinBackoff, MaxBackoff time.Duration
	UserAgent              string
	// Stats, when set, is filled while the listener runs (for progress).
	Stats *Stats
	// Logf receives reconnects and hydration failures.
	Logf func(format string, args ...any)
}

// CursorName is the meta key under which the cursor of a capture of tags is
// committed: one cursor per set of tags, so a capture of other tags starts
// afresh instead of replaying from an old position.
func CursorName(tags []string) string {
	t := slices.Clone(graph.NormalizeHashtags(tags))
	slices.Sort(t)
	return "listen:bluesky:" + strings.Join(t, ",")
}

// errUntil ends the subscription when the stream reaches Config.Until.
var errUntil = errors.New("until reached")

// Summary is what a capture did.
type Summary struct {
	// Resumed is true when the capture continued from a committed cursor;
	// Start is the cursor it subscribed from (0: live tail).
	Resumed bool
	Start   int64
	// Cursor is the last committed time_us.
	Cursor int64
}

// Listen captures the conversation of cfg.Tags from Jetstream into st until
// cfg.Until or until ctx ends. Every batch is committed with the cursor it
// reached; a capture stopped at any moment and started again with the same
// tags resumes from the committed cursor minus cfg.Rewind, so that nothing is
// missed, and what is read twice is stored once. When ctx ends, what was
// read is committed and ctx's error returned.
func Listen(ctx context.Context, st Store, cfg Config) (Summary, error) {
	cfg = withDefaults(cfg)
	tags := graph.NormalizeHashtags(cfg.Tags)
	var sum Summary
	if len(tags) == 0 {
		return sum, errors.New("jetstream: no hashtag to listen for")
	}
	name := CursorName(tags)
	cursor, ok, err := st.ListenCursor(ctx, name)
	if err != nil {
		return sum, err
	}
	switch {
	case ok:
		sum.Resumed, sum.Start = true, max(cursor-cfg.Rewind.Microseconds(), 1)
		cfg.Stats.Cursor.Store(cursor)
	case !cfg.Since.IsZero():
		sum.Start = cfg.Since.UnixMicro()
	}
	sum.Cursor = cursor
	kept := newKeptSet(cfg.RecentPosts, st, Platform)
	if err := kept.load(ctx); err != nil {
		return sum, err
	}
	p := &processor{tags: tags, kept: kept, keepText: cfg.KeepText, stats: cfg.Stats, known: newRecentSet(cfg.RecentAccounts)}
	var hyd *hydrator
	if cfg.Profiles != nil {
		hyd = startHydrator(ctx, st, cfg)
	}
	l := &listener{st: st, cfg: cfg, name: name, p: p, hyd: hyd, last: time.Now()}

	runCtx := ctx
	untilUS := int64(0)
	var lastMsg atomic.Int64 // wall clock of the last message, Unix ns
	lastMsg.Store(time.Now().UnixNano())
	if !cfg.Until.IsZero() {
		untilUS = cfg.Until.UnixMicro()
		p.untilUS = untilUS
		var stop context.CancelFunc
		runCtx, stop = context.WithCancel(ctx)
		defer stop()
		go watchUntil(runCtx, stop, cfg.Until, cfg.UntilGrace, &lastMsg)
	}
	resume := sum.Start
	ccfg := clientConfig{endpoint: cfg.Endpoint, collections: Collections(), compress: cfg.Compress, userAgent: cfg.UserAgent,
		idle: cfg.IdleTimeout, minBackoff: cfg.MinBackoff, maxBackoff: cfg.MaxBackoff, logf: cfg.Logf, stats: cfg.Stats}
	err = subscribe(runCtx, ccfg, func() int64 {
		// A reconnect resumes a little before the last event read.
		if c := max(p.b.cursor, l.committed); c > 0 {
			resume = max(c-cfg.Rewind.Microseconds(), 1)
		}
		return resume
	}, func(data []byte) error {
		lastMsg.Store(time.Now().UnixNano())
		if err := p.message(runCtx, data); err != nil {
			return err
		}
		if p.b.events >= cfg.CommitEvents || time.Since(l.last) >= cfg.CommitEvery {
			return l.commit(runCtx)
		}
		return nil
	})
	finished := errors.Is(err, errUntil) || (untilUS > 0 && ctx.Err() == nil && runCtx.Err() != nil)
	if finished || ctx.Err() != nil {
		// Keep what was read: the Ctrl-C of a capture is not a fault.
		if cerr := l.commit(context.WithoutCancel(ctx)); cerr != nil {
			err = errors.Join(err, cerr)
		} else if finished {
			err = nil
		}
	}
	if hyd != nil {
		// At the end of the capture the profiles still queued are read; on
		// Ctrl-C they are left for the next run (see Store's unprofiled
		// accounts).
		if n := hyd.pending(); err == nil && n > 0 && cfg.Logf != nil {
			cfg.Logf("reading the profiles of %d more accounts (Ctrl-C leaves them for the next run)", n)
		}
		hyd.close(ctx, err == nil)
	}
	sum.Cursor = l.committed
	if sum.Cursor == 0 {
		sum.Cursor = cursor
	}
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return sum, err
}

// watchUntil ends a capture whose stream went quiet past until: once the
// wall clock is grace past it and no message came for grace. A replay of an
// earlier hour (--since, --until in the past) ends on the stream's own time
// instead, however late it runs.
func watchUntil(ctx context.Context, stop context.CancelFunc, until time.Time, grace time.Duration, lastMsg *atomic.Int64) {
	t := time.NewTicker(min(grace/4, time.Second))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if now.After(until.Add(grace)) && now.Sub(time.Unix(0, lastMsg.Load())) > grace {
				stop()
				return
			}
		}
	}
}

func withDefaults(cfg Config) Config {
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	if cfg.UntilGrace <= 0 {
		cfg.UntilGrace = time.Minute
	}
	if cfg.Rewind <= 0 {
		cfg.Rewind = 5 * time.Second
	}
	if cfg.CommitEvery <= 0 {
		cfg.CommitEvery = time.Second
	}
	if cfg.CommitEvents <= 0 {
		cfg.CommitEvents = 50000
	}
	if cfg.RecentPosts <= 0 {
		cfg.RecentPosts = 100000
	}
	if cfg.RecentAccounts <= 0 {
		cfg.RecentAccounts = 100000
	}
	if cfg.ProfileBatch <= 0 {
		cfg.ProfileBatch = 25
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = time.Minute
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 2 * time.Minute
	}
	if cfg.Stats == nil {
		cfg.Stats = &Stats{}
	}
	return cfg
}

// listener commits the processor's batches.
type listener struct {
	st        Store
	cfg       Config
	name      string
	p         *processor
	hyd       *hydrator
	last      time.Time
	committed int64
}

// commit writes the batch and its cursor in one transaction.
func (l *listener) commit(ctx context.Context) error {
	b := &l.p.b
	l.last = time.Now()
	if b.events == 0 || b.cursor == 0 {
		return nil
	}
	sink, err := l.st.ListenBegin(ctx)
	if err != nil {
		return err
	}
	tx, ok := sink.(Tx)
	if !ok {
		return fmt.Errorf("jetstream: the store's transaction %T cannot hold a cursor", sink)
	}
	if err := l.write(tx, b); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	l.committed = b.cursor
	l.cfg.Stats.Cursor.Store(b.cursor)
	l.cfg.Stats.Lookups.Store(l.p.kept.lookups)
	b.reset()
	if l.hyd != nil && len(l.p.fresh) > 0 {
		l.hyd.add(l.p.fresh)
	}
	l.p.fresh = l.p.fresh[:0]
	return l.p.kept.committed(ctx)
}

func (l *listener) write(tx Tx, b *batch) error {
	if ps, ok := tx.(graph.PostSink); ok {
		for _, p := range b.posts {
			if err := ps.Post(p); err != nil {
				return err
			}
		}
	}
	for _, e := range b.edges {
		if err := tx.Edge(e); err != nil {
			return err
		}
	}
	return tx.SetListenCursor(l.name, b.cursor)
}
