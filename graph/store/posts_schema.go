package store

// postsSchemaV3 keeps the posts accounts wrote, so that a topic (a hashtag)
// is a join: the posts that carry the tag, and the events on them. Table and
// column names are part of clout's documented interface.
//
//   - posts: one row per (platform, post_id), the post id as the platform
//     gives it (AT URI, ActivityPub uri, tweet id). author is accounts.id
//     (NULL when no source named the author); at is Unix seconds (NULL when
//     unknown); kind is original, reply, quote or repost; parent_id is the id
//     (on the same platform) of the post it replies to, quotes or reposts
//     (NULL for an original or when unknown); hashtags are the post's tags,
//     lower-cased, without '#', space-separated in the order the post gave
//     them (NULL when none); text_len is the text's length in characters
//     (runes); text is NULL unless the collection was run with --keep-text.
//     The same post seen twice is stored once: a later observation fills
//     what the stored row does not know (see mergePost in posts.go).
//   - post_tags: one row per (tag, post), post being posts.id, for "the
//     posts with tag X" through the primary key. It always holds exactly the
//     tags of posts.hashtags.
//   - posts_author covers (author, kind, at), so that posts per author in
//     a window is a scan of the index, not of the table.
//   - events_post: events by post_id, so that "the events on these posts"
//     is an index lookup.
const postsSchemaV3 = `
CREATE TABLE posts (
	id        INTEGER PRIMARY KEY,
	platform  TEXT    NOT NULL,
	post_id   TEXT    NOT NULL,
	author    INTEGER,
	at        INTEGER,
	kind      TEXT    NOT NULL DEFAULT 'original' CHECK (kind IN ('original','reply','quote','repost')),
	parent_id TEXT,
	hashtags  TEXT,
	text_len  INTEGER NOT NULL DEFAULT 0,
	text      TEXT
);
CREATE UNIQUE INDEX posts_key ON posts (platform, post_id);
CREATE INDEX posts_author ON posts (author, kind, at);
CREATE INDEX posts_at ON posts (at);
CREATE INDEX posts_parent ON posts (platform, parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE post_tags (
	tag  TEXT    NOT NULL,
	post INTEGER NOT NULL,
	PRIMARY KEY (tag, post)
) WITHOUT ROWID;

CREATE INDEX events_post ON events (post_id);

CREATE VIEW post_rows AS
	SELECT p.platform AS platform, p.post_id AS post_id, a.key AS author, a.handle AS author_handle,
	       p.at AS at, datetime(p.at, 'unixepoch') AS at_utc, p.kind AS kind, p.parent_id AS parent_id,
	       p.hashtags AS hashtags, p.text_len AS text_len, p.text AS text
	FROM posts p LEFT JOIN accounts a ON a.id = p.author;
`
