// Package jetstream captures a hashtag conversation live from Bluesky's
// Jetstream (protocols.md §7.1): a websocket subscription to /subscribe with
// wantedCollections app.bsky.feed.post, app.bsky.feed.repost and
// app.bsky.feed.like, the v1 JSON payload, time_us cursors, and optionally
// compress=true (one zstd frame per message with Jetstream's dictionary,
// embedded from github.com/bluesky-social/jetstream with its license).
//
// Jetstream cannot filter by content, so the listener reads every post,
// repost and like of the network and keeps (platform "bluesky", keys are
// DIDs, as the bluesky crawler stores them, so captures and crawls merge):
//
//	post carrying a wanted tag     the post; its own events:
//	  (#tag facets, record.tags,     reply    author → DID of reply.parent.uri
//	  #words of the text; any case)  quote    author → DID of the quoted post
//	                                          (embed app.bsky.embed.record /
//	                                          recordWithMedia)
//	                                 mention  author → each #mention facet DID
//	                                 PostID = the post's AT-URI, At = its time
//	post replying in the thread of   the same: kept as a post (kind reply or
//	  a kept post (reply.parent or     quote), so its own replies, quotes,
//	  reply.root kept) or quoting one  reposts and likes are kept too
//	repost of a kept post          repost reposter → author, PostID = the
//	                                 reposted post, At unknown (the crawler's
//	                                 recipe, so a repost seen by both is stored
//	                                 once); and the repost as a post of kind
//	                                 repost with its time
//	like of a kept post            like liker → author, PostID = the liked
//	                                 post, At = the like's time
//
// A record's time is its createdAt, or when Jetstream saw it (time_us) if
// createdAt is missing or later: both are the same every time the event is
// replayed, so an event read twice has one identity in the store. Deletes
// are counted, not applied; identity and account events are read past
// (handles come from the profiles read for the accounts kept).
//
// "Kept" means in the posts table, or kept since the last commit. The
// listener holds the recent kept posts in memory (two bounded generations)
// and a Bloom filter of all of them, and asks the database only for the
// filter's positives it does not hold: the memory stays bounded while every
// post kept since the capture began (or by an earlier crawl) keeps
// collecting its engagement.
//
// Durability: a batch (about a second of the stream) and the cursor it
// reached are committed in one transaction, the cursor in the meta table
// under CursorName(tags). A capture resumes from the committed cursor minus
// Config.Rewind (5 s), because Jetstream is at-least-once and may reorder
// around a reconnect; the store drops what is read twice. A connection that
// fails or stays silent is replaced with exponential backoff and jitter. A
// message that is not JSON, an unknown collection or kind, a record of an
// unexpected shape: counted in Stats and skipped.
package jetstream
