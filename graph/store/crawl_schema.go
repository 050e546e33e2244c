package store

// crawlSchemaV2 holds crawl state: what `clout crawl` needs to resume where it
// stopped and what `clout crawl status` reports. It lives in the same file as
// the data so that a page's data and the position after it commit together.
// Table and column names are part of clout's documented interface.
//
//   - crawl_seeds: each seed as the user typed it and the account key it
//     resolved to, so that a resumed crawl does not resolve it again.
//   - crawl_frontier: every account the crawl queued, with its BFS depth (0 for
//     seeds) and its discovery sequence number; accounts at depth < --depth
//     have tasks.
//   - crawl_tasks: one paged list to walk (an account's followers, follows or
//     posts; a post's reposts, quotes, likes or replies) with its position:
//     cursor (the cursor, next URL or token of the next page to read),
//     prev_cursor (the one before it, to catch a repeating cursor), status
//     (pending: not started; in_progress: some pages read; done; failed:
//     retries exhausted, last_error says why; hidden: the platform hides the
//     list), items read (posts, for the posts list), consecutive empty pages,
//     failed attempts.
//   - crawl_profiles: accounts whose profile (handle, name, reported counts)
//     the crawl must look up: pending, done (or gone), failed.
//   - crawl_counters: per platform, requests made, retries, 429 responses,
//     milliseconds spent waiting for rate limits, pages committed.
const crawlSchemaV2 = `
CREATE TABLE crawl_seeds (
	platform TEXT NOT NULL,
	seed     TEXT NOT NULL,
	key      TEXT NOT NULL,
	PRIMARY KEY (platform, seed)
) WITHOUT ROWID;

CREATE TABLE crawl_frontier (
	platform TEXT    NOT NULL,
	key      TEXT    NOT NULL,
	depth    INTEGER NOT NULL CHECK (depth >= 0),
	seq      INTEGER NOT NULL,
	PRIMARY KEY (platform, key)
) WITHOUT ROWID;

CREATE TABLE crawl_tasks (
	id          INTEGER PRIMARY KEY,
	platform    TEXT    NOT NULL,
	endpoint    TEXT    NOT NULL,
	subject     TEXT    NOT NULL,
	owner       TEXT    NOT NULL,
	depth       INTEGER NOT NULL CHECK (depth >= 0),
	status      TEXT    NOT NULL DEFAULT 'pending'
	            CHECK (status IN ('pending','in_progress','done','failed','hidden')),
	cursor      TEXT    NOT NULL DEFAULT '',
	prev_cursor TEXT    NOT NULL DEFAULT '',
	items       INTEGER NOT NULL DEFAULT 0,
	empty_pages INTEGER NOT NULL DEFAULT 0,
	attempts    INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT    NOT NULL DEFAULT '',
	updated_at  INTEGER NOT NULL,
	UNIQUE (platform, endpoint, subject)
);
CREATE INDEX crawl_tasks_owner ON crawl_tasks (platform, owner);
CREATE INDEX crawl_tasks_status ON crawl_tasks (platform, status);

CREATE TABLE crawl_profiles (
	id       INTEGER PRIMARY KEY,
	platform TEXT NOT NULL,
	key      TEXT NOT NULL,
	status   TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','done','failed')),
	UNIQUE (platform, key)
);

CREATE TABLE crawl_counters (
	platform     TEXT PRIMARY KEY,
	requests     INTEGER NOT NULL DEFAULT 0,
	retries      INTEGER NOT NULL DEFAULT 0,
	rate_limited INTEGER NOT NULL DEFAULT 0,
	wait_ms      INTEGER NOT NULL DEFAULT 0,
	pages        INTEGER NOT NULL DEFAULT 0,
	updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
`
