package store

// SchemaVersion is the schema this clout writes; PRAGMA user_version holds the
// version of a file. Older files are migrated in place, newer ones refused.
// A test checks that it equals len(migrations).
const SchemaVersion = 4

// migrations[i] takes a file from user_version i to i+1. Append only: a
// shipped migration is never edited.
var migrations = []string{
	schemaV1,
	crawlSchemaV2,
	postsSchemaV3,
	runsSchemaV4,
}

// schemaV1 is the core model. Table and column names are part of clout's
// interface (analysts open the file with sqlite3 or Datasette) and are
// documented in the README.
const schemaV1 = `
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE accounts (
	id              INTEGER PRIMARY KEY,
	platform        TEXT    NOT NULL,
	key             TEXT    NOT NULL,
	handle          TEXT,
	name            TEXT,
	followers_count INTEGER,
	following_count INTEGER,
	posts_count     INTEGER,
	first_seen      INTEGER NOT NULL,
	last_seen       INTEGER NOT NULL
);
-- Named indexes, not table constraints: a bulk import drops and rebuilds them
-- (see accountIndexes in tx.go).
CREATE UNIQUE INDEX accounts_key ON accounts (platform, key);
CREATE INDEX accounts_handle ON accounts (handle COLLATE NOCASE) WHERE handle IS NOT NULL;

CREATE TABLE follows (
	src        INTEGER NOT NULL,
	dst        INTEGER NOT NULL,
	first_seen INTEGER NOT NULL,
	PRIMARY KEY (src, dst)
) WITHOUT ROWID;

CREATE TABLE events (
	id       INTEGER PRIMARY KEY,
	kind     TEXT    NOT NULL CHECK (kind IN ('repost','quote','reply','mention','like')),
	src      INTEGER NOT NULL,
	dst      INTEGER NOT NULL,
	at       INTEGER,
	post_id  TEXT    NOT NULL DEFAULT '',
	hashtags TEXT,
	count    INTEGER NOT NULL DEFAULT 1 CHECK (count > 0)
);
CREATE UNIQUE INDEX events_identity ON events (src, dst, kind, post_id, coalesce(at, -1));
CREATE INDEX events_at ON events (at);

-- graph_cache holds derived snapshots for fast loading (see snapshot.go):
-- part i of snapshot name, valid while meta.follows_version equals version.
CREATE TABLE graph_cache (
	name    TEXT    NOT NULL,
	part    INTEGER NOT NULL,
	version INTEGER NOT NULL,
	edges   INTEGER NOT NULL,
	data    BLOB    NOT NULL,
	PRIMARY KEY (name, part)
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('follows_version', '0');
-- Any change to follows, by clout or by hand, makes snapshots stale. clout's
-- own bulk writes drop follows_inserted and bump the version once instead.
CREATE TRIGGER follows_inserted AFTER INSERT ON follows BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'follows_version';
END;
CREATE TRIGGER follows_updated AFTER UPDATE ON follows BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'follows_version';
END;
CREATE TRIGGER follows_deleted AFTER DELETE ON follows BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'follows_version';
END;

CREATE VIEW follow_edges AS
	SELECT s.platform AS platform, s.key AS source, s.handle AS source_handle,
	       d.key AS target, d.handle AS target_handle, f.first_seen AS first_seen
	FROM follows f JOIN accounts s ON s.id = f.src JOIN accounts d ON d.id = f.dst;

CREATE VIEW event_edges AS
	SELECT s.platform AS platform, e.kind AS kind, s.key AS source, s.handle AS source_handle,
	       d.key AS target, d.handle AS target_handle, e.at AS at,
	       datetime(e.at, 'unixepoch') AS at_utc, e.post_id AS post_id,
	       e.hashtags AS hashtags, e.count AS count
	FROM events e JOIN accounts s ON s.id = e.src JOIN accounts d ON d.id = e.dst;
`
