package crawl

import (
	"context"

	"github.com/clout-cli/clout/graph"
)

// State is where a crawl keeps its data and its progress. *store.Store
// implements it (graph/store/crawl.go); the methods use only plain and graph
// types because the store does not import this package.
type State interface {
	// CrawlBegin starts a write transaction. The graph.Sink it returns
	// must also implement Tx.
	CrawlBegin(ctx context.Context) (graph.Sink, error)
}

// Tx is one write transaction on a State: the page's accounts and edges
// (graph.Sink) and the crawl state change land together at Commit, or not at
// all.
type Tx interface {
	graph.Sink
	Commit() error
	Rollback() error

	// CrawlSeed returns the key seed resolved to in an earlier run, "" if none.
	CrawlSeed(platform, seed string) (string, error)
	// CrawlSetSeed records that seed resolved to key.
	CrawlSetSeed(platform, seed, key string) error
	// CrawlFrontier calls fn for every queued account, in sequence order.
	CrawlFrontier(platform string, fn func(key string, depth int, seq int64) error) error
	// CrawlQueue queues keys at depth with sequence numbers seq, seq+1, …;
	// a key already queued deeper moves up to depth.
	CrawlQueue(platform string, depth int, keys []string, seq int64) error
	// CrawlTasks calls fn for every task, in id order.
	CrawlTasks(platform string, fn func(id int64, endpoint, subject, owner string, depth int, status, cursor, prevCursor string, items, emptyPages, attempts int) error) error
	// CrawlAddTask adds a task unless (platform, endpoint, subject) exists
	// (an existing one moves up to depth), returning its id and status.
	CrawlAddTask(platform, endpoint, subject, owner string, depth int) (id int64, status string, err error)
	// CrawlSetTask records a task's position and status.
	CrawlSetTask(id int64, status, cursor, prevCursor string, items, emptyPages, attempts int, lastError string) error
	// CrawlRetryFailed re-queues failed tasks and profile lookups.
	CrawlRetryFailed(platform string) (int64, error)
	// CrawlProfiles calls fn for every tracked profile lookup, in order added.
	CrawlProfiles(platform string, fn func(key, status string) error) error
	// CrawlSetProfiles sets the profile lookup status of keys, adding them.
	CrawlSetProfiles(platform, status string, keys []string) error
	// CrawlCount adds to the platform's request counters.
	CrawlCount(platform string, requests, retries, rateLimited, waitNanos, pages int64) error
}

// StatusReader reads crawl state for `clout crawl status`. *store.Store
// implements it.
type StatusReader interface {
	// CrawlPlatforms lists the platforms with crawl state.
	CrawlPlatforms(ctx context.Context) ([]string, error)
	// CrawlCounts returns named counters; see store.Store.CrawlCounts.
	CrawlCounts(ctx context.Context, platform string) (map[string]int64, error)
	// CrawlTaskList calls fn for up to limit tasks with status, newest first.
	CrawlTaskList(ctx context.Context, platform, status string, limit int, fn func(endpoint, subject, owner, lastError string, updatedAt int64) error) error
}

// Task statuses, as stored in crawl_tasks.status.
const (
	statusPending    = "pending"
	statusInProgress = "in_progress"
	statusDone       = "done"
	statusFailed     = "failed"
	statusHidden     = "hidden"
)

// Profile lookup statuses, as stored in crawl_profiles.status.
const (
	profilePending = "pending"
	profileDone    = "done"
	profileFailed  = "failed"
)
